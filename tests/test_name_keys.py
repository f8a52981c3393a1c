"""Linkage name keys against generated spellings (tests/name_spellings.py, written apart from
sillok's own spelling tables): a Hangul name and any way people romanize it — passport
surnames (Ahn, Sohn, Koh, Noh, Suh, Hur), everyday syllables (Hee, Chul, Soo), the given name
run together, hyphenated or apart, surname first or last, any case — meet on the surname key,
and the romanized given name reads back to the Hangul one. The name matcher (protection) is
checked on the same spellings in test_name_matcher.py. Fictional names only."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sillok.linkage.keys import (
    COMMON_SURNAMES,
    name_keys,
    name_readings,
    one_slip,
    person_keys,
    surname_slip_readings,
)
from sillok.linkage.model import BLOCKING_READINGS
from sillok.security.name_matcher import NameMatcher
from sillok.security.name_text import canonical_hangul
from tests.name_spellings import GIVEN, SURNAMES, latin_syllable, names

# Surnames whose spellings the issue found missing, with the given-name syllable Hee.
PASSPORT = {"안": "Ahn", "손": "Sohn", "고": "Koh", "노": "Noh", "서": "Suh", "허": "Hur"}
COMMON = {s for s in SURNAMES if canonical_hangul(s) in COMMON_SURNAMES}


@st.composite
def romanized(draw: st.DrawFn, surname: str, given: str) -> str:
    last = draw(latin_syllable(surname, SURNAMES))
    parts = [draw(latin_syllable(s, GIVEN)) for s in given]
    joiner = draw(st.sampled_from(["-", " ", ""]))
    given_text = joiner.join([parts[0], *(p.lower() for p in parts[1:])]).capitalize()
    layout = draw(st.sampled_from(["first", "last", "capitals", "comma"]))
    text = {"first": f"{last} {given_text}", "last": f"{given_text} {last}",
            "capitals": f"{last.upper()} {given_text}", "comma": f"{last}, {given_text}"}[layout]
    return text.lower() if draw(st.integers(0, 5)) == 0 else text


def _meets(hangul: str, latin: str) -> bool:
    h = name_keys(hangul)
    assert h is not None
    return any(h.surname == k.surname and h.hangul in k.readings
               for k in name_readings(latin))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_romanized_name_meets_its_hangul(data: st.DataObject) -> None:
    surname, given_name = data.draw(names().filter(lambda n: n[0] in COMMON))
    latin = data.draw(romanized(surname, given_name))
    hangul = surname + given_name
    assert _meets(hangul, latin), (hangul, latin, name_readings(latin))
    # And the two records' keys share a surname and a given-name reading (what blocking and
    # the comparisons read).
    a, b = person_keys([hangul]), person_keys([latin])
    assert set(a.surnames) & set(b.surnames)
    assert set(a.readings) & set(b.readings)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(PASSPORT)), st.lists(st.sampled_from(sorted(GIVEN)),
                                                   min_size=1, max_size=2), st.data())
def test_passport_surnames_have_their_hangul_key(surname: str, syllables: list[str],
                                                 data: st.DataObject) -> None:
    given_name = "".join(syllables)
    latin = data.draw(romanized(surname, given_name))
    hangul_key = name_keys(surname + given_name)
    assert hangul_key is not None
    # Ahn = 안: the coarse key is the Hangul surname's ("an"), not the letters' ("ahn").
    assert any(k.surname == hangul_key.surname for k in name_readings(latin)), latin
    assert _meets(surname + given_name, latin)


@settings(max_examples=200, deadline=None)
@given(names(), st.data())
def test_spacing_does_not_change_the_given_name_key(name: tuple[str, str],
                                                    data: st.DataObject) -> None:
    surname, given_name = name
    last = data.draw(latin_syllable(surname, SURNAMES))
    parts = [data.draw(latin_syllable(s, GIVEN)) for s in given_name]
    keys = {k.given for joiner in (" ", "-")
            if (k := name_keys(f"{last} {joiner.join(parts)}")) is not None}
    assert len(keys) == 1, (parts, keys)
    # Run together the letters can be read more ways (Hakhak: hak-hak or ha-khak), but the
    # name still reads back to its Hangul.
    assert _meets(surname + given_name, f"{last} {''.join(parts)}"), parts


def test_a_hyphenated_given_name_in_capitals_is_not_a_surname() -> None:
    # Found by the test above in a full run: "U-U" was taken for a surname in capitals (UN
    # style, KIM Young-hee), so gang U-U and gang U U had different given-name keys.
    for last, given_name in (("gang", "U"), ("Kim", "O"), ("PAK", "HA")):
        keys = {k.given for joiner in (" ", "-")
                if (k := name_keys(f"{last} {given_name}{joiner}{given_name}")) is not None}
        assert len(keys) == 1, (last, given_name, keys)
    assert name_keys("KIM Young-hee").surname == name_keys("김영희").surname  # type: ignore[union-attr]
    # Found the same way: run together in capitals, UU spells no surname (김우우).
    assert name_keys("Kim UU").surname == name_keys("김우우").surname  # type: ignore[union-attr]


def test_the_issues_examples() -> None:
    chulsoo = {name_keys(n).given for n in  # type: ignore[union-attr]
               ("Kim Cheolsu", "Kim Chulsoo", "Kim Cheol-su", "Kim Chul Soo", "김철수")}
    assert len(chulsoo) == 1
    for hangul, latin in (("안영희", "Ahn Younghee"), ("손희", "Sohn Hee"),
                          ("고철수", "Koh Chulsoo"), ("노영희", "Younghee Noh"),
                          ("서희", "SUH Hee"), ("허영희", "Hur Young-hee"),
                          ("김순님", "Kim Sunnim"), ("리향리", "Ri Hyang Ri")):
        assert _meets(hangul, latin), (hangul, latin)
        assert name_keys(hangul).surname == name_keys(latin).surname  # type: ignore[union-attr]
    # The likeliest readings come first, the same in every process: blocking reads the first.
    assert "영희" in name_keys("Kim Younghee").readings[:BLOCKING_READINGS]  # type: ignore[union-attr]
    assert name_keys("Kim Cheolsu").readings[0] == "철수"  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(PASSPORT)), st.lists(st.sampled_from(sorted(GIVEN)),
                                                   min_size=2, max_size=2), st.data())
def test_protection_finds_the_same_spellings(surname: str, syllables: list[str],
                                             data: st.DataObject) -> None:
    """The name matcher, which masks protected names, finds every spelling linkage joins."""
    given_name = "".join(syllables)
    latin = data.draw(romanized(surname, given_name))
    matcher = NameMatcher([("p", [surname + given_name])])
    text = f"A fictional witness, {latin}, was held."
    spans = matcher.spans(text)
    start = text.index(latin)
    words = [m for m in re.finditer(r"[A-Za-z]+", latin)]
    for word in words:
        at = start + word.start()
        assert any(s.start <= at < s.end for s in spans), (latin, spans)


def test_a_slip_in_the_surname_still_reads_as_the_surname() -> None:
    """A doubled, dropped or changed letter in a romanized surname (Kimm, Paekk, SSeo) reads
    as the surname it misspells, at either end; a hyphenated given name is never taken for
    one, and a word that spells a surname as written is not read as a slip."""
    assert name_keys("Tae Dok Kimm") == name_keys("Tae Dok Kim")
    assert name_keys("Paekk Sun Bong").surname == name_keys("백순봉").surname  # type: ignore[union-attr]
    assert name_keys("Wol Hyeon SSeo").surname == name_keys("서현월").surname  # type: ignore[union-attr]
    assert name_keys("CHANe Se-ik").given == name_keys("장세익").given  # type: ignore[union-attr]
    assert surname_slip_readings("Kim") == ()
    assert surname_slip_readings("Se-ik") == ()
    assert one_slip("kimm", "kim") and one_slip("pakr", "park") and not one_slip("kim", "kim")
