"""``sillok verify``: blob hashes, references, codes and the audit chain."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.db import models as m
from tests.conftest import make_event, make_source


def _with_blob(archive: Archive) -> str:
    store = BlobStore(archive.settings.blob_dir)
    sha = store.put(b"fictional original bytes")
    with archive.transaction() as s:
        s.add(m.Blob(sha256=sha, size=24, media_type="text/plain"))
    make_source(archive, blob_sha256=sha)
    return sha


def test_clean_archive(runner: CliRunner, cli_env: dict[str, str], archive: Archive) -> None:
    _with_blob(archive)
    make_event(archive)
    out = runner.invoke(app, ["verify", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert '"ok": true' in out.stdout


def test_tampered_and_orphan_blobs(archive: Archive) -> None:
    sha = _with_blob(archive)
    store = BlobStore(archive.settings.blob_dir)
    store.path(sha).write_bytes(b"fictional original bytez")
    orphan = store.put(b"nobody points here")
    problems = verify(archive).problems
    assert any(sha in p and "does not match" in p for p in problems), problems
    assert any(orphan in p and "orphan" in p for p in problems), problems
    store.path(sha).unlink()
    assert any(sha in p and "missing" in p for p in verify(archive).problems)


def test_edited_audit_entry_is_named(runner: CliRunner, cli_env: dict[str, str],
                                     archive: Archive) -> None:
    make_event(archive)
    ev = make_event(archive)
    with archive.transaction() as s:
        target = s.execute(
            text("SELECT id FROM audit_entries WHERE record_type = 'event' AND record_id = :i"),
            {"i": ev},
        ).scalar_one()
        s.execute(text("UPDATE audit_entries SET actor = 'someone else' WHERE id = :i"),
                  {"i": target})
    out = runner.invoke(app, ["verify"], env=cli_env)
    assert out.exit_code == 1
    assert f"audit entry #{target}: content does not match its hash" in out.stdout


def test_deleted_audit_entry_is_found(archive: Archive) -> None:
    make_event(archive)
    ev = make_event(archive)
    with archive.transaction() as s:
        s.execute(text("DELETE FROM audit_entries WHERE record_type = 'event' "
                       "AND record_id = :i"), {"i": ev})
    problems = verify(archive).problems
    assert any(f"event #{ev}: no audit entry" in p for p in problems), problems
