"""The search bar's language: words, "phrases", -exclusion, OR, and filters
``type: lang: level: kind: year: from: to:``.

The parser never fails: unbalanced quotes, stray operators, FTS syntax or a 10,000-character
query all degrade to plain words, and user text never reaches the database as query syntax —
only the analyser's terms do, quoted and bound (see backends.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY = 1000  # characters looked at; the rest of a pasted wall of text is ignored
MAX_CLAUSES = 32
FILTER_KEYS = ("type", "lang", "level", "kind", "year", "from", "to")
TOKEN = re.compile(r'-?"[^"]*"?|\S+')


@dataclass
class Query:
    # Every clause must match; a clause matches if any of its alternatives does.
    clauses: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        return [alt for clause in self.clauses for alt in clause]


def parse(text: str) -> Query:
    q = Query()
    pending_or = False
    for raw in TOKEN.findall(text[:MAX_QUERY]):
        negate = raw.startswith("-") and len(raw) > 1
        token = raw[1:] if negate else raw
        if token.startswith('"'):
            token = token.strip('"').strip()
        if not token:
            continue
        if token == "OR" and not negate:  # noqa: S105 - the OR operator, not a password
            pending_or = bool(q.clauses)
            continue
        key, sep, value = token.partition(":")
        if sep and key.lower() in FILTER_KEYS and value and not negate:
            q.filters[key.lower()] = value
            continue
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
