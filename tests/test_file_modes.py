"""The data directory, the database (with its -wal and -shm), blobs, spooled uploads and key
files are owner-only from the moment they exist, whatever the umask; ``sillok init`` tightens
an archive made with looser modes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.lifecycle import init_archive
from sillok.archive.redact import archive_secret
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.ingest import jobs
from sillok.ingest.jobs import spool_dir, start_ingest_job
from sillok.security.keys import new_key, save_keys
from tests.conftest import ADMIN


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read: what Sillok makes must not depend on the caller's."""
    old = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_archive_is_owner_only(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(data_dir=tmp_path / "deep" / "data")
    init_archive(settings)
    archive = Archive.open(settings)
    try:
        with archive.transaction() as session:
            session.connection().exec_driver_sql("SELECT 1")
        sha = BlobStore(settings.blob_dir).put(b"an original file")
        archive_secret(settings.data_dir)
        save_keys(settings.key_path, {"k": new_key()})
        data = settings.data_dir
        files = [data / "sillok.db", data / "sillok.db-wal", data / "sillok.db-shm",
                 BlobStore(settings.blob_dir).path(sha), data / "pseudonym.key",
                 settings.key_path]
        folders = [data, settings.blob_dir, BlobStore(settings.blob_dir).path(sha).parent,
                   BlobStore(settings.blob_dir).path(sha).parent.parent, settings.key_path.parent,
                   tmp_path / "deep"]
        for f in files:
            assert f.exists(), f
            assert _mode(f) == 0o600, (f, oct(_mode(f)))
        for d in folders:
            assert _mode(d) == 0o700, (d, oct(_mode(d)))
    finally:
        archive.close()


def test_spooled_uploads_are_owner_only(settings: Settings, open_umask: None,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def look(archive_: Archive, _actor: object, job_id: int, _options: object) -> None:
        # In place of the job's thread: its files are looked at before ingest removes them.
        folder = spool_dir(archive_, job_id)
        seen.extend([_mode(folder), *(_mode(f) for f in folder.iterdir())])
    monkeypatch.setattr(jobs, "_tracked", look)
    archive = Archive.open(settings)
    try:
        start_ingest_job(archive, ADMIN, [("a.txt", b"[fictional] text")], wait=True)
    finally:
        archive.close()
    assert seen == [0o700, 0o600]


def test_init_tightens_an_old_archive(runner: CliRunner, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    init_archive(settings)
    sha = BlobStore(settings.blob_dir).put(b"an original file")
    loose = [settings.data_dir, settings.data_dir / "sillok.db", settings.blob_dir,
             BlobStore(settings.blob_dir).path(sha)]
    for path in loose:
        path.chmod(0o755 if path.is_dir() else 0o644)
    out = runner.invoke(app, ["init", "--data-dir", str(settings.data_dir)])
    assert out.exit_code == 0, out.output
    assert "made readable by their owner only" in out.output
    assert [_mode(p) for p in loose] == [0o700, 0o600, 0o700, 0o600]
