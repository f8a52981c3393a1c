"""`sillok serve` as a real server: one process and several (--workers), answering the home
page and the API on both databases. Fictional data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.browser import free_port
from tests.conftest import make_source


# Generous: a loaded CI machine may take many seconds to import and start a process.
def _get(url: str, timeout: float = 120.0) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers(settings: Settings, archive: Archive, workers: int) -> None:
    make_source(archive, level="public", title="[가상] 서버 시험 자료", text="[가상] 회령 탈북민")
    port = free_port()
    env = {**os.environ, "SILLOK_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["SILLOK_DATABASE_URL"] = settings.database_url
    server = subprocess.Popen(
        [sys.executable, "-m", "sillok.cli.main", "serve", "--port", str(port),
         "--workers", str(workers)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"Sillok" in body
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/search?q=%ED%9A%8C%EB%A0%B9")
        assert status == 200 and "서버 시험 자료".encode() in body
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode is not None
