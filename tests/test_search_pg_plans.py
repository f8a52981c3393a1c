"""How PostgreSQL reads the search index: every full-text statement of a search (the first
pass, the clause frequencies, a plain page) reads ``search_index`` through index bitmaps only,
never by a scan that tests each entry's tsvector in turn — the plan that made a clause with 257
matches cost 1.9 s at 200,000 entries (bench/README.md) — and the search's settings are put back
afterwards. On SQLite the same searches answer as before. Fictional data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import bindparam, event, text

from sillok.archive.service import Archive
from sillok.search import cache, onepass, service
from sillok.search.cache import IndexCache
from sillok.search.compile import compile_query
from sillok.search.query import parse
from sillok.search.service import search
from tests.conftest import ANON, EDITOR, make_source

MARK = "쥐똥나무"


def _plans(archive: Archive, queries: list[str]) -> list[str]:
    """The plan of every full-text statement the searches run, explained on the search's own
    connection at the moment it runs (so under the settings in force then)."""
    plans: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if "tsv @@" not in statement or statement.startswith("EXPLAIN"):
            return
        raw = cursor.connection.cursor()
        raw.execute("EXPLAIN " + statement, parameters)
        plans.append("\n".join(str(r[0]) for r in raw.fetchall()))

    event.listen(archive.engine, "before_cursor_execute", explain)
    try:
        for q in queries:
            search(archive, ANON, q, facets=True)
            search(archive, EDITOR, q, limit=5, offset=35)  # a deeper page: plain_page
    finally:
        event.remove(archive.engine, "before_cursor_execute", explain)
    return plans


def _sources(archive: Archive) -> None:
    for i in range(40):
        level = "restricted" if i % 5 == 4 else "public"
        make_source(archive, level=level, title=f"가상 기사 {i}",
                    text=f"[가상] {MARK} 공개 기사 {i} " + "다른 낱말 " * (i % 3))


def test_full_text_statements_read_the_index_through_bitmaps(archive: Archive,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    if archive.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    _sources(archive)
    cache.clear()
    monkeypatch.setattr(service, "DF_CAP", 3)  # the frequency's second part runs too
    plans = _plans(archive, [MARK, f"{MARK} 기사", "가상 공개 다른"])
    assert plans
    for plan in plans:
        # A table this small is read whole when the planner is left to itself.
        assert "Seq Scan on search_index" not in plan, plan
        assert "Index Scan using pk_search_index" not in plan, plan
        assert "Index Only Scan" not in plan, plan


def test_settings_are_put_back(archive: Archive) -> None:
    with archive.transaction() as session:
        dialect = archive.engine.dialect.name
        before = _settings(session) if dialect == "postgresql" else None
        with onepass.index_bitmaps(session, dialect):
            if dialect == "postgresql":
                assert _settings(session) == ("off", "off", "off")
        if dialect == "postgresql":
            assert _settings(session) == before == ("on", "on", "on")


def _settings(session: Any) -> tuple[str, str, str]:
    """Sequential scans, plain index scans, JIT compilation (none within a search: compiling
    a search's statement cost more than running it at 1,000,000 entries)."""
    row = session.execute(text("SELECT current_setting('enable_seqscan'), "
                               "current_setting('enable_indexscan'), "
                               "current_setting('jit')")).one()
    return str(row[0]), str(row[1]), str(row[2])


def test_answers_with_frequencies_beyond_the_cap(archive: Archive,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The frequencies counted with the index's highest id known beforehand (PostgreSQL) give
    the same answers as counted in the statement: the same totals and an order that follows
    the records' own repeats."""
    _sources(archive)
    cache.clear()
    monkeypatch.setattr(service, "DF_CAP", 3)
    found = search(archive, ANON, f"{MARK} 다른", facets=True)
    assert found.total == 21  # public, with 다른 (i % 3 != 0): 32 public, two in three
    assert not found.total_capped
    assert {i["level"] for i in found.items} == {"public"}
    assert sum(found.facets["type"].values()) == 21
    everyone = search(archive, EDITOR, f"{MARK} 다른")
    assert everyone.total == 26


def _common_word(archive: Archive) -> dict[int, int]:
    """40 public sources with the word, the last two with it in their title too; entry id →
    source id."""
    ids = [make_source(archive, level="public", title=f"가상 {MARK} 기사" if i >= 38 else "기사",
                       text=f"[가상] {MARK} 공개 기사 {i} " + f"{MARK} " * (i % 4))
           for i in range(40)]
    with archive.transaction() as session:
        rows = session.execute(text("SELECT id, record_id FROM search_index "
                                    "WHERE record_type = 'source' AND record_id IN :ids")
                               .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
        return {int(e): int(r) for e, r in rows}


def test_a_common_word_is_ranked_among_title_candidates(archive: Archive,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """More matches than ``RANK_ALL``: the first page is the best, by the backend's score, of
    the matches with the word in their title and — these being fewer than a page — the first
    matches in the index's order, at least a page of them. The total and facets still count
    every match; the page is full. Fewer matches: every one is ranked, as on SQLite."""
    entries = _common_word(archive)
    dialect = archive.engine.dialect.name
    match = compile_query(parse(MARK), dialect)
    where, params = ["si.level IN :levels"], {"match": match, "levels": ["public"]}
    monkeypatch.setattr(onepass, "RANK_ALL", 5)
    monkeypatch.setattr(onepass, "TITLE_CANDIDATES", 1)
    with archive.transaction() as session:
        first = onepass.first_pass(session, IndexCache(session), dialect, where, params,
                                   sort="relevance", start=0, size=10, facets=True, cap=100,
                                   title_match=match if dialect == "postgresql" else None)
        plain = onepass.plain_page(session, dialect, where, params, sort="relevance", start=0,
                                   size=10)
    assert first.counts.total == 40 and sum(first.counts.facets["type"].values()) == 40
    assert len(first.rows) == 10
    titled = sorted(entries)[38:]
    if dialect == "postgresql":
        # The best title match first (one candidate asked for), then the best of ten matches
        # read in the index's order: the other title match, written last, is not among them,
        # while ranking every match puts both title matches first.
        assert first.rows[0][0] in titled
        assert sum(r[0] in titled for r in first.rows) == 1
        assert {r[0] for r in plain[:2]} == set(titled)
    else:
        assert [r[0] for r in first.rows] == [r[0] for r in plain]
    monkeypatch.setattr(onepass, "RANK_ALL", 1_000)
    with archive.transaction() as session:
        few = onepass.first_pass(session, IndexCache(session), dialect, where, params,
                                 sort="relevance", start=0, size=10, facets=True, cap=100,
                                 title_match=match if dialect == "postgresql" else None)
    assert [r[0] for r in few.rows] == [r[0] for r in plain]


@pytest.mark.parametrize("limit", [7, 10, 20])
def test_pages_by_relevance_show_every_match_once(archive: Archive, limit: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Paging through a common word: on PostgreSQL the first window (the re-ranked 30) comes
    from the title candidates, so later pages are the other matches after it, not a slice of
    another order — no record on two pages, none on neither. On SQLite, the same holds with
    one order throughout."""
    entries = _common_word(archive)
    monkeypatch.setattr(onepass, "RANK_ALL", 5)
    monkeypatch.setattr(onepass, "TITLE_CANDIDATES", 1)
    shown: list[tuple[str, int]] = []
    for offset in range(0, 50, limit):
        page = search(archive, ANON, MARK, limit=limit, offset=offset)
        assert page.total == 40
        shown += [(str(i["type"]), int(i["id"])) for i in page.items]
    assert len(shown) == len(set(shown)) == 40, sorted(shown)
    assert {i for _, i in shown} == set(entries.values())
