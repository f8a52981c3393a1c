"""Merging person records that are one person (or act records that are one act), and undoing it.

A merge changes one thing: the merged record points at the record it is merged into
(``persons.merged_into_id``). Both records keep their names, acts, evidence and history, so
an unmerge only sets that pointer back. Both changes are in the audit trail, on both records.
Linkage reads a person and the records merged into it as one (with all their names), and
statistics count them as one victim (stats/counts.py). Acts coded twice (act_pairs.py) are
merged the same way, each keeping its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


MODELS: dict[str, Any] = {"person": m.Person, "act": m.Act}


def _record(session: Session, actor: Actor, record_type: str, record_id: int) -> Any:
    model = MODELS[record_type]
    record = session.scalars(select(model).where(
        model.id == record_id, visible_filter(model, actor))).first()
    if record is None or record.retracted_at is not None:
        # The same answer for a record that does not exist and one the actor may not see.
        raise NotFound(f"{record_type} #{record_id} not found")
    return record


def _root(session: Session, actor: Actor, record_type: str, record: Any) -> Any:
    seen = {record.id}
    while record.merged_into_id is not None:
        record = _record(session, actor, record_type, record.merged_into_id)
        if record.id in seen:
            raise Conflict(f"{record_type} #{record.id} is merged in a circle")
        seen.add(record.id)
    return record


def merge(archive: Archive, actor: Actor, keep_id: int, other_id: int,
          reason: str | None = None, record_type: str = "person") -> MergeResult:
    """Merge record ``other_id`` into ``keep_id`` (or into the record ``keep_id`` is itself
    merged into)."""
    require_write(actor)
    model = MODELS[record_type]
    with archive.transaction() as session:
        keep = _root(session, actor, record_type, _record(session, actor, record_type, keep_id))
        other = _record(session, actor, record_type, other_id)
        if other.merged_into_id is not None:
            raise Conflict(f"{record_type} #{other.id} is already merged into "
                           f"#{other.merged_into_id}; unmerge it first")
        if keep.id == other.id:
            raise Conflict(f"{record_type} #{other_id} cannot be merged into itself")
        moved = session.scalars(select(model).where(model.merged_into_id == other.id)
                                .order_by(model.id)).all()
        for child in moved:
            child.merged_into_id = keep.id
            record_change(session, actor=actor.name, action="merge", record_type=record_type,
                          record_id=child.id, before={"merged_into": other.id},
                          after={"merged_into": keep.id}, reason=reason)
        other.merged_into_id = keep.id
        record_change(session, actor=actor.name, action="merge", record_type=record_type,
                      record_id=other.id, before={"merged_into": None},
                      after={"merged_into": keep.id}, reason=reason)
        record_change(session, actor=actor.name, action="merge", record_type=record_type,
                      record_id=keep.id, before=None, after={"merged_from": other.id},
                      reason=reason)
        return MergeResult(keep.id, other.id, tuple(c.id for c in moved))


def unmerge(archive: Archive, actor: Actor, record_id: int, reason: str | None = None,
            record_type: str = "person") -> MergeResult:
    """Take record ``record_id`` out of the record it was merged into."""
    require_write(actor)
    with archive.transaction() as session:
        record = _record(session, actor, record_type, record_id)
        if record.merged_into_id is None:
            raise Conflict(f"{record_type} #{record_id} is not merged into another record")
        kept = record.merged_into_id
        record.merged_into_id = None
        record_change(session, actor=actor.name, action="unmerge", record_type=record_type,
                      record_id=record.id, before={"merged_into": kept},
                      after={"merged_into": None}, reason=reason)
        record_change(session, actor=actor.name, action="unmerge", record_type=record_type,
                      record_id=kept, before={"merged_from": record.id}, after=None,
                      reason=reason)
        return MergeResult(kept, record.id)
