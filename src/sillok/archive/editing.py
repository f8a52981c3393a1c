"""Editing a record in place: optimistic locking and the readable history of changes.

Every record has a ``version`` (db/models.py RecordMixin) that SQLAlchemy checks and counts up
on each UPDATE of the row (``WHERE id = :id AND version = :loaded``). An editor's change says
which version it was made from; if that is no longer the current one, nothing is written and
:class:`StaleVersion` names who changed the record last and when. Two editors who load the same
version and save at the same moment are caught by the UPDATE itself: only one row matches.

The audit trail keeps whole snapshots (before and after, in input shape, protected details as
keyed digests: archive/kinds.py protected_digest); :func:`field_changes` turns two of them, as
the reader may see them (archive/views.py audit_view), into "field: before → after" lines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import READS
from sillok.db.models import AuditEntry
from sillok.errors import StaleVersion

# What a history line shows for a protected detail: the trail keeps a keyed digest of it,
# never the value (DESIGN.md, Confidentiality), so it can say that it changed, not to what.
PROTECTED_CHANGE = "(protected)"
# Snapshot values that are dicts shown as one line per key (``protected.real_name``).
NESTED = frozenset({"protected", "extra"})


def last_change(session: Session, type_name: str, record_id: int
                ) -> tuple[str | None, str | None]:
    """Who made the latest change of the record, and when (ISO 8601): from the audit trail."""
    row = session.execute(
        select(AuditEntry.actor, AuditEntry.at)
        .where(AuditEntry.record_type == type_name, AuditEntry.record_id == record_id,
               AuditEntry.action.not_in(READS))
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    if row is None:
        return None, None
    return str(row[0]), row[1].isoformat()


def stale_version(session: Session, type_name: str, record_id: int, current: int,
                  expected: int | None = None) -> StaleVersion:
    """The error for a change made from an old version (``expected``) of a record."""
    who, when = last_change(session, type_name, record_id)
    since = f"version {expected}" if expected is not None else "you read it"
    by = f" by {who}" if who else ""
    at = f" at {when}" if when else ""
    return StaleVersion(
        f"{type_name} #{record_id} was changed{by}{at} since {since} (now version {current}); "
        "nothing was saved — reload it and make your change again",
        current=current, changed_by=who, changed_at=when)


def check_version(session: Session, type_name: str, obj: Any, expected: int | None) -> None:
    """Refuse a change made from another version than the record's current one."""
    if expected is not None and int(obj.version) != int(expected):
        raise stale_version(session, type_name, int(obj.id), int(obj.version), expected)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None
                  ) -> list[dict[str, Any]]:
    """The fields that differ between two snapshots, in the order the record type writes
    them: ``{"field", "before", "after"}``, None where a side has no value. A protected detail
    is never shown, only that it changed (``"protected": True``)."""
    old, new = _flat(before or {}), _flat(after or {})
    out: list[dict[str, Any]] = []
    for name in list(dict.fromkeys([*new, *old])):
        a, b = old.get(name), new.get(name)
        if (_empty(a) and _empty(b)) or a == b:
            continue
        change: dict[str, Any] = {"field": name, "before": a, "after": b}
        if name.startswith("protected.") or name == "protected":
            change.update(protected=True,
                          before=None if _empty(a) else PROTECTED_CHANGE,
                          after=None if _empty(b) else PROTECTED_CHANGE)
        out.append(change)
    return out


def _flat(snapshot: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in snapshot.items():
        if key in NESTED and isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}.{sub}"] = inner
        else:
            out[key] = value
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
