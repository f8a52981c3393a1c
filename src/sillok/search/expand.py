"""Across languages through the vocabulary: a query that names a term (a label or synonym in
Korean or English) also searches every other label and synonym of that term, so that
"forced repatriation" finds 강제북송 and 강제송환 and the other way round. Acts coded with the
term are found too, because an act is indexed under its type's labels (index.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.language.analyzer import normalise
from sillok.search.cache import IndexCache
from sillok.search.query import Query

VOCABULARIES = ("act_type", "facility_type", "agency")
MAX_WINDOW = 4


@dataclass(frozen=True)
class Expansion:
    matched: str
    term: str  # vocabulary:code
    added: tuple[str, ...]


def _label_map(session: Session) -> dict[str, tuple[str, list[str]]]:
    out: dict[str, tuple[str, list[str]]] = {}
    rows = session.execute(select(m.Term).where(m.Term.vocabulary.in_(VOCABULARIES),
                                                m.Term.level == "public",
                                                m.Term.retracted_at.is_(None))).scalars()
    for term in rows:
        labels = [term.label_en, term.label_ko, *term.synonyms_en, *term.synonyms_ko]
        key = f"{term.vocabulary}:{term.code}"
        for label in labels:
            out.setdefault(normalise(label).strip(), (key, labels))
    return out


def expand(session: Session, q: Query, cache: IndexCache | None = None) -> list[Expansion]:
    """Add the other labels of any term the query names, in place; returns what was added."""
    # The labels are read once per index generation (a term's edit rewrites its entry), and
    # at most a minute: reading them was a tenth of a short search.
    labels = (cache.get(("labels",), lambda: _label_map(session), max_age=60.0)
              if cache is not None else _label_map(session))
    done: list[Expansion] = []
    i = 0
    while i < len(q.clauses):
        merged = False
        for width in range(min(MAX_WINDOW, len(q.clauses) - i), 0, -1):
            window = q.clauses[i:i + width]
            if any(len(c) != 1 for c in window):
                continue
            text = " ".join(c[0] for c in window)
            hit = labels.get(normalise(text).strip())
            if hit is None:
                continue
            key, all_labels = hit
            seen = {normalise(text)}
            added = []
            for label in all_labels:
                if normalise(label) not in seen:
                    seen.add(normalise(label))
                    added.append(label)
            q.clauses[i:i + width] = [[text, *added]]
            q.expanded.update(added)
            done.append(Expansion(text, key, tuple(added)))
            merged = True
            break
        i += 1  # a merged window is now one clause; move past it either way
        del merged
    return done
