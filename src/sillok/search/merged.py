"""Merged records in the search index: a person merged into another (linkage/merge.py) is
found as that one record, under all its names, and not as a result or facet count of its own;
an act merged into another (one act coded twice) likewise, under both codings' descriptions.

The record kept carries the names of the records merged into it that are no more confidential
than itself; those records have no entry. A merged record more confidential than the one it is
merged into keeps its own entry, found only by readers cleared for it: its names in the kept
record's entry would let readers of that entry find it by them. (A restricted person's names
are left out of every public copy anyway: search/index.py.)
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.security.policy import LEVEL_RANK, Level

# The ids of persons (acts) that have records merged into them, read once per batch of entries
# written (index.write_pending): most archives have few merges, most records none.
ROOTS = "sillok.search.merge_roots"
ACT_ROOTS = "sillok.search.act_merge_roots"
Merged = TypeVar("Merged", m.Person, m.Act)


def _rank(record: m.Person | m.Act) -> int:
    return LEVEL_RANK[Level(record.level)]


def absorbed(session: Session, record: Merged) -> bool:
    """Whether ``record`` (a person or an act) is found only as the record it is merged
    into."""
    if record.merged_into_id is None:
        return False
    root = session.get(type(record), record.merged_into_id)
    return root is not None and root.retracted_at is None and _rank(record) <= _rank(root)


def _children(session: Session, record: Merged, cache: str) -> list[Merged]:
    roots = session.info.get(cache)
    if roots is not None and record.id not in roots:
        return []
    model: type[Merged] = type(record)
    children = session.scalars(select(model).where(
        model.merged_into_id == record.id, model.retracted_at.is_(None))
        .order_by(model.id)).all()
    return [c for c in children if _rank(c) <= _rank(record)]


def merged_names(session: Session, person: m.Person) -> list[str]:
    """The names of the records merged into ``person`` that its entry carries."""
    return [n.name for c in _children(session, person, ROOTS) for n in c.names]


def merged_descriptions(session: Session, act: m.Act) -> list[str]:
    """The descriptions of the acts merged into ``act`` that its entry carries."""
    return [c.description for c in _children(session, act, ACT_ROOTS) if c.description]


def roots(session: Session, model: type[m.Person | m.Act] = m.Person) -> set[int]:
    return set(session.scalars(select(model.merged_into_id).where(
        model.merged_into_id.is_not(None)).distinct()))


def related(session: Session, record: Merged) -> list[Merged]:
    """The records whose entries change with ``record``'s: the one it is merged into."""
    if record.merged_into_id is None:
        return []
    root = session.get(type(record), record.merged_into_id)
    return [root] if root is not None else []
