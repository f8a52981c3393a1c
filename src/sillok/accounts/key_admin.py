"""``sillok keys``: turning encryption of protected details on, rotating its key, its status.

Turning it on and rotating follow one order, so that an interruption at any point leaves
every value readable:

1. the new key is added to the key file (atomic write) next to the keys already there;
2. one database transaction re-encrypts every protected value with it, marks it ``current``
   and the old key ``retired``, and writes the audit entry — all or nothing;
3. only then are retired keys removed from the key file.

Killed before 2 commits: the database still uses the old key, which is still in the file (the
new key sits there unused). Killed between 2 and 3: the new key is current and in the file; the
retired one is still in the file too, and ``sillok keys status`` says so (the next rotation
removes it).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Conflict, Forbidden
from sillok.security.at_rest import (
    FIELDS,
    Ring,
    attach,
    check_value,
    envelope_key_id,
    is_envelope,
    key_matches,
    seal_field,
)
from sillok.security.keys import Key, KeyUnavailable, load_keys, new_key, save_keys
from sillok.security.policy import Actor, Role

PROTECTED = cast(Table, m.PersonProtected.__table__)


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.admin:
        raise Forbidden("only administrators manage the keys of protected details")


def _keys_in_db(session: Session) -> list[m.AtRestKey]:
    return list(session.execute(select(m.AtRestKey).order_by(m.AtRestKey.created_at)).scalars())


def status(archive: Archive) -> dict[str, Any]:
    """What is encrypted with which key, and whether the key file can open it. Never raises
    for a missing or wrong key: saying so is its job."""
    path = archive.settings.key_path
    problems: list[str] = []
    try:
        file_keys: dict[str, Key] = load_keys(path)
    except KeyUnavailable as exc:
        file_keys = {}
        if path.exists() or _is_on(archive):
            problems.append(exc.message)
    with archive.transaction() as session:
        rows = _keys_in_db(session)
        counts = {"encrypted": 0, "plaintext": 0}
        by_key: dict[str, int] = {}
        for row in session.execute(select(*[PROTECTED.c[f] for f in FIELDS])):
            for value in row:
                if value is None:
                    continue
                if is_envelope(value):
                    counts["encrypted"] += 1
                    kid = envelope_key_id(value)
                    by_key[kid] = by_key.get(kid, 0) + 1
                else:
                    counts["plaintext"] += 1
    keys = []
    for k in rows:
        in_file = k.key_id in file_keys
        opens = in_file and key_matches(file_keys[k.key_id], k.check_value)
        keys.append({"id": k.key_id, "status": k.status, "in_key_file": in_file,
                     "key_matches": opens if in_file else None,
                     "values": by_key.get(k.key_id, 0),
                     "created_at": k.created_at.isoformat(),
                     "retired_at": k.retired_at.isoformat() if k.retired_at else None})
        if k.status == "current" and not in_file:
            problems.append(f"the current key {k.key_id} is not in the key file {path}")
        elif k.status == "current" and not opens:
            problems.append(f"the key file {path} holds a different key under {k.key_id}")
        elif k.status == "retired" and in_file:
            problems.append(f"retired key {k.key_id} is still in the key file (an interrupted "
                            "rotation): 'sillok keys rotate' removes it")
    known = {r.key_id for r in rows}
    unused = sorted(set(file_keys) - known)
    current = next((r.key_id for r in rows if r.status == "current"), None)
    if current and counts["plaintext"]:
        problems.append(f"{counts['plaintext']} protected values are still plaintext")
    return {"encrypted": current is not None, "current_key": current, "key_file": str(path),
            "keys": keys, "unused_keys_in_file": unused, "values": counts,
            "ok": not problems, "problems": problems}


def check_values(archive: Archive, session: Session) -> tuple[int, list[str]]:
    """Open every stored envelope (``sillok verify``): a value altered, moved to another row or
    field, or sealed with a key the key file lacks is named here, before someone needs it."""
    ring = attach(archive.engine, archive.settings)
    encrypted = session.execute(select(m.AtRestKey.key_id).where(
        m.AtRestKey.status == "current")).first() is not None
    problems: list[str] = []
    checked = 0
    rows = session.execute(select(PROTECTED.c.person_id, *[PROTECTED.c[f] for f in FIELDS])
                           .order_by(PROTECTED.c.person_id))
    for person_id, *values in rows:
        for field, value in zip(FIELDS, values, strict=True):
            if value is None:
                continue
            checked += 1
            if not is_envelope(value):
                if encrypted:
                    problems.append(f"person #{person_id}: {field} is stored in plaintext")
                continue
            try:
                ring.open_field(person_id, field, value)
            except KeyUnavailable as exc:
                if "does not open" not in exc.message:
                    # The key file itself is the problem: one line, not one per value.
                    return checked, [exc.message]
                problems.append(f"person #{person_id}: {field} does not open with its key "
                                f"{envelope_key_id(value)} (altered or moved)")
    return checked, problems


def _is_on(archive: Archive) -> bool:
    with archive.transaction() as session:
        return session.execute(select(m.AtRestKey.key_id).where(
            m.AtRestKey.status == "current")).first() is not None


def enable(archive: Archive, actor: Actor) -> dict[str, Any]:
    """Encrypt protected details from now on, and every plaintext one already stored."""
    _require_admin(actor)
    with archive.transaction() as session:
        current = session.execute(select(m.AtRestKey.key_id).where(
            m.AtRestKey.status == "current")).scalar_one_or_none()
        if current is not None:
            raise Conflict(f"protected details are already encrypted (key {current}); "
                           "'sillok keys rotate' changes the key")
    path = archive.settings.key_path
    file_keys = load_keys(path) if path.exists() else {}
    key = new_key()
    save_keys(path, {**file_keys, key.id: key})
    ring = attach(archive.engine, archive.settings)
    ring.forget()
    with archive.transaction() as session:
        _lock(session)
        sealed = _reseal(session, ring, key)
        session.add(m.AtRestKey(key_id=key.id, status="current", check_value=check_value(key)))
        record_change(session, actor=actor.name, action="keys-init", record_type="archive",
                      record_id=None, after={"key": key.id, "values": sealed})
    scrubbed = _scrub(archive)
    return {"key": key.id, "key_file": str(path), "values": sealed, "scrubbed": scrubbed}


def rotate(archive: Archive, actor: Actor) -> dict[str, Any]:
    """A new key for every protected value; the old one is retired and removed from the file."""
    _require_admin(actor)
    path = archive.settings.key_path
    ring = attach(archive.engine, archive.settings)
    ring.forget()
    file_keys = load_keys(path)
    with archive.transaction() as session:
        rows = _keys_in_db(session)
    current = next((r for r in rows if r.status == "current"), None)
    if current is None:
        raise Conflict("protected details are not encrypted: run 'sillok keys init' first")
    if current.key_id not in file_keys or not key_matches(file_keys[current.key_id],
                                                          current.check_value):
        raise KeyUnavailable(f"the key file {path} cannot open the current key {current.key_id}"
                             ": nothing was changed")
    key = new_key()
    save_keys(path, {**file_keys, key.id: key})
    ring.forget()
    with archive.transaction() as session:
        _lock(session)
        old = session.execute(select(m.AtRestKey).where(
            m.AtRestKey.status == "current")).scalar_one()
        sealed = _reseal(session, ring, key)
        old.status, old.retired_at = "retired", utcnow()
        session.add(m.AtRestKey(key_id=key.id, status="current", check_value=check_value(key)))
        record_change(session, actor=actor.name, action="keys-rotate", record_type="archive",
                      record_id=None, after={"key": key.id, "retired": old.key_id,
                                             "values": sealed})
    with archive.transaction() as session:
        retired = {r.key_id for r in _keys_in_db(session) if r.status == "retired"}
    save_keys(path, {k: v for k, v in load_keys(path).items() if k not in retired})
    ring.forget()
    return {"key": key.id, "retired": sorted(retired & set(file_keys)), "values": sealed,
            "key_file": str(path)}


def _lock(session: Session) -> None:
    """Hold off every writer of protected details until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        # Keys first: a writer takes a share lock on the current key row before it seals.
        session.execute(text("LOCK TABLE at_rest_keys IN EXCLUSIVE MODE"))
        session.execute(text("LOCK TABLE person_protected IN EXCLUSIVE MODE"))
    else:
        # Any write statement takes SQLite's one write lock, kept until commit.
        session.execute(update(m.AtRestKey).where(m.AtRestKey.key_id.is_(None)).values(
            status="current"))


def _reseal(session: Session, ring: Ring, key: Key) -> int:
    """Every stored value (envelope or plaintext) sealed again with ``key``; returns how many."""
    count = 0
    rows = session.execute(select(PROTECTED.c.person_id, *[PROTECTED.c[f] for f in FIELDS])
                           .order_by(PROTECTED.c.person_id)).all()
    for person_id, *values in rows:
        changes: dict[str, str] = {}
        for field, value in zip(FIELDS, values, strict=True):
            if value is None:
                continue
            plain = ring.open_field(person_id, field, value) if is_envelope(value) else value
            changes[field] = seal_field(key, person_id, field, str(plain))
        if changes:
            session.execute(update(PROTECTED).where(PROTECTED.c.person_id == person_id)
                            .values(**changes))
            count += len(changes)
    # Rows this session had loaded would answer from their old state.
    session.expire_all()
    return count


def _scrub(archive: Archive) -> bool:
    """Rewrite storage so plaintext replaced by envelopes does not linger in free pages; False
    if the database was too busy (the values are encrypted either way; run it again later).

    This cannot reach copies the database no longer controls: disk blocks of deleted files,
    PostgreSQL's write-ahead log archive, older backups (docs/keys.md)."""
    try:
        with archive.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if archive.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                conn.exec_driver_sql("VACUUM FULL person_protected")
    except OperationalError:
        return False
    return True
