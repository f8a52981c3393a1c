"""A name written in syllables (Kim Jong Un for 김정은) is asked for by the pairs of its
syllable keys (language/names.py, pair_terms): they match exactly where the syllables' phrase
does, and the backend reads far fewer places than for common syllable keys. Fictional data."""

from __future__ import annotations

import random

import pytest

from sillok.archive.service import Archive
from sillok.language.analyzer import analyse
from sillok.language.names import PAIR, PAIRS_MARK, PREFIX, pair_terms
from sillok.search.compile import compile_query
from sillok.search.query import parse
from sillok.search.service import search
from tests.conftest import ANON, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


def _starts(stream: list[str], phrase: list[str]) -> set[int]:
    n = len(phrase)
    return {i for i in range(len(stream) - n + 1) if stream[i:i + n] == phrase}


def test_pairs_match_exactly_where_the_syllables_do() -> None:
    rng = random.Random(5)
    keys = [PREFIX + k for k in ("kim", "jong", "on", "i", "sol")] + [PREFIX]  # PREFIX: a break
    for _ in range(3000):
        stream = [rng.choice(keys) for _ in range(rng.randint(0, 12))]
        phrase = [rng.choice(keys[:-1]) for _ in range(rng.randint(2, 4))]
        assert _starts(stream, phrase) == _starts(pair_terms(stream), pair_terms(phrase))


def test_a_name_in_syllables_is_asked_for_by_its_pairs() -> None:
    for query in ("김정은", '"Kim Jong Un"'):
        expr = compile_query(parse(query), "sqlite")
        assert expr is not None and '"nkkimqjong nkjongqon"' in expr
        assert "nkkim nkjong" not in expr
    pg = compile_query(parse("김정은"), "postgresql")
    assert pg is not None and "('nkkimqjong' <-> 'nkjongqon')" in pg


def test_the_index_holds_the_pairs_of_each_run_and_no_pair_across_runs() -> None:
    terms = analyse("Kim Jong Un met Pak. Ri Sol Ju left.")
    assert {"nkkimqjong", "nkjongqon", "nkiqsol", "nksolqjo"} <= set(terms)
    assert not any(t.startswith(("nkpakqi", "nkonqpak")) for t in terms)
    # Last, behind their mark: the terms before them stand where they would without them.
    mark = terms.index(PAIRS_MARK)
    assert all(PAIR in t for t in terms[mark:])
    assert not any(PAIR in t for t in terms[:mark] if t.startswith(PREFIX))
    korean = analyse("[가상] 리설주가 말했다.")
    assert "nkiqsol" in korean and "nksolqjo" in korean


def test_names_in_syllables_are_found_as_before(archive: Archive) -> None:
    spelled = make_source(archive, language="en", text="[Fictional] Kim Jong Un visited a farm.")
    joined = make_source(archive, language="en", text="[Fictional] Kim Jong-un visited a farm.")
    hangul = make_source(archive, text="[가상] 김정은이 농장을 방문했다.")
    make_source(archive, language="en", text="[Fictional] Kim. Jong Un visited a farm.")
    make_source(archive, language="en", text="[Fictional] Jong Kim Un visited a farm.")
    # Found by its pairs (the English ones) or its whole key; not where the syllables are
    # apart (a full stop ends a run of capitalised words) or out of order.
    found = {int(i["id"]) for i in search(archive, ANON, "type:sources 김정은",
                                           expand_terms=False).items}
    assert found == {spelled, joined, hangul}
