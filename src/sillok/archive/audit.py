"""Audit entries: written in the same transaction as the change, each hash-chained to the last.

The hash covers the entry's content and the previous entry's hash, so an edited, deleted,
inserted or reordered entry breaks the chain from that point on. Each entry is also signed
with the audit key kept outside the database, and the chain's head is checkpointed outside it
after every commit (audit_anchor.py); an entry of a changed record carries the digest of the
record's state after the change (audit_state.py). ``audit_verify.py`` checks all of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from sillok.archive.audit_anchor import Head, anchor_for
from sillok.archive.audit_state import record_state, record_states
from sillok.db.models import AuditEntry
from sillok.db.types import utcnow
from sillok.errors import StorageError
from sillok.security.policy import Actor, may_see_level

AUDIT_LOCK_KEY = 0x5111_0C
LAST_HASH = "sillok.audit.last_hash"
LAST_ENTRY = "sillok.audit.last_entry"
# Entries that record a look, not a change: they carry no state digest.
log = logging.getLogger(__name__)
READS = frozenset({"view", "list", "search", "export"})


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
    state: str | None = None,
) -> str:
    fields = [at.isoformat(), actor, action, record_type, record_id, before, after, reason,
              prev_hash]
    if state is not None:
        # Entries from before state digests keep the hash they were chained with.
        fields.append(state)
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


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
        state=entry.state,
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
    key, last = _chain_end(session)
    state = None
    if record_id is not None and action not in READS:
        session.flush()  # the state digest is read from what the database will hold
        state = record_state(session, key, record_type, record_id)
    return _append(session, key, last, actor=actor, action=action, record_type=record_type,
                   record_id=record_id, before=before, after=after, reason=reason, state=state)


def record_changes(session: Session, *, actor: str, action: str, record_type: str,
                   changes: Sequence[tuple[int, dict[str, Any] | None]]) -> None:
    """:func:`record_change` for many new or changed records of one type, ``(id, after)`` in
    order: one flush, their state digests read back in batches (audit_state.record_states),
    the same entries in the same chain as one call per record would append."""
    if not changes:
        return
    key, last = _chain_end(session)
    states: dict[int, str | None] = {}
    if action not in READS:
        session.flush()
        states = record_states(session, key, record_type, [rid for rid, _after in changes])
    for record_id, after in changes:
        entry = _append(session, key, last, actor=actor, action=action,
                        record_type=record_type, record_id=record_id, before=None,
                        after=after, reason=None, state=states.get(record_id))
        last = entry.entry_hash


def _chain_end(session: Session) -> tuple[bytes, str]:
    """The audit key and the hash of the chain's last entry (taking the chain's lock first)."""
    anchor = anchor_for(session.get_bind())
    if anchor is None:
        raise StorageError("this process cannot sign audit entries (no archive is attached "
                           "to its database engine)")
    last = session.info.get(LAST_HASH)
    if last is None:
        if session.get_bind().dialect.name == "postgresql":
            # Writers take turns at the end of the chain until they commit; SQLite already
            # allows one writer at a time.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
        row = session.execute(
            select(AuditEntry.entry_hash, AuditEntry.signature)
            .order_by(AuditEntry.id.desc()).limit(1)).first()
        last = row[0] if row else ""
        # The key is made only while no entry is signed: a lost key of a signed chain has to
        # be restored, or every signature before would look forged.
        anchor.key(create=row is None or row[1] is None)
        event.listen(session, "after_commit", _advance_head, once=True)
    return anchor.key(), str(last)


def _append(session: Session, key: bytes, last: str, *, actor: str, action: str,
            record_type: str, record_id: int | None, before: dict[str, Any] | None,
            after: dict[str, Any] | None, reason: str | None,
            state: str | None) -> AuditEntry:
    anchor = anchor_for(session.get_bind())
    assert anchor is not None  # _chain_end checked it
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
        state=state,
    )
    entry.entry_hash = hash_of(entry)
    entry.signature = anchor.sign(entry.entry_hash)
    session.add(entry)
    # The session lives for one transaction (db/engine.transaction), so this is the chain's
    # end for as long as we hold the lock.
    session.info[LAST_HASH] = entry.entry_hash
    session.info[LAST_ENTRY] = entry
    return entry


def anchor_head(session: Session) -> Head | None:
    """Make the audit key if no entry is signed yet, and move the checkpoint to the chain's
    committed end (``sillok init``: an upgraded archive is anchored before its next write)."""
    anchor = anchor_for(session.get_bind())
    if anchor is None:
        raise StorageError("no archive is attached to this database engine")
    row = session.execute(select(AuditEntry.id, AuditEntry.entry_hash, AuditEntry.signature)
                          .order_by(AuditEntry.id.desc()).limit(1)).first()
    anchor.key(create=row is None or row[2] is None)
    if row is None:
        return None
    head = Head(row[0], row[1])
    anchor.advance(head)
    return head


# A bulk read names at most this many restricted records (ids only) in its entry.
MAX_READ_IDS = 200


def audit_bulk_read(session: Session, actor: Actor, action: str, what: str,
                    restricted_ids: list[Any], asked: dict[str, Any]) -> None:
    """One entry for a list, search or export that showed restricted records to a cleared
    reader: what was asked and which records came back (ids and a count, never their
    content). Reads that showed none write nothing (public and anonymous reads never do)."""
    if not restricted_ids or not may_see_level(actor, "restricted"):
        return
    record_change(session, actor=actor.name, action=action, record_type=what, record_id=None,
                  after={**asked, "restricted": len(restricted_ids),
                         "ids": restricted_ids[:MAX_READ_IDS]})


def _advance_head(session: Session) -> None:
    """After the commit: the checkpoint outside the database moves to the newest entry."""
    entry = session.info.pop(LAST_ENTRY, None)
    session.info.pop(LAST_HASH, None)
    anchor = anchor_for(session.get_bind())
    if entry is None or anchor is None or entry.id is None:
        return
    try:
        anchor.advance(Head(entry.id, entry.entry_hash), durable=False)
    except OSError as exc:
        # The change is committed: failing it now would only tell the caller a lie. The
        # checkpoint stays behind (the next write or `audit verify` moves it on).
        log.warning("audit checkpoint %s not written: %s", anchor.head_path, exc.strerror)


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    loaded: dict[str, Any] = json.loads(canonical(value))
    return loaded


