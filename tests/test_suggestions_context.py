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

HANGUL_WORD = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1,
                      max_size=4)


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
    ("[가상] 장관은 새 부령을 내렸다. 그는 부령군 출신이다.", [("부령군", "kp-09-puryong")]),
    ("[가상] 그는 회령에서 체포되어 온성으로 옮겨졌다.",
     [("회령", "kp-09-hoeryong"), ("온성", "kp-09-onsong")]),
    ("[가상] 강계의 공장에서 일했다.", [("강계", "kp-04-kanggye")]),
    # A station, a port, a facility written joined to the name, or a port after it.
    ("[가상] 청진역 근처에서 잡혔다.", [("청진", "kp-09-chongjin")]),
    ("[가상] 혜산역에서 기다렸다.", [("혜산", "kp-10-hyesan")]),
    ("[가상] 원산항에서 배를 탔다.", [("원산", "kp-07-wonsan")]),
    ("[가상] 그는 원산 항구에서 일했다.", [("원산", "kp-07-wonsan")]),
    ("[가상] 회령교화소에 수감되었다.", [("회령", "kp-09-hoeryong")]),
    ("[가상] 개성공단에서 일했다.", [("개성", "kp-06-kaesong")]),
    ("[가상] 청진역사 박물관을 찾았다.", []),
    ("[가상] 원산지 표시를 확인했다.", []),
    ("[Fictional] The Bank of Korea published an estimate.", []),
    ("[Fictional] He reached Yanji after three days.", [("Yanji", "cn-yanji")]),
])
def test_places_only_as_whole_names(text: str, places: list[tuple[str, str]],
                                    lexicon: Lexicon) -> None:
    assert _kinds(text, lexicon, "place") == places


# A place whose name is also a common word (a Sino-Korean noun, or nouns Kiwi cuts it into) is
# proposed only with a sign of a place around it: a province before it, a noun of places after
# it, or a particle of place with a word of moving, living or holding in its sentence.
@pytest.mark.parametrize(("text", "places"), [
    ("[가상] 장관은 새 부령을 내렸다.", []),  # a decree
    ("[가상] 그는 부령 출신이다.", [("부령", "kp-09-puryong")]),
    ("[가상] 함경북도 부령에 살았다.", [("함경북도", "kp-09"), ("부령", "kp-09-puryong")]),
    ("[가상] 그는 브로커와 통화를 했다.", []),  # a phone call, not Tonghua
    ("[가상] 밤마다 통화했다.", []),
    ("[가상] 계획이 결국 무산되었다.", []),  # fell through, not Musan
    ("[가상] 무산 보위부에 갇혔다.", [("무산", "kp-09-musan")]),
    ("[가상] 아이들의 개성을 존중한다.", []),  # character, not Kaesong
    ("[가상] 안도의 한숨을 쉬었다.", []),  # relief, not Antu
    ("[가상] 성장이 둔화되었다.", []),  # a slowdown, not Dunhua
    ("[가상] 그는 연사로 나섰다.", []),  # a speaker, not Yonsa
    ("[가상] 그는 길주에서 태어났다.", [("길주", "kp-09-kilju")]),
    ("[가상] 그는 화대에서 살았다.", [("화대", "kp-09-hwadae")]),
    ("[가상] 친구가 길주의 학교에서 일했다.", [("길주", "kp-09-kilju")]),
    ("[가상] 안도의 눈물이 흘렀다.", []),
    ("[가상] 길주의 한 학교 교사가 잡혀갔다.", [("길주", "kp-09-kilju")]),
    ("[가상] 무산에서 열린 공개재판에 동원됐다.", [("무산", "kp-09-musan")]),
    ("[가상] 그와의 통화에서 그는 울었다.", []),
])
def test_a_name_that_is_also_a_common_word_needs_a_sign_of_a_place(
        text: str, places: list[tuple[str, str]], lexicon: Lexicon) -> None:
    assert _kinds(text, lexicon, "place") == places


def test_a_county_named_with_its_suffix_is_surer_than_by_its_context(lexicon: Lexicon) -> None:
    text = "[가상] 장관은 새 부령을 내렸다. 그는 부령군 출신이다. 길주에서 태어났다."
    found = {f.text: f.confidence for f in suggest(text, lexicon) if f.kind == "place"}
    assert "부령" not in found and found["길주"] < found["부령군"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["부령", "통화", "무산", "개성", "안도", "둔화", "연사", "화대", "길주"]),
       st.sampled_from(["했다", "하였다", "되었다", "됐다", "한다", "하는"]),
       st.lists(HANGUL_WORD, max_size=4))
def test_a_common_word_made_a_verb_is_never_a_place(name: str, ending: str,
                                                    words: list[str]) -> None:
    text = " ".join(["[가상]", *words, name + ending]) + "."
    start = text.rindex(name)
    assert place_confidence(text, start, start + len(name), 0.8) is None


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


@settings(max_examples=60, deadline=None)
@given(st.lists(HANGUL_WORD, min_size=1, max_size=8), st.sampled_from(["회령", "조선", "해주"]))
def test_context_checks_never_fail_and_stay_in_range(words: list[str], name: str) -> None:
    text = " ".join([*words[:3], name, *words[3:]])
    start = text.index(name)
    got = place_confidence(text, start, start + len(name), 0.8)
    assert got is None or 0 < got <= 0.97
    assert isinstance(joseon_era(text, start, start + len(name)), bool)
