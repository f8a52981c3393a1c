"""Vocabulary terms as suggestions, not results: a reader who searches 강제북송 wants records of
forced repatriation, and the term *forced repatriation* is better offered as "search by this
type of violation" (a link that applies the filter) than listed among the records.

The terms suggested are those the query names (a label or synonym, expand.py), those a
thesaurus entry the query names corresponds to (thesaurus.py), and the terms the query's words
match in the index — all within the reader's permission scope, like any result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.search import thesaurus
from sillok.search.onepass import plain_page
from sillok.security.policy import Actor, visible_filter

MAX_SUGGESTIONS = 5
# Vocabulary → the search bar's filter that selects records of one of its terms.
FILTER_OF = {"act_type": "act", "facility_type": "facility"}
NOT_TERMS = "si.record_type <> 'term'"


def suggested_keys(expansions: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(vocabulary, code) of the terms the query named, directly or through the thesaurus,
    each with the words of the query that named it."""
    by_id = {e.id: e for e in thesaurus.entries()}
    keys: dict[tuple[str, str], str] = {}
    for e in expansions:
        kind, _sep, code = str(e["term"]).partition(":")
        ref = by_id[code].term if kind == "thesaurus" and code in by_id else (
            None if kind == "thesaurus" else e["term"])
        if ref:
            vocabulary, _s, term_code = ref.partition(":")
            keys.setdefault((vocabulary, term_code), str(e["matched"]))
    return keys


def suggestions(session: Session, actor: Actor, dialect: str, where: list[str],
                params: dict[str, Any], named: dict[tuple[str, str], str],
                rows: list[Any] | None = None) -> list[dict[str, Any]]:
    """The terms to suggest, best first: those named (with the words that named them, in
    ``matched``), then the index's best term matches. ``where`` is the results' scope
    without NOT_TERMS; ``rows``, those matches when another index found them."""
    if rows is None:
        rows = plain_page(session, dialect, [*where, "si.record_type = 'term'"], params,
                          sort="relevance", start=0, size=MAX_SUGGESTIONS)
    found = {int(record_id) for _e, _t, record_id, _s in rows}
    terms: list[m.Term] = []
    if named:
        terms += session.execute(select(m.Term).where(
            tuple_(m.Term.vocabulary, m.Term.code).in_(list(named)),
            visible_filter(m.Term, actor), m.Term.retracted_at.is_(None))).scalars()
        order = list(named)
        terms.sort(key=lambda t: order.index((t.vocabulary, t.code)))
    if found:
        rank = [int(r[2]) for r in rows]
        more = session.execute(select(m.Term).where(m.Term.id.in_(found))).scalars()
        terms += sorted((t for t in more if t.id not in {x.id for x in terms}),
                        key=lambda t: rank.index(t.id))
    return [{"id": t.id, "vocabulary": t.vocabulary, "code": t.code, "label_en": t.label_en,
             "label_ko": t.label_ko, "matched": named.get((t.vocabulary, t.code)),
             "filter": f"{FILTER_OF[t.vocabulary]}:{t.code}" if t.vocabulary in FILTER_OF
             else None} for t in terms[:MAX_SUGGESTIONS]]
