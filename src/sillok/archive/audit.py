"""Audit entries: written in the same transaction as the change, each hash-chained to the last.

The hash covers the entry's content and the previous entry's hash, so an edited, deleted,
inserted or reordered entry breaks the chain from that point on (checked by ``verify_chain``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sillok.db.models import AuditEntry
from sillok.db.types import utcnow

AUDIT_LOCK_KEY = 0x5111_0C
LAST_HASH = "sillok.audit.last_hash"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(
    *,
    at: datetime,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | None,
    before: Any,
    after: Any,
    reason: str | None,
    prev_hash: str,
) -> str:
    body = canonical(
        [at.isoformat(), actor, action, record_type, record_id, before, after, reason, prev_hash]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def hash_of(entry: AuditEntry) -> str:
    return compute_hash(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        record_type=entry.record_type,
        record_id=entry.record_id,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
        prev_hash=entry.prev_hash,
    )


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append an entry. The caller's transaction makes change and entry one unit."""
    last = session.info.get(LAST_HASH)
    if last is None:
        if session.get_bind().dialect.name == "postgresql":
            # Writers take turns at the end of the chain until they commit; SQLite already
            # allows one writer at a time.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
        last = session.execute(
            select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one_or_none() or ""
    # Round-trip through JSON now so that the hash is computed over exactly what is stored.
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        prev_hash=last,
    )
    entry.entry_hash = hash_of(entry)
    session.add(entry)
    # The session lives for one transaction (db/engine.transaction), so this is the chain's
    # end for as long as we hold the lock.
    session.info[LAST_HASH] = entry.entry_hash
    return entry


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    loaded: dict[str, Any] = json.loads(canonical(value))
    return loaded


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    problem: str


def verify_chain(session: Session) -> ChainProblem | None:
    """The first entry whose hash or link is wrong, or None when the chain is whole."""
    prev = ""
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if entry.prev_hash != prev:
            return ChainProblem(entry.id, "does not follow the entry before it (deleted, "
                                          "inserted or reordered)")
        if entry.entry_hash != hash_of(entry):
            return ChainProblem(entry.id, "content does not match its hash (edited)")
        prev = entry.entry_hash
    return None
