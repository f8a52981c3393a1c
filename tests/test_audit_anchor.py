"""Audit that survives a copied database: tail deletion, a full rehash and a direct record change
made with only the database in hand are each found by ``sillok audit verify``; cleared bulk
reads of restricted records are on the record, public ones are not."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from sillok.accounts.accounts import add_user
from sillok.accounts.audit_log import audit_entries
from sillok.archive import audit_state
from sillok.archive.audit import compute_hash
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.search.service import search
from sillok.security.policy import may_see_level
from tests.conftest import ADMIN, ANON, EDITOR, make_event, make_person, make_source


def _verify(runner: CliRunner, env: dict[str, str]) -> dict[str, Any]:
    out = runner.invoke(app, ["audit", "verify", "--json"], env=env)
    data: dict[str, Any] = json.loads(out.stdout)
    assert out.exit_code == (0 if data["ok"] else 1)
    return data


def _problems(data: dict[str, Any]) -> str:
    return "\n".join(p["problem"] for p in data["problems"])


def _fill(archive: Archive) -> dict[str, int]:
    person = make_person(archive, level="restricted", protected={"real_name": "가상 실명"})
    event = make_event(archive)
    archive.update(ADMIN, "event", event, {"title": "Changed title (fictional)"})
    source = make_source(archive)
    user = add_user(archive, ADMIN, "clerk", "viewer", "a long enough passphrase 1")
    return {"person": person, "event": event, "source": source, "user": user}


def _tamper(settings: Settings, change: Callable[[Connection], None]) -> None:
    """What someone holding only the database does: SQL on it, no Sillok, no key."""
    engine = create_engine(settings.url)
    try:
        with engine.begin() as conn:
            change(conn)
    finally:
        engine.dispose()


def _rehash(conn: Connection, strip: bool) -> None:
    """Rewrite one entry and then every hash from the first, as an attacker without the
    audit key would: the chain itself is whole again afterwards."""
    rows = conn.execute(text("SELECT * FROM audit_entries ORDER BY id")).mappings().all()
    victim = rows[len(rows) // 2]["id"]
    prev = ""
    for row in rows:
        reason = "nothing happened" if row["id"] == victim else row["reason"]
        before, after = (json.loads(v) if isinstance(v, str) else v
                         for v in (row["before"], row["after"]))
        at = row["at"]
        if isinstance(at, str):  # SQLite gives the stored text
            at = datetime.fromisoformat(at).replace(tzinfo=UTC)
        digest = compute_hash(at=at, actor=row["actor"], action=row["action"],
                              record_type=row["record_type"], record_id=row["record_id"],
                              before=before, after=after, reason=reason, prev_hash=prev,
                              state=row["state"])
        conn.execute(text("UPDATE audit_entries SET reason = :r, prev_hash = :p, "
                          "entry_hash = :h, signature = CASE WHEN :strip THEN NULL "
                          "ELSE signature END WHERE id = :i"),
                     {"r": reason, "p": prev, "h": digest, "strip": strip, "i": row["id"]})
        prev = digest


def test_clean_archive_verifies_and_moves_the_checkpoint(
        runner: CliRunner, cli_env: dict[str, str], archive: Archive) -> None:
    _fill(archive)
    data = _verify(runner, cli_env)
    assert data["ok"] is True, data["problems"]
    assert data["unsigned"] == 0 and data["unanchored"] == 0
    assert data["records"] > 4
    assert data["checkpoint"] == data["entries"] > 0
    key = archive.settings.key_path.parent / "audit.key"
    assert key.stat().st_mode & 0o777 == 0o600
    out = runner.invoke(app, ["verify"], env=cli_env)
    assert out.exit_code == 0, out.stdout


def test_tail_deletion_is_found(runner: CliRunner, cli_env: dict[str, str],
                                archive: Archive, settings: Settings) -> None:
    _fill(archive)
    _tamper(settings, lambda c: c.execute(text(
        "DELETE FROM audit_entries WHERE id > (SELECT max(id) - 3 FROM audit_entries)")))
    data = _verify(runner, cli_env)
    assert data["ok"] is False
    assert "deleted from its end" in _problems(data)


@pytest.mark.parametrize("strip", [False, True], ids=["keep-signatures", "strip-signatures"])
def test_full_rehash_is_found(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                              settings: Settings, strip: bool) -> None:
    _fill(archive)
    _tamper(settings, lambda c: _rehash(c, strip))
    data = _verify(runner, cli_env)
    assert data["ok"] is False
    problems = _problems(data)
    if strip:
        # Unsigned from the start it passes for an old archive, but its end is not the one
        # the checkpoint saw.
        assert "differs from the checkpoint" in problems
    else:
        assert "signature does not match the audit key" in problems


@pytest.mark.parametrize("change", ["event", "person-name", "protected", "user-role",
                                    "deleted", "inserted", "redaction"])
def test_direct_record_change_is_found(runner: CliRunner, cli_env: dict[str, str],
                                       archive: Archive, settings: Settings,
                                       change: str) -> None:
    ids = _fill(archive)
    archive_sql = {
        "event": ("UPDATE events SET title = 'rewritten' WHERE id = :i", ids["event"]),
        "person-name": ("UPDATE person_names SET name = '다른 이름' WHERE person_id = :i",
                        ids["person"]),
        "protected": ("UPDATE person_protected SET real_name = 'someone else' "
                      "WHERE person_id = :i", ids["person"]),
        "user-role": ("UPDATE users SET role = 'admin' WHERE id = :i", ids["user"]),
        "deleted": ("DELETE FROM event_places WHERE event_id = :i; "
                    "DELETE FROM events WHERE id = :i", ids["event"]),
        "inserted": ("INSERT INTO events (level, created_at, updated_at, title, description, "
                     "date_estimate) SELECT level, created_at, updated_at, 'planted', '', "
                     "date_estimate FROM events WHERE id = :i", ids["event"]),
        "redaction": ("INSERT INTO redaction_marks (source_id, start_offset, end_offset, "
                      "reason, created_by, created_at) SELECT id, 0, 3, 'x', 'x', created_at "
                      "FROM sources WHERE id = :i", ids["source"]),
    }
    sql, rid = archive_sql[change]

    def run(conn: Connection) -> None:
        for statement in sql.split("; "):
            conn.execute(text(statement), {"i": rid})

    _tamper(settings, run)
    data = _verify(runner, cli_env)
    assert data["ok"] is False
    problems = _problems(data)
    assert "directly" in problems, problems
    # The chain itself is untouched: only the record is named.
    assert data["first_bad"] is None


def test_cleared_bulk_reads_are_audited_and_public_ones_are_not(archive: Archive) -> None:
    secret = make_person(archive, level="restricted", name="비공개 인물")
    make_person(archive)
    make_source(archive, level="restricted", text="[Fictional] 비공개 증언 기록입니다.")
    assert may_see_level(EDITOR, "restricted")

    def reads() -> list[dict[str, Any]]:
        return [e for e in audit_entries(archive, ADMIN, since="2000-01-01")
                if e["action"] in ("list", "search")]

    archive.list_records(ANON, "person")
    search(archive, ANON, "증언")
    assert reads() == []
    archive.list_records(EDITOR, "person", {"level": "restricted"})
    search(archive, EDITOR, "증언")
    found = reads()
    assert [(e["action"], e["actor"], e["record_type"]) for e in found] == [
        ("list", EDITOR.name, "person"), ("search", EDITOR.name, "archive")]
    with archive.transaction() as s:
        after = s.execute(text("SELECT after FROM audit_entries WHERE action = 'list'")
                          ).scalar_one()
    after = json.loads(after) if isinstance(after, str) else after
    assert after["ids"] == [secret] and after["restricted"] == 1
    assert "비공개" not in json.dumps(after, ensure_ascii=False)
    # A cleared list that showed nothing restricted writes nothing.
    archive.list_records(EDITOR, "person", {"level": "public"})
    assert len(reads()) == 2


def test_verify_reads_records_in_batches(runner: CliRunner, cli_env: dict[str, str],
                                         archive: Archive,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """More records of a type than one batch (500 acts after a spreadsheet import): each batch
    is read and let go without breaking the read of the next."""
    monkeypatch.setattr(audit_state, "BATCH", 2)
    _fill(archive)
    for _ in range(3):
        make_person(archive)
    data = _verify(runner, cli_env)
    assert data["ok"] is True, data["problems"]
    assert data["records"] > 5
