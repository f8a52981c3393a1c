"""Protected person details encrypted at rest: never stored in plaintext, read back intact,
rotated without loss, refused with a wrong or missing key, carried through backup/restore."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from sillok.accounts import key_admin
from sillok.accounts.backup import backup, restore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import migrate
from sillok.db import models as m
from sillok.security.at_rest import PREFIX
from sillok.security.keys import KeyUnavailable, load_keys, new_key, save_keys
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANALYST, make_person, make_source

PROTECTED = {"real_name": "ATRESTREALNAME", "birth_date": "1933-03-03",
             "home_village": "ATRESTVILLAGE", "family": "ATRESTFAMILY",
             "contacts": "ATRESTCONTACT", "notes": "ATRESTNOTES 비밀메모"}
BEFORE = {"real_name": "ATRESTEARLIER", "notes": "ATRESTOLDNOTE"}
MARKERS = [*PROTECTED.values(), *BEFORE.values()]
COLUMNS = "real_name, birth_date, home_village, family, contacts, notes"


def _people(archive: Archive) -> tuple[int, int]:
    """One person written before encryption was turned on, one after."""
    earlier = make_person(archive, name="먼저 인물", protected=BEFORE)
    key_admin.enable(archive, ADMIN)
    later = make_person(archive, level="restricted", name="나중 인물", protected=PROTECTED)
    make_source(archive, text="[Fictional] a public report naming nobody.")
    return earlier, later


def _stored_bytes(archive: Archive, settings: Settings) -> bytes:
    """What a thief with the database alone gets: the files, or every protected column."""
    if settings.is_sqlite:
        archive.engine.dispose()
        return b"".join(p.read_bytes() for p in settings.data_dir.glob("sillok.db*"))
    with archive.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {COLUMNS} FROM person_protected")).all()
        index = conn.execute(text("SELECT title, body FROM search_index")).all()
        audit = conn.execute(text("SELECT before, after FROM audit_entries")).all()
    for row in rows:
        assert all(v is None or v.startswith(PREFIX) for v in row), row
    return repr([rows, index, audit]).encode("utf-8")


def test_nothing_identifying_is_stored_in_plaintext(archive: Archive,
                                                   settings: Settings) -> None:
    earlier, later = _people(archive)
    shown = archive.get(ADMIN, "person", later)["fields"]["protected"]
    assert shown == PROTECTED
    assert archive.get(ADMIN, "person", earlier)["fields"]["protected"]["notes"] == "ATRESTOLDNOTE"
    raw = _stored_bytes(archive, settings)
    found = [m for m in MARKERS if m.encode("utf-8") in raw]
    assert found == []
    with archive.engine.connect() as conn:
        index = repr(conn.execute(text("SELECT title, body FROM search_index")).all())
    assert [m for m in MARKERS if m in index] == []
    # The audit's digests are keyed: a plain hash of a birth date would be undone by trying
    # every date.
    created = [h for h in archive.history(ADMIN, "person", later) if h["action"] == "create"]
    digests = created[0]["after"]["protected"]
    assert digests["birth_date"].startswith("hmac:")
    plain = hashlib.sha256(b"1933-03-03").hexdigest()[:16]
    assert plain not in json.dumps(archive.history(ADMIN, "person", later))


def test_rows_cannot_be_swapped(archive: Archive) -> None:
    earlier, later = _people(archive)
    with archive.engine.begin() as conn:
        stolen = conn.execute(text("SELECT real_name FROM person_protected WHERE person_id = :p"),
                              {"p": later}).scalar_one()
        conn.execute(text("UPDATE person_protected SET real_name = :v WHERE person_id = :p"),
                     {"v": stolen, "p": earlier})
        conn.execute(text("UPDATE person_protected SET notes = :v WHERE person_id = :p"),
                     {"v": stolen, "p": later})
    for person in (earlier, later):
        with pytest.raises(KeyUnavailable, match="does not open"):
            archive.get(ADMIN, "person", person)
    report = verify(archive)
    assert sorted(report.problems) == [
        f"person #{earlier}: real_name does not open with its key "
        f"{report_key(archive)} (altered or moved)",
        f"person #{later}: notes does not open with its key {report_key(archive)} "
        "(altered or moved)"]


def report_key(archive: Archive) -> str:
    return str(key_admin.status(archive)["current_key"])


def test_rotation_keeps_everything_readable(archive: Archive, settings: Settings,
                                            tmp_path: Path) -> None:
    _earlier, later = _people(archive)
    old_file = tmp_path / "old-keys.json"
    shutil.copy(settings.key_path, old_file)
    old_id = key_admin.status(archive)["current_key"]
    report = key_admin.rotate(archive, ADMIN)
    assert report["retired"] == [old_id] and report["values"] == 8
    assert set(load_keys(settings.key_path)) == {report["key"]}
    assert archive.get(ADMIN, "person", later)["fields"]["protected"] == PROTECTED
    reopened = Archive.open(settings)
    try:
        assert reopened.get(ADMIN, "person", later)["fields"]["protected"] == PROTECTED
        status = key_admin.status(reopened)
        assert status["ok"] and status["current_key"] == report["key"]
        # The old key is no longer needed — and no longer enough.
        shutil.copy(old_file, settings.key_path)
        with pytest.raises(KeyUnavailable, match="not in the key file"):
            Archive.open(settings).get(ADMIN, "person", later)
    finally:
        reopened.close()


def test_interrupted_rotation_leaves_everything_readable(
        archive: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _earlier, later = _people(archive)
    real_seal = key_admin.seal_field
    calls = {"n": 0}

    def failing(*args: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("power cut")
        return real_seal(*args)

    monkeypatch.setattr(key_admin, "seal_field", failing)
    with pytest.raises(RuntimeError):
        key_admin.rotate(archive, ADMIN)
    monkeypatch.setattr(key_admin, "seal_field", real_seal)
    fresh = Archive.open(settings)
    try:
        assert fresh.get(ADMIN, "person", later)["fields"]["protected"] == PROTECTED
        status = key_admin.status(fresh)
        assert status["ok"] and len(status["unused_keys_in_file"]) == 1
        key_admin.rotate(fresh, ADMIN)
        assert fresh.get(ADMIN, "person", later)["fields"]["protected"] == PROTECTED
    finally:
        fresh.close()


def test_missing_or_wrong_key_fails_only_protected_reads(
        archive: Archive, settings: Settings, runner: CliRunner,
        cli_env: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    _earlier, later = _people(archive)
    kept = settings.key_path.read_bytes()
    settings.key_path.unlink()
    fresh = Archive.open(settings)
    try:
        with pytest.raises(KeyUnavailable, match="is missing"):
            fresh.get(ADMIN, "person", later)
        # An analyst's text has real names masked, which needs them: refused, never unmasked.
        with pytest.raises(KeyUnavailable, match="is missing"):
            fresh.get(ANALYST, "person", later)
        # Everything that does not read a protected detail still works.
        assert fresh.list_records(ADMIN, "source").total >= 1
        with pytest.raises(KeyUnavailable):
            make_person(fresh, protected={"real_name": "ATRESTNEVERWRITTEN"})
        assert verify(fresh).problems == [
            f"the key file {settings.key_path} is missing: protected details cannot be read "
            "(set SILLOK_KEY_FILE to where it is, or restore it from your key backup)"]
        with TestClient(create_app(settings)) as client:
            # Public text needs the real names to mask them: refused, never shown unmasked.
            with caplog.at_level(logging.ERROR, logger="sillok.web"):
                refused = client.get("/sources")
            # The reader gets the page; the operator, in the log, what is missing and where.
            assert refused.status_code == 503 and str(settings.key_path) not in refused.text
            assert any("is missing" in r.getMessage() for r in caplog.records)
            assert client.get("/stats").status_code == 200
        shown = runner.invoke(app, ["show", "person", str(later)], env=cli_env)
        assert shown.exit_code == 1 and "is missing" in shown.output
        assert len(shown.output.strip().splitlines()) <= 2  # one line (wrapped at most once)
        # Same id, another key: refused, as is a key file others may read.
        key_id = json.loads(kept)["keys"][0]["id"]
        wrong = new_key()
        save_keys(settings.key_path, {key_id: type(wrong)(key_id, wrong.material, "")})
        fresh.engine.dispose()
        with pytest.raises(KeyUnavailable, match="does not open"):
            Archive.open(settings).get(ADMIN, "person", later)
        assert not key_admin.status(fresh)["ok"]
        settings.key_path.write_bytes(kept)
        os.chmod(settings.key_path, 0o644)
        with pytest.raises(KeyUnavailable, match="chmod 600"):
            Archive.open(settings).get(ADMIN, "person", later)
    finally:
        fresh.close()


def test_backup_and_restore_carry_the_key_when_asked(archive: Archive, settings: Settings,
                                          empty_settings: Settings, tmp_path: Path) -> None:
    _earlier, later = _people(archive)
    file = tmp_path / "archive.sillok-backup"
    backup(archive, ADMIN, file, "correct horse battery staple", include_keys=True)
    assert b"ATRESTREALNAME" not in file.read_bytes()
    report = restore(empty_settings, file, "correct horse battery staple")
    assert report["keys"] == 1 and empty_settings.key_path.exists()
    restored = Archive.open(empty_settings)
    try:
        assert restored.get(ADMIN, "person", later)["fields"]["protected"] == PROTECTED
        assert key_admin.status(restored)["ok"]
    finally:
        restored.close()


def test_cli_init_status_rotate(empty_settings: Settings, runner: CliRunner) -> None:
    env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
           "SILLOK_DATABASE_URL": empty_settings.database_url or "",
           "SILLOK_KEY_FILE": str(empty_settings.data_dir.parent / "elsewhere" / "k.json")}
    made = runner.invoke(app, ["init", "--encrypt-protected"], env=env)
    assert made.exit_code == 0, made.output
    assert "back it up" in made.stdout
    status = runner.invoke(app, ["keys", "status", "--json"], env=env)
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["encrypted"] is True
    assert (empty_settings.data_dir.parent / "elsewhere" / "k.json").exists()
    again = runner.invoke(app, ["keys", "init"], env=env)
    assert again.exit_code == 1 and "already encrypted" in again.output
    rotated = runner.invoke(app, ["keys", "rotate"], env=env)
    assert rotated.exit_code == 0 and "re-encrypted with key" in rotated.stdout


def test_upgrade_keeps_plaintext_birth_dates(empty_settings: Settings) -> None:
    """Schema 0006 turns birth_date into text (an envelope is text); dates already stored
    survive the change on both databases."""
    empty_settings.data_dir.mkdir(parents=True, exist_ok=True)
    archive = Archive(empty_settings)
    try:
        migrate.upgrade(archive.engine, "0005")
        with archive.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO persons (id, kind, birth_year_estimate, roles, description, level,"
                " created_at, updated_at) VALUES (1, 'individual', false, '[]', '', 'public',"
                " :now, :now)"), {"now": datetime(2026, 1, 1, tzinfo=UTC)})
            conn.execute(text("INSERT INTO person_protected (person_id, birth_date, real_name)"
                              " VALUES (1, :d, 'ATRESTOLD')"), {"d": date(1944, 4, 4)})
        migrate.upgrade(archive.engine)
        with archive.transaction() as session:
            kept = session.get_one(m.PersonProtected, 1)
            assert (kept.birth_date, kept.real_name) == (date(1944, 4, 4), "ATRESTOLD")
    finally:
        archive.close()


def test_rotation_waits_for_a_writer_and_re_encrypts_its_value(archive: Archive) -> None:
    """A person written while a rotation starts is sealed with the old key and must still be
    re-encrypted (or the old key, once removed, would take it with it)."""
    _people(archive)
    errors: list[BaseException] = []
    with archive.sessions() as writer, writer.begin():
        person = archive.create(ADMIN, "person", {
            "level": "public", "names": [{"name": "동시 인물", "system": "hangul"}],
            "protected": {"real_name": "ATRESTCONCURRENT"}}, session=writer)

        def rotate() -> None:
            try:
                key_admin.rotate(archive, ADMIN)
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        worker = threading.Thread(target=rotate)
        worker.start()
        worker.join(1.0)
        assert worker.is_alive(), "the rotation did not wait for the open writer"
    worker.join(60)
    assert not worker.is_alive() and errors == []
    shown = archive.get(ADMIN, "person", person)["fields"]["protected"]["real_name"]
    assert shown == "ATRESTCONCURRENT"
    assert key_admin.status(archive)["ok"]
