"""Merging person records that are one person, and undoing it.

A merge changes one thing: the merged record points at the record it is merged into
(``persons.merged_into_id``). Both records keep their names, acts, evidence and history, so
an unmerge only sets that pointer back. Both changes are in the audit trail, on both records.
Linkage reads a person and the records merged into it as one (with all their names), and
statistics count them as one victim (stats/counts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, NotFound
from sillok.security.policy import Actor, require_write, visible_filter


@dataclass(frozen=True)
class MergeResult:
    kept: int
    merged: int
    moved: tuple[int, ...] = ()  # records that were merged into ``merged``, now into ``kept``

    def as_dict(self) -> dict[str, object]:
        return {"kept": self.kept, "merged": self.merged, "moved": list(self.moved)}


def _person(session: Session, actor: Actor, person_id: int) -> m.Person:
    person = session.scalars(select(m.Person).where(
        m.Person.id == person_id, visible_filter(m.Person, actor))).first()
    if person is None or person.retracted_at is not None:
        # The same answer for a record that does not exist and one the actor may not see.
        raise NotFound(f"person #{person_id} not found")
    return person


def _root(session: Session, actor: Actor, person: m.Person) -> m.Person:
    seen = {person.id}
    while person.merged_into_id is not None:
        person = _person(session, actor, person.merged_into_id)
        if person.id in seen:
            raise Conflict(f"person #{person.id} is merged in a circle")
        seen.add(person.id)
    return person


def merge(archive: Archive, actor: Actor, keep_id: int, other_id: int,
          reason: str | None = None) -> MergeResult:
    """Merge person ``other_id`` into ``keep_id`` (or into the record ``keep_id`` is itself
    merged into)."""
    require_write(actor)
    with archive.transaction() as session:
        keep = _root(session, actor, _person(session, actor, keep_id))
        other = _person(session, actor, other_id)
        if other.merged_into_id is not None:
            raise Conflict(f"person #{other.id} is already merged into "
                           f"#{other.merged_into_id}; unmerge it first")
        if keep.id == other.id:
            raise Conflict(f"person #{other_id} cannot be merged into itself")
        moved = session.scalars(select(m.Person).where(m.Person.merged_into_id == other.id)
                                .order_by(m.Person.id)).all()
        for child in moved:
            child.merged_into_id = keep.id
            record_change(session, actor=actor.name, action="merge", record_type="person",
                          record_id=child.id, before={"merged_into": other.id},
                          after={"merged_into": keep.id}, reason=reason)
        other.merged_into_id = keep.id
        record_change(session, actor=actor.name, action="merge", record_type="person",
                      record_id=other.id, before={"merged_into": None},
                      after={"merged_into": keep.id}, reason=reason)
        record_change(session, actor=actor.name, action="merge", record_type="person",
                      record_id=keep.id, before=None, after={"merged_from": other.id},
                      reason=reason)
        return MergeResult(keep.id, other.id, tuple(c.id for c in moved))


def unmerge(archive: Archive, actor: Actor, person_id: int,
            reason: str | None = None) -> MergeResult:
    """Take person ``person_id`` out of the record it was merged into."""
    require_write(actor)
    with archive.transaction() as session:
        person = _person(session, actor, person_id)
        if person.merged_into_id is None:
            raise Conflict(f"person #{person_id} is not merged into another record")
        kept = person.merged_into_id
        person.merged_into_id = None
        record_change(session, actor=actor.name, action="unmerge", record_type="person",
                      record_id=person.id, before={"merged_into": kept},
                      after={"merged_into": None}, reason=reason)
        record_change(session, actor=actor.name, action="unmerge", record_type="person",
                      record_id=kept, before={"merged_from": person.id}, after=None,
                      reason=reason)
        return MergeResult(kept, person.id)
