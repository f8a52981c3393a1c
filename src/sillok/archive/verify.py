"""``sillok verify``: are the archive's bytes, links and audit trail what they should be?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sillok.accounts.key_admin import check_values
from sillok.archive.audit_anchor import attach
from sillok.archive.audit_verify import verify_audit
from sillok.archive.blobs import TEMP, BlobStore
from sillok.archive.kinds import KINDS
from sillok.archive.resolve import MODELS
from sillok.archive.service import Archive
from sillok.db import models as m

# Which vocabulary each coded column must come from.
CODED: list[tuple[Any, str, str]] = [
    (m.Source, "kind", "source_kind"), (m.Source, "reliability", "reliability"),
    (m.Person, "kind", "person_kind"), (m.Person, "sex", "sex"),
    (m.Act, "act_type", "act_type"), (m.Act, "victim_status", "victim_status"),
    (m.Involvement, "agency", "agency"), (m.Involvement, "degree", "involvement_degree"),
    (m.Evidence, "connection", "connection"), (m.Place, "kind", "place_kind"),
]


@dataclass
class VerifyReport:
    checked: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(archive: Archive) -> VerifyReport:
    report = VerifyReport()
    with archive.transaction() as session:
        _blobs(session, BlobStore(archive.settings.blob_dir), report)
        _foreign_keys(session, report)
        _codes(session, report)
        _audit(session, report)
        _protection_triggers(session, report)
        checked, problems = check_values(archive, session)
        report.checked["protected values"] = checked
        report.problems.extend(problems)
        _audit_trail(session, archive, report, key_reported=bool(problems))
    return report


# The triggers that tell the masker of every change to the people it protects (migration
# 0008): without one, a new name of a restricted person could go unmasked in public text.
PROTECTION_TRIGGERS = {
    "sqlite": ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
               "AND name LIKE '%\\_protection\\_%' ESCAPE '\\'", 9),
    "postgresql": ("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                   "AND tgname LIKE '%\\_protection' ESCAPE '\\'", 3),
}


def _protection_triggers(session: Session, report: VerifyReport) -> None:
    rows = set(session.execute(text("SELECT id FROM protection_changes")).scalars())
    for row, follows in ((1, "protected names"), (2, "editors' decisions on found names")):
        if row not in rows:
            report.problems.append(f"protection_changes: row {row} is missing (the masker "
                                   f"cannot follow changes to {follows})")
    sql, expected = PROTECTION_TRIGGERS[session.get_bind().dialect.name]
    found = int(session.execute(text(sql)).scalar_one())
    if found != expected:
        report.problems.append(f"protection triggers: {found} of {expected} present (the "
                               "masker of protected names cannot follow every change)")


def _blobs(session: Session, store: BlobStore, report: VerifyReport) -> None:
    known = set()
    for blob in session.execute(select(m.Blob)).scalars():
        known.add(blob.sha256)
        path = store.path(blob.sha256)
        if not path.exists():
            report.problems.append(f"blob {blob.sha256}: file missing")
        elif path.stat().st_size != blob.size:
            report.problems.append(f"blob {blob.sha256}: size {path.stat().st_size} "
                                   f"!= recorded {blob.size}")
        elif store.hash_file(path) != blob.sha256:
            report.problems.append(f"blob {blob.sha256}: content does not match its hash")
    files = store.files()
    for path in files:
        if path.name.startswith(TEMP):
            report.problems.append(f"unfinished blob write left behind: {path} (the next "
                                   "'sillok ingest' removes it)")
        elif path.name not in known:
            report.problems.append(f"orphan blob file (no row refers to it): {path}")
    report.checked["blobs"] = len(known)


def _foreign_keys(session: Session, report: VerifyReport) -> None:
    if session.get_bind().dialect.name == "sqlite":
        for row in session.execute(text("PRAGMA foreign_key_check")):
            report.problems.append(f"{row[0]} row {row[1]}: broken reference to {row[2]}")
    # Evidence points at records of any type, which no foreign key can check.
    for e in session.execute(select(m.Evidence)).scalars():
        model = MODELS.get(e.record_type)
        if model is None or session.get(model, e.record_id) is None:
            report.problems.append(
                f"evidence #{e.id}: points at missing {e.record_type} #{e.record_id}")
        elif e.source.text[e.start_offset:e.end_offset] != e.quote:
            report.problems.append(f"evidence #{e.id}: quote no longer matches source "
                                   f"#{e.source_id}")


def _codes(session: Session, report: VerifyReport) -> None:
    codes: dict[str, set[str]] = {}
    for term in session.execute(select(m.Term.vocabulary, m.Term.code)):
        codes.setdefault(term[0], set()).add(term[1])
    for model, column, vocabulary in CODED:
        col = getattr(model, column)
        for rid, value in session.execute(select(model.id, col).where(col.is_not(None))):
            if value not in codes.get(vocabulary, set()):
                report.problems.append(f"{model.__tablename__} #{rid}: {column} '{value}' is "
                                       f"not a {vocabulary} code")


def _audit(session: Session, report: VerifyReport) -> None:
    audited = {
        (kind, rid) for kind, rid in session.execute(
            select(m.AuditEntry.record_type, m.AuditEntry.record_id)
            .where(m.AuditEntry.action.in_(("create", "seed", "import")))
        )
    }
    total = 0
    for kind in KINDS.values():
        for (rid,) in session.execute(select(kind.model.id)):
            total += 1
            if (kind.name, rid) not in audited:
                report.problems.append(f"{kind.name} #{rid}: no audit entry for its creation")
    report.checked["records"] = total


def _audit_trail(session: Session, archive: Archive, report: VerifyReport,
                 key_reported: bool) -> None:
    audit = verify_audit(session, attach(archive.engine, archive.settings))
    report.checked["audit entries"] = audit.entries
    report.problems.extend(p.line() for p in audit.problems
                           if not (p.skipped and key_reported))
