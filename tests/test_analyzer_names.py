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
])
def test_split_and_unknown_names_get_one_key_sequence(text: str, romanized: str) -> None:
    keys = tuple(k for w in romanized.split() for k in word_terms(w).name_syllables)
    assert _in_order(analyse(text), keys), (text, keys)


def test_latin_name_runs_are_contiguous_and_broken_between_runs() -> None:
    terms = analyse("The Rodong Sinmun, Kim said, and Jong left.")
    assert _in_order(terms, word_terms("노동신문").name_syllables)
    assert not _in_order(terms, ("nkkim", "nkjong"))


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
