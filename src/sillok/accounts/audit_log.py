"""Reading the audit trail: filtered listings and the chain check behind ``sillok audit``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from sillok.archive.audit_anchor import attach
from sillok.archive.audit_verify import AuditReport, verify_audit
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid
from sillok.security.policy import Actor, Role


def _require_admin(actor: Actor) -> None:
    # The trail names who looked at restricted records: it is itself sensitive.
    if actor.role != Role.admin:
        raise Forbidden("only administrators may read the audit trail")


def audit_entries(archive: Archive, actor: Actor, *, who: str | None = None,
                  record: str | None = None, since: str | None = None,
                  limit: int = 200) -> list[dict[str, Any]]:
    _require_admin(actor)
    stmt = select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(limit)
    if who:
        stmt = stmt.where(m.AuditEntry.actor == who)
    if record:
        kind, _, rid = record.partition(":")
        if not rid.isdigit():
            raise Invalid({"record": f"'{record}' is not TYPE:ID (e.g. event:12)"})
        stmt = stmt.where(m.AuditEntry.record_type == kind, m.AuditEntry.record_id == int(rid))
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise Invalid({"since": f"'{since}' is not a date (YYYY-MM-DD)"}) from None
        if start.tzinfo is None:
            from datetime import UTC

            start = start.replace(tzinfo=UTC)
        stmt = stmt.where(m.AuditEntry.at >= start)
    with archive.transaction() as session:
        rows = list(session.execute(stmt).scalars())
        return [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                 "record_type": e.record_type, "record_id": e.record_id, "reason": e.reason,
                 "hash": e.entry_hash} for e in reversed(rows)]


def check_audit(archive: Archive, actor: Actor) -> AuditReport:
    """The whole trail checked (archive/audit_verify.py); a clean one moves the checkpoint
    outside the database to its end."""
    _require_admin(actor)
    with archive.transaction() as session:
        return verify_audit(session, attach(archive.engine, archive.settings))
