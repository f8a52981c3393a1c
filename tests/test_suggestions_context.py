"""Suggestions a coder can trust (issue 23, point 6): person names in Korean prose by Kiwi's
proper nouns and the shape of a name, places only as whole gazetteer names in context (not the
start of a verb or a compound), 조선 of the Joseon era not taken for North Korea, a confidence
on each. Fictional sentences; the lexicon is the archive's gazetteer on both backends."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.extract.context import joseon_era, place_confidence
from sillok.extract.lexicon import Lexicon, lexicon_for
from sillok.extract.persons import find_persons
from sillok.extract.suggest import suggest


@pytest.fixture
def lexicon(archive: Archive) -> Lexicon:
    with archive.transaction() as session:
        return lexicon_for(session)


def _kinds(text: str, lexicon: Lexicon, kind: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.value.get("code")) for f in suggest(text, lexicon) if f.kind == kind]


@pytest.mark.parametrize(("text", "names"), [
    ("[가상] 박순희가 딸과 함께 떠났다.", ["박순희"]),  # Kiwi: 박순/NNP 희/NNG
    ("[가상] 남편 최성민이 집결소에 갇혔다.", ["최성민"]),  # 최/NNP 성/NNG 민/NNG
    ("[가상] 이명수와 최광호는 같은 날 떠났다.", ["이명수", "최광호"]),
    ("[가상] 어머니 정옥순(54)은 시장에서 일했다.", ["정옥순"]),
    ("[가상] 리영호 동무가 찾아왔다.", ["리영호"]),
    ("[가상] 한미란 선생은 말했다.", ["한미란"]),
    ("[가상] 한국은행이 추정치를 발표했다.", []),
    ("[가상] 이번 조사에서 정부는 통계를 내놓지 않았다.", []),
])
def test_names_in_korean_prose(text: str, names: list[str], lexicon: Lexicon) -> None:
    assert [name for name, _ in _kinds(text, lexicon, "person")] == names


def test_a_name_after_a_kinship_word_is_surer() -> None:
    plain = find_persons("[가상] 김정남은 떠났다.", set())
    kin = find_persons("[가상] 아버지 김정남은 떠났다.", set())
    assert plain and kin and kin[0].confidence > plain[0].confidence


@pytest.mark.parametrize(("text", "places"), [
    ("[가상] 자료를 확인해주시기 바랍니다.", []),
    ("[가상] 해주시기 바랍니다. 그는 해주시에서 자랐다.", [("해주시", "kp-05-haeju")]),
    ("[가상] 한국은행이 발표한 추정치", []),
    ("[가상] 장관은 새 부령을 내렸다. 그는 부령군 출신이다.",
     [("부령", "kp-09-puryong"), ("부령군", "kp-09-puryong")]),
    ("[가상] 그는 회령에서 체포되어 온성으로 옮겨졌다.",
     [("회령", "kp-09-hoeryong"), ("온성", "kp-09-onsong")]),
    ("[가상] 강계의 공장에서 일했다.", [("강계", "kp-04-kanggye")]),
    ("[Fictional] The Bank of Korea published an estimate.", []),
    ("[Fictional] He reached Yanji after three days.", [("Yanji", "cn-yanji")]),
])
def test_places_only_as_whole_names(text: str, places: list[tuple[str, str]],
                                    lexicon: Lexicon) -> None:
    assert _kinds(text, lexicon, "place") == places


def test_a_word_kiwi_reads_as_two_nouns_is_kept_as_doubtful(lexicon: Lexicon) -> None:
    text = "[가상] 장관은 새 부령을 내렸다. 그는 부령군 출신이다."
    found = {f.text: f.confidence for f in suggest(text, lexicon) if f.kind == "place"}
    assert found["부령"] < 0.5 < found["부령군"]


@pytest.mark.parametrize(("text", "north_korea"), [
    ("[가상] 조선 시대의 형벌 제도를 다룬 글이다.", False),
    ("[가상] 1910년 조선은 일본에 병합되었다.", False),
    ("[가상] 세종 임금 때의 조선은 한글을 만들었다.", False),
    ("[가상] 조선은 2023년에도 국경 봉쇄를 풀지 않았다.", True),
    ("[Fictional] Joseon-era records describe punishments.", False),
    ("[Fictional] Under the Joseon dynasty, yangban ruled.", False),
])
def test_joseon_is_not_north_korea(text: str, north_korea: bool, lexicon: Lexicon) -> None:
    assert ("kp" in {code for _t, code in _kinds(text, lexicon, "place")}) is north_korea


HANGUL_WORD = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1,
                      max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(HANGUL_WORD, min_size=1, max_size=8), st.sampled_from(["회령", "조선", "해주"]))
def test_context_checks_never_fail_and_stay_in_range(words: list[str], name: str) -> None:
    text = " ".join([*words[:3], name, *words[3:]])
    start = text.index(name)
    got = place_confidence(text, start, start + len(name), 0.8)
    assert got is None or 0 < got <= 0.97
    assert isinstance(joseon_era(text, start, start + len(name)), bool)
