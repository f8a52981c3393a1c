"""The one name matcher, attacked with generated names written every way people write them
(tests/name_spellings.py): each spelling is found exactly — the sentence around it untouched —
and text without the name is left as it is. Fictional names only."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sillok.security.name_matcher import NameMatcher
from sillok.security.name_text import canonical_hangul
from tests.name_spellings import names, placed

LABEL = "[W]"
# CI tries the same 600 names each run; SILLOK_NAME_EXAMPLES=20000 runs a fresh campaign.
CAMPAIGN = int(os.environ.get("SILLOK_NAME_EXAMPLES", "0"))
EXAMPLES = settings(max_examples=CAMPAIGN or 600, deadline=None, derandomize=not CAMPAIGN,
                    suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(st.data())
def test_every_spelling_of_a_name_is_found_exactly(data: st.DataObject) -> None:
    surname, given_name = data.draw(names())
    matcher = NameMatcher([(1, [surname + given_name])])
    before, name, after, what = data.draw(placed(surname, given_name))
    # 강경 before 의 가족 is the whole name 강경의: what is masked then is the whole name.
    assume(not (what.startswith("partial") and after.startswith(given_name[1:])))
    # A Latin spelling of fewer than three letters (U-u for 우우) is below what the matcher
    # takes as a name: it would mask words everywhere (name_matcher.MIN_LATIN).
    assume("Hangul" in what or sum(c.isalpha() for c in unicodedata.normalize("NFKC", name))
           >= 3)
    text = before + name + after
    masked = matcher.mask(text, {1: LABEL})
    assert masked == before + LABEL + after, (surname + given_name, what, text, masked)


@EXAMPLES
@given(st.data())
def test_a_name_known_only_in_latin_letters_is_found_in_hangul_too(data: st.DataObject
                                                                    ) -> None:
    surname, given_name = data.draw(names())
    # The record holds one romanization; the text has the Hangul or another spelling.
    recorded = f"{surname}{given_name}"
    romanized = {"박": "Park", "이": "Lee", "김": "Kim"}.get(surname)
    if romanized is None:
        return
    from tests.name_spellings import GIVEN

    spelled = [GIVEN[s][0] for s in given_name]
    matcher = NameMatcher([(1, [f"{romanized} {'-'.join(spelled)}"])])
    text = f"[가상] {recorded} 씨는 회령에서 체포됐다."
    assert matcher.mask(text, {1: LABEL}) == f"[가상] {LABEL} 씨는 회령에서 체포됐다."


@EXAMPLES
@given(st.data())
def test_other_names_and_plain_text_are_left_alone(data: st.DataObject) -> None:
    surname, given_name = data.draw(names())
    other_surname, other_given = data.draw(names())
    # 리/이, 룡/용: one name under the initial sound law.
    surname, given_name = canonical_hangul(surname), canonical_hangul(given_name)
    other_surname, other_given = canonical_hangul(other_surname), canonical_hangul(other_given)
    if (other_surname, other_given) == (surname, given_name) or other_given == given_name:
        return
    if len(given_name) >= 2 and other_surname + other_given[:1] == surname + given_name[:1]:
        return  # the same surname and first syllable is a fragment of both
    if (other_surname + other_given).startswith(surname + given_name):
        return  # 강경은 is also 강경 with its particle
    if len(given_name) >= 2 and (other_surname + other_given).startswith(given_name):
        return  # 송경 is the given name of 강송경, alone
    matcher = NameMatcher([(1, [surname + given_name])])
    text = f"[가상] {other_surname}{other_given} 씨는 회령에서 체포됐다."
    assert matcher.mask(text, {1: LABEL}) == text


@pytest.mark.parametrize("text", [
    "박\u200b철수", "박\u00ad철수", "박·철수", "박-철수", "박 철수", "박\u3000철수",
    unicodedata.normalize("NFD", "박철수"), "ㅂㅏㄱㅊㅓㄹㅅㅜ", "ＰＡＲＫ ＣＨＵＬ ＳＯＯ",
    "Раrk Chul-soo",
    "PARK CHUL SOO", "park chulsoo", "Pak Chol-su", "Bak Cheol-su", "Ch'ŏl-su Pak",
    "Chul Soo Park", "CHULSOO", "철수", "박철", "Park Cheol", "Chul\u200bsoo",
    # Yale (linguists' romanization), and a dot inside the name, as in an address.
    "Pak Cholswu", "Cholswu", "PAK CHOL-SWU", "박.철.수", "Pak.Chol.Su", "park.chulsoo",
    # In Chinese characters (Hanja), as Korean and Chinese papers write names.
    "朴哲洙", "朴 哲洙", "哲洙", "朴哲",
])
def test_the_spellings_the_issue_names(text: str) -> None:
    matcher = NameMatcher([(1, ["박철수"])])
    assert matcher.mask(f"보도: {text}는 말했다.", {1: LABEL}) == f"보도: {LABEL}는 말했다."


def test_a_dot_joins_a_name_only_with_a_letter_on_each_side() -> None:
    matcher = NameMatcher([(1, ["박철수"]), (2, ["김영희"])])
    text = "[가상] 박철. 수원에서, Kim. Young-hee 씨와 mail kim.younghee@example.org."
    masked = matcher.mask(text, {1: "[A]", 2: "[B]"})
    assert masked == "[가상] [A]. 수원에서, Kim. [B] 씨와 mail [B]@example.org."


def test_chinese_characters_by_any_of_their_readings_and_simplified() -> None:
    # 金 is read 김 in names and 금 in words; 顺 is the simplified 順; 樂 has three readings.
    matcher = NameMatcher([(1, ["김영희"]), (2, ["이순자"]), (3, ["최악천"]), (4, ["금옥"])])
    text = "據報道，金英姬和李顺子被遣返。崔樂天说：金玉。"
    masked = matcher.mask(text, {1: "[A]", 2: "[B]", 3: "[C]", 4: "[D]"})
    assert masked == "據報道，[A]和[B]被遣返。[C]说：[D]。"


def test_chinese_text_without_the_names_is_left_alone() -> None:
    matcher = NameMatcher([(1, ["김영희"]), (2, ["이순자"]), (3, ["박철수"])])
    text = "[虚构] 据报道，脱北者在中国被逮捕后遣返朝鲜，关押在拘留所。北韓 人權 問題."
    assert matcher.spans(text) == []


def test_yale_spellings_of_other_vowels_and_consonants() -> None:
    matcher = NameMatcher([(1, ["김영희"]), (2, ["이순자"]), (3, ["최정은"])])
    text = "Kim Yonghuy, Yi Swunca and Choy Cong-un (Yale)."
    assert matcher.mask(text, {1: "[A]", 2: "[B]", 3: "[C]"}) == "[A], [B] and [C] (Yale)."


def test_an_i_with_a_dot_does_not_turn_masking_off() -> None:
    matcher = NameMatcher([(1, ["박철수"]), (2, ["Kim Yong-hui"])])
    text = "İSTANBUL: 박철수 and KIM YONG HUI met İlhan."
    assert matcher.mask(text, {1: "[A]", 2: "[B]"}) == "İSTANBUL: [A] and [B] met İlhan."


def test_the_initial_sound_law_both_ways() -> None:
    matcher = NameMatcher([(1, ["리영희"]), (2, ["유경수"]), (3, ["노동철"])])
    text = "이영희, 류경수, 로동철; Lee Young-hee, Ryu Kyong-su, Roh Dong-chul."
    assert matcher.mask(text, {1: "[A]", 2: "[B]", 3: "[C]"}) == "[A], [B], [C]; [A], [B], [C]."


def test_two_syllables_count_only_as_a_word_of_their_own() -> None:
    # 주민 (residents) and 연양 are words: the surname 주/연 with a given syllable is a name
    # only standing alone or before a particle or title.
    matcher = NameMatcher([(1, ["주민철"]), (2, ["연양"])])
    text = "주민들을 체포했다. 2019년 양강도. 주민 씨는 왔다."
    masked = matcher.mask(text, {1: "[A]", 2: "[B]"})
    assert masked == "주민들을 체포했다. 2019년 양강도. [A] 씨는 왔다."


def test_a_name_known_only_in_latin_letters_makes_no_words_names() -> None:
    # Read back into Hangul, "Kim On-the" has readings whose given name alone is 온테: as a
    # fragment it would be "on the" in every English text.
    matcher = NameMatcher([(1, ["Kim On-the"]), (2, ["Lee One-sun"])])
    text = "[Fictional] One witness said that on the way to Hyesan, one guard left."
    assert matcher.mask(text, {1: "[A]", 2: "[B]"}) == text
    assert matcher.mask("Kim On-the said", {1: "[A]", 2: "[B]"}) == "[A] said"


def test_a_note_after_a_name_is_not_part_of_it() -> None:
    matcher = NameMatcher([(1, ["한가람 (가상 / fictional)"])])
    text = "[가상] 한가람 씨와 가상 인물, 한가람가상."
    assert matcher.mask(text, {1: "[A]"}) == "[가상] [A] 씨와 가상 인물, [A]가상."
