"""X-Forwarded-For is believed only from the proxies in SILLOK_TRUSTED_PROXIES (none by
default): otherwise one client could pose as many and slip past the limit per address, or
write any address it likes into the audit trail."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import AuthSettings, Settings, parse_networks
from sillok.db import models as m
from sillok.errors import SillokError
from sillok.web.app import create_app
from sillok.web.auth import forwarded_client
from tests.auth_helpers import BASE, login, make_user

PROXY = "10.0.0.2"
PROXIES = parse_networks("10.0.0.0/24, 2001:db8::1")


@pytest.mark.parametrize(("peer", "header", "trusted", "client"), [
    # nobody trusted: the header is ignored whatever it says
    (PROXY, "203.0.113.7", (), PROXY),
    ("198.51.100.9", "203.0.113.7", PROXIES, "198.51.100.9"),  # not from a trusted proxy
    (PROXY, "203.0.113.7", PROXIES, "203.0.113.7"),
    # what the client wrote itself (left of the address the proxy appended) is not believed
    (PROXY, "1.2.3.4, 203.0.113.7", PROXIES, "203.0.113.7"),
    # two trusted proxies in a row: the first address neither of them is
    (PROXY, "203.0.113.7, 10.0.0.3", PROXIES, "203.0.113.7"),
    (PROXY, "not-an-address", PROXIES, PROXY),
    (PROXY, None, PROXIES, PROXY),
    ("2001:db8::1", "2001:db8::99", PROXIES, "2001:db8::99"),
])
def test_forwarded_client(peer: str, header: str | None, trusted: Any, client: str) -> None:
    assert forwarded_client(peer, header, trusted) == client


def test_a_bad_setting_is_one_clear_line() -> None:
    with pytest.raises(SillokError, match=r"SILLOK_TRUSTED_PROXIES: 'proxy\.example' is not"):
        Settings.from_env({"SILLOK_TRUSTED_PROXIES": "10.0.0.1 proxy.example"})
    assert Settings.from_env({}).auth.trusted_proxies == ()


def _client(settings: Settings, trusted: str = "") -> TestClient:
    tight = replace(settings, auth=AuthSettings(address_failures=3,
                                                trusted_proxies=parse_networks(trusted)))
    return TestClient(create_app(tight), base_url=BASE, follow_redirects=False,
                      client=(PROXY, 50000))


def test_a_client_cannot_pose_as_many(settings: Settings) -> None:
    make_user(settings, "kim", "editor")
    with _client(settings) as c:
        for n in range(3):
            c.headers["x-forwarded-for"] = f"203.0.113.{n}"
            assert login(c, f"a{n}", "guess").status_code == 401
        c.headers["x-forwarded-for"] = "203.0.113.99"
        assert login(c, "kim").status_code == 429


def test_clients_behind_a_trusted_proxy_count_apart(settings: Settings,
                                                    archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with _client(settings, "10.0.0.0/24") as c:
        c.headers["x-forwarded-for"] = "203.0.113.1"
        for n in range(3):
            assert login(c, "kim", f"guess {n}").status_code == 401
        assert login(c, "kim").status_code == 429
        c.headers["x-forwarded-for"] = "203.0.113.2"
        assert login(c, "kim").status_code == 303
    with archive.sessions() as session:
        addresses = {e.after["address"] for e in session.execute(select(m.AuditEntry).where(
            m.AuditEntry.record_type == "user")).scalars() if e.after and "address" in e.after}
    assert addresses == {"203.0.113.1", "203.0.113.2"}


def test_serve_leaves_the_header_to_sillok(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    import uvicorn

    from sillok.cli.archive_cmds import serve
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    monkeypatch.setattr("sillok.web.app.create_app", lambda s: None)
    for workers in (1, 2):
        seen.clear()
        serve(data_dir=tmp_path, host="127.0.0.1", port=8000, workers=workers)
        assert seen["proxy_headers"] is False
