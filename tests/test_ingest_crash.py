"""A batch killed with kill -9 and re-run: every file in exactly once, verify clean."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.db import models as m
from tests import files

SILLOK = [sys.executable, "-m", "sillok.cli.main"]


def test_kill_minus_nine_then_rerun(archive: Archive, cli_env: dict[str, str],
                                    tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:03d}.txt").write_text(files.fiction(100 + i, words=200), encoding="utf-8")
    env = {**os.environ, **cli_env}
    first = subprocess.Popen([*SILLOK, "ingest", str(folder)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    done = 0
    deadline = time.monotonic() + 120
    assert first.stderr is not None
    while done < 5 and time.monotonic() < deadline:
        line = first.stderr.readline()
        if not line:
            break
        done += line.startswith(b"ingested as")
    # Kill the whole process group (the CLI and its parsing worker) mid-batch.
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert done >= 5, "the batch should have been killed mid-way"
    with archive.sessions() as session:
        partial = session.execute(select(func.count()).select_from(m.Source)).scalar_one()
    assert 5 <= partial < 40

    second = subprocess.run([*SILLOK, "ingest", str(folder), "--json"], env=env,
                            capture_output=True, timeout=300, check=False)
    assert second.returncode == 0, second.stderr.decode()
    with archive.sessions() as session:
        shas = [str(s) for s in session.execute(select(m.Source.blob_sha256)).scalars()]
    expected = {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert sorted(shas) == sorted(expected)  # each file exactly once
    report = verify(archive)
    assert report.ok, report.problems


def test_a_write_killed_midway_is_removed_by_the_next_batch(archive: Archive,
                                                            cli_env: dict[str, str],
                                                            tmp_path: Path) -> None:
    blobs = archive.settings.blob_dir
    # A writer that stops inside its write (its fsync never returns) until it is killed.
    writer = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from sillok.archive.blobs import BlobStore\n"
        "os.fsync = lambda fd: time.sleep(600)\n"
        "BlobStore(Path(sys.argv[1])).put(b'[Fictional] half-written testimony')\n"),
        str(blobs)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list(blobs.glob("*/*/.tmp-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        (temp,) = blobs.glob("*/*/.tmp-*")
        assert BlobStore(blobs).remove_abandoned() == 0  # still being written: left alone
        assert temp.exists()
    finally:
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
    assert any("unfinished blob write" in p for p in verify(archive).problems)
    folder = tmp_path / "next"
    folder.mkdir()
    (folder / "a.txt").write_text(files.fiction(7, words=50), encoding="utf-8")
    done = subprocess.run([*SILLOK, "ingest", str(folder)], env={**os.environ, **cli_env},
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert not temp.exists()
    report = verify(archive)
    assert report.ok, report.problems
