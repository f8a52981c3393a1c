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
- Facets: the record's own (type, language, kind, year) counted in the index, by an
  aggregation over the matches in scope; those through places (facility type, province), for
  the matches that point to places, in the database with the statements the database
  backends use (facets.py). More matches than COUNT_CAP: all counted in the database over the
  first COUNT_CAP, as the database backends count them.
- Clause frequencies for IDF: counted in the index, kept per index commit and scope
  (cache.py), as the database backends keep theirs.
"""

# ruff: noqa: S608 - statements put together from fixed SQL (facets.py); every value is bound.
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import tantivy
from sqlalchemy import and_, bindparam, case, exists, false, select, text
from sqlalchemy.orm import Session

from sillok.archive.redact import Masker
from sillok.archive.resolve import MODELS
from sillok.archive.views import PUBLIC_COPIES, search_audiences
from sillok.db import models as m
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
from sillok.search.snippet import read_offsets
from sillok.search.tantivy_store import FULL, PUBLIC, SCHEMA, Store
from sillok.search.term_suggestions import MAX_SUGGESTIONS, suggested_keys, suggestions
from sillok.security.policy import Actor, visible_levels

Q = tantivy.Query
MUST, SHOULD, NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
TITLE = 5.0  # a title's weight against the body's, as FTS5's bm25(…, 5.0, 1.0)
# The record's own facets, counted in the index (tantivy_store.schema's fast fields): per
# record type, its languages, kinds and years. Sizes above any facet's number of values, so
# every value is counted exactly.
_ALL = 10_000
FACETS = {"type": {"terms": {"field": "rtype", "size": _ALL}, "aggs": {
    name: {"terms": {"field": field, "size": _ALL}}
    for name, field in (("lang", "lang"), ("kind", "kind"), ("year", "year"))}}}
PLACED = ("act", "event", "person", "place")  # the record types that point to places


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
    """Documents with one of these values in a field of the entry's own: term queries, not
    a term set — tantivy makes a set into a bitset of every document it holds (the level
    'public': most of them) before intersecting, which was half the cost of a search and of
    counting a clause; a term query's postings are skipped through to the matches."""
    if len(values) == 1:
        return Q.const_score_query(Q.term_query(SCHEMA, field, values[0]), 0.0)
    return Q.const_score_query(Q.boolean_query(
        [(SHOULD, Q.term_query(SCHEMA, field, v)) for v in values]), 0.0)


def _scope(public: bool, levels: list[str], audiences: tuple[str, ...]) -> list[tantivy.Query]:
    """The reader's levels and copies as filters of the index read, without those that every
    document of that index passes: the public index holds only public copies (so a public
    reader's copies need no filter) of records that are not restricted (tantivy_store.public);
    the full index every level. Every result is checked against the database anyway."""
    held = ("public", "internal") if public else ("public", "internal", "restricted")
    out = [] if set(held) <= set(levels) else [_terms("level", levels)]
    if not (public and set(audiences) >= set(PUBLIC_COPIES)):
        out.append(_terms("audience", audiences))
    return out


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


@dataclass
class Checked:
    """Entries of the index as the database holds them for a reader (``_checked``)."""

    # Those whose record the reader may see: record type, id, analysed title and body.
    shown: dict[int, tuple[str, int, str, str]]
    # Every one in the reader's scope: id, record type, language, kind, year (facets).
    scoped: list[tuple[int, str, str | None, str | None, int | None]]
    # The sources among ``shown`` as they are shown (service._items: id, title, text,
    # level), read by the same statement that found them visible, and whether each has
    # redaction marks: no second statement for a page of results.
    sources: dict[tuple[str, int], tuple[Any, bool]] = field(default_factory=dict)


def _checked(session: Session, actor: Actor, entries: list[int], public: bool) -> Checked:
    """The entries that the database still holds for this reader (their level and copy in
    the reader's scope), and among them those whose record the reader may see, not
    retracted: one statement, every value bound."""
    if not entries:
        return Checked({}, [])
    rows = [r for r in session.execute(_CHECK, {
        "ids": entries, "levels": visible_levels(actor),
        "audiences": list(search_audiences(actor))})
        if not public or (r[6] in PUBLIC_COPIES and r[5] != "restricted")]
    # id, record type, record id, title, body, level, audience, language, kind, date, visible,
    # and a source's title, text, level and whether it has marks
    return Checked({int(r[0]): (str(r[1]), int(r[2]), r[3] or "", r[4] or "")
                    for r in rows if r[10]},
                   [(int(r[0]), str(r[1]), r[7], r[8], r[9].year if r[9] else None)
                    for r in rows],
                   {("source", int(r[2])): (SimpleNamespace(id=int(r[2]), title=r[11],
                                                            text=r[12], level=r[13]),
                                            bool(r[14]))
                    for r in rows if r[10] and r[1] == "source"})


def _check_statement() -> Any:
    """_checked's statement, built once: each entry in scope, and whether its record is at a
    level the reader may see and not retracted (the record's own table, by its type). A
    source (most results) is joined rather than looked up, and its columns that a result
    shows are read with it — its row is read for the check anyway — with whether it has
    redaction marks."""
    si, src = m.SearchEntry, m.Source
    levels: Any = bindparam("levels", expanding=True)
    visible = case(
        (si.record_type == "source", and_(src.id.is_not(None), src.level.in_(levels),
                                          src.retracted_at.is_(None))),
        *[(si.record_type == kind, exists().where(
            model.id == si.record_id, model.level.in_(levels), model.retracted_at.is_(None)))
          for kind, model in MODELS.items() if kind != "source"], else_=false())
    marked = case((src.id.is_not(None), exists().where(m.RedactionMark.source_id == src.id)),
                  else_=false())
    return select(si.id, si.record_type, si.record_id, si.title, si.body, si.level,
                  si.audience, si.language, si.kind, si.date_start,
                  visible.label("visible"), src.title, src.text, src.level,
                  marked.label("marked")).select_from(si).outerjoin(
        src, and_(si.record_type == "source", src.id == si.record_id)).where(
        si.id.in_(bindparam("ids", expanding=True)), si.level.in_(levels),
        si.audience.in_(bindparam("audiences", expanding=True)))


_CHECK = _check_statement()


def _count_rows(session: Session, cache: IndexCache, actor: Actor, entries: list[int],
               facets: bool, records: bool = True) -> list[Any]:
    """The counting parts' rows over the entries in scope (facets.py's statements): the
    total and the record's own facets, and (``facets``) those through places; without
    ``records``, only the latter."""
    dialect = session.get_bind().dialect.name
    year = YEAR.get(dialect, YEAR["postgresql"])
    ids = ("SELECT value FROM json_each(:ids)" if dialect == "sqlite" else
           "SELECT CAST(jsonb_array_elements_text(CAST(:ids AS jsonb)) AS INTEGER)")
    scoped = ("SELECT si.id, si.record_type, si.record_id, si.language, si.kind, "
              f"{year} AS y FROM search_index si WHERE si.id IN ({ids}) "
              "AND si.level IN :levels AND si.audience IN :audiences")
    counting, counted = fc.parts(session, cache, facets)
    if not records:
        counting = counting[1:]
        if not counting or not entries:
            return []
    sql = ("WITH " + ", ".join([f"scoped AS MATERIALIZED ({scoped})", *fc.ctes(facets)]) + " "
           + " UNION ALL ".join(counting))
    stmt = text(sql).bindparams(bindparam("levels", expanding=True),
                                bindparam("audiences", expanding=True))
    return list(session.execute(stmt, {"ids": json.dumps(entries),
                                       "levels": visible_levels(actor),
                                       "audiences": list(search_audiences(actor)),
                                       **counted}).all())


def _counts_of(session: Session, cache: IndexCache, actor: Actor,
               scoped: list[tuple[int, str, str | None, str | None, int | None]], cap: int
               ) -> fc.Counts:
    """The total and facets of entries in scope read from the database (``_checked``), as
    the counting statement would count them; those through places in the database, for the
    entries that point to places."""
    combos = Counter(e[1:] for e in scoped)
    rows: list[Any] = [(fc.COUNT_PART, None, n, None, t, lang, kind, year, None)
                       for (t, lang, kind, year), n in combos.items()]
    placed = [e[0] for e in scoped if e[1] in PLACED]
    if placed:
        rows += _count_rows(session, cache, actor, placed, True, records=False)
    return fc.read(rows, cap, True)


def _index_counts(session: Session, cache: IndexCache, actor: Actor, searcher: Any,
                  query: tantivy.Query, cap: int) -> fc.Counts:
    """The total and facets of fewer than ``cap`` matches: the record's own facets counted
    in the index, those through places in the database for the matches that point to
    places (none, for most searches: no statement then)."""
    buckets = searcher.aggregate(query, FACETS)["type"]["buckets"]
    placed = [str(b["key"]) for b in buckets if b["key"] in PLACED]
    rows: list[Any] = []
    if placed:
        hits = searcher.search(_matching(query, [_terms("rtype", placed)]), cap,
                               count=False).hits
        rows = _count_rows(session, cache, actor, _entries(searcher, hits), True,
                           records=False)
    return fc.from_index(buckets, rows, cap)


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
    filters += _scope(public, visible_levels(actor), audiences)
    without: list[tantivy.Query] = []
    if terms_apart and "type" not in q.filters:
        top = searcher.search(_matching(match, [*filters, _terms("rtype", ["term"])]),
                              MAX_SUGGESTIONS, count=False).hits
        shown = _checked(session, actor, _entries(searcher, top), public).shown
        rows = [(e, v[0], v[1], float(s)) for (s, _a), e in zip(top, _entries(searcher, top),
                                                                strict=True)
                for v in [shown.get(e)] if v is not None]
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
                  for v in [checked.shown.get(e)] if v is not None]
    cap = service.COUNT_CAP
    if facets and found.count <= len(found.hits) and found.count < cap:
        # Every match is in hand (most searches: a few matches), and the database has just
        # said which are in scope: counted from those, no other pass.
        counts = _counts_of(session, cache, actor, checked.scoped, cap)
        result.facets = counts.facets
    elif facets and found.count < cap:
        counts = _index_counts(session, cache, actor, searcher, query, cap)
        result.facets = counts.facets
    elif facets:
        every = searcher.search(query, cap, count=False).hits
        counts = fc.read(_count_rows(session, cache, actor, _entries(searcher, every), facets),
                         cap, facets)
        result.facets = counts.facets
    else:
        counts = fc.Counts(min(found.count, cap), found.count >= cap)
    result.total, result.total_capped = counts.total, counts.capped
    if rerank_now and not candidates:
        hits = []  # nothing to rank: no frequencies needed
    elif rerank_now:
        # Frequencies are kept per commit of the index read and per scope.
        kept = ("tantivy-df", public, store.generation(), tuple(filtered.where),
                tuple(sorted((k, repr(v)) for k, v in filtered.params.items())),
                tuple(visible_levels(actor)), tuple(audiences), bool(without))
        if len(clauses) == 1 and not q.excluded and match_all:
            # One clause: the search itself is the clause in scope, and counted it.
            cache.put((*kept, repr(clauses[0])), found.count)
        weights = _weights(session, cache, searcher, clauses, filters, without, kept)
        hits = rerank(clauses, weights, candidates[:window], gaps)[offset:offset + limit]
        if offset + limit > window:
            hits += candidates[window:offset + limit]
    else:
        hits = candidates[offset:offset + limit]
    # The offsets the index keeps of each shown record's text: its snippet is cut without
    # reading the text again (snippet.offsets).
    where = {(v[0], v[1]): a for (_s, a), e in zip(found.hits, entries, strict=True)
             for v in [checked.shown.get(e)] if v is not None}
    at = {c.key: read_offsets(searcher.doc(where[c.key]).get_first("snip"))
          for c in hits if c.key in where}
    result.items = service._items(session, q, hits, masker, at, checked.sources)
    return result


def _weights(session: Session, cache: IndexCache, searcher: Any,
             clauses: list[Any], filters: list[tantivy.Query],
             without: list[tantivy.Query], kept: tuple[Any, ...]) -> list[float]:
    """Each clause's IDF over what the reader may see (service._weights), counted exactly:
    a count is one pass over the clause's postings in the index, no reading of entries.
    Counts are kept under ``kept`` (the index's commit and the scope) with the clause."""
    from sillok.search import service

    dialect = session.get_bind().dialect.name
    total = cache.get(("corpus",), lambda: service._corpus_size(session, dialect),
                      stale=service.CORPUS_TTL)

    def count(missing: list[int]) -> list[int]:
        exprs = [_clause(clauses[i]) for i in missing]
        # Counted without scoring (a constant score): a fifth less work for the index.
        return [0 if e is None else searcher.search(
            Q.const_score_query(_matching(e, filters, without), 1.0), 1, count=True).count
            for e in exprs]

    dfs = cache.get_many([(*kept, repr(clause)) for clause in clauses], count)
    return [idf(df, max(total, df)) for df in dfs]
