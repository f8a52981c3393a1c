"""A page of results, the total and the facets in one statement, so that the full-text match
— most of a search's cost when its words are common — is evaluated once, not once for the
results, once for the total and once per facet.

The statement: ``m``, every match with the backend's score, materialised; ``scoped``, the
matches the actor may see (with the query's filters), at most the counting cap; the page, the
best of ``m`` in scope; the counts, grouped from ``scoped`` (facets.py). Its rows come back
as one result: ``part, id, n, score, t1, t2, t3, t4, pos``; part 0 is a result (id: the
entry, n: the record id, t1: the record type, pos: its place in the order), the others are
counts.

On SQLite, the page is picked among the ``OVERFETCH × size`` best matches by FTS5's score
alone, and only those few are looked up in ``search_index`` to check their scope: exactly the
rows of a plain ranking of the matches in scope whenever ``size`` of those few are in scope —
a row in scope that ranks below all of them ranks below those ``size`` too — and the caller
ranks all matches in scope (``plain_page``) when fewer are.
"""

# ruff: noqa: S608 - the statements here are put together from fixed SQL and the results'
# own WHERE (service.py); every value, the user's words included, is a bound parameter.
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from sillok.archive.views import PUBLIC_COPIES
from sillok.search import facets as fc
from sillok.search.cache import IndexCache
from sillok.search.filters import bound

OVERFETCH = 4
# PostgreSQL: the first page by relevance ranks every match's tsvector when they are at most
# this many; beyond it, candidates chosen by their titles (_pg_bounded). ts_rank re-reads each
# match's tsvector, most of them out of line: a word with 45,566 matches took 1.3 s at
# 1,000,000 sources (bench/README.md).
RANK_ALL = 1_000
TITLE_CANDIDATES = 1_000
# The title's own tsvector, as migration 0028 indexes it: computed from the title (short, in
# the row) for the few candidates ranked by it, not stored.
TITLE_TSV = "to_tsvector('simple', si.title)"

def fts_table(params: dict[str, Any]) -> str:
    """The SQLite full-text index to read: the public copies' own (migration 0012) for
    readers of those alone, so that a public search never reads another reader's copies."""
    return ("search_fts_public" if tuple(params.get("audiences", ())) == PUBLIC_COPIES
            else "search_fts")


def sqlite_score(fts: str) -> str:
    return f"-bm25({fts}, 5.0, 1.0)"


POSTGRES_SCORE = "ts_rank(si.tsv, to_tsquery('simple', :match), 1)"
# Dates are stored as YYYY-MM-DD text on SQLite; cutting the year out costs far less than
# parsing the date, on every match counted.
YEAR = {"sqlite": "CAST(substr(si.date_start, 1, 4) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM si.date_start) AS INTEGER)"}
RESULT = 0
# Parts numbered from here are the caller's (the clauses' frequencies, service.py), counted in
# the same statement; their rows come back as they are, in ``FirstPass.extra``.
EXTRA = 10

Row = tuple[int, str, int, float]  # entry id, record type, record id, score


@dataclass
class FirstPass:
    rows: list[Row]
    counts: fc.Counts
    complete: bool  # False: too few of the best matches were in scope; rank with plain_page
    # Each result's analysed title and body, by entry id, when asked for (for re-ranking).
    texts: dict[int, tuple[str, str]]
    extra: list[Any]  # the rows of the caller's parts


# PostgreSQL's planner, left to itself, answered the full-text statements' parts that stop at a
# few rows (a clause's first matches for its frequency, service._pg_frequency_part) by walking
# the table or its primary key and testing every entry's tsvector, most of them read out of
# line: up to 200,000 entries tested (1.9 s) for a clause with 257 matches, since it cannot know
# at planning time how far into the table the first matches lie. Read through the GIN index's
# bitmaps instead, every part reads only the entries that match (bench/README.md, 2026-12-07).
# And without JIT compilation: the statements' estimated costs (a clause's frequency part is
# costed as if it read the whole bitmap) pass jit_above_cost at 1,000,000 entries, and
# compiling a statement's ~200 expressions cost more than running them. And with room for a
# common word's bitmap (BITMAP_MEMORY, if work_mem is less): in the default 4 MB, the bitmap of
# a word in a tenth of 1,000,000 entries no longer held one bit per entry but one per page, and
# every entry of those pages was tested again (its tsvector read out of line): 7,700 entries
# tested in vain for one word (bench/README.md, "PostgreSQL at 1,000,000 sources").
BITMAP_MEMORY = "64MB"
BITMAPS_ONLY = ("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
                "current_setting('jit'), current_setting('work_mem'), "
                "set_config('enable_seqscan', 'off', true), "
                "set_config('enable_indexscan', 'off', true), set_config('jit', 'off', true), "
                "set_config('work_mem', CASE WHEN pg_size_bytes(current_setting('work_mem')) < "
                f"pg_size_bytes('{BITMAP_MEMORY}') THEN '{BITMAP_MEMORY}' "
                "ELSE current_setting('work_mem') END, true)")
PLANS_AS_BEFORE = ("SELECT set_config('enable_seqscan', :seq, true), "
                   "set_config('enable_indexscan', :idx, true), set_config('jit', :jit, true), "
                   "set_config('work_mem', :mem, true)")


@contextmanager
def index_bitmaps(session: Session, dialect: str) -> Iterator[None]:
    """Within the block, PostgreSQL reads ``search_index`` only through index bitmaps (the
    GIN index's, and the primary key's for a range of ids), never by a scan that tests each
    entry's tsvector in turn, compiles nothing (JIT) and has room for a common word's bitmap
    (``BITMAP_MEMORY``); the transaction's settings are put back after it."""
    if dialect != "postgresql":
        yield
        return
    seq, idx, jit, mem, *_set = session.execute(text(BITMAPS_ONLY)).one()
    try:
        yield
    finally:
        session.execute(text(PLANS_AS_BEFORE), {"seq": seq, "idx": idx, "jit": jit, "mem": mem})


def level_column(dialect: str) -> str:
    """The entry's level as the search's scope tests it. On PostgreSQL, as an expression that
    its index on the level cannot serve: most entries are public, and the planner ANDed that
    index's bitmap (every public entry: 800,000 at 1,000,000) with the full-text match's."""
    return "(si.level || '')" if dialect == "postgresql" else "si.level"


def _order(sort: str, date: str, score: str, entry: str) -> str:
    if sort == "date":
        # Newest first; undated records after dated ones, then by relevance.
        return f"{date} IS NULL, {date} DESC, {score} DESC, {entry}"
    return f"{score} DESC, {entry}"


def first_pass(session: Session, cache: IndexCache, dialect: str, where: list[str],
               params: dict[str, Any], *, sort: str, start: int, size: int, facets: bool,
               cap: int, texts: bool = False,
               extra: tuple[list[str], dict[str, Any]] | None = None,
               title_match: str | None = None) -> FirstPass:
    """The results ``start``…``start + size`` in the given order, and the counts; with
    ``texts``, the results' analysed title and body too (no second statement to read them);
    with ``extra``, the rows of the caller's parts (part ``EXTRA`` and up, the statement's
    nine columns) and their parameters; with ``title_match`` (PostgreSQL: any of the
    question's words), the first page by relevance of a common word is ranked among
    candidates chosen by their titles (``_pg_bounded``)."""
    scope = " AND ".join(where)
    year = YEAR.get(dialect, YEAR["postgresql"])
    values = {**params, "cap": cap, "limit": size, "offset": start, "over": OVERFETCH * size}
    overfetch = False
    titled = None
    if dialect == "sqlite":
        fts = fts_table(params)
        m = (f"SELECT {fts}.rowid AS rid, {sqlite_score(fts)} AS score FROM {fts} "
             f"WHERE {fts} MATCH :match")
        scoped = ("SELECT si.id, si.record_type, si.record_id, si.language, si.kind, "
                  f"{year} AS y FROM m CROSS JOIN search_index si ON si.id = m.rid "
                  f"WHERE {scope} LIMIT :cap")
        overfetch = sort == "relevance" and start == 0
        if overfetch:
            page = ("SELECT si.id, si.record_type, si.record_id, t.score, row_number() OVER "
                    "(ORDER BY t.score DESC, si.id) AS pos FROM (SELECT rid, "
                    "score FROM m ORDER BY score DESC, rid LIMIT :over) AS t CROSS JOIN "
                    f"search_index si ON si.id = t.rid WHERE {scope} "
                    "ORDER BY t.score DESC, si.id LIMIT :limit")
        else:
            order = _order(sort, "si.date_start", "m.score", "si.id")
            page = ("SELECT si.id, si.record_type, si.record_id, m.score, row_number() OVER "
                    f"(ORDER BY {order}) AS pos FROM m CROSS JOIN "
                    f"search_index si ON si.id = m.rid WHERE {scope} ORDER BY {order} "
                    "LIMIT :limit OFFSET :offset")
    elif sort == "relevance" and start == 0 and title_match is not None:
        m, scoped, titled, page = _pg_bounded(scope, year)
        values.update(title_match=title_match, rank_all=RANK_ALL, title_k=TITLE_CANDIDATES)
    else:
        m = (f"SELECT si.id, si.record_type, si.record_id, si.language, si.kind, "
             f"si.date_start, {year} AS y, {POSTGRES_SCORE} AS score FROM search_index si "
             f"WHERE si.tsv @@ to_tsquery('simple', :match) AND {scope}")
        scoped = "SELECT * FROM m LIMIT :cap"
        order = _order(sort, "date_start", "score", "id")
        page = (f"SELECT id, record_type, record_id, score, row_number() OVER (ORDER BY {order}) "
                f"AS pos FROM m ORDER BY {order} "
                "LIMIT :limit OFFSET :offset")
    counting, counted = fc.parts(session, cache, facets)
    with_ = [f"m AS MATERIALIZED ({m})", f"scoped AS MATERIALIZED ({scoped})",
             *([f"titled AS MATERIALIZED ({titled})"] if titled else []),
             f"page AS ({page})", *fc.ctes(facets)]
    # A UNION does not promise to keep a part's order: the results carry their position.
    if texts:
        results = (f"SELECT {RESULT}, p.id, p.record_id, p.score, p.record_type, st.title, "
                   f"st.body, {fc.NULL_TEXT}, p.pos FROM page p "
                   "JOIN search_index st ON st.id = p.id")
    else:
        results = (f"SELECT {RESULT}, id, record_id, score, record_type, {fc.NULL_TEXT}, "
                   f"{fc.NULL_TEXT}, {fc.NULL_TEXT}, pos FROM page")
    theirs, their_values = extra or ([], {})
    sql = "WITH " + ", ".join(with_) + " " + " UNION ALL ".join([results, *counting, *theirs])
    with index_bitmaps(session, dialect):
        rows = session.execute(bound(sql), {**values, **counted, **their_values}).all()
    page_rows = sorted((r for r in rows if r[0] == RESULT), key=lambda r: int(r[8]))
    found = [(int(r[1]), str(r[4]), int(r[2]), float(r[3] or 0.0)) for r in page_rows]
    analysed = {int(r[1]): (r[5] or "", r[6] or "") for r in page_rows} if texts else {}
    counts = fc.read((r for r in rows if r[0] != RESULT and r[0] < EXTRA), cap, facets)
    complete = not overfetch or len(found) >= min(size, counts.total)
    return FirstPass(found, counts, complete, analysed, [r for r in rows if r[0] >= EXTRA])


def _pg_bounded(scope: str, year: str) -> tuple[str, str, str, str]:
    """PostgreSQL's ``m``, ``scoped`` and ``page`` for the first page by relevance, ranking at
    most ``RANK_ALL`` matches' tsvectors (with ``:title_match``, the question's terms in any
    record title, service.py).

    The matches in scope are read without their score, at most the cap: the counts and
    facets need no tsvector, so no entry's is read out of line for them. When they are all of
    the matches and at most ``RANK_ALL``, every one is ranked with ts_rank, as before. Else —
    a common word — the candidates are the ``TITLE_CANDIDATES`` matches whose title holds
    most of the question (ts_rank of the title's own small vector, ``TITLE_TSV``), and, only
    if fewer than a page of them, the first ``RANK_ALL`` matches in the index's order (at least
    a page); the page is the best of those by ts_rank. ts_rank weighs a title's words 2.5 times
    a body's, so the best by it are nearly always among the matches with the question in
    their title."""
    m = (f"SELECT si.id, si.record_type, si.record_id, si.language, si.kind, si.date_start, "
         f"{year} AS y FROM search_index si "
         f"WHERE si.tsv @@ to_tsquery('simple', :match) AND {scope} LIMIT :cap")
    scoped = "SELECT * FROM m"
    few = "((SELECT count(*) FROM m) < :cap AND (SELECT count(*) FROM m) <= :rank_all)"
    titled = (f"SELECT si.id FROM search_index si WHERE {TITLE_TSV} @@ to_tsquery('simple', "
              f":title_match) AND si.tsv @@ to_tsquery('simple', :match) AND {scope} "
              f"AND NOT {few} ORDER BY ts_rank({TITLE_TSV}, to_tsquery('simple', :title_match), "
              "1) DESC, si.id LIMIT :title_k")
    first = (f"SELECT si.id FROM search_index si WHERE si.tsv @@ to_tsquery('simple', :match) "
             f"AND {scope} AND NOT {few} AND (SELECT count(*) FROM titled) < :limit "
             "LIMIT greatest(:rank_all, :limit)")
    score = POSTGRES_SCORE.replace("si.tsv", "x.tsv")
    ranked = " UNION ".join(
        f"SELECT x.id, x.record_type, x.record_id, {score} AS score FROM ({ids}) AS c "
        "JOIN search_index x ON x.id = c.id" + cond
        for ids, cond in (("SELECT id FROM m", f" WHERE {few}"), ("SELECT id FROM titled", ""),
                          (first, "")))
    page = ("SELECT id, record_type, record_id, score, row_number() OVER "
            f"(ORDER BY score DESC, id) AS pos FROM ({ranked}) AS r "
            "ORDER BY score DESC, id LIMIT :limit")
    return m, scoped, titled, page


def plain_page(session: Session, dialect: str, where: list[str], params: dict[str, Any], *,
               sort: str, start: int, size: int, exclude: Sequence[int] = ()) -> list[Row]:
    """Results ``start``…``start + size``, ranking every match in scope but the entries in
    ``exclude`` (those of the first, re-ranked window, when this is a later page)."""
    scope = " AND ".join([*where, *(["si.id NOT IN :window"] if exclude else [])])
    params = {**params, "window": list(exclude)} if exclude else params
    if dialect == "sqlite":
        fts = fts_table(params)
        frm = (f"FROM {fts} CROSS JOIN search_index si ON si.id = {fts}.rowid "
               f"WHERE {fts} MATCH :match AND {scope}")
        score = sqlite_score(fts)
    else:
        frm = f"FROM search_index si WHERE si.tsv @@ to_tsquery('simple', :match) AND {scope}"
        score = POSTGRES_SCORE
    order = _order(sort, "si.date_start", "score", "si.id")
    stmt = bound(f"SELECT si.id, si.record_type, si.record_id, {score} AS score {frm} "
                 f"ORDER BY {order} LIMIT :limit OFFSET :offset")
    with index_bitmaps(session, dialect):
        found = session.execute(stmt, {**params, "limit": size, "offset": start}).all()
    return [(int(e), str(t), int(i), float(s or 0.0)) for e, t, i, s in found]
