"""Search: parse, compile to the backend's full-text query, filter by permission inside the
query, rank, and return records as the actor may see them with HTML-safe snippets."""

from __future__ import annotations

import copy
import dataclasses
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from sillok.archive.audit import audit_bulk_read
from sillok.archive.kinds import KINDS
from sillok.archive.redact import REFERENCE_TYPES, Masker
from sillok.archive.redacted_text import fill, merge, public_parts, spans_by_source
from sillok.archive.resolve import MODELS
from sillok.archive.service import Archive
from sillok.archive.views import masker_of, search_audiences
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.search import tantivy_search, tantivy_store
from sillok.search.cache import IndexCache
from sillok.search.compile import Dialect, clause_expr, clauses_and_gaps, compile_query
from sillok.search.expand import expand
from sillok.search.facets import NULL_TEXT
from sillok.search.filters import bound, scope
from sillok.search.index import INDEXED
from sillok.search.onepass import (
    EXTRA,
    FirstPass,
    Row,
    first_pass,
    fts_table,
    index_bitmaps,
    level_column,
    plain_page,
)
from sillok.search.query import Query, parse
from sillok.search.rank import Candidate, idf, rerank
from sillok.search.snippet import Highlighter, Offsets, snippet
from sillok.search.term_suggestions import NOT_TERMS, suggested_keys, suggestions
from sillok.security.policy import Actor, visible_levels

# Relevance is settled among this many best candidates by the backend's own score (rank.py);
# deeper pages follow the backend's order. Wider windows cost time on every search.
RERANK_WINDOW = 30
CORPUS_TTL = 60.0  # seconds a count of the index may outlive a change of it, for IDF
# Matches counted at most for the total and the facets (facets.py); beyond it both are lower
# bounds and the result says so. The order of the results is decided over all matches.
COUNT_CAP = 10_000
# A clause's frequency in scope is counted exactly up to this, and estimated beyond (_weights).
# Counting a common clause's first 1,000 matches in scope was a fifth of a search's time at
# 1,000,000 sources; from 200, the estimate is off by about 7 %, which moves its IDF (a
# logarithm) by less than 0.1.
DF_CAP = 200
# The columns of the sources shown (_items), built once: building the statement per search
# cost a tenth of a millisecond.
SOURCES = select(m.Source.id, m.Source.title, m.Source.text, m.Source.level).where(
    m.Source.id.in_(bindparam("ids", expanding=True)))
# The same with each source's redaction marks (a row per mark; none: one row of NULLs), for
# readers who see them replaced: one statement rather than one for the sources and another for
# their marks (redacted_text.spans_by_source, which reads the same marks).
SOURCES_MARKED = select(m.Source.id, m.Source.title, m.Source.text, m.Source.level,
                        m.RedactionMark.start_offset, m.RedactionMark.end_offset).outerjoin(
    m.RedactionMark, m.RedactionMark.source_id == m.Source.id).where(
    m.Source.id.in_(bindparam("ids", expanding=True)))


@dataclass
class SearchResult:
    query: str
    total: int
    items: list[dict[str, Any]] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Counting stopped at COUNT_CAP matches: ``total`` and the facet counts mean "at least".
    total_capped: bool = False
    # What the user should know about the query: a filter value that names nothing, a year
    # that is not one (search/filters.py).
    notes: list[str] = field(default_factory=list)
    # With ``terms_apart``: the vocabulary terms the query names or matches, offered as
    # filters rather than listed as results (term_suggestions.py).
    suggestions: list[dict[str, Any]] = field(default_factory=list)


def _base(dialect: str, where: list[str], match: str = "match", fts: str = "search_fts"
          ) -> str:
    """``FROM … WHERE …`` of the records that match ``:match`` in the permission scope."""
    if dialect == "sqlite":
        # CROSS JOIN fixes the order: the full-text match first, then its rows' filters. Left
        # to itself SQLite may scan the index by level and re-run the match for every row.
        return (f"FROM {fts} CROSS JOIN search_index si ON si.id = {fts}.rowid "
                f"WHERE {fts} MATCH :{match} AND " + " AND ".join(where))
    return (f"FROM search_index si WHERE si.tsv @@ to_tsquery('simple', :{match}) AND "
            + " AND ".join(where))


def _weights(session: Session, cache: IndexCache, dialect: str, where: list[str],
             params: dict[str, Any], exprs: list[str | None],
             count: Callable[[list[int]], list[int]] | None = None) -> list[float]:
    """Each clause's IDF, its document frequency in the actor's scope: what the actor may not
    see never shapes the order of what they do see. Frequencies are kept per index generation
    (cache.py); those not known yet are counted by ``count`` (given the clauses' positions:
    the search counts them in its first pass) or else in a statement of their own.

    A frequency is counted exactly up to ``DF_CAP``. Beyond it — a common word, for which
    counting meant reading most of the archive — it is estimated from how far into the index
    (by entry id) the first ``DF_CAP`` matches in scope reach: only what the actor may see
    goes into the estimate. IDF changes slowly with a large frequency (log), so the estimate
    weighs such words about as an exact count would."""
    total = cache.get(("corpus",), lambda: _corpus_size(session, dialect), stale=CORPUS_TTL)

    def frequencies(missing: list[int]) -> list[int]:
        parts, values = _frequency_parts(dialect, where, [exprs[i] for i in missing],
                                         fts_table(params), _last_entry(cache, dialect))
        with index_bitmaps(session, dialect):
            return _frequencies(session.execute(bound(" UNION ALL ".join(parts)),
                                                {**params, **values}).all())

    dfs = cache.get_many([_df_key(where, params, e) for e in exprs], count or frequencies)
    return [idf(df, max(total, df)) for df in dfs]


def _frequency_parts(dialect: str, where: list[str], exprs: list[str | None],
                     fts: str = "search_fts", last: int | None = None
                     ) -> tuple[list[str], dict[str, Any]]:
    """Statement parts that count each clause's matches in scope, up to ``DF_CAP``: a row
    per clause (part ``EXTRA``, the clause, the count, the highest entry id counted), and a
    last row with the index's highest entry id (``last``, if known); in the first pass's nine
    columns, so that they can be counted in it (onepass.py) as well as on their own."""
    blank = ", ".join([NULL_TEXT] * 4)
    parts: list[str] = []
    values: dict[str, Any] = {"dfcap": DF_CAP}
    # In id order, which FTS5 reads its matches in anyway: no sort of all of them.
    by_id = f"{fts}.rowid" if dialect == "sqlite" else "si.id"
    for n, expr in enumerate(exprs):
        if expr is None:
            parts.append(f"SELECT {EXTRA}, {n}, 0, NULL, {blank}, 0")
            continue
        values[f"df{n}"] = expr
        if dialect == "postgresql":
            parts.append(_pg_frequency_part(n, where, blank))
            continue
        first = (f"SELECT si.id AS entry {_base(dialect, where, f'df{n}', fts)} "
                 f"ORDER BY {by_id} LIMIT :dfcap")
        parts.append(f"SELECT {EXTRA}, {n}, count(*), NULL, {blank}, max(entry) "  # noqa: S608
                     f"FROM ({first}) AS f{n}")
    if last is None:
        parts.append(f"SELECT {EXTRA}, {len(exprs)}, 0, NULL, {blank}, "  # noqa: S608
                     "coalesce(max(id), 0) FROM search_index")
    else:
        # Known already (the index's generation on PostgreSQL, cache.py): read in the same
        # statement, it would be read through a bitmap of the whole primary key
        # (onepass.index_bitmaps: 0.4 s at 200,000 entries) rather than its last entry.
        parts.append(f"SELECT {EXTRA}, {len(exprs)}, 0, NULL, {blank}, CAST(:dflast AS INTEGER)")
        values["dflast"] = last
    return parts, values


def _pg_frequency_part(n: int, where: list[str], blank: str) -> str:
    """PostgreSQL's part for clause ``n``: the same count and highest id as SQLite's (the first
    ``DF_CAP`` matches in scope by entry id), without reading every match or every entry.

    Asked for in id order, PostgreSQL either sorts all the clause's matches (the GIN bitmap
    gives them in no useful order, and a clause with a name key's phrase has every candidate's
    tsvector re-read to check it) or walks the primary key and tests every entry until it has
    ``DF_CAP`` — the whole index for a clause it wrongly thinks common (measured at 1,000,000
    entries: 1.4 s per clause). So: first any ``DF_CAP`` matches (``a``, the scan stops there);
    fewer than that are all of them. Otherwise the first ``DF_CAP`` by id all have an id at
    most the highest of ``a``'s, and only those entries are searched again in id order (``b``,
    run only then; ``a`` has just read the same pages)."""
    base = _base("postgresql", where, f"df{n}")
    any_ = f"SELECT si.id AS entry {base} LIMIT :dfcap"
    ordered = (f"SELECT si.id AS entry {base} AND si.id <= a.reach AND a.n >= :dfcap "
               "ORDER BY si.id LIMIT :dfcap")
    return (f"SELECT {EXTRA}, {n}, CASE WHEN a.n < :dfcap THEN a.n ELSE b.n END, NULL, "  # noqa: S608
            f"{blank}, CASE WHEN a.n < :dfcap THEN a.reach ELSE b.reach END "
            f"FROM (SELECT count(*) AS n, max(entry) AS reach FROM ({any_}) AS x{n}) AS a "
            f"CROSS JOIN LATERAL (SELECT count(*) AS n, max(entry) AS reach "
            f"FROM ({ordered}) AS y{n}) AS b")


def _last_entry(cache: IndexCache, dialect: str) -> int | None:
    """The index's highest entry id where the index's generation holds it (PostgreSQL)."""
    if dialect != "postgresql":
        return None
    generation = cache.generation()
    return int(generation[0] or 0) if generation else None


def _frequencies(rows: Sequence[Any]) -> list[int]:
    """The frequencies, in clause order, from the rows of ``_frequency_parts``."""
    *counted, (*_, last) = sorted((int(r[1]), int(r[2]), r[8]) for r in rows)
    return [n if n < DF_CAP or not reach else round(n * int(last) / int(reach))
            for _i, n, reach in counted]


def _capped_frequency(cache: IndexCache, dialect: str, first: FirstPass) -> int | None:
    """A single clause's frequency in scope when the first pass stopped counting at the cap
    (PostgreSQL): estimated as ``_frequencies`` estimates a common clause's, from how far into
    the index (by entry id) the counted matches reach — here the cap's matches, which
    PostgreSQL's bitmap gives in the table's order, where entries lie by id unless rewritten
    since. Counting the clause's first ``DF_CAP`` matches by id instead took a statement of its
    own, reading the clause's bitmap twice: a fifth of such a search at 1,000,000 sources."""
    last = _last_entry(cache, dialect)
    reach = first.counts.reach
    if not last or not reach:
        return None
    return max(first.counts.total, round(first.counts.total * last / reach))


def _corpus_size(session: Session, dialect: str) -> int:
    """How many entries the index holds, for IDF. PostgreSQL counts rows by reading them all
    (0.4 s at 200,000); its planner's estimate, kept by autovacuum, is close enough for a
    logarithm, and is used once the table has been analysed."""
    if dialect == "postgresql":
        estimate = session.execute(text(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass('search_index')")).scalar()
        if estimate is not None and estimate > 0:
            return int(estimate)
    return int(session.execute(text("SELECT count(*) FROM search_index")).scalar_one())


def _df_key(where: list[str], params: dict[str, Any], expr: str | None) -> tuple[Any, ...]:
    """A clause's frequency is kept per scope: the levels and the query's filters."""
    return ("df", tuple(where), tuple(sorted(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k != "match")),
        expr)


def search(archive: Archive, actor: Actor, text_query: str, *, limit: int = 20,
           offset: int = 0, expand_terms: bool = True, facets: bool = False,
           sort: str = "relevance", match_all: bool = True,
           terms_apart: bool = False) -> SearchResult:
    """Records matching ``text_query`` as ``actor`` may see them. With ``terms_apart`` (the
    public page and API), vocabulary terms are not results but ``suggestions``, unless the
    query asks for them (``type:terms``)."""
    if not 1 <= limit <= 200 or offset < 0:
        raise Invalid({"limit": "limit must be 1–200 and offset not negative"})
    if sort not in ("relevance", "date"):
        raise Invalid({"sort": f"'{sort}' is not one of: relevance, date"})
    with archive.transaction() as session:
        cache = IndexCache(session)
        # Readers without clearance for protected details search public copies (index.py)
        # and see them; for analysts, real names are masked (archive/views.masker_of).
        masker = masker_of(session, archive.settings.data_dir, actor)
        # The same question in the same scope, with nothing changed since: the answer kept
        # (cache.py says why it cannot be out of date). A public search bar sees the same few
        # questions over and over; each costs a pass over its matches when its words are common.
        key = ("search", actor.role.value, masker.version if masker else None, text_query,
               limit, offset, expand_terms, facets, sort, match_all, terms_apart, COUNT_CAP,
               RERANK_WINDOW)
        options: dict[str, Any] = {"limit": limit, "offset": offset, "expand_terms": expand_terms,
                   "facets": facets, "sort": sort, "match_all": match_all,
                   "terms_apart": terms_apart}
        store = tantivy_store.store_of(archive.engine)
        if store is None:
            found = cache.result(key, lambda: _search(session, cache, masker, actor,
                                                      text_query, **options))
        else:
            # The embedded index (tantivy_search.py): an answer is kept with its commits too.
            found = cache.result((*key, store.generation()), lambda: tantivy_search.run(
                session, cache, masker, actor, text_query, store, **options))
        # Every search that showed a cleared reader restricted records is on the record,
        # answered from the cache or not.
        audit_bulk_read(session, actor, "search", "archive",
                        [f"{i['type']}:{i['id']}" for i in found.items
                         if i["level"] == "restricted"],
                        {"query": text_query, "limit": limit, "offset": offset,
                         "total": found.total})
    # A copy: callers mask and redact the items they are given in place.
    return _copied(found)


def _copied(found: SearchResult) -> SearchResult:
    """A copy of a kept answer that shares nothing a caller can change: its lists and dicts
    copied at every depth (what they hold at the bottom is strings and numbers, which cannot be
    changed) — as copy.deepcopy copies them, without its bookkeeping for shared and recursive
    objects, which answers do not have (a tenth of a first-time search's time went to it)."""
    return dataclasses.replace(found, **{f.name: _deep(getattr(found, f.name))
                                         for f in dataclasses.fields(found)})


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_deep(v) for v in value)
    if isinstance(value, set):
        return set(value)
    if value is None or isinstance(value, str | int | float):
        return value
    return copy.deepcopy(value)  # anything else (none so far): copied as before


def _search(session: Session, cache: IndexCache, masker: Masker | None, actor: Actor,
            text_query: str, *, limit: int, offset: int, expand_terms: bool, facets: bool,
            sort: str, match_all: bool, terms_apart: bool = False) -> SearchResult:
    q = parse(text_query)
    dialect = session.get_bind().dialect.name
    result = SearchResult(query=text_query, total=0)
    if expand_terms:
        result.expansions = [
            {"matched": e.matched, "term": e.term, "added": list(e.added),
             "source": e.source}
            for e in expand(session, q, cache)
        ]
    filtered = scope(session, cache, actor, q)
    result.notes = filtered.notes
    match = compile_query(q, dialect, match_all)
    if match is None or filtered.empty:
        return result
    where, params = filtered.where, filtered.params
    where.append(f"{level_column(dialect)} IN :levels")
    # Each reader reads the copies made for them: no entry of a reader without clearance
    # holds a name they may not read, so no search of theirs can match one (index.py).
    where.append("si.audience IN :audiences")
    params.update(match=match, levels=visible_levels(actor), audiences=search_audiences(actor))
    if terms_apart and "type" not in q.filters:
        result.suggestions = suggestions(session, actor, dialect, list(where), params,
                                         suggested_keys(result.expansions))
        where.append(NOT_TERMS)
    rerank_now = sort == "relevance" and offset < RERANK_WINDOW
    # PostgreSQL ranks a common word's first window among the matches with any of the
    # question's words in their title (onepass._pg_bounded), so a later page is the rest of
    # the matches after that window, not a slice of another order: no record on two pages,
    # none on neither.
    after_window = dialect == "postgresql" and sort == "relevance" and not rerank_now
    clauses, gaps = clauses_and_gaps(q, match_all) if rerank_now else ([], [])
    start, size = (0, RERANK_WINDOW) if rerank_now or after_window else (offset, limit)
    d = Dialect(dialect)
    exprs = [clause_expr(c, d) for c in clauses]
    asked = exprs if not after_window else [
        clause_expr(c, d) for c in clauses_and_gaps(q, match_all)[0]]
    title_match = (d.any_of([e for e in asked if e])
                   if dialect == "postgresql" and any(asked) else None)
    # One clause and nothing excluded: its frequency in scope is the total the first pass
    # counts, unless that stopped at the cap. (Not in ranking mode: its match is any part of
    # the clause's word, which more records have than the whole word.)
    single = len(exprs) == 1 and not q.excluded and match_all
    first: FirstPass | None = None

    def first_pass_counting(missing: list[int]) -> list[int]:
        # The clauses' frequencies not kept yet are counted in the first pass's statement:
        # one statement fewer per search.
        nonlocal first
        first = first_pass(
            session, cache, dialect, where, params, sort=sort, start=start, size=size,
            facets=facets, cap=COUNT_CAP, texts=rerank_now,
            extra=_frequency_parts(dialect, where, [exprs[i] for i in missing],
                                   fts_table(params), _last_entry(cache, dialect)),
            title_match=title_match)
        return _frequencies(first.extra)

    weights = None if single else _weights(session, cache, dialect, where, params, exprs,
                                           first_pass_counting)
    if first is None:
        first = first_pass(session, cache, dialect, where, params, sort=sort, start=start,
                           size=size, facets=facets, cap=COUNT_CAP, texts=rerank_now,
                           title_match=title_match)
    result.total, result.total_capped = first.counts.total, first.counts.capped
    if weights is None:
        if not result.total_capped:
            cache.put(_df_key(where, params, exprs[0]), result.total)
        elif (estimate := _capped_frequency(cache, dialect, first)) is not None:
            cache.put(_df_key(where, params, exprs[0]), estimate)
        weights = _weights(session, cache, dialect, where, params, exprs)
    if facets:
        result.facets = first.counts.facets
    rows = first.rows if first.complete else plain_page(
        session, dialect, where, params, sort=sort, start=start, size=size)
    if rerank_now:
        candidates = ([Candidate((t, i), sc, *first.texts[e]) for e, t, i, sc in rows]
                      if first.complete else _candidates(session, rows, texts=True))
        hits = rerank(clauses, weights, candidates, gaps)
        hits = hits[offset:offset + limit]
        if offset + limit > RERANK_WINDOW:
            hits += _candidates(session, plain_page(
                session, dialect, where, params, sort=sort, start=0,
                size=offset + limit - RERANK_WINDOW, exclude=[r[0] for r in rows]),
                texts=False)
    elif after_window:
        hits = _candidates(session, plain_page(
            session, dialect, where, params, sort=sort, start=offset - RERANK_WINDOW,
            size=limit, exclude=[r[0] for r in rows]), texts=False)
    else:
        hits = _candidates(session, rows, texts=False)
    result.items = _items(session, q, hits, masker)
    return result


def _candidates(session: Session, rows: list[Row], texts: bool) -> list[Candidate]:
    """The rows as candidates, with their analysed title and body if they are to be
    re-ranked: read for these few rows only, never carried through the ranking of all."""
    loaded: dict[int, tuple[str, str]] = {}
    if texts and rows:
        stmt = text("SELECT id, title, body FROM search_index WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True))
        loaded = {int(i): (ti or "", b or "") for i, ti, b in
                  session.execute(stmt, {"ids": [r[0] for r in rows]})}
    return [Candidate((t, i), s, *loaded.get(e, ("", ""))) for e, t, i, s in rows]


def _items(session: Session, q: Query, hits: list[Candidate], masker: Masker | None,
           at: dict[tuple[str, int], Offsets | None] | None = None,
           known: dict[tuple[str, int], tuple[Any, bool]] | None = None
           ) -> list[dict[str, Any]]:
    """The hits as the actor may see them; each record type loaded in one query. With a
    ``masker`` (a reader without clearance), labels are masked and snippets are cut from the
    public copy: marked passages and protected names replaced, never cut through. ``at``:
    the offsets the index keeps of the records' texts (snippet.offsets), by record; each
    is used only for the very text it was made from (a public copy with parts replaced is
    read as before). ``known``: sources read already, in the statement that checked them
    (tantivy_search._checked), each with whether it has redaction marks."""
    at, known = at or {}, known or {}
    loaded: dict[tuple[str, int], Any] = {k: known[k][0] for k in (c.key for c in hits)
                                          if k in known}
    # Marked passages of the sources read already, for a reader who sees them replaced:
    # read only for those that have any (most have none).
    flagged = [k[1] for k in loaded if known[k][1]] if masker is not None else []
    marked: dict[int, list[tuple[int, int]]] = {
        i: list(spans) for i, spans in spans_by_source(session, flagged).items()
    } if flagged else {}
    for record_type in {c.key[0] for c in hits if c.key not in loaded}:
        model = MODELS[record_type]
        ids = [c.key[1] for c in hits if c.key[0] == record_type and c.key not in loaded]
        if record_type == "source":
            # Sources are most results: only the columns shown are read, without building
            # ORM objects (a third of a short search's time went to them); with their marks,
            # for a reader who sees them replaced.
            if masker is None:
                for i, title, body, level in session.execute(SOURCES, {"ids": ids}):
                    loaded[(record_type, i)] = SimpleNamespace(id=i, title=title, text=body,
                                                               level=level)
                continue
            for i, title, body, level, start, end in session.execute(SOURCES_MARKED,
                                                                     {"ids": ids}):
                loaded[(record_type, i)] = SimpleNamespace(id=i, title=title, text=body,
                                                           level=level)
                if start is not None:
                    marked.setdefault(i, []).append((start, end))
            continue
        for obj in session.execute(select(model).where(model.id.in_(ids))).scalars():
            loaded[(record_type, obj.id)] = obj
    items = []
    marks = Highlighter(q)
    # Merged and in order, as redacted_text.spans_by_source gives them.
    hidden = {i: merge(spans) for i, spans in marked.items()}
    for cand in hits:
        record_type, record_id = cand.key
        obj = loaded[cand.key]
        source_text = obj.text if record_type == "source" else (
            getattr(obj, "description", "") or "")
        # The label is the record's own (a title, a person's first name): the record is in
        # the actor's scope, or the search would not have found it.
        label = KINDS[record_type].label(obj)
        if masker is None or record_type in REFERENCE_TYPES:
            # Places and terms are reference data, shown unmasked as in their views
            # (archive/redact.py): the city of Chongjin is not a person called Chong-jin.
            shown = marks.snippet(source_text, at.get(cand.key))
        else:
            # Cut from the public copy, each hidden part one character while it is cut.
            label = masker.mask(label)
            names = [(n.start, n.end, masker.labels[n.owner])
                     for n in masker.spans(source_text)]
            text_in_parts, parts = public_parts(
                source_text, hidden.get(record_id, []) if record_type == "source" else [],
                names)
            shown = fill(marks.snippet(text_in_parts, at.get(cand.key) if not parts else None),
                         {ch: html.escape(what) for ch, what in parts.items()})
        items.append({"type": record_type, "id": record_id, "label": label,
                      "level": obj.level, "score": round(abs(cand.score or cand.backend_score), 4),
                      "snippet": shown})
    return items


__all__ = ["INDEXED", "SearchResult", "compile_query", "search", "snippet"]
