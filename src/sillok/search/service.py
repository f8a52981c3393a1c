"""Search: parse, compile to the backend's full-text query, filter by permission inside the
query, rank, and return records as the actor may see them with HTML-safe snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from sillok.archive.kinds import KINDS
from sillok.archive.resolve import MODELS
from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.search.compile import Dialect, clause_expr, clauses_and_gaps, compile_query
from sillok.search.expand import expand
from sillok.search.facets import facets as count_facets
from sillok.search.index import INDEXED
from sillok.search.query import Query, parse
from sillok.search.rank import Candidate, idf, rerank
from sillok.search.snippet import Highlighter, snippet
from sillok.security.policy import Actor, visible_levels

# Relevance is settled among this many best candidates by the backend's own score (rank.py);
# deeper pages follow the backend's order. Wider windows cost time on every search.
RERANK_WINDOW = 30
CORPUS_TTL = 60.0  # seconds a count of the index is reused for IDF


@dataclass
class SearchResult:
    query: str
    total: int
    items: list[dict[str, Any]] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _filters(q: Query) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    f = q.filters
    if "type" in f:
        where.append("si.record_type = :f_type")
        params["f_type"] = {"sources": "source", "events": "event", "acts": "act",
                            "persons": "person", "places": "place", "terms": "term"}.get(
            f["type"].lower(), f["type"].lower())
    if "lang" in f:
        where.append("si.language = :f_lang")
        params["f_lang"] = f["lang"].lower()
    if "level" in f:
        where.append("si.level = :f_level")
        params["f_level"] = f["level"].lower()
    if "kind" in f:
        where.append("si.kind = :f_kind")
        params["f_kind"] = f["kind"]
    # Year filters that are not years are ignored, like any other unusable query text.
    years = {k: int(f[k]) for k in ("year", "from", "to")
             if k in f and f[k].isdigit() and len(f[k]) == 4}
    if "year" in years:
        years["from"] = years["to"] = years["year"]
    if "from" in years:
        where.append("si.date_start >= :f_from")
        params["f_from"] = date(years["from"], 1, 1)
    if "to" in years:
        where.append("si.date_start <= :f_to")
        params["f_to"] = date(years["to"], 12, 31)
    return where, params


def _base(dialect: str, where: list[str], match: str = "match") -> str:
    """``FROM … WHERE …`` of the records that match ``:match`` in the permission scope."""
    if dialect == "sqlite":
        # CROSS JOIN fixes the order: the full-text match first, then its rows' filters. Left
        # to itself SQLite may scan the index by level and re-run the match for every row.
        return ("FROM search_fts CROSS JOIN search_index si ON si.id = search_fts.rowid "
                f"WHERE search_fts MATCH :{match} AND " + " AND ".join(where))
    return (f"FROM search_index si WHERE si.tsv @@ to_tsquery('simple', :{match}) AND "
            + " AND ".join(where))


_corpus: dict[str, tuple[float, int]] = {}


def _corpus_size(session: Session) -> int:
    """How many records the index holds, for IDF; counted at most once a minute."""
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    cached = _corpus.get(key)
    if cached is None or now - cached[0] > CORPUS_TTL:
        n = int(session.execute(text("SELECT count(*) FROM search_index")).scalar_one())
        cached = _corpus[key] = (now, n)
    return cached[1]


def _counts(session: Session, dialect: str, where: list[str], params: dict[str, Any],
            exprs: list[str | None]) -> tuple[int, list[float]]:
    """The number of results, and each clause's IDF, its document frequency counted in the
    actor's scope: what the actor may not see never shapes the order of what they do see.
    One statement, one round trip."""
    total = _corpus_size(session)
    subqueries, values = [f"(SELECT count(*) {_base(dialect, where)})"], dict(params)
    for i, expr in enumerate(exprs):
        if expr is not None:
            subqueries.append(f"(SELECT count(*) {_base(dialect, where, f'df{i}')})")
            values[f"df{i}"] = expr
        else:
            subqueries.append("0")
    row = session.execute(text("SELECT " + ", ".join(subqueries)).bindparams(
        bindparam("levels", expanding=True)), values).one()
    return int(row[0]), [idf(int(df), max(total, int(df))) for df in row[1:]]


def search(archive: Archive, actor: Actor, text_query: str, *, limit: int = 20,
           offset: int = 0, expand_terms: bool = True, facets: bool = False,
           sort: str = "relevance", match_all: bool = True) -> SearchResult:
    if not 1 <= limit <= 200 or offset < 0:
        raise Invalid({"limit": "limit must be 1–200 and offset not negative"})
    if sort not in ("relevance", "date"):
        raise Invalid({"sort": f"'{sort}' is not one of: relevance, date"})
    q = parse(text_query)
    dialect = archive.engine.dialect.name
    result = SearchResult(query=text_query, total=0)
    if expand_terms:
        with archive.transaction() as session:
            result.expansions = [
                {"matched": e.matched, "term": e.term, "added": list(e.added)}
                for e in expand(session, q)
            ]
    match = compile_query(q, dialect, match_all)
    if match is None:
        return result
    where, params = _filters(q)
    where.append("si.level IN :levels")
    params.update(match=match, levels=visible_levels(actor))
    base = _base(dialect, where)
    if dialect == "sqlite":
        score = "-bm25(search_fts, 5.0, 1.0)"
        year = "CAST(strftime('%Y', si.date_start) AS INTEGER)"
    else:
        score = "ts_rank(si.tsv, to_tsquery('simple', :match), 1)"
        year = "CAST(EXTRACT(YEAR FROM si.date_start) AS INTEGER)"
    order = "score DESC"
    if sort == "date":
        # Newest first; undated records after dated ones, then by relevance.
        order = f"si.date_start IS NULL, si.date_start DESC, {order}"

    def page(start: int, count: int, session: Session) -> list[Candidate]:
        stmt = text(
            f"SELECT si.record_type, si.record_id, {score} AS score, si.title, si.body {base} "
            f"ORDER BY {order}, si.id LIMIT :limit OFFSET :offset"
        ).bindparams(bindparam("levels", expanding=True))
        rows = session.execute(stmt, {**params, "limit": count, "offset": start})
        return [Candidate((t, int(i)), float(s or 0.0), ti or "", b or "")
                for t, i, s, ti, b in rows]

    with archive.transaction() as session:
        rerank_now = sort == "relevance" and offset < RERANK_WINDOW
        clauses, gaps = clauses_and_gaps(q, match_all) if rerank_now else ([], [])
        d = Dialect(dialect)
        result.total, weights = _counts(session, dialect, where, params,
                                        [clause_expr(c, d) for c in clauses])
        if rerank_now:
            hits = rerank(clauses, weights, page(0, RERANK_WINDOW, session), gaps)
            hits = hits[offset:offset + limit]
            if offset + limit > RERANK_WINDOW:
                hits += page(RERANK_WINDOW, offset + limit - RERANK_WINDOW, session)
        else:
            hits = page(offset, limit, session)
        result.items = _items(session, q, hits)
        if facets:
            result.facets = count_facets(session, base, year, params)
    return result


def _items(session: Session, q: Query, hits: list[Candidate]) -> list[dict[str, Any]]:
    """The hits as the actor may see them; each record type loaded in one query."""
    loaded: dict[tuple[str, int], Any] = {}
    for record_type in {c.key[0] for c in hits}:
        model = MODELS[record_type]
        ids = [c.key[1] for c in hits if c.key[0] == record_type]
        for obj in session.execute(select(model).where(model.id.in_(ids))).scalars():
            loaded[(record_type, obj.id)] = obj
    items = []
    marks = Highlighter(q)
    for cand in hits:
        record_type, record_id = cand.key
        obj = loaded[cand.key]
        source_text = obj.text if record_type == "source" else (
            getattr(obj, "description", "") or "")
        # The label is the record's own (a title, a person's first name): the record is in
        # the actor's scope, or the search would not have found it.
        items.append({"type": record_type, "id": record_id, "label": KINDS[record_type].label(obj),
                      "level": obj.level, "score": round(abs(cand.score or cand.backend_score), 4),
                      "snippet": marks.snippet(source_text)})
    return items


__all__ = ["INDEXED", "SearchResult", "compile_query", "search", "snippet"]
