"""The analyzer's names: pieces Kiwi splits are joined, place suffixes and North Korean
spellings meet their romanizations, and surnames that are English words stay names.
Fictional names and texts."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.language.analyzer import analyse, word_terms
from sillok.search.service import search
from tests.conftest import ANON, make_source


def _in_order(terms: list[str], seq: tuple[str, ...]) -> bool:
    return any(tuple(terms[i:i + len(seq)]) == seq for i in range(len(terms)))


@pytest.mark.parametrize(("text", "romanized"), [
    ("[가상] 전혜진 씨의 어머니", "Jon Hye-jin"),  # Kiwi: 전/MM + 혜진/NNP
    ("[가상] 송하윤 씨가 말했다", "Song Ha-yun"),  # 송/NNP + 하/NNG + 윤/NNG
    ("[가상] 최선미 씨는 체포되었다", "Choe Son-mi"),  # 최/NNP + 선미/NNG
    ("[가상] 라선특별시의 기업소", "Rason"),  # one out-of-vocabulary noun
    # In a long sentence Kiwi reads 조영숙 as two common nouns (조영 + 숙); the 씨 after it
    # says it is a name.
    ("[가상] 탈북한 국군포로의 자녀 조영숙 씨(가명)는 아버지가 아오지 탄광에서", "Cho Yong-suk"),
])
def test_split_and_unknown_names_get_one_key_sequence(text: str, romanized: str) -> None:
    keys = tuple(k for w in romanized.split() for k in word_terms(w).name_syllables)
    assert _in_order(analyse(text), keys), (text, keys)


def test_latin_name_runs_are_contiguous_and_broken_between_runs() -> None:
    terms = analyse("The Rodong Sinmun, Kim said, and Jong left.")
    assert _in_order(terms, word_terms("노동신문").name_syllables)
    assert not _in_order(terms, ("nkkim", "nkjong"))


@pytest.mark.parametrize(("everyday", "standard"), [
    ("Woo-young", "우영"), ("Young-sam", "영삼"), ("Wook", "욱"), ("Youn", "윤"),
])
def test_everyday_spellings_of_given_names(everyday: str, standard: str) -> None:
    """Woo is 우 and Young is 영, as South Koreans spell their names in English."""
    assert word_terms(everyday).name_syllables == word_terms(standard).name_syllables


def test_a_common_noun_before_a_title_word_is_not_made_a_name_without_one() -> None:
    # 군 after a word is not always a title: without a title word, common nouns stay nouns.
    assert not _in_order(analyse("[가상] 자녀 조영 숙소에 갔다"), ("nkjo", "nkyong", "nksok"))


def test_function_words_and_lower_case_words() -> None:
    assert word_terms("how").stop and word_terms("어디에서").stop
    assert not word_terms("탈북민들이").stop
    assert word_terms("child", latin_name=False).name_syllables == ()
    assert word_terms("자강도").name_syllables == word_terms("Chagang").name_syllables


@pytest.mark.parametrize(("query", "text"), [
    ("자강도", "[Fictional] Food prices rose in Chagang Province."),
    ("Sinuiju", "[가상] 평안북도 신의주시에서 물난리가 났다."),
    ("An Jae-min", "[가상] 안재민 군은 규찰대에 단속되었다."),
    ("So Kwang-il mine", "[가상] 서광일 씨는 탄광에서 일했다."),
    ("Ryanggang", "[가상] 량강도 혜산시의 장마당"),
    ("이명순", "[Fictional] Ri Myong-sun sold memory cards."),
])
def test_cross_script_names_are_found(archive: Archive, query: str, text: str) -> None:
    other = make_source(archive, language="en", title="Fictional",
                        text="[Fictional] An unrelated report on mines and prices.")
    wanted = make_source(archive, language="en" if text.startswith("[F") else "ko",
                         title="Fictional", text=text)
    items = search(archive, ANON, f"type:sources {query}", match_all=False).items
    assert items and items[0]["id"] == wanted, (query, items)
    assert other not in [i["id"] for i in items[:1]]
