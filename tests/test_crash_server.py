"""The server killed with kill -9 while clients write through the API: after a restart every
write it acknowledged (201 with an id) is there, as sent, and `sillok verify` is clean.
Fictional data."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from sillok.accounts.accounts import add_user
from sillok.accounts.tokens import create_token
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.config import Settings
from tests.browser import free_port
from tests.conftest import ADMIN

SILLOK = [sys.executable, "-m", "sillok.cli.main"]
WRITERS = 3
ACKS_BEFORE_KILL = 24



def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    # Its own process group, so that kill -9 reaches the workers too.
    return subprocess.Popen([*SILLOK, "serve", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _request(url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:  # a local test server
        return json.loads(answer.read())


def _wait(url: str, token: str) -> None:
    deadline = time.monotonic() + 180  # a loaded CI machine is slow to start processes
    while True:
        try:
            _request(url, token)
            return
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_acknowledged_writes_survive_kill_9(settings: Settings, archive: Archive,
                                            cli_env: dict[str, str]) -> None:
    add_user(archive, ADMIN, "crash-editor", "editor", "fictional-password-123")
    _, token = create_token(archive, ADMIN, "crash-editor", "write", name="crash test")
    env = {**os.environ, **cli_env}
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = _start(env, port)
    acked: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def write(n: int) -> None:
        i = 0
        while not stop.is_set():
            title = f"[가상] 충돌 시험 사건 {n}-{i}"
            i += 1
            try:
                created = _request(f"{base}/events", token,
                                   {"title": title, "level": "internal", "date": "2023-05"})
            except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError):
                # The server is gone, or went mid-answer (IncompleteRead), or did not
                # acknowledge: not an acknowledged write.
                continue
            with lock:
                acked[int(created["id"])] = title

    try:
        _wait(f"{base}/events?limit=1", token)
        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 300
        while len(acked) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # mid-stream: requests are in flight
        server.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert len(acked) >= ACKS_BEFORE_KILL

    restarted = _start(env, port)
    try:
        _wait(f"{base}/events?limit=1", token)
        for record_id, title in acked.items():
            got = _request(f"{base}/events/{record_id}", token)
            assert got["fields"]["title"] == title
    finally:
        os.killpg(restarted.pid, signal.SIGKILL)
        restarted.wait(timeout=30)
    fresh = Archive.open(settings)
    try:
        report = verify(fresh)
    finally:
        fresh.close()
    assert report.ok, report
