"""backup and restore: the whole archive, encrypted with a passphrase."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from sillok.accounts.backup import backup, restore
from sillok.archive.audit_anchor import KEY_NAME as AUDIT_KEY
from sillok.cli.common import (
    DataDir,
    Json,
    actor_for,
    archive_for,
    console,
    print_json,
    settings_for,
)
from sillok.errors import SillokError

PassFile = typer.Option(None, "--passphrase-file",
                        help="Read the passphrase from this file (else $SILLOK_BACKUP_PASSPHRASE, "
                             "else a prompt).")


IncludeKeys = typer.Option(False, "--include-keys",
                           help="Put the at-rest key file, pseudonym.key and the audit key in "
                                "the backup too (by default they are left out: keep them "
                                "apart).")
KEY_NAMES = {"at-rest": "the at-rest key file", "pseudonym": "pseudonym.key",
             "audit": "the audit key"}


def _passphrase(path: Path | None, confirm: bool) -> str:
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SillokError(f"{path}: cannot read the passphrase ({exc.strerror})") from None
    from_env = os.environ.get("SILLOK_BACKUP_PASSPHRASE")
    if from_env:
        return from_env
    value: str = typer.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)
    return value


def backup_cmd(
    out: Path = typer.Argument(..., help="The encrypted backup file to write."),
    passphrase_file: Path | None = PassFile,
    include_keys: bool = IncludeKeys,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Back up database, blobs and audit trail in one consistent, encrypted snapshot."""
    passphrase = _passphrase(passphrase_file, confirm=True)
    with archive_for(data_dir) as archive:
        report = backup(archive, actor_for(None), out, passphrase, include_keys)
        where = {"at-rest": archive.settings.key_path,
                 "pseudonym": archive.settings.data_dir / "pseudonym.key",
                 "audit": archive.settings.key_path.parent / AUDIT_KEY}
    if json_out:
        print_json(report)
        return
    rows = sum(report["tables"].values())
    console.print(f"backup written to {out}: {rows} rows, {report['blobs']} blobs (encrypted)",
                  highlight=False)
    if report["keys_left_out"]:
        files = " and ".join(str(where[k]) for k in report["keys_left_out"])
        console.print(f"keys not included: keep a copy of {files} apart from the backup "
                      "(or back up with --include-keys)", highlight=False)


def restore_cmd(
    src: Path = typer.Argument(..., help="A file written by 'sillok backup'."),
    passphrase_file: Path | None = PassFile,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Restore a backup into an empty data directory; then run 'sillok verify'."""
    report = restore(settings_for(data_dir), src, _passphrase(passphrase_file, confirm=False))
    if json_out:
        print_json(report)
        return
    console.print(f"restored {sum(report['tables'].values())} rows and {report['blobs']} "
                  f"blobs from {src}", highlight=False)
    if report["copy_by_hand"]:
        steps = " and ".join(f"{KEY_NAMES[k]} to {path}"
                             for k, path in report["copy_by_hand"].items())
        console.print(f"the backup holds no keys: copy {steps} before serving or verifying "
                      "(docs/keys.md)", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
