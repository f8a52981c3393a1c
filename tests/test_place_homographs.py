"""Place names that are also words (issue 23, point 6): the list of gazetteer names that are
common Korean words is generated from the gazetteer and a word list, and such a name — or a
name that meant another place before 1948 (경성, Seoul under Japanese rule) — is proposed only
with a sign of the place. Fictional sentences; the lexicon is the shipped gazetteer's, built in
memory (no archive needed)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from sillok.archive.seed import gazetteer_records
from sillok.extract.homographs import LISTED_KINDS, homographs, main, read_words, shipped
from sillok.extract.lexicon import Entry, Lexicon
from sillok.extract.suggest import suggest


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    entries = [Entry("place", (("code", p["code"]),), alias)
               for p in gazetteer_records()
               for alias in [p["en"], p["ko"], *(n["name"] for n in p["names"])]]
    return Lexicon([e for e in entries if len(e.alias) >= 2])


def _places(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    return [(f.text, f.value["code"]) for f in suggest(text, lexicon) if f.kind == "place"]


def test_the_list_is_made_from_a_word_list_not_by_hand(tmp_path: Path) -> None:
    # Hunspell's format (a count, then word/FLAGS; hunspell-ko stores Hangul decomposed)
    dic = tmp_path / "ko.dic"
    words = ["사과/25", "삼수/25", "평양/10", "회의", "강원도/10"]
    dic.write_text("5\n" + "\n".join(unicodedata.normalize("NFD", w) for w in words),
                   encoding="utf-8")
    assert read_words(dic) == {"사과", "삼수", "평양", "회의", "강원도"}
    places = [{"kind": "county", "ko": "삼수", "names": [{"name": "삼수군"}]},
              {"kind": "county", "ko": "길주", "names": []},
              {"kind": "special_city", "ko": "평양", "names": []},  # a top level: the place
              {"kind": "province", "ko": "강원도", "names": []}]
    assert homographs(places, read_words(dic)) == ["삼수"]


def test_the_shipped_list_names_only_gazetteer_places_of_listed_kinds() -> None:
    names = {alias for p in gazetteer_records() if p["kind"] in LISTED_KINDS
             for alias in [p["ko"], *(n["name"] for n in p["names"])]}
    assert shipped() and shipped() <= names
    assert {"통화", "삼수", "연사"} <= shipped() and not {"청진", "평양", "북한"} & shipped()


def test_the_generator_prints_the_shipped_format(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    dic = tmp_path / "words.txt"
    dic.write_text("삼수\n사과\n", encoding="utf-8")
    assert main([str(dic)]) == 0
    out = capsys.readouterr().out
    assert "GENERATED" in out and "names:\n  - 삼수\n" in out


@pytest.mark.parametrize(("text", "places"), [
    # Kiwi takes 삼수 for the county whatever the sentence; the word list says it is a word too
    ("[가상] 삼수 끝에 합격한 조카가 찾아왔다.", []),
    ("[가상] 누나는 양강도 삼수에서 자랐다.", [("양강도", "kp-10"), ("삼수", "kp-10-samsu")]),
    ("[가상] 삼수군 출신의 여성이 증언했다.", [("삼수군", "kp-10-samsu")]),
    ("[가상] 그는 삼수에서 강을 건넜다.", [("삼수", "kp-10-samsu")]),
    # people of a place after 의 are a sign of it
    ("[가상] 무산의 한 주민이 소식을 전했다.", [("무산", "kp-09-musan")]),
    ("[가상] 회의의 연사가 늦게 도착했다.", []),
])
def test_a_name_on_the_word_list_needs_a_sign_of_a_place(
        text: str, places: list[tuple[str, str]], lexicon: Lexicon) -> None:
    assert _places(text, lexicon) == places


@pytest.mark.parametrize(("text", "places"), [
    ("[가상] 1920년대 경성에는 전차가 다녔다.", []),  # Seoul under Japanese rule
    ("[가상] 일제 강점기 경성의 극장 이야기를 들었다.", []),
    ("[가상] 함경북도 경성에서 1941년에 태어났다.",
     [("함경북도", "kp-09"), ("경성", "kp-09-kyongsong")]),
    ("[가상] 그는 2015년 경성군 보안서에 갇혔다.", [("경성군", "kp-09-kyongsong")]),
    ("[Fictional] Photographs of Gyeongseong in the 1920s were shown.", []),
    ("[Fictional] In 2019 she was held in Kyongsong for a month.",
     [("Kyongsong", "kp-09-kyongsong")]),
    ("[Fictional] Joseon kings ruled from Hanyang in 1600.", []),
])
def test_a_name_that_meant_another_place_before_1948(
        text: str, places: list[tuple[str, str]], lexicon: Lexicon) -> None:
    assert _places(text, lexicon) == places


@pytest.mark.parametrize(("text", "places"), [
    # the word of moving must be the clause's own: 북송 belongs to another verb here
    ("[가상] 토론회 연사로 나선 사람은 북송 문제를 길게 말했다.", []),
    # the name's own verb is one of going, coming, being born or staying
    ("[가상] 그들은 통화에서 심양으로 가는 버스를 탔다.",
     [("통화", "cn-tonghua"), ("심양", "cn-shenyang")]),
    ("[가상] 그녀는 무산에서 나고 자랐다.", [("무산", "kp-09-musan")]),
    ("[가상] 큰딸은 안도에 팔려 갔다고 들었다.", [("안도", "cn-antu")]),
])
def test_a_particle_of_place_counts_with_its_own_verb(
        text: str, places: list[tuple[str, str]], lexicon: Lexicon) -> None:
    assert _places(text, lexicon) == places
