"""Search on the embedded tantivy index (tantivy_store.py): the same query language, scope,
ranking, facets and items as the database's own full-text search (service.py).

- The query: parsed (query.py) and compiled clause by clause as for the database
  (compile.py), each term, phrase, AND, OR and NOT a tantivy query instead of FTS syntax. The
  query's words are analysed once (their terms are kept, language/analyzer.word_terms); the
  same terms compile the match, weigh the clauses and re-rank (rank.py).
- The scope: the reader's levels and copies (archive/views.search_audiences) as filters in the
  index, and a public reader's search reads the public index alone. The search bar's filters
  (filters.py) that are the entry's own fields are filters in the index too; the others
  (places, facilities, support) are read from the database as the entries they select.
- Every result is checked again against the database before it is shown: its entry must
  still be there with a level and copy the reader may read, and its record visible to them
  and not retracted. A result the index holds and the database no longer allows is dropped.
- Facets: counted in the database over the matches in scope (at most COUNT_CAP), with the
  statements the database backends use (facets.py), so both count the same way.
"""

# ruff: noqa: S608 - statements put together from fixed SQL (facets.py); every value is bound.
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import tantivy
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from sillok.archive.redact import Masker
from sillok.archive.resolve import MODELS
from sillok.archive.views import PUBLIC_COPIES, search_audiences
from sillok.search import facets as fc
from sillok.search.cache import IndexCache
from sillok.search.compile import (
    SAFE,
    alternatives,
    clause_expr,
    clauses_and_gaps,
    ranking_expr,
)
from sillok.search.expand import expand
from sillok.search.filters import scope
from sillok.search.onepass import YEAR
from sillok.search.query import Query, parse
from sillok.search.rank import Candidate, idf, rerank
from sillok.search.tantivy_store import FULL, PUBLIC, SCHEMA, Store
from sillok.search.term_suggestions import MAX_SUGGESTIONS, suggested_keys, suggestions
from sillok.security.policy import Actor, visible_levels

Q = tantivy.Query
MUST, SHOULD, NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
TITLE = 5.0  # a title's weight against the body's, as FTS5's bm25(…, 5.0, 1.0)


class Dialect:
    """compile.Dialect's way of spelling terms, phrases, AND, OR and NOT, as tantivy
    queries: a term or phrase matches in the title or the body."""

    sqlite = False

    def term(self, term: str) -> tantivy.Query:
        clean = SAFE.sub("", term)
        return Q.boolean_query([(SHOULD, Q.boost_query(Q.term_query(SCHEMA, "title", clean),
                                                       TITLE)),
                                (SHOULD, Q.term_query(SCHEMA, "body", clean))])

    def phrase(self, terms: tuple[str, ...] | list[str]) -> tantivy.Query:
        if len(terms) == 1:
            return self.term(terms[0])
        words: list[str | tuple[int, str]] = [SAFE.sub("", t) for t in terms]
        return Q.boolean_query([(SHOULD, Q.boost_query(Q.phrase_query(SCHEMA, "title", words),
                                                       TITLE)),
                                (SHOULD, Q.phrase_query(SCHEMA, "body", words))])

    def all_of(self, terms: tuple[str, ...] | list[str]) -> tantivy.Query:
        return Q.boolean_query([(MUST, self.term(t)) for t in terms])

    def any_of(self, exprs: list[Any]) -> tantivy.Query:
        return exprs[0] if len(exprs) == 1 else Q.boolean_query([(SHOULD, e) for e in exprs])

    def without(self, expr: Any, excluded: Any) -> tantivy.Query:
        return Q.boolean_query([(MUST, expr), (NOT, excluded)])


# compile.py's functions take its Dialect; this one has the same methods, returning queries.
DIALECT: Any = Dialect()


def _clause(clause: list[Any]) -> Any:
    """A clause's tantivy query, or None (compile.clause_expr with this dialect)."""
    return clause_expr(clause, DIALECT)


def compile_tantivy(q: Query, clauses: list[Any], match_all: bool) -> tantivy.Query | None:
    """compile.compile_query's match, as one tantivy query."""
    exprs = ([e for e in (_clause(c) for c in clauses) if e is not None] if match_all
             else ranking_expr(clauses, DIALECT))
    if not exprs:
        return None
    parts: list[tuple[Any, Any]] = [(MUST if match_all else SHOULD, e) for e in exprs]
    for word in q.excluded:
        excluded = _clause(alternatives(q, [word]))
        if excluded is not None:
            parts.append((NOT, excluded))
    if not match_all and any(o == NOT for o, _e in parts):
        # At least one clause must match, as "(a OR b) NOT c" asks.
        return Q.boolean_query([(MUST, Q.boolean_query([p for p in parts if p[0] != NOT])),
                                *[p for p in parts if p[0] == NOT]])
    return Q.boolean_query(parts)


def _terms(field: str, values: Sequence[str]) -> tantivy.Query:
    return Q.const_score_query(Q.term_set_query(SCHEMA, field, list(values)), 0.0)


def _days(params: dict[str, Any]) -> tantivy.Query:
    low = params["f_from"].toordinal() if "f_from" in params else 1
    high = params["f_to"].toordinal() if "f_to" in params else None
    return Q.const_score_query(Q.range_query(SCHEMA, "day", tantivy.FieldType.Integer,
                                             max(low, 1), high), 0.0)


# The search bar's filters that are the entry's own fields (filters.scope): by the parameter
# each condition binds.
_OWN = {"f_type": "rtype", "f_lang": "lang", "f_level": "level", "f_kind": "kind"}


def _filters(session: Session, where: list[str], params: dict[str, Any]
             ) -> list[tantivy.Query] | None:
    """The scope's conditions as filters of the index; None if nothing can match."""
    out: list[tantivy.Query] = []
    rest: list[str] = []
    dates = False
    for condition in where:
        named = [p for p in (*_OWN, "f_from", "f_to", "f_acts") if f":{p}" in condition]
        if len(named) == 1 and named[0] in _OWN and condition.endswith(f"= :{named[0]}"):
            out.append(_terms(_OWN[named[0]], [str(params[named[0]])]))
        elif named and set(named) <= {"f_from", "f_to"}:
            dates = True
        elif named == ["f_acts"]:
            out.append(Q.boolean_query([(MUST, _terms("rtype", ["act"])),
                                        (MUST, _terms("kind", list(params["f_acts"])))]))
        else:
            rest.append(condition)
    if dates:
        out.append(_days(params))
    if rest:
        # Conditions through other tables (a place and what lies in it, acts with enough
        # support): the entries they select, read from the database.
        from sillok.search.filters import bound

        ids = [int(i) for i in session.execute(bound(
            "SELECT si.id FROM search_index si WHERE " + " AND ".join(rest)), params).scalars()]
        if not ids:
            return None
        out.append(Q.const_score_query(Q.term_set_query(SCHEMA, "entry", ids), 0.0))
    return out


def _matching(match: tantivy.Query, filters: Sequence[tantivy.Query],
              without: Sequence[tantivy.Query] = ()) -> tantivy.Query:
    return Q.boolean_query([(MUST, match), *((MUST, f) for f in filters),
                            *((NOT, w) for w in without)])


def _entries(searcher: Any, hits: list[tuple[Any, Any]]) -> list[int]:
    return [int(e) for e in searcher.fast_field_values("entry", [a for _s, a in hits])]


def _checked(session: Session, actor: Actor, entries: list[int], public: bool
             ) -> dict[int, tuple[str, int, str, str]]:
    """The entries that the database still holds for this reader, each with its record,
    analysed title and body; only those whose record the reader may see, not retracted."""
    if not entries:
        return {}
    levels, audiences = visible_levels(actor), list(search_audiences(actor))
    stmt = text("SELECT id, record_type, record_id, title, body, level, audience "
                "FROM search_index WHERE id IN :ids AND level IN :levels "
                "AND audience IN :audiences").bindparams(
        bindparam("ids", expanding=True), bindparam("levels", expanding=True),
        bindparam("audiences", expanding=True))
    rows = session.execute(stmt, {"ids": entries, "levels": levels, "audiences": audiences})
    found = {int(r[0]): (str(r[1]), int(r[2]), r[3] or "", r[4] or "") for r in rows
             if not public or (r[6] in PUBLIC_COPIES and r[5] != "restricted")}
    allowed: set[tuple[str, int]] = set()
    for kind in {v[0] for v in found.values()}:
        model = MODELS[kind]
        ids = [v[1] for v in found.values() if v[0] == kind]
        allowed |= {(kind, int(i)) for i in session.execute(select(model.id).where(
            model.id.in_(ids), model.level.in_(levels), model.retracted_at.is_(None))).scalars()}
    return {e: v for e, v in found.items() if (v[0], v[1]) in allowed}


def _counts(session: Session, cache: IndexCache, actor: Actor, entries: list[int], cap: int,
            facets: bool) -> fc.Counts:
    """The total and facets of the matches in scope (facets.py's statements)."""
    dialect = session.get_bind().dialect.name
    year = YEAR.get(dialect, YEAR["postgresql"])
    ids = ("SELECT value FROM json_each(:ids)" if dialect == "sqlite" else
           "SELECT CAST(jsonb_array_elements_text(CAST(:ids AS jsonb)) AS INTEGER)")
    scoped = ("SELECT si.id, si.record_type, si.record_id, si.language, si.kind, "
              f"{year} AS y FROM search_index si WHERE si.id IN ({ids}) "
              "AND si.level IN :levels AND si.audience IN :audiences")
    counting, counted = fc.parts(session, cache, facets)
    sql = ("WITH " + ", ".join([f"scoped AS MATERIALIZED ({scoped})", *fc.ctes(facets)]) + " "
           + " UNION ALL ".join(counting))
    stmt = text(sql).bindparams(bindparam("levels", expanding=True),
                                bindparam("audiences", expanding=True))
    rows = session.execute(stmt, {"ids": json.dumps(entries), "levels": visible_levels(actor),
                                  "audiences": list(search_audiences(actor)), **counted}).all()
    return fc.read(rows, cap, facets)


def run(session: Session, cache: IndexCache, masker: Masker | None, actor: Actor,
        text_query: str, store: Store, *, limit: int, offset: int, expand_terms: bool,
        facets: bool, sort: str, match_all: bool, terms_apart: bool) -> Any:
    """service._search on the tantivy index; returns a service.SearchResult."""
    from sillok.search import service

    q = parse(text_query)
    result = service.SearchResult(query=text_query, total=0)
    if expand_terms:
        result.expansions = [{"matched": e.matched, "term": e.term, "added": list(e.added),
                              "source": e.source} for e in expand(session, q, cache)]
    filtered = scope(session, cache, actor, q)
    result.notes = filtered.notes
    rerank_now = sort == "relevance" and offset < service.RERANK_WINDOW
    clauses, gaps = clauses_and_gaps(q, match_all)
    match = compile_tantivy(q, clauses, match_all)
    if match is None or filtered.empty:
        return result
    filters = _filters(session, filtered.where, filtered.params)
    if filters is None:
        return result
    audiences = search_audiences(actor)
    public = tuple(audiences) == PUBLIC_COPIES
    searcher: Any = store.searcher(PUBLIC if public else FULL)
    filters += [_terms("level", visible_levels(actor)), _terms("audience", audiences)]
    without: list[tantivy.Query] = []
    if terms_apart and "type" not in q.filters:
        top = searcher.search(_matching(match, [*filters, _terms("rtype", ["term"])]),
                              MAX_SUGGESTIONS, count=False).hits
        checked = _checked(session, actor, _entries(searcher, top), public)
        rows = [(e, v[0], v[1], float(s)) for (s, _a), e in zip(top, _entries(searcher, top),
                                                                strict=True)
                for v in [checked.get(e)] if v is not None]
        result.suggestions = suggestions(session, actor, "", [], {},
                                         suggested_keys(result.expansions), rows=rows)
        without.append(_terms("rtype", ["term"]))
    query = _matching(match, filters, without)
    window = service.RERANK_WINDOW
    depth = max(window, offset + limit) if rerank_now else offset + limit
    if sort == "date":
        found = searcher.search(query, depth, count=True, order_by_field="day",
                                order=tantivy.Order.Desc)
    else:
        found = searcher.search(query, depth, count=True)
    entries = _entries(searcher, found.hits)
    checked = _checked(session, actor, entries, public)
    candidates = [Candidate((v[0], v[1]), float(s) if sort == "relevance" else 0.0, v[2], v[3])
                  for (s, _a), e in zip(found.hits, entries, strict=True)
                  for v in [checked.get(e)] if v is not None]
    cap = service.COUNT_CAP
    if facets:
        every = searcher.search(query, cap, count=False).hits
        counts = _counts(session, cache, actor, _entries(searcher, every), cap, facets)
        result.facets = counts.facets
    else:
        counts = fc.Counts(min(found.count, cap), found.count >= cap)
    result.total, result.total_capped = counts.total, counts.capped
    if rerank_now:
        weights = _weights(session, cache, searcher, clauses, filters, without)
        hits = rerank(clauses, weights, candidates[:window], gaps)[offset:offset + limit]
        if offset + limit > window:
            hits += candidates[window:offset + limit]
    else:
        hits = candidates[offset:offset + limit]
    result.items = service._items(session, q, hits, masker)
    return result


def _weights(session: Session, cache: IndexCache, searcher: Any,
             clauses: list[Any], filters: list[tantivy.Query],
             without: list[tantivy.Query]) -> list[float]:
    """Each clause's IDF over what the reader may see (service._weights), counted exactly:
    a count is one pass over the clause's postings in the index, no reading of entries."""
    from sillok.search import service

    dialect = session.get_bind().dialect.name
    total = cache.get(("corpus",), lambda: service._corpus_size(session, dialect),
                      stale=service.CORPUS_TTL)
    out = []
    for clause in clauses:
        expr = _clause(clause)
        df = 0 if expr is None else searcher.search(_matching(expr, filters, without), 1,
                                                    count=True).count
        out.append(idf(df, max(total, df)))
    return out
