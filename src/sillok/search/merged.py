"""Merged persons in the search index: a person merged into another (linkage/merge.py) is
found as that one record, under all its names, and not as a result or facet count of its own.

The record kept carries the names of the records merged into it that are no more confidential
than itself; those records have no entry. A merged record more confidential than the one it is
merged into keeps its own entry, found only by readers cleared for it: its names in the kept
record's entry would let readers of that entry find it by them. (A restricted person's names
are left out of every public copy anyway: search/index.py.)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.security.policy import LEVEL_RANK, Level

# The ids of persons that have records merged into them, read once per batch of entries
# written (index.write_pending): most archives have few merges, most persons none.
ROOTS = "sillok.search.merge_roots"


def _rank(person: m.Person) -> int:
    return LEVEL_RANK[Level(person.level)]


def absorbed(session: Session, person: m.Person) -> bool:
    """Whether ``person`` is found only as the record it is merged into."""
    if person.merged_into_id is None:
        return False
    root = session.get(m.Person, person.merged_into_id)
    return root is not None and root.retracted_at is None and _rank(person) <= _rank(root)


def merged_names(session: Session, person: m.Person) -> list[str]:
    """The names of the records merged into ``person`` that its entry carries."""
    roots = session.info.get(ROOTS)
    if roots is not None and person.id not in roots:
        return []
    children = session.scalars(select(m.Person).where(
        m.Person.merged_into_id == person.id, m.Person.retracted_at.is_(None))
        .order_by(m.Person.id)).all()
    return [n.name for c in children if _rank(c) <= _rank(person) for n in c.names]


def roots(session: Session) -> set[int]:
    return set(session.scalars(select(m.Person.merged_into_id).where(
        m.Person.merged_into_id.is_not(None)).distinct()))


def related(session: Session, person: m.Person) -> list[m.Person]:
    """The records whose entries change with ``person``'s: the one it is merged into."""
    if person.merged_into_id is None:
        return []
    root = session.get(m.Person, person.merged_into_id)
    return [root] if root is not None else []
