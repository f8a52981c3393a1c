"""``sillok audit verify``: is the audit trail whole, and does the archive match it?

One pass over the entries checks the hash chain, every signature (audit key) and that no
unsigned entry follows a signed one; the checkpoint outside the database must name an entry
of the chain (else its end was cut off or the chain rewritten); then every covered record's
state digest is computed again and compared with its latest entry's (audit_state.py).

What each check stops, for someone who can write to the database but has not the audit key:
edited, inserted, deleted or reordered entries (the chain); a chain rehashed from its start
(signatures); entries deleted from the end (the checkpoint); a record changed, inserted or
deleted without an entry (state digests).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sillok.archive.audit import hash_of
from sillok.archive.audit_anchor import Anchor, AnchorDamaged, Head
from sillok.archive.audit_state import COVERED, current_states
from sillok.db.models import AuditEntry
from sillok.security.keys import KeyUnavailable

# Beyond this many records found changed, one line says how many more (a mass change would
# otherwise bury everything else).
MAX_RECORD_LINES = 50


@dataclass(frozen=True)
class AuditProblem:
    problem: str
    entry_id: int | None = None
    # Records not checked because a key they need (the at-rest key) is missing: `sillok
    # verify` says so once already.
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry_id, "problem": self.problem}

    def line(self) -> str:
        where = "audit" if self.entry_id is None else f"audit entry #{self.entry_id}"
        return f"{where}: {self.problem}"


@dataclass
class AuditReport:
    entries: int = 0
    # Entries before the first signed one: written before signing began (migration 0011).
    unsigned: int = 0
    checkpoint: int | None = None
    # Records compared with their latest entry.
    records: int = 0
    # Records whose latest change predates signing: their state cannot be checked.
    unanchored: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def notes(self) -> list[str]:
        notes = []
        if self.unsigned:
            notes.append(f"{self.unsigned} entries from before signing began are checked by "
                         "the hash chain only (the first signed entry vouches for them)")
        if self.unanchored:
            notes.append(f"{self.unanchored} records last changed before signing began: "
                         "their present state is not checked")
        return notes

    def first_bad(self) -> AuditProblem | None:
        """The earliest entry named by a problem: from there on the trail is not to be trusted."""
        named = [p for p in self.problems if p.entry_id is not None]
        return min(named, key=lambda p: p.entry_id or 0) if named else None

    def as_dict(self) -> dict[str, Any]:
        first = self.first_bad()
        return {"ok": self.ok, "entries": self.entries, "unsigned": self.unsigned,
                "checkpoint": self.checkpoint, "records": self.records,
                "unanchored": self.unanchored, "notes": self.notes(),
                "problems": [p.as_dict() for p in self.problems],
                "first_bad": None if first is None else
                {"id": first.entry_id, "problem": first.problem}}


@dataclass
class _Chain:
    last: Head | None = None
    at_checkpoint: str | None = None
    bad_signatures: list[int] = field(default_factory=list)
    stripped: list[int] = field(default_factory=list)


def verify_audit(session: Session, anchor: Anchor, *, advance: bool = True) -> AuditReport:
    """Check everything; with ``advance``, a clean trail moves the checkpoint to its end."""
    report = AuditReport()
    key: bytes | None
    try:
        key = anchor.key()
    except KeyUnavailable as exc:
        key = None
        signed = session.execute(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.signature.is_not(None))).scalar_one()
        if signed:
            report.problems.append(AuditProblem(exc.message))
    head: Head | None = None
    if key is not None:
        try:
            head = anchor.read_head()
        except AnchorDamaged as exc:
            report.problems.append(AuditProblem(exc.message))
    report.checkpoint = head.entry_id if head else None
    chain = _check_chain(session, anchor if key is not None else None, head, report)
    _check_head(anchor, key, head, chain, report)
    if key is not None:
        _check_records(session, key, report)
    if advance and report.ok and key is not None and chain.last is not None:
        anchor.advance(chain.last)
        report.checkpoint = max(report.checkpoint or 0, chain.last.entry_id)
    return report


def _check_chain(session: Session, signer: Anchor | None, head: Head | None,
                 report: AuditReport) -> _Chain:
    chain = _Chain()
    prev, broken, seen_signed = "", False, False
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)
                           .execution_options(yield_per=2000)).scalars()
    for entry in rows:
        report.entries += 1
        if head is not None and entry.id == head.entry_id:
            chain.at_checkpoint = entry.entry_hash
        if not broken:
            # After the first break everything later is suspect: one line says where.
            if entry.prev_hash != prev:
                report.problems.append(AuditProblem(
                    "does not follow the entry before it (deleted, inserted or reordered)",
                    entry.id))
                broken = True
            elif entry.entry_hash != hash_of(entry):
                report.problems.append(AuditProblem("content does not match its hash (edited)",
                                                    entry.id))
                broken = True
        if entry.signature is None:
            if seen_signed:
                chain.stripped.append(entry.id)
            else:
                report.unsigned += 1
        else:
            seen_signed = True
            if signer is not None and not hmac.compare_digest(
                    entry.signature, signer.sign(entry.entry_hash)):
                chain.bad_signatures.append(entry.id)
        prev = entry.entry_hash
        chain.last = Head(entry.id, entry.entry_hash)
    session.expunge_all()
    if chain.bad_signatures:
        first, more = chain.bad_signatures[0], len(chain.bad_signatures) - 1
        report.problems.append(AuditProblem(
            "signature does not match the audit key (the chain was rewritten without it)"
            + (f"; {more} later entries likewise" if more else ""), first))
    if chain.stripped:
        first, more = chain.stripped[0], len(chain.stripped) - 1
        report.problems.append(AuditProblem(
            "unsigned after signed entries (its signature was removed)"
            + (f"; {more} later entries likewise" if more else ""), first))
    return chain


def _check_head(anchor: Anchor, key: bytes | None, head: Head | None, chain: _Chain,
                report: AuditReport) -> None:
    if key is None:
        return
    if head is None:
        if report.entries > report.unsigned and not anchor.head_path.exists():
            report.problems.append(AuditProblem(
                f"the audit checkpoint {anchor.head_path} is missing: entries deleted from "
                "the end of the trail could not be told"))
        return
    last = chain.last
    if chain.at_checkpoint is None:
        if last is None or last.entry_id < head.entry_id:
            ends = "has no entries" if last is None else f"ends at entry #{last.entry_id}"
            report.problems.append(AuditProblem(
                f"the trail {ends} but the checkpoint saw entry #{head.entry_id}: entries "
                "were deleted from its end"))
        else:
            report.problems.append(AuditProblem(
                "missing, though the checkpoint saw it (deleted)", head.entry_id))
    elif chain.at_checkpoint != head.entry_hash:
        report.problems.append(AuditProblem(
            "differs from the checkpoint kept outside the database (the chain was rewritten)",
            head.entry_id))


def _check_records(session: Session, key: bytes, report: AuditReport) -> None:
    lines: list[AuditProblem] = []
    for record_type in sorted(COVERED):
        latest: dict[int, tuple[str, int]] = {}
        rows = session.execute(
            select(AuditEntry.record_id, AuditEntry.state, AuditEntry.id)
            .where(AuditEntry.record_type == record_type, AuditEntry.state.is_not(None))
            .order_by(AuditEntry.id))
        for record_id, state, entry_id in rows:
            if record_id is not None and state is not None:
                latest[record_id] = (state, entry_id)
        try:
            for record_id, digest in current_states(session, key, record_type):
                expected = latest.pop(record_id, None)
                report.records += expected is not None
                if expected is None:
                    if report.unsigned:
                        report.unanchored += 1
                    else:
                        lines.append(AuditProblem(
                            f"{record_type} #{record_id}: in the database without an audit "
                            "entry (inserted directly)"))
                elif expected[0] != digest:
                    lines.append(AuditProblem(
                        f"{record_type} #{record_id}: differs from its last audit entry "
                        f"#{expected[1]} (changed directly in the database)"))
        except KeyUnavailable as exc:
            lines.append(AuditProblem(f"{record_type}: state not checked: {exc.message}",
                                      skipped=True))
            continue
        for record_id, (state, entry_id) in sorted(latest.items()):
            if state != "deleted":
                lines.append(AuditProblem(
                    f"{record_type} #{record_id}: missing, though its last audit entry "
                    f"#{entry_id} saw it (deleted directly in the database)"))
    report.problems.extend(lines[:MAX_RECORD_LINES])
    if len(lines) > MAX_RECORD_LINES:
        report.problems.append(AuditProblem(
            f"… and {len(lines) - MAX_RECORD_LINES} more records changed directly"))
