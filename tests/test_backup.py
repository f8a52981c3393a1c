"""Encrypted backups: a round trip is bit-identical and verifies clean; a wrong passphrase,
a flipped bit, a cut-off end or a non-empty target are refused and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.transfer import write_export
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from tests.conftest import ADMIN, make_person, make_source

PASS = "a fictional test passphrase"


def _fill(archive: Archive) -> str:
    data = bytes(range(256)) * 5000  # over 1 MiB: spans several encrypted frames
    sha = BlobStore(archive.settings.blob_dir).put(data)
    with archive.transaction() as s:
        s.add(m.Blob(sha256=sha, size=len(data), media_type="application/octet-stream"))
    make_source(archive, blob_sha256=sha, level="restricted")
    make_person(archive, level="restricted", protected={"real_name": "가상 실명"})
    return sha


def _env(settings: Settings) -> dict[str, str]:
    return {"SILLOK_DATA_DIR": str(settings.data_dir),
            "SILLOK_DATABASE_URL": settings.database_url or "",
            "SILLOK_BACKUP_PASSPHRASE": PASS}


def _export(settings: Settings, path: Path) -> str:
    archive = Archive.open(settings)
    try:
        with path.open("w", encoding="utf-8") as fh:
            write_export(archive, ADMIN, fh)
    finally:
        archive.close()
    return path.read_text(encoding="utf-8")


def test_round_trip(runner: CliRunner, settings: Settings, archive: Archive,
                    empty_settings: Settings, tmp_path: Path) -> None:
    sha = _fill(archive)
    before = _export(settings, tmp_path / "before.jsonl")
    # With its keys: the restored audit trail is verified below, which needs the audit key.
    out = runner.invoke(app, ["backup", str(tmp_path / "a.bak"), "--include-keys"],
                        env=_env(settings))
    assert out.exit_code == 0, out.output
    raw = (tmp_path / "a.bak").read_bytes()
    assert "가상 실명".encode() not in raw and b"real_name" not in raw
    out = runner.invoke(app, ["restore", str(tmp_path / "a.bak")], env=_env(empty_settings))
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["verify"], env=_env(empty_settings))
    assert out.exit_code == 0, out.output
    original = BlobStore(settings.blob_dir).path(sha).read_bytes()
    assert BlobStore(empty_settings.blob_dir).path(sha).read_bytes() == original
    assert _export(empty_settings, tmp_path / "after.jsonl") == before
    # The restored archive keeps working: new ids follow the restored ones.
    copy = Archive.open(empty_settings)
    try:
        assert make_person(copy) > 1
    finally:
        copy.close()


@pytest.mark.parametrize("damage", ["passphrase", "flip", "truncate", "append"])
def test_bad_backups_are_refused(runner: CliRunner, settings: Settings, archive: Archive,
                                 empty_settings: Settings, tmp_path: Path, damage: str) -> None:
    _fill(archive)
    bak = tmp_path / "a.bak"
    assert runner.invoke(app, ["backup", str(bak)], env=_env(settings)).exit_code == 0
    data = bytearray(bak.read_bytes())
    env = _env(empty_settings)
    expected = "damaged or was altered"
    if damage == "passphrase":
        env["SILLOK_BACKUP_PASSPHRASE"] = "not the passphrase"
        expected = "wrong passphrase"
    elif damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 100]
        expected = "truncated"
    else:
        data += data[-200:]
    bak.write_bytes(bytes(data))
    out = runner.invoke(app, ["restore", str(bak)], env=env)
    assert out.exit_code == 1
    assert expected in out.stderr, out.stderr
    assert not (empty_settings.data_dir / "sillok.db").exists()
    out = runner.invoke(app, ["list", "events"], env=env)
    assert out.exit_code == 1  # no half-restored archive to open


def test_restore_needs_an_empty_target(runner: CliRunner, settings: Settings,
                                       archive: Archive, tmp_path: Path) -> None:
    bak = tmp_path / "a.bak"
    assert runner.invoke(app, ["backup", str(bak)], env=_env(settings)).exit_code == 0
    out = runner.invoke(app, ["restore", str(bak)], env=_env(settings))
    assert out.exit_code == 1 and "empty" in out.stderr
    pw = tmp_path / "pw"
    pw.write_text(PASS + "\n", encoding="utf-8")
    env = {**_env(settings), "SILLOK_BACKUP_PASSPHRASE": ""}
    out = runner.invoke(app, ["backup", str(tmp_path / "b.bak"), "--passphrase-file", str(pw)],
                        env=env)
    assert out.exit_code == 0, out.output
