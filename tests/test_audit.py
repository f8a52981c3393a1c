"""The audit trail: views of restricted data are logged, and ``sillok audit verify`` names the
first edited, deleted, inserted or reordered entry."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sillok.accounts.audit_log import audit_entries
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.errors import Forbidden
from tests.conftest import ADMIN, ANALYST, EDITOR, make_event, make_person


def _ids(archive: Archive) -> list[int]:
    with archive.transaction() as s:
        return [r[0] for r in s.execute(text("SELECT id FROM audit_entries ORDER BY id"))]


def _verify(runner: CliRunner, env: dict[str, str]) -> dict[str, object]:
    out = runner.invoke(app, ["audit", "verify", "--json"], env=env)
    data: dict[str, object] = json.loads(out.stdout)
    assert out.exit_code == (0 if data["ok"] else 1)
    return data


def test_views_and_exports_of_restricted_data_are_logged(
    runner: CliRunner, cli_env: dict[str, str], archive: Archive, tmp_path: object
) -> None:
    pid = make_person(archive, level="restricted", protected={"real_name": "가상"})
    public = make_event(archive)
    archive.get(EDITOR, "person", pid)
    archive.get(ANALYST, "event", public)
    entries = audit_entries(archive, ADMIN, record=f"person:{pid}")
    assert [(e["action"], e["actor"]) for e in entries] == [("create", ADMIN.name),
                                                            ("view", EDITOR.name)]
    assert audit_entries(archive, ADMIN, record=f"event:{public}")[-1]["action"] == "create"
    assert [e["action"] for e in archive.history(ADMIN, "person", pid)] == ["create"]
    out = runner.invoke(app, ["export", f"{tmp_path}/x.jsonl"], env=cli_env)
    assert out.exit_code == 0
    out = runner.invoke(app, ["audit", "log", "--json", "--since", "2000-01-01"], env=cli_env)
    assert json.loads(out.stdout)[-1]["action"] == "export"
    with pytest.raises(Forbidden):
        audit_entries(archive, EDITOR)


@pytest.mark.parametrize("tamper", ["edit", "delete", "insert", "reorder"])
def test_tampering_is_found(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                            tamper: str) -> None:
    for _ in range(3):
        make_event(archive)
    assert _verify(runner, cli_env)["ok"] is True
    ids = _ids(archive)
    victim = ids[-2]
    with archive.transaction() as s:
        if tamper == "edit":
            s.execute(text("UPDATE audit_entries SET reason = 'quietly changed' WHERE id = :i"),
                      {"i": victim})
        elif tamper == "delete":
            s.execute(text("DELETE FROM audit_entries WHERE id = :i"), {"i": victim})
        elif tamper == "insert":
            row = s.execute(text("SELECT at, prev_hash, entry_hash FROM audit_entries "
                                 "WHERE id = :i"), {"i": victim}).one()
            s.execute(text("UPDATE audit_entries SET id = id + 1000 WHERE id >= :i"),
                      {"i": victim})
            s.execute(text("INSERT INTO audit_entries (id, at, actor, action, record_type, "
                           "prev_hash, entry_hash) VALUES (:i, :at, 'intruder', 'create', "
                           "'event', :p, :h)"),
                      {"i": victim, "at": row[0], "p": row[1], "h": row[2]})
        else:
            s.execute(text("UPDATE audit_entries SET id = -1 WHERE id = :a"), {"a": victim})
            s.execute(text("UPDATE audit_entries SET id = :a WHERE id = :b"),
                      {"a": victim, "b": victim + 1})
            s.execute(text("UPDATE audit_entries SET id = :b WHERE id = -1"), {"b": victim + 1})
    data = _verify(runner, cli_env)
    assert data["ok"] is False
    first_bad = data["first_bad"]
    assert isinstance(first_bad, dict)
    expected = victim + 1 if tamper == "delete" else victim
    assert first_bad["id"] == expected, first_bad
