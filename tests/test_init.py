"""``sillok init``: create, re-run, upgrade an old archive, refuse a newer or foreign one."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from sillok.archive import lifecycle
from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import migrate
from sillok.db import models as m
from sillok.db.engine import make_engine


def _env(settings: Settings) -> dict[str, str]:
    return {"SILLOK_DATA_DIR": str(settings.data_dir),
            "SILLOK_DATABASE_URL": settings.database_url or ""}


def _counts(settings: Settings) -> tuple[int, int, int]:
    a = Archive.open(settings)
    try:
        with a.transaction() as s:
            return tuple(  # type: ignore[return-value]
                int(s.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (m.Term, m.Place, m.AuditEntry)
            )
    finally:
        a.close()


def test_init_creates_then_changes_nothing(runner: CliRunner, empty_settings: Settings) -> None:
    out = runner.invoke(app, ["init", "--json"], env=_env(empty_settings))
    assert out.exit_code == 0, out.output
    assert '"schema_before": "empty"' in out.stdout
    first = _counts(empty_settings)
    assert first[0] > 100 and first[1] > 50
    out = runner.invoke(app, ["init"], env=_env(empty_settings))
    assert out.exit_code == 0, out.output
    assert "up to date" in out.stdout and "nothing to change" in out.stdout
    assert _counts(empty_settings) == first
    if empty_settings.is_sqlite:
        with sqlite3.connect(empty_settings.data_dir / "sillok.db") as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_old_archive_is_migrated(empty_settings: Settings) -> None:
    engine = make_engine(_prepared(empty_settings))
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_entries (at, actor, action, record_type, record_id) "
            "VALUES (:at, 'old-version', 'create', 'event', 1)"), {"at": "2024-01-01 00:00:00"})
    engine.dispose()
    report = init_archive(empty_settings)
    assert report.schema_before == "old"
    a = Archive.open(empty_settings)
    try:
        assert verify(a).problems == []
        with a.transaction() as s:
            entry = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.id)).scalars().first()
            assert entry is not None and entry.actor == "old-version" and entry.entry_hash
    finally:
        a.close()


# 0002: before the search index; 0008: before name key pairs; 0009: before public copies;
# 0011: before analysts' copies; 0028: before the matcher of migration 0029
# (lifecycle.INDEX_REVISION).
@pytest.mark.parametrize(("revision", "rebuilt"), [("0002", True), ("0008", True),
                                                   ("0011", True), ("0028", True),
                                                   ("0029", False)])
def test_only_an_archive_whose_index_is_out_of_date_is_reindexed_on_upgrade(
        empty_settings: Settings, monkeypatch: pytest.MonkeyPatch, revision: str,
        rebuilt: bool) -> None:
    engine = make_engine(_prepared(empty_settings))
    migrate.upgrade(engine, revision)
    engine.dispose()
    calls: list[int] = []
    real = lifecycle.reindex_all
    monkeypatch.setattr(lifecycle, "reindex_all",
                        lambda session, progress=None: calls.append(real(session, progress)))
    before = "current" if revision == migrate.head_revision() else "old"
    assert init_archive(empty_settings).schema_before == before
    assert bool(calls) is rebuilt


def _prepared(settings: Settings) -> Settings:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def test_newer_archive_is_refused(runner: CliRunner, settings: Settings) -> None:
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (["init"], ["list", "events"]):
        out = runner.invoke(app, args, env=_env(settings))
        assert out.exit_code == 1
        assert "newer version of Sillok" in out.stderr
        assert "Traceback" not in out.output


def test_unreachable_postgres(runner: CliRunner, tmp_path: Path) -> None:
    env = {"SILLOK_DATA_DIR": str(tmp_path),
           "SILLOK_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"}
    out = runner.invoke(app, ["init"], env=env)
    assert out.exit_code == 1
    assert "cannot open the archive database" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_corrupt_and_foreign_sqlite_files(runner: CliRunner, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "sillok.db").write_bytes(b"this is not a database at all" * 100)
    out = runner.invoke(app, ["init", "--data-dir", str(corrupt)], env={})
    assert out.exit_code == 1 and "not a SQLite database" in out.stderr
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / "sillok.db") as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    out = runner.invoke(app, ["list", "events", "--data-dir", str(foreign)], env={})
    assert out.exit_code == 1 and "not a Sillok archive" in out.stderr
    out = runner.invoke(app, ["list", "events", "--data-dir", str(tmp_path / "none")], env={})
    assert out.exit_code == 1 and "run 'sillok init' first" in out.stderr


def test_unwritable_data_dir(tmp_path: Path) -> None:
    """Run as an unprivileged user (root may write anywhere, so CI drops to 'nobody')."""
    locked = Path(tempfile.mkdtemp(prefix="sillok-locked-"))
    locked.chmod(0o755)
    try:
        prefix = ([] if os.geteuid() != 0 else
                  ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        if os.geteuid() != 0:
            locked.chmod(0o555)
        for target in (locked / "archive", locked):
            proc = subprocess.run(
                [*prefix, sys.executable, "-m", "sillok.cli.main", "init", "--data-dir",
                 str(target)],
                capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": "/tmp"},
                check=False,
            )
            assert proc.returncode == 1, proc.stderr
            assert "permission denied" in proc.stderr or "not writable" in proc.stderr
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    finally:
        locked.chmod(0o755)
        shutil.rmtree(locked, ignore_errors=True)


def test_data_dir_that_is_a_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    out = runner.invoke(app, ["init", "--data-dir", str(f)], env={})
    assert out.exit_code == 1 and "not a directory" in out.stderr
