"""The assignment control of a record's workspace page (templates/_assign.html): who has
the record now, and the editors and admins it may go to (web/assign_routes.py changes it)."""

from __future__ import annotations

from typing import Any

from sillok.archive.assignments import assignees, staff_users
from sillok.archive.service import Archive
from sillok.security.policy import Actor, may_write


def assign_context(archive: Archive, actor: Actor, type_name: str,
                   record_id: int) -> dict[str, Any]:
    """The record page's assignment control: who has it now, and who it may go to."""
    with archive.transaction() as session:
        current = assignees(session, type_name, [record_id]).get(record_id, "")
        users = staff_users(session) if may_write(actor) else []
    return {"assign": {"current": current, "users": users, "may": may_write(actor)}}
