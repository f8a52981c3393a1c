"""Editors' answers on proposed pairs that are not a merge: "not the same" and "unsure".

A pair said to be different is never proposed again (``persons duplicates``, ``acts
duplicates``, the review queue); an unsure one stays in the queue, after the pairs nobody has
looked at. Each answer, and taking one back, is in the audit trail of both records. A merge is
not an answer kept here: it is the record's own ``merged_into_id`` (merge.py, act_merge.py).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor, require_write, visible_filter

DECISIONS = ("different", "unsure")
MODELS: dict[str, type[m.Person] | type[m.Act]] = {"person": m.Person, "act": m.Act}
Key = tuple[int, int]


def ordered(a: int, b: int) -> Key:
    return (a, b) if a < b else (b, a)


def _visible(session: Session, actor: Actor, record_type: str, ids: Key) -> None:
    model = MODELS[record_type]
    found = set(session.scalars(select(model.id).where(
        model.id.in_(ids), visible_filter(model, actor), model.retracted_at.is_(None))))
    for rid in ids:
        if rid not in found:
            # The same answer for a record that does not exist and one the actor may not see.
            raise NotFound(f"{record_type} #{rid} not found")


def _answer(session: Session, record_type: str, key: Key) -> m.LinkageDecision | None:
    return session.scalars(select(m.LinkageDecision).where(
        m.LinkageDecision.record_type == record_type, m.LinkageDecision.a_id == key[0],
        m.LinkageDecision.b_id == key[1])).first()


def decide(archive: Archive, actor: Actor, record_type: str, a: int, b: int, decision: str,
           reason: str | None = None) -> None:
    """Record that ``a`` and ``b`` are not the same (``different``) or that the editor is
    ``unsure``; a later answer on the same pair replaces the earlier one."""
    require_write(actor)
    if record_type not in MODELS:
        raise Invalid({"record_type": "person or act"})
    if decision not in DECISIONS:
        raise Invalid({"decision": "different or unsure"})
    if a == b:
        raise Invalid({"pair": "two different records"})
    key = ordered(a, b)
    with archive.transaction() as session:
        _visible(session, actor, record_type, key)
        row = _answer(session, record_type, key)
        before = row.decision if row else None
        if row is None:
            row = m.LinkageDecision(record_type=record_type, a_id=key[0], b_id=key[1])
            session.add(row)
        row.decision, row.reason, row.decided_by = decision, reason or "", actor.name
        for this, other in (key, key[::-1]):
            record_change(session, actor=actor.name, action=decision, record_type=record_type,
                          record_id=this,
                          before={"pair": other, "decision": before} if before else None,
                          after={"pair": other, "decision": decision}, reason=reason)


def forget(archive: Archive, actor: Actor, record_type: str, a: int, b: int,
           reason: str | None = None) -> None:
    """Take an answer back: the pair may be proposed again."""
    require_write(actor)
    if record_type not in MODELS:
        raise Invalid({"record_type": "person or act"})
    key = ordered(a, b)
    with archive.transaction() as session:
        _visible(session, actor, record_type, key)
        row = _answer(session, record_type, key)
        if row is None:
            raise NotFound(f"no answer on {record_type}s #{key[0]} and #{key[1]}")
        session.execute(delete(m.LinkageDecision).where(m.LinkageDecision.id == row.id))
        for this, other in (key, key[::-1]):
            record_change(session, actor=actor.name, action="reconsider",
                          record_type=record_type, record_id=this,
                          before={"pair": other, "decision": row.decision}, after=None,
                          reason=reason)


def decisions(session: Session, record_type: str) -> dict[Key, str]:
    """Every answer on pairs of ``record_type``: (smaller id, larger id) → decision."""
    rows = session.execute(select(m.LinkageDecision.a_id, m.LinkageDecision.b_id,
                                  m.LinkageDecision.decision).where(
        m.LinkageDecision.record_type == record_type))
    return {(a, b): d for a, b, d in rows}
