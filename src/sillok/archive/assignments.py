"""Who a record is assigned to: one staff user (editor or admin) at a time, or nobody. Every
assignment and unassignment is an audit entry of the record (action ``assign``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.kinds import kind_named
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Invalid, NotFound, Said
from sillok.security.policy import WRITERS, Actor, may_see, require_write

if TYPE_CHECKING:
    from sillok.archive.service import Archive

ASSIGN_ACTION = "assign"


def staff_users(session: Session) -> list[str]:
    """The user names a record can be assigned to: enabled editors and admins."""
    return list(session.execute(
        select(m.User.username).where(m.User.role.in_(sorted(r.value for r in WRITERS)),
                                      m.User.disabled.is_(False))
        .order_by(m.User.username)).scalars())


def assignees(session: Session, type_name: str, ids: Iterable[int]) -> dict[int, str]:
    """The assignee of each of the records that has one."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = session.execute(select(m.Assignment.record_id, m.Assignment.assignee).where(
        m.Assignment.record_type == type_name, m.Assignment.record_id.in_(wanted))).all()
    return {int(rid): str(who) for rid, who in rows}


def check_assignee(session: Session, assignee: str) -> str:
    """The assignee's name, or "" for nobody; Invalid unless an enabled editor or admin."""
    assignee = (assignee or "").strip()
    if assignee and assignee not in staff_users(session):
        raise Invalid({"assignee": Said(
            "assign.not_staff", f"'{assignee}' is not an editor or admin of this archive",
            f"'{assignee}'은(는) 이 아카이브의 편집자나 관리자가 아닙니다")})
    return assignee


def assign(session: Session, actor: Actor, type_name: str, record_id: int,
           assignee: str) -> bool:
    """Assign one record to ``assignee`` ("" = nobody) in the caller's transaction; False if
    it already was. The assignee must have been checked with :func:`check_assignee`."""
    require_write(actor)
    kind = kind_named(type_name)
    obj = session.get(kind.model, record_id)
    if obj is None or not may_see(actor, obj):
        raise NotFound(f"no {kind.name} #{record_id}")
    row = session.execute(select(m.Assignment).where(
        m.Assignment.record_type == kind.name, m.Assignment.record_id == record_id)
    ).scalar_one_or_none()
    before = row.assignee if row is not None else ""
    if before == assignee:
        return False
    if not assignee and row is not None:
        session.delete(row)
    elif row is None:
        session.add(m.Assignment(record_type=kind.name, record_id=record_id, assignee=assignee,
                                 assigned_by=actor.name))
    else:
        row.assignee, row.assigned_by, row.assigned_at = assignee, actor.name, utcnow()
    session.flush()
    record_change(session, actor=actor.name, action=ASSIGN_ACTION, record_type=kind.name,
                  record_id=record_id, before={"assignee": before or None},
                  after={"assignee": assignee or None})
    return True


def assign_one(archive: Archive, actor: Actor, type_name: str, record_id: int,
               assignee: str) -> bool:
    """Assign one record (its workspace page), with the checks and audit entry of the lists'
    bulk assignment; False if it was assigned so already."""
    require_write(actor)
    with archive.transaction() as session:
        return assign(session, actor, type_name, record_id, check_assignee(session, assignee))
