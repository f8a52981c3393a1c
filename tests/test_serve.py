"""`sillok serve` as a real server: one process and several (--workers), answering the home
page and the API on both databases. Fictional data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

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


def _get_in_pieces(port: int, target: str) -> bytes:
    request = f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        for i in range(0, len(request), 1400):
            conn.sendall(request[i:i + 1400])
            time.sleep(0.005)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


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
        # A long Korean search whose request line (18 kB) arrives in pieces, as from a
        # browser: past h11's default 16 KiB it was "Invalid HTTP request received."; now
        # the site reads it and answers with its own page naming the limit.
        head = _get_in_pieces(port, "/search?lang=en&q=" + quote("강제북송" * 500))
        assert head.startswith(b"HTTP/1.1 400") and b"at most 1,000 characters" in head
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode is not None
