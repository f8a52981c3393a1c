"""Changes to many records at once, from a list's selected rows: a new level (with a reason)
or an assignee. Each row goes through the same function a single record's change uses
(archive/levels.py ``change_level``, archive/assignments.py ``assign``).

**All or nothing, with a report per row.** Every row is tried in one transaction; if any is
refused, the transaction is rolled back and nothing changes, and the report says for each row
whether it would have changed, was already so, or why it is refused. An officer who raises
thirty events to public learns that two rest on a restricted source before any of the thirty
is published, and can then apply the change to the others (the list offers it) or fix the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sillok.archive import assignments
from sillok.archive.kinds import kind_named
from sillok.archive.levels import change_level, check_level_args
from sillok.archive.service import Archive
from sillok.errors import Conflict, Invalid, NotFound, Said, SillokError
from sillok.security.policy import Actor, require_write

MAX_ROWS = 500


@dataclass
class Row:
    id: int
    status: str  # changed, unchanged, refused (or, when nothing was applied: would_change)
    reason: str = ""


@dataclass
class Report:
    action: str
    type_name: str
    applied: bool = False
    rows: list[Row] = field(default_factory=list)

    @property
    def refused(self) -> list[Row]:
        return [r for r in self.rows if r.status == "refused"]

    @property
    def others(self) -> list[int]:
        """The rows that were not refused: what the change could be applied to alone."""
        return [r.id for r in self.rows if r.status != "refused"]

    def as_json(self) -> dict[str, Any]:
        return {"action": self.action, "type": self.type_name, "applied": self.applied,
                "rows": [{"id": r.id, "status": r.status, "reason": r.reason}
                         for r in self.rows]}


class _Refused(Exception):
    """Leaves the transaction so that it is rolled back."""


def _ids(ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(int(i) for i in ids))
    if not unique:
        raise Invalid({"ids": "select at least one row"})
    if len(unique) > MAX_ROWS:
        raise Invalid({"ids": f"select at most {MAX_ROWS} rows at a time"})
    return unique


def _message(exc: Exception) -> str:
    if isinstance(exc, Invalid):
        # Kept in both languages where the rule gave both (errors.Said), for the report page.
        return Said.joined(list(exc.errors.values())) or str(exc)
    return exc.message if isinstance(exc, SillokError) else str(exc)


def _run(archive: Archive, action: str, type_name: str, ids: list[int],
         one: Callable[[Session, int], bool]) -> Report:
    report = Report(action=action, type_name=type_name)
    try:
        with archive.transaction() as session:
            broken = False
            for record_id in ids:
                if broken:
                    report.rows.append(Row(record_id, "refused", "not tried: an earlier row "
                                                                 "failed in the database"))
                    continue
                try:
                    changed = one(session, record_id)
                except (Invalid, NotFound, Conflict) as exc:
                    report.rows.append(Row(record_id, "refused", _message(exc)))
                    continue
                except SQLAlchemyError as exc:
                    broken = True
                    report.rows.append(Row(record_id, "refused", type(exc).__name__))
                    continue
                report.rows.append(Row(record_id, "changed" if changed else "unchanged"))
            if report.refused:
                raise _Refused
    except _Refused:
        for row in report.rows:
            if row.status == "changed":
                row.status = "would_change"
        return report
    report.applied = True
    return report


def bulk_level(archive: Archive, actor: Actor, type_name: str, ids: list[int], level: str,
               reason: str) -> Report:
    """Give every selected record ``level``, or none of them (see the module's docstring)."""
    require_write(actor)
    kind = kind_named(type_name)
    reason = check_level_args(level, reason)
    return _run(archive, "level", kind.name, _ids(ids), lambda session, record_id: change_level(
        archive, actor, kind.name, record_id, level, reason, session=session))


def bulk_assign(archive: Archive, actor: Actor, type_name: str, ids: list[int],
                assignee: str) -> Report:
    """Assign every selected record to ``assignee`` ("" = nobody), or none of them."""
    require_write(actor)
    kind = kind_named(type_name)
    with archive.transaction() as session:
        assignee = assignments.check_assignee(session, assignee)
    return _run(archive, "assign", kind.name, _ids(ids), lambda session, record_id:
                assignments.assign(session, actor, kind.name, record_id, assignee))
