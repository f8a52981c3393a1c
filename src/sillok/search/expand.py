"""Across languages through the vocabulary: a query that names a term (a label or synonym in
Korean or English) also searches every other label and synonym of that term, so that
"forced repatriation" finds 강제북송 and 강제송환 and the other way round. Acts coded with the
term are found too, because an act is indexed under its type's labels (index.py). The domain
thesaurus adds the words people write for the same thing (탈북민 = defector, thesaurus.py).

Only the query's own words are looked up, and only words are added: a name is never an entry
of either, and what protects a name (the index's public copies, index.py) is matched against
the query as typed and against the words added alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.language.analyzer import normalise
from sillok.search import thesaurus
from sillok.search.cache import IndexCache
from sillok.search.query import Query

VOCABULARIES = ("act_type", "facility_type", "agency")
MAX_WINDOW = 4


@dataclass(frozen=True)
class Expansion:
    matched: str
    term: str  # vocabulary:code, or thesaurus:id
    added: tuple[str, ...]
    source: str | None = None  # where a thesaurus entry's equivalence comes from


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
    """Add the other labels of any term the query names, and the other words of any thesaurus
    entry (thesaurus.py), in place; returns what was added."""
    # The labels are read once per index generation (a term's edit rewrites its entry), and
    # at most a minute: reading them was a tenth of a short search.
    labels = (cache.get(("labels",), lambda: _label_map(session), max_age=60.0)
              if cache is not None else _label_map(session))
    done: list[Expansion] = []
    i = 0
    while i < len(q.clauses):
        for width in range(min(MAX_WINDOW, len(q.clauses) - i), 0, -1):
            window = q.clauses[i:i + width]
            if any(len(c) != 1 for c in window):
                continue
            text = " ".join(c[0] for c in window)
            hit = labels.get(normalise(text).strip())
            entry = thesaurus.lookup(text)
            if hit is None and entry is None:
                continue
            seen = {normalise(text)}
            added = []
            if hit is not None:
                for label in hit[1]:
                    if normalise(label) not in seen:
                        seen.add(normalise(label))
                        added.append(label)
                q.expanded.update(added)
                done.append(Expansion(text, hit[0], tuple(added)))
            if entry is not None:
                more = [w for w in thesaurus.equivalents(entry, text)
                        if normalise(w) not in seen]
                # Weighed below the words typed (rank.py), as is a term's label.
                q.expanded.update(more)
                added += more
                if more:
                    done.append(Expansion(text, f"thesaurus:{entry.id}", tuple(more),
                                          entry.source))
            q.clauses[i:i + width] = [[text, *added]]
            break
        i += 1  # a merged window is now one clause; move past it either way
    return done
