"""A source's chain of custody: who received it, how, from whom, transfers and copies
(docs/evidence.md, Chain of custody).

Entries are only ever added (archive/ledgers.py; the database refuses UPDATE and DELETE), each
with an audit entry in the same transaction, so the hash chain and ``sillok audit verify``
vouch for the list. Ingest writes the first entry itself (received by upload, the command line
or the API, by whom, when, with the file's SHA-256). The list is shown only to readers who may
see identities (security/policy.py ``may_see_custody``): it names people.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.ledgers import CUSTODY, custody_state
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.security.policy import Actor, may_see, may_see_custody, require_write

ACTIONS = ("received", "transferred", "copied", "returned", "destroyed", "other")
METHODS = ("in_person", "email", "messenger", "post", "download", "upload", "cli", "api",
           "other")
SHA256 = re.compile(r"[0-9a-f]{64}")
CSV_COLUMNS = ("entry", "source", "happened_at", "action", "method", "from", "to", "sha256",
               "note", "recorded_by", "recorded_at")


def append(session: Session, actor: str, entries: Iterable[dict[str, Any]]) -> list[int]:
    """Add entries (``source``, ``action``, ``method`` and optionally ``from``, ``to``,
    ``happened_at``, ``sha256``, ``note``) with their audit entries, in the caller's
    transaction; one flush for all of them."""
    made = [m.CustodyEntry(source_id=e["source"], action=e["action"], method=e["method"],
                           from_party=e.get("from") or "", to_party=e.get("to") or "",
                           happened_at=e.get("happened_at") or utcnow(),
                           sha256=e.get("sha256"), note=e.get("note") or "",
                           recorded_by=actor)
            for e in entries]
    if not made:
        return []
    session.add_all(made)
    session.flush()
    for entry in made:
        record_change(session, actor=actor, action="create", record_type=CUSTODY,
                      record_id=entry.id, after=custody_state(entry))
    return [int(e.id) for e in made]


def received(session: Session, actor: str, made: Iterable[tuple[int, str | None]],
             method: str, note: str = "") -> list[int]:
    """The first entry of sources just ingested: received by ``actor`` through ``method``
    (upload, cli, api), now, with each file's SHA-256."""
    return append(session, actor, [
        {"source": source_id, "action": "received", "method": method, "to": actor,
         "sha256": sha, "note": note} for source_id, sha in made])


def _source(session: Session, actor: Actor, source_id: int) -> m.Source:
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source):
        raise NotFound(f"no source #{source_id}")
    if not may_see_custody(actor):
        raise Forbidden("the chain of custody names people: only editors and administrators "
                        "may read it")
    return source


def add(archive: Archive, actor: Actor, source_id: int, *, action: str, method: str,
        from_party: str = "", to_party: str = "", happened_at: datetime | None = None,
        sha256: str | None = None, note: str = "") -> dict[str, Any]:
    """Record one step of a source's custody (a transfer, a copy, a hand-over…)."""
    require_write(actor)
    errors: dict[str, str] = {}
    if action not in ACTIONS:
        errors["action"] = f"'{action}' is not one of: {', '.join(ACTIONS)}"
    if method not in METHODS:
        errors["method"] = f"'{method}' is not one of: {', '.join(METHODS)}"
    digest = (sha256 or "").strip().lower() or None
    if digest is not None and not SHA256.fullmatch(digest):
        errors["sha256"] = "not a SHA-256 (64 hexadecimal characters)"
    if happened_at is not None and happened_at.tzinfo is None:
        errors["at"] = "give the time with its zone (e.g. 2026-11-02T14:00+09:00)"
    if happened_at is not None and happened_at.tzinfo is not None and happened_at > utcnow():
        errors["at"] = "is in the future"
    if not (from_party.strip() or to_party.strip()):
        errors["to"] = "say who gave or who received it (from, to or both)"
    if errors:
        raise Invalid(errors)
    with archive.transaction() as session:
        _source(session, actor, source_id)
        [entry_id] = append(session, actor.name, [{
            "source": source_id, "action": action, "method": method,
            "from": from_party.strip(), "to": to_party.strip(), "happened_at": happened_at,
            "sha256": digest, "note": note.strip()}])
        entry = session.get(m.CustodyEntry, entry_id)
        assert entry is not None
        return _view(entry)


def chain(archive: Archive, actor: Actor, source_id: int) -> dict[str, Any]:
    """The source's custody, oldest step first, for a legal request: with the source's own
    file hash to compare each step's with."""
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        rows = session.execute(select(m.CustodyEntry).where(
            m.CustodyEntry.source_id == source_id).order_by(m.CustodyEntry.happened_at,
                                                            m.CustodyEntry.id)).scalars()
        entries = [_view(e) for e in rows]
        return {"source": source_id, "title": source.title, "sha256": source.blob_sha256,
                "original_filename": source.original_filename, "entries": entries}


def _view(entry: m.CustodyEntry) -> dict[str, Any]:
    return {"entry": entry.id, **custody_state(entry)}


def as_csv(shown: dict[str, Any]) -> str:
    """The chain as CSV, one step a line, columns in :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for entry in shown["entries"]:
        writer.writerow(entry)
    return out.getvalue()
