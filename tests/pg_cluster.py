"""A throwaway PostgreSQL cluster for one test run, so the PostgreSQL half of the suite runs on
any machine with PostgreSQL's binaries (``scripts/system-deps test`` installs them), with no
server set up beforehand and nothing left behind.

The pytest process that runs the session (xdist's controller, or the only process without
xdist) starts it before any worker exists and exports its URL as ``SILLOK_TEST_POSTGRES``, so
every worker inherits one shared server; it is stopped and removed when that process ends.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.browser import free_port

# Durability is worthless for a cluster deleted after the run; the rest matches the machine's
# server (UTF8, C.UTF-8, UTC) so both give the same answers. Connections: each server a test
# starts keeps up to 40 (README, Usage) beside the workers' own.
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{directory}'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'Etc/UTC'
"""
# Debian's postgresql package makes this user; PostgreSQL refuses to run as root.
SERVER_USER = "postgres"


class ClusterError(RuntimeError):
    """The throwaway cluster could not be started."""


@dataclass(frozen=True)
class Cluster:
    directory: Path
    bindir: Path
    port: int
    run_as: list[str]  # the command prefix that runs PostgreSQL's programs as a non-root user

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def describe(self) -> str:
        """What the server itself says it is, so a log shows which server the tests used."""
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             connect_timeout=5) as conn:
            row = conn.execute("SELECT current_setting('server_version'), "
                               "current_setting('data_directory'), "
                               "host(inet_server_addr()), inet_server_port()").fetchone()
        assert row is not None
        version, data_directory, address, port = row
        return f"PostgreSQL {version} on {address}:{port}, data in {data_directory}"

    def stop(self) -> None:
        """Stop the server at once (nothing is kept, so no shutdown checkpoint) and delete it."""
        try:
            subprocess.run([*self.run_as, str(self.bindir / "pg_ctl"), "-D",
                            str(self.directory / "data"), "-m", "immediate", "stop"],
                           cwd="/", capture_output=True, timeout=60, check=False)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def find_bindir() -> Path | None:
    """The newest PostgreSQL's programs: Debian keeps each major version apart; else PATH."""
    versions = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    versions.sort(key=lambda bindir: int(bindir.parent.name) if bindir.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _run(run_as: list[str], *command: str) -> None:
    # cwd: PostgreSQL's programs change back into the working directory, which the server's
    # user may not be allowed to read (a checkout under /root).
    done = subprocess.run([*run_as, *command], cwd="/", capture_output=True, text=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(command[:2])} failed: {done.stderr.strip() or done.stdout}")


# A test makes a database of its own (CREATE DATABASE … TEMPLATE): on this machine's disk
# that cost 0.45-0.55 s each, whichever strategy, in memory 0.03-0.05 s — some 850 times
# a run. The cluster goes in memory when there is room for it (its databases, and the WAL up
# to max_wal_size, 1 GB); nothing in it outlives the run.
MEMORY_DIR = Path("/dev/shm")
MEMORY_NEEDED = 4 * 1024**3


def _memory_dir() -> str | None:
    try:
        room = shutil.disk_usage(MEMORY_DIR).free
    except OSError:
        return None
    return str(MEMORY_DIR) if room >= MEMORY_NEEDED and os.access(MEMORY_DIR, os.W_OK) else None


def start() -> Cluster:
    """initdb into a new temporary directory and start a server there on a free local port."""
    bindir = find_bindir()
    if bindir is None:
        raise ClusterError("no PostgreSQL programs (initdb) found: `scripts/system-deps test` "
                           "installs them, or set SILLOK_TEST_POSTGRES to a server")
    run_as: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="sillok-pg-", dir=_memory_dir()))
    try:
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise ClusterError(f"PostgreSQL will not run as root and there is no "
                                   f"{SERVER_USER!r} user to run it as") from None
            os.chown(directory, user.pw_uid, user.pw_gid)
            run_as = ["runuser", "-u", SERVER_USER, "--"]
        data = directory / "data"
        _run(run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        # Another run may take the port between choosing and binding it: then choose again
        # (appended settings win over earlier ones).
        for attempt in range(3):
            port = free_port()
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(SETTINGS.format(port=port, directory=directory))
            try:
                _run(run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l",
                     str(directory / "server.log"), "-w", "-t", "60", "start")
            except ClusterError as exc:
                if attempt == 2:
                    log = (directory / "server.log").read_text(errors="replace")
                    raise ClusterError(f"{exc}\n{log[-2000:]}") from None
                continue
            return Cluster(directory, bindir, port, run_as)
        raise AssertionError("unreachable")
    except BaseException:
        # pg_ctl may have given up waiting on a server that still runs: stop it too.
        Cluster(directory, bindir, 0, run_as).stop()
        raise
