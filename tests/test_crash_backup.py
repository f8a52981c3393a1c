"""A backup killed with kill -9 leaves no backup file that looks finished and an archive that
verifies clean; the next backup restores bit for bit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sillok.accounts.backup import restore
from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.config import Settings
from sillok.db import models as m
from tests.conftest import ADMIN, make_source

SILLOK = [sys.executable, "-m", "sillok.cli.main"]


def test_backup_killed_midway(archive: Archive, cli_env: dict[str, str], tmp_path: Path) -> None:
    make_source(archive, text="[Fictional] a source to back up.")
    # Enough bytes that the backup takes a moment to write.
    store = BlobStore(archive.settings.blob_dir)
    with archive.transaction() as session:
        for i in range(3):
            data = os.urandom(20 * 1024 * 1024) + bytes([i])
            sha = store.put(data)
            session.add(m.Blob(sha256=sha, size=len(data), media_type="application/octet-stream"))
    secret = tmp_path / "pass"
    secret.write_text("fictional passphrase for a test", encoding="utf-8")
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    target = out_dir / "archive.bak"
    env = {**os.environ, **cli_env}
    first = subprocess.Popen([*SILLOK, "backup", str(target), "--passphrase-file", str(secret)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".archive.bak") for p in out_dir.iterdir()):
        assert time.monotonic() < deadline and first.poll() is None, "backup never started"
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not target.exists()  # only the unfinished temporary file, under another name
    assert verify(archive).ok

    done = subprocess.run([*SILLOK, "backup", str(target), "--passphrase-file", str(secret),
                           "--include-keys"],  # the restored trail's check needs the audit key
                          env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    fresh = Settings(data_dir=tmp_path / "restored")
    restore(fresh, target, "fictional passphrase for a test")
    copy = Archive.open(fresh)
    try:
        report = verify(copy)
        assert report.ok, report.problems
        assert sorted(p.name for p in BlobStore(fresh.blob_dir).files()) == sorted(
            p.name for p in store.files())
        assert copy.list_records(ADMIN, "source").total == 1
    finally:
        copy.close()
