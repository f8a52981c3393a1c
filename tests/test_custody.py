"""Chain of custody on both backends: ingest writes the first step, steps are added and
exported (JSON, CSV), entries are append-only, and the audit verification covers them. All
names are fictional."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from sillok.archive import custody
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Conflict, Forbidden, Invalid, NotFound
from sillok.ingest.pipeline import Ingestor, Options
from sillok.security.policy import Role
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANALYST, EDITOR, VIEWER

DATA = "[가상 증언] 2019년 3월 회령 집결소에서 조사를 받았다.\n".encode()


def _ingested(archive: Archive, via: str = "cli") -> int:
    outcome = Ingestor(archive, EDITOR, Options(received_via=via)).ingest_bytes(
        DATA, "interview-031.txt")
    assert outcome.source_id is not None, outcome
    return outcome.source_id


def test_ingest_records_the_first_step(archive: Archive) -> None:
    source = _ingested(archive, "upload")
    [first] = custody.chain(archive, ADMIN, source)["entries"]
    assert first["action"] == "received" and first["method"] == "upload"
    assert first["to"] == EDITOR.name and first["recorded_by"] == EDITOR.name
    assert first["sha256"] == hashlib.sha256(DATA).hexdigest()


def test_steps_are_added_in_order_and_exported(archive: Archive, runner: CliRunner,
                                               cli_env: dict[str, str], tmp_path: Path) -> None:
    source = _ingested(archive)
    handed = datetime.now(UTC) - timedelta(days=400)
    custody.add(archive, ADMIN, source, action="received", method="in_person",
                from_party="가상 증인 W-031", to_party="interviewer K (fictional)",
                happened_at=handed, note="USB stick, seal 0042")
    custody.add(archive, EDITOR, source, action="copied", method="email",
                from_party="NK documentation centre", to_party="UN OHCHR Seoul (fictional)",
                sha256=hashlib.sha256(DATA).hexdigest())
    shown = custody.chain(archive, EDITOR, source)
    steps = [(e["action"], e["method"]) for e in shown["entries"]]
    # By when it happened: the hand-over in person came before the ingest.
    assert steps == [("received", "in_person"), ("received", "cli"), ("copied", "email")]
    rows = list(csv.DictReader(io.StringIO(custody.as_csv(shown))))
    assert rows[0]["from"] == "가상 증인 W-031"
    assert list(rows[0]) == list(custody.CSV_COLUMNS)
    out = runner.invoke(app, ["custody", "show", str(source), "--json", "--csv",
                              str(tmp_path / "chain.csv")], env=cli_env)
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.output)["entries"]) == 3
    assert (tmp_path / "chain.csv").read_text(encoding="utf-8").count("\n") == 4
    added = runner.invoke(app, ["custody", "add", str(source), "--action", "transferred",
                                "--method", "post", "--to", "court registry (fictional)",
                                "--at", "2026-01-05T10:00+09:00"], env=cli_env)
    assert added.exit_code == 0, added.output
    bad = runner.invoke(app, ["custody", "add", str(source), "--action", "stolen",
                              "--method", "post", "--to", "x"], env=cli_env)
    assert bad.exit_code == 1 and "not one of" in bad.output


def test_custody_is_refused_where_it_should_be(archive: Archive) -> None:
    source = _ingested(archive)
    for actor in (VIEWER, ANALYST):
        with pytest.raises(Forbidden):
            custody.chain(archive, actor, source)
    with pytest.raises(Forbidden):
        custody.add(archive, VIEWER, source, action="copied", method="email", to_party="x")
    with pytest.raises(NotFound):
        custody.chain(archive, ADMIN, 999_999)
    with pytest.raises(Invalid) as err:
        custody.add(archive, ADMIN, source, action="copied", method="fax", sha256="abc",
                    happened_at=datetime.now(UTC) + timedelta(days=2))
    assert set(err.value.errors) == {"method", "sha256", "at", "to"}


def test_entries_are_append_only(archive: Archive) -> None:
    source = _ingested(archive)
    with pytest.raises(Conflict, match="append-only"), archive.transaction() as session:
        entry = session.query(m.CustodyEntry).filter_by(source_id=source).one()
        session.delete(entry)
    for statement in (update(m.CustodyEntry).values(to_party="someone else"),
                      text("DELETE FROM custody_entries")):
        with pytest.raises(DBAPIError, match="append-only"), archive.transaction() as session:
            session.execute(statement)
    assert len(custody.chain(archive, ADMIN, source)["entries"]) == 1


def test_audit_verification_covers_custody(archive: Archive) -> None:
    source = _ingested(archive)
    assert verify(archive).ok
    pg = archive.engine.dialect.name == "postgresql"
    with archive.transaction() as session:
        # Someone with the database's own rights: turns the guard off, rewrites a step and
        # slips another in without Sillok.
        session.execute(text("ALTER TABLE custody_entries DISABLE TRIGGER "
                             "custody_entries_append_only" if pg else
                             "DROP TRIGGER custody_entries_no_update"))
        session.execute(text("UPDATE custody_entries SET to_party = 'nobody' "
                             "WHERE source_id = :s"), {"s": source})
        session.execute(text(
            "INSERT INTO custody_entries (source_id, action, method, from_party, to_party, "
            "happened_at, note, recorded_by, recorded_at) VALUES (:s, 'copied', 'email', '', "
            "'x', :t, '', 'x', :t)"), {"s": source, "t": datetime.now(UTC)})
    problems = verify(archive).problems
    assert any("custody #" in p and "changed directly" in p for p in problems), problems
    assert any("custody #" in p and "inserted directly" in p for p in problems), problems


def test_custody_in_the_workspace(archive: Archive, settings: Settings) -> None:
    source = _ingested(archive)
    with signed_in(settings, Role.editor) as staff:
        page = staff.get(f"/staff/sources/{source}?lang=ko").text
        assert "보관 경위" in page and 'id="custody-form"' in page
        added = staff.post(f"/staff/sources/{source}/custody", data={
            "action": "transferred", "method": "messenger", "from_party": "가상 연락원",
            "to_party": "centre (fictional)", "at": "2025-12-01T09:30", "zone": "+09:00"},
            follow_redirects=False)
        assert added.status_code == 303, added.text
        table = staff.get(f"/staff/records/source/{source}").text
        assert "가상 연락원" in table and "<td>메신저</td>" in table  # labels, not codes
        assert "<td>messenger</td>" not in table and '<option value="in_person">직접 전달' in page
        rows = list(csv.DictReader(io.StringIO(
            staff.get(f"/staff/sources/{source}/custody.csv").text)))
        assert [r["action"] for r in rows] == ["transferred", "received"]
        assert rows[0]["happened_at"].startswith("2025-12-01T00:30")
        download = staff.get(f"/staff/sources/{source}/custody.json")
        assert "attachment" in download.headers["content-disposition"]
        assert download.json()["sha256"] == hashlib.sha256(DATA).hexdigest()
        assert staff.post(f"/staff/sources/{source}/custody", data={
            "action": "copied", "method": "fax", "to_party": "x"}).status_code == 422
        # A record resting on the source shows its custody in brief.
        event = archive.create(ADMIN, "event", {"level": "internal", "title": "가상 사건"})
        archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                           "record": {"type": "event", "id": event},
                                           "start": 0, "end": 5})
        page = staff.get(f"/staff/records/event/{event}").text
        brief = page.split('id="custody-of"', 1)[1].split("</ul>", 1)[0]
        assert f'data-source="{source}"' in brief and ": 2 " in brief and "받음 (" in brief
    with signed_in(settings, Role.viewer) as viewer:
        assert viewer.get(f"/staff/sources/{source}/custody.csv",
                          follow_redirects=False).status_code == 403
