"""Search: parse, compile to the backend's full-text query, filter by permission inside the
query, rank, and return records as the actor may see them with HTML-safe snippets."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from sillok.archive import views
from sillok.archive.kinds import KINDS
from sillok.archive.resolve import MODELS
from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.language.analyzer import HANGUL, analyse_word, korean_morphemes, normalise
from sillok.search.expand import expand
from sillok.search.index import INDEXED
from sillok.search.query import Query, parse
from sillok.security.policy import Actor, visible_levels

SNIPPET = 90


@dataclass
class SearchResult:
    query: str
    total: int
    items: list[dict[str, Any]] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


# Facet name → the SQL expression it groups by (fixed strings, never user input).
FACETS = {
    "type": "si.record_type",
    "lang": "si.language",
    "kind": "si.kind",
}


def _word_expr(word: str, dialect: str) -> str | None:
    """A word as 'all the terms of one of its groups' in the backend's syntax."""
    groups = analyse_word(word)
    if not groups:
        return None
    if dialect == "sqlite":
        parts = ["(" + " AND ".join(f'"{t}"' for t in g) + ")" for g in groups]
        return "(" + " OR ".join(parts) + ")"
    parts = ["(" + " & ".join(f"'{t}'" for t in g) + ")" for g in groups]
    return "(" + " | ".join(parts) + ")"


def compile_query(q: Query, dialect: str, match_all: bool = True) -> str | None:
    """The MATCH / tsquery text; only analyser terms (letters and digits) ever appear in it.

    ``match_all=False`` joins the clauses with OR and leaves the rest to ranking (questions
    in natural language, as eval-search asks them)."""
    joiner, negator, orer = (" AND ", "NOT ", " OR ") if dialect == "sqlite" else (" & ", "!",
                                                                                   " | ")
    if not match_all:
        joiner = orer
    clauses = []
    for clause in q.clauses:
        alternatives = [e for e in (_word_expr(w, dialect) for w in clause) if e]
        if alternatives:
            clauses.append("(" + orer.join(alternatives) + ")")
    if not clauses:
        return None
    expr = joiner.join(clauses)
    for word in q.excluded:
        e = _word_expr(word, dialect)
        if e:
            expr = f"{expr} NOT {e}" if dialect == "sqlite" else f"{expr} & {negator}{e}"
    return expr


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
    params.update(match=match, levels=visible_levels(actor), limit=limit, offset=offset)
    if dialect == "sqlite":
        base = ("FROM search_fts JOIN search_index si ON si.id = search_fts.rowid "
                "WHERE search_fts MATCH :match AND " + " AND ".join(where))
        score = "bm25(search_fts, 5.0, 1.0)"
        order = "score ASC"
        year = "CAST(strftime('%Y', si.date_start) AS INTEGER)"
    else:
        base = ("FROM search_index si WHERE si.tsv @@ to_tsquery('simple', :match) AND "
                + " AND ".join(where))
        score = "ts_rank(si.tsv, to_tsquery('simple', :match), 1)"
        order = "score DESC"
        year = "CAST(EXTRACT(YEAR FROM si.date_start) AS INTEGER)"
    if sort == "date":
        # Newest first; undated records after dated ones, then by relevance.
        order = f"si.date_start IS NULL, si.date_start DESC, {order}"
    with archive.transaction() as session:
        count_sql = text(f"SELECT count(*) {base}").bindparams(
            bindparam("levels", expanding=True))
        result.total = int(session.execute(count_sql, params).scalar_one())
        hits_sql = text(
            f"SELECT si.record_type, si.record_id, {score} AS score {base} "
            f"ORDER BY {order}, si.id LIMIT :limit OFFSET :offset"
        ).bindparams(bindparam("levels", expanding=True))
        for record_type, record_id, score_value in session.execute(hits_sql, params):
            result.items.append(_hit(session, actor, q, record_type, record_id, score_value))
        if facets:
            # Counted with the very same WHERE clause: the same permission scope as the hits.
            for name, expr in {**FACETS, "year": year}.items():
                facet_sql = text(
                    f"SELECT {expr} AS value, count(*) {base} "
                    f"GROUP BY {expr} ORDER BY count(*) DESC"
                ).bindparams(bindparam("levels", expanding=True))
                result.facets[name] = {
                    str(value): int(n) for value, n in session.execute(facet_sql, params)
                    if value is not None
                }
    return result


def _hit(session: Session, actor: Actor, q: Query, record_type: str, record_id: int,
         score: float) -> dict[str, Any]:
    obj = session.get_one(MODELS[record_type], record_id)
    shown = views.view(KINDS[record_type], obj, session, actor, full=False)
    source_text = obj.text if record_type == "source" else (
        getattr(obj, "description", "") or "")
    return {"type": record_type, "id": record_id, "label": shown["label"],
            "level": shown["level"], "score": round(abs(float(score)), 4),
            "snippet": snippet(source_text, q)}


def _needles(q: Query) -> list[str]:
    needles: set[str] = set()
    for word in q.words:
        needles.add(normalise(word))
        if HANGUL.search(word):
            needles.update(m for m in korean_morphemes(normalise(word)) if len(m) > 1)
    return sorted((n for n in needles if n), key=len, reverse=True)


def snippet(raw: str, q: Query) -> str:
    """A window of the text around the first match, HTML-escaped, matches in <mark>.

    Matching is on the text itself, so a morpheme inside a longer Korean word (탈북민 in
    탈북민들이) is marked where it stands."""
    if not raw:
        return ""
    needles = _needles(q)
    lowered = normalise(raw)
    if len(lowered) != len(raw):  # NFKC changed lengths: fall back to a case fold only
        lowered = raw.lower()
    first = min((i for i in (lowered.find(n) for n in needles) if i >= 0), default=0)
    start = max(0, first - SNIPPET // 3)
    end = min(len(raw), start + SNIPPET * 2)
    window, low = raw[start:end], lowered[start:end]
    if not needles:
        return html.escape(window)
    pattern = re.compile("|".join(re.escape(n) for n in needles))
    out, pos = [], 0
    for m in pattern.finditer(low):
        out.append(html.escape(window[pos:m.start()]))
        out.append(f"<mark>{html.escape(window[m.start():m.end()])}</mark>")
        pos = m.end()
    out.append(html.escape(window[pos:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(raw) else ""
    return prefix + "".join(out).replace("\n", " ") + suffix


__all__ = ["INDEXED", "SearchResult", "compile_query", "search", "snippet"]
