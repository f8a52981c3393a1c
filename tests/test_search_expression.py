"""The full-text expression holds no alternative that cannot find anything more (compile.py):
the backend scores every term of it for every match, which was most of a common word's
search at NKDB scale. What is found stays the same, on both backends. Fictional data."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.search.compile import compile_query
from sillok.search.expand import expand
from sillok.search.query import parse
from sillok.search.service import search
from tests.conftest import ANON, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


def test_a_group_holding_another_groups_terms_is_left_out() -> None:
    expr = compile_query(parse("강제송환"), "sqlite")
    assert expr is not None
    # 강제 AND 송환 (morphemes) finds every record that 강제 AND 제송 AND 송환 (bigrams) does.
    assert '"강제" AND "송환"' in expr and "제송" not in expr
    # The name key stays: it finds the word written in another script.
    assert "nkkangqje nkjeqsong nksongqhwan" in expr
    # Where neither group holds the other, both stay (탈북민 and 탈북 + 북민).
    both = compile_query(parse("탈북민"), "sqlite")
    assert both is not None and '"탈북민"' in both and '"탈북" AND "북민"' in both


def test_a_phrase_is_not_repeated_for_streams_with_the_same_terms() -> None:
    expr = compile_query(parse('"강제 북송"'), "sqlite")
    assert expr is not None and expr.count('"강제 북송"') == 1


def test_vocabulary_labels_get_no_name_keys(archive: Archive) -> None:
    q = parse("forced repatriation")
    with archive.sessions() as session:
        assert expand(session, q)
    expr = compile_query(q, "sqlite")
    assert expr is not None and "강제" in expr and "nkpolqket" in expr  # the typed words
    assert "nkkang" not in expr  # 강제북송, added from the vocabulary, is not a name


def test_what_is_found_stays_the_same(archive: Archive) -> None:
    together = make_source(archive, text="[가상] 그는 강제송환되었다.")
    apart = make_source(archive, text="[가상] 강제로 국경에서 송환되었다.")
    make_source(archive, text="[가상] 국경에서 송환되었다.")
    found = {int(i["id"]) for i in search(archive, ANON, "type:sources 강제송환",
                                           expand_terms=False).items}
    assert found == {together, apart}
    english = make_source(archive, language="en",
                          text="[Fictional] She faced forced repatriation in 2019.")
    found = {int(i["id"]) for i in search(archive, ANON, "type:sources 강제북송").items}
    assert english in found and together in found  # across languages through the vocabulary
