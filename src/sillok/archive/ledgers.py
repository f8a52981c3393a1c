"""The two append-only ledgers, consent and chain of custody: what each entry is for the audit
trail, and the session's refusal to change or delete one.

An entry is added with an audit entry in the same transaction (archive/consent.py,
archive/custody.py), whose state digest covers it (audit_state.py): an entry edited, deleted
or slipped in directly in the database is named by ``sillok audit verify``. The database
refuses UPDATE and DELETE itself (migration 0017); the session refuses them earlier with a
clear message, before a statement is sent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.errors import Conflict

CONSENT = "consent"
CUSTODY = "custody"


def consent_state(entry: m.ConsentEntry) -> dict[str, Any]:
    return {"subject": f"{entry.subject_type}:{entry.subject_id}", "scope": entry.scope,
            "decision": entry.decision, "partners": list(entry.partners or []),
            "decided_on": entry.decided_on.isoformat() if entry.decided_on else None,
            "note": entry.note, "recorded_by": entry.recorded_by,
            "recorded_at": entry.recorded_at.isoformat()}


def custody_state(entry: m.CustodyEntry) -> dict[str, Any]:
    return {"source": entry.source_id, "action": entry.action, "method": entry.method,
            "from": entry.from_party, "to": entry.to_party,
            "happened_at": entry.happened_at.isoformat(), "sha256": entry.sha256,
            "note": entry.note, "recorded_by": entry.recorded_by,
            "recorded_at": entry.recorded_at.isoformat()}


# record type in the audit trail -> (model, its state)
LEDGERS: dict[str, tuple[type[Any], Any]] = {
    CONSENT: (m.ConsentEntry, consent_state),
    CUSTODY: (m.CustodyEntry, custody_state),
}
APPEND_ONLY = (m.ConsentEntry, m.CustodyEntry)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY) and (obj in session.deleted
                                             or session.is_modified(obj)):
            what = "consent" if isinstance(obj, m.ConsentEntry) else "custody"
            raise Conflict(f"{what} entries are append-only: entry #{obj.id} cannot be "
                           "changed or deleted — add a new entry instead")
