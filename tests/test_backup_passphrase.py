"""Backups: a passphrase a guesser would find is refused (zxcvbn), and no key file travels in a
backup unless asked for (--include-keys); a restore without keys says what to copy by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sillok.accounts.backup import backup, restore
from sillok.archive.redact import archive_secret
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import SillokError
from sillok.security.keys import load_keys, new_key, save_keys
from tests.conftest import ADMIN

STRONG = "a fictional test passphrase"


@pytest.mark.parametrize("weak", ["password123", "hunter2hunter2", "sillokbackup",
                                  "qwertyuiop", "aaaaaaaaaaaaaaaa", "Password2024!"])
def test_weak_passphrases_are_refused(archive: Archive, tmp_path: Path, weak: str) -> None:
    with pytest.raises(SillokError, match="passphrase is too weak"):
        backup(archive, ADMIN, tmp_path / "b.bak", weak)
    assert not list(tmp_path.glob("*b.bak*"))


def test_cli_says_so_in_one_line(runner: CliRunner, cli_env: dict[str, str],
                                 archive: Archive, tmp_path: Path) -> None:
    out = runner.invoke(app, ["backup", str(tmp_path / "b.bak")],
                        env={**cli_env, "SILLOK_BACKUP_PASSPHRASE": "password123"})
    assert out.exit_code == 1
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the backup passphrase is too weak")


def _keys(settings: Settings) -> tuple[bytes, str]:
    save_keys(settings.key_path, {"k": new_key()})
    return archive_secret(settings.data_dir), next(iter(load_keys(settings.key_path)))


def test_keys_stay_out_unless_asked(runner: CliRunner, cli_env: dict[str, str],
                                    archive: Archive, settings: Settings,
                                    empty_settings: Settings, tmp_path: Path) -> None:
    _keys(settings)
    file = tmp_path / "b.bak"
    out = runner.invoke(app, ["backup", str(file)],
                        env={**cli_env, "SILLOK_BACKUP_PASSPHRASE": STRONG})
    assert out.exit_code == 0, out.output
    said = "".join(out.output.split())  # rich wraps long paths at the terminal's width
    assert "keysnotincluded" in said and "pseudonym.key" in said
    report = restore(empty_settings, file, STRONG)
    assert report["keys"] == 0 and not report["pseudonym_key"]
    assert report["copy_by_hand"] == {
        "at-rest": str(empty_settings.key_path),
        "pseudonym": str(empty_settings.data_dir / "pseudonym.key"),
        "audit": str(empty_settings.key_path.parent / "audit.key")}
    assert not empty_settings.key_path.exists()
    assert not (empty_settings.data_dir / "pseudonym.key").exists()


def test_restore_says_what_to_copy(runner: CliRunner, archive: Archive, settings: Settings,
                                   empty_settings: Settings, tmp_path: Path) -> None:
    _keys(settings)
    file = tmp_path / "b.bak"
    backup(archive, ADMIN, file, STRONG)
    env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
           "SILLOK_DATABASE_URL": empty_settings.database_url or "",
           "SILLOK_BACKUP_PASSPHRASE": STRONG}
    out = runner.invoke(app, ["restore", str(file)], env=env)
    assert out.exit_code == 0, out.output
    said = "".join(out.output.split())  # rich wraps long paths at the terminal's width
    assert "thebackupholdsnokeys:copytheat-restkeyfileto" in said
    assert "pseudonym.keyto" in said


def test_keys_travel_when_asked(archive: Archive, settings: Settings,
                                empty_settings: Settings, tmp_path: Path) -> None:
    secret, key_id = _keys(settings)
    file = tmp_path / "b.bak"
    made = backup(archive, ADMIN, file, STRONG, include_keys=True)
    assert made["keys_left_out"] == []
    report = restore(empty_settings, file, STRONG)
    assert report["keys"] == 1 and report["pseudonym_key"] and report["copy_by_hand"] == {}
    assert list(load_keys(empty_settings.key_path)) == [key_id]
    assert (empty_settings.data_dir / "pseudonym.key").read_bytes() == secret
