"""The public site read from a PostgreSQL streaming replica (docs/replica.md).

A throwaway primary (tests/pg_cluster.py) and a hot standby made from it with pg_basebackup,
on another port in a temporary directory: anonymous visitors' pages and API searches are
answered from the standby, staff reads from the primary, and a write can never land on the
standby. Replay is paused on the standby to tell the two apart: what the primary committed
since is not on the public site until replay resumes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import InternalError

from sillok.archive.replica import public_reads
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search.cache import forget_answers
from sillok.search.service import search
from sillok.web.app import create_app
from tests import pg_cluster
from tests.browser import free_port
from tests.conftest import ADMIN, _copy_keys, _pg_conninfo

pytestmark = pytest.mark.postgres


def _conninfo(port: int, db: str = "postgres") -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{db}"


def _url(port: int, db: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{db}"


def _start_standby(primary: pg_cluster.Cluster) -> pg_cluster.Cluster:
    """pg_basebackup from ``primary`` (-R: a standby that streams from it) and start it."""
    directory = Path(tempfile.mkdtemp(prefix="sillok-standby-"))
    shutil.copystat(primary.directory, directory)
    if primary.run_as:
        shutil.chown(directory, "postgres", "postgres")
    standby = pg_cluster.Cluster(directory, primary.bindir, free_port(), primary.run_as)
    data = directory / "data"
    try:
        pg_cluster._run(primary.run_as, str(primary.bindir / "pg_basebackup"), "-h",
                        "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D",
                        str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        subprocess.run([*primary.run_as, "sh", "-c",
                        f"printf 'port = {standby.port}\\nunix_socket_directories = "
                        f"'\"'\"'{directory}'\"'\"'\\nhot_standby = on\\n' "
                        f">> {data}/postgresql.conf"], check=True, cwd="/")
        pg_cluster._run(primary.run_as, str(primary.bindir / "pg_ctl"), "-D", str(data), "-l",
                        str(directory / "server.log"), "-w", "-t", "30", "start")
    except BaseException:
        standby.stop()
        raise
    return standby


def _caught_up(primary: int, standby: int) -> None:
    with psycopg.connect(_conninfo(primary), autocommit=True) as conn:
        # The insert position, not the write position: the throwaway primary commits without
        # waiting for the disk (synchronous_commit = off), so the last commit's record may not
        # be written out yet, and a standby "caught up" to the write position may not show it.
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        assert row is not None
        lsn = row[0]
    with psycopg.connect(_conninfo(standby), autocommit=True) as conn:
        for _ in range(200):
            row = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                               (lsn,)).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the standby did not catch up in 10 s")


def _replay(standby: int, on: bool) -> None:
    with psycopg.connect(_conninfo(standby), autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_resume()" if on else "SELECT pg_wal_replay_pause()")


@pytest.fixture(scope="module")
def pair(pg_template: str, pg_template_dir: Path, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Settings, int, int]]:
    """A primary holding a copy of the session's template archive (pg_dump: running the
    migrations again takes far longer), and its standby."""
    primary = pg_cluster.start()
    standby = None
    try:
        with psycopg.connect(_conninfo(primary.port), autocommit=True) as conn:
            conn.execute("CREATE DATABASE sillok")
        dump = subprocess.run([str(primary.bindir / "pg_dump"), "--no-owner", "-d",
                               _pg_conninfo(pg_template)], capture_output=True, check=True)
        subprocess.run([str(primary.bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        _conninfo(primary.port, "sillok")], input=dump.stdout,
                       capture_output=True, check=True)
        standby = _start_standby(primary)
        data_dir = tmp_path_factory.mktemp("replica") / "data"
        _copy_keys(pg_template_dir, data_dir)
        settings = Settings(data_dir=data_dir, database_url=_url(primary.port, "sillok"),
                            public_database_url=_url(standby.port, "sillok"))
        yield settings, primary.port, standby.port
    finally:
        if standby is not None:
            standby.stop()
        primary.stop()


def _source(archive: Archive, word: str) -> int:
    return archive.create(ADMIN, "source", {
        "level": "public", "kind": "news_report", "title": f"가상 기사 {word}", "language": "ko",
        "text": f"[가상] 국경 도시에서 {word} 주민들이 강제송환되었다고 전해졌다."})


def test_public_site_reads_the_standby(pair: tuple[Settings, int, int]) -> None:
    settings, primary, standby = pair
    app = create_app(settings)
    archive: Archive = app.state.archive
    first = _source(archive, "쥐눈이콩마을")
    _caught_up(primary, standby)
    with TestClient(app) as client:
        forget_answers()
        page = client.get("/search", params={"q": "쥐눈이콩마을"})
        assert page.status_code == 200 and f"/sources/{first}" in page.text
        assert client.get(f"/sources/{first}").status_code == 200
        api = client.get("/api/v1/search", params={"q": "쥐눈이콩마을"}).json()
        assert [i["id"] for i in api["items"]] == [first]
        for path in ("/", "/stats", "/data"):
            assert client.get(path).status_code == 200, path

        # Replay paused: the primary's next commit is not on the standby, so not public yet.
        _replay(standby, on=False)
        try:
            second = _source(archive, "나래마을")
            forget_answers()
            api = client.get("/api/v1/search", params={"q": "나래마을"}).json()
            assert api["items"] == []
            assert client.get(f"/sources/{second}").status_code == 404
            # Staff (outside the public-reads scope) read the primary, which has it.
            staff = search(archive, ADMIN, "나래마을")
            assert [i["id"] for i in staff.items] == [second]
        finally:
            _replay(standby, on=True)
        _caught_up(primary, standby)
        forget_answers()
        api = client.get("/api/v1/search", params={"q": "나래마을"}).json()
        assert [i["id"] for i in api["items"]] == [second]
        assert client.get(f"/sources/{second}").status_code == 200


def test_no_write_reaches_the_standby(pair: tuple[Settings, int, int]) -> None:
    settings, _primary, _standby = pair
    archive = Archive.open(settings)
    try:
        with public_reads(), pytest.raises(InternalError, match="read-only transaction"):
            _source(archive, "다솜마을")
        # Outside that scope, the same write goes to the primary.
        assert _source(archive, "다솜마을") > 0
    finally:
        archive.close()
