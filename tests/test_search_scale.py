"""What keeps search fast at scale, on both backends: counting stops at a cap and says so
(restricted records still never counted), clause frequencies are kept per index generation and
follow its changes, and the first page picked among the best matches is the plain ranking's.
Fictional data."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.search import cache, onepass, service
from sillok.search.cache import IndexCache
from sillok.search.compile import compile_query
from sillok.search.query import parse
from sillok.search.service import search
from tests.conftest import ANON, EDITOR, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

MARK = "쥐똥나무"


def test_counts_stop_at_the_cap_and_say_so(archive: Archive,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(4):
        make_source(archive, level="public", text=f"[가상] {MARK} 공개 {i}")
    for i in range(3):
        make_source(archive, level="restricted", text=f"[가상] {MARK} 제한 {i}")
    exact = search(archive, ANON, MARK, facets=True)
    assert exact.total == 4 and not exact.total_capped
    monkeypatch.setattr(service, "COUNT_CAP", 3)
    capped = search(archive, ANON, MARK, facets=True)
    assert capped.total == 3 and capped.total_capped
    assert sum(capped.facets["type"].values()) == 3
    assert len(capped.items) == 4  # the results themselves are not capped
    assert {i["level"] for i in capped.items} == {"public"}
    full = search(archive, EDITOR, MARK, facets=True)
    assert full.total == 3 and full.total_capped and len(full.items) == 7


def test_clause_frequencies_follow_the_index(archive: Archive) -> None:
    make_source(archive, level="public", text=f"[가상] {MARK} 하나")
    search(archive, ANON, f"{MARK} 하나")
    with archive.transaction() as session:
        before = IndexCache(session).generation()
    make_source(archive, level="public", text=f"[가상] {MARK} 둘")
    with archive.transaction() as session:
        after = IndexCache(session).generation()
    assert before != after
    assert search(archive, ANON, MARK).total == 2


def test_frequency_estimate_beyond_the_cap(archive: Archive,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        make_source(archive, level="public", text=f"[가상] {MARK} {i}")
    cache.clear()
    monkeypatch.setattr(service, "DF_CAP", 2)
    with archive.transaction() as session:
        weights = service._weights(session, IndexCache(session), archive.engine.dialect.name,
                                   ["si.level IN :levels"], {"levels": ["public"]},
                                   [compile_query(parse(MARK), archive.engine.dialect.name),
                                    None])
    assert weights[0] > 0 and weights[1] > weights[0]  # a common word weighs less


def test_first_page_is_the_plain_ranking(archive: Archive) -> None:
    for i in range(12):
        level = "restricted" if i % 3 == 0 else "public"
        make_source(archive, level=level, title=f"가상 {MARK}",
                    text=f"[가상] {MARK} " * (i % 4 + 1) + f"기사 {i}")
    dialect = archive.engine.dialect.name
    match = compile_query(parse(MARK), dialect)
    for levels in (["public"], ["public", "internal", "restricted"]):
        params = {"match": match, "levels": levels}
        where = ["si.level IN :levels"]
        for sort in ("relevance", "date"):
            for start, size in ((0, 1), (0, 3), (0, 10), (2, 3)):
                with archive.transaction() as session:
                    first = onepass.first_pass(session, IndexCache(session), dialect, where,
                                               params, sort=sort, start=start, size=size,
                                               facets=True, cap=100)
                    plain = onepass.plain_page(session, dialect, where, params, sort=sort,
                                               start=start, size=size)
                assert first.complete
                assert [r[0] for r in first.rows] == [r[0] for r in plain], (levels, sort)
                assert first.counts.total == (8 if levels == ["public"] else 12)
