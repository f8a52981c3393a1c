"""The search bar's language: words, "phrases", -exclusion, OR, and filters
``type: lang: level: kind: year: from: to: place: act: facility:`` (filters.py).

The parser never fails: unbalanced quotes, stray operators, FTS syntax or a 10,000-character
query all degrade to plain words, and user text never reaches the database as query syntax —
only the analyser's terms do, quoted and bound (see compile.py).

A clause alternative that contains spaces is a quoted phrase: its words must be adjacent and in
order (compile.py); a vocabulary label added by expansion (expand.py) is one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY = 1000  # characters looked at; the rest of a pasted wall of text is ignored
MAX_CLAUSES = 32
FILTER_KEYS = ("type", "lang", "level", "kind", "year", "from", "to", "place", "act", "facility",
               "sources")
# A filter's value may be quoted to hold spaces: act:"forced repatriation".
TOKEN = re.compile(r'-?"[^"]*"?|[^\s":]+:"[^"]*"?|\S+')


@dataclass
class Query:
    # Every clause must match; a clause matches if any of its alternatives does.
    clauses: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    # Whether the user wrote any capital letter: then only capitalised Latin words are read
    # as possible names (Kim Jong Un); in an all lower-case query every word may be one.
    cased: bool = False
    # Alternatives the user quoted: exact phrases even when they are one word ("강제북송" is
    # 강제 next to 북송, not 강제 anywhere and 북송 anywhere).
    quoted: set[str] = field(default_factory=set)
    # Alternatives added from the vocabulary (expand.py): labels of terms, never names.
    expanded: set[str] = field(default_factory=set)

    @property
    def words(self) -> list[str]:
        return [alt for clause in self.clauses for alt in clause]

    def latin_name(self, word: str) -> bool:
        """Whether a Latin word of this query may be a name."""
        return not self.cased or word[:1].isupper()


def parse(text: str) -> Query:
    q = Query(cased=any(c.isupper() for c in text[:MAX_QUERY]))
    pending_or = False
    for raw in TOKEN.findall(text[:MAX_QUERY]):
        negate = raw.startswith("-") and len(raw) > 1
        token = raw[1:] if negate else raw
        quoted = token.startswith('"')
        if quoted:
            token = " ".join(token.strip('"').split())
        if not token:
            continue
        if token == "OR" and not negate:  # noqa: S105 - the OR operator, not a password
            pending_or = bool(q.clauses)
            continue
        key, sep, value = token.partition(":")
        value = " ".join(value.strip('"').split())
        if sep and key.lower() in FILTER_KEYS and value and not negate:
            q.filters[key.lower()] = value
            continue
        if quoted:
            q.quoted.add(token)
        if negate:
            q.excluded.append(token)
        elif pending_or:
            q.clauses[-1].append(token)
        else:
            q.clauses.append([token])
        pending_or = False
        if len(q.clauses) >= MAX_CLAUSES:
            break
    return q
