"""TOTP: enrolment on the command line (secret shown once), the code as a second sign-in step,
a code good only once, wrong codes counting towards the lockout, and administrators required
to have TOTP when require_admin_totp is on."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from sillok.accounts import sessions
from sillok.accounts.totp import enable_totp
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import AuthSettings, Settings
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.web.auth import COOKIE
from tests.auth_helpers import client, login, make_user
from tests.conftest import ADMIN


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    now = [utcnow()]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def _code(secret: str, clock: list[Any]) -> str:
    return str(pyotp.TOTP(secret).at(clock[0]))


def _send_code(c: TestClient, code: str, next_url: str = "/staff") -> Any:
    page = c.get("/login/code", params={"next": next_url})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    return c.post("/login/code", data={"code": code, "csrf_token": token.group(1),
                                       "next": next_url})


def test_enrol_on_the_command_line(runner: CliRunner, cli_env: dict[str, str],
                                   settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "admin")
    out = runner.invoke(app, ["users", "totp", "kim", "--enable"], env=cli_env)
    assert out.exit_code == 0, out.output
    secret = re.search(r"secret: ([A-Z2-7]+)", out.stdout)
    assert secret and "otpauth://totp/Sillok:kim?secret=" in out.stdout
    as_json = runner.invoke(app, ["users", "totp", "kim", "--enable", "--json"], env=cli_env)
    enrolment = json.loads(as_json.stdout)
    assert enrolment["secret"] != secret.group(1)  # a new secret replaces the old one
    assert enrolment["uri"].startswith("otpauth://totp/")
    with archive.transaction() as session:
        trail = json.dumps([[e.action, e.after] for e in session.execute(
            select(m.AuditEntry).where(m.AuditEntry.action.like("totp%"))).scalars()])
    assert "totp-enable" in trail and enrolment["secret"] not in trail
    for args in (["users", "totp", "kim"], ["users", "totp", "kim", "--enable", "--disable"],
                 ["users", "totp", "nobody", "--enable"]):
        bad = runner.invoke(app, args, env=cli_env)
        assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1, bad.output
    off = runner.invoke(app, ["users", "totp", "kim", "--disable"], env=cli_env)
    assert off.exit_code == 0
    with client(settings) as c:
        assert login(c, "kim").headers["location"] == "/staff"  # no second step now


def test_sign_in_with_a_code(settings: Settings, archive: Archive, clock: list[Any]) -> None:
    make_user(settings, "kim", "editor")
    secret = enable_totp(archive, ADMIN, "kim").secret
    with client(settings) as c:
        first = login(c, "kim", next_url="/staff/upload")
        assert first.status_code == 303
        assert first.headers["location"] == "/login/code?next=%2Fstaff%2Fupload"
        pending = c.cookies.get(COOKIE)
        # Password alone is not signed in.
        assert c.get("/staff").status_code == 303
        assert "6" in c.get("/login/code").text  # the form asks for the 6-digit code
        assert _send_code(c, "000000" if _code(secret, clock) != "000000" else "111111"
                          ).status_code == 401
        done = _send_code(c, _code(secret, clock), "/staff/upload")
        assert done.status_code == 303 and done.headers["location"] == "/staff/upload"
        assert c.cookies.get(COOKIE) != pending  # a new session, not the pending one
        assert c.get("/staff").status_code == 200


def test_a_code_is_good_once(settings: Settings, archive: Archive, clock: list[Any]) -> None:
    make_user(settings, "kim", "editor")
    secret = enable_totp(archive, ADMIN, "kim").secret
    code = _code(secret, clock)
    with client(settings) as c:
        login(c, "kim")
        assert _send_code(c, code).status_code == 303
    with client(settings) as other:  # someone who saw the code over a shoulder
        login(other, "kim")
        assert _send_code(other, code).status_code == 401
        clock[0] += timedelta(seconds=30)
        assert _send_code(other, _code(secret, clock)).status_code == 303


def test_wrong_codes_lock_the_account(settings: Settings, archive: Archive,
                                      clock: list[Any]) -> None:
    make_user(settings, "kim", "editor")
    secret = enable_totp(archive, ADMIN, "kim").secret
    right = _code(secret, clock)
    wrong = "123456" if right != "123456" else "654321"
    with client(settings) as c:
        login(c, "kim")
        for _ in range(5):
            assert _send_code(c, wrong).status_code == 401
        assert c.get("/login/code").status_code == 303  # the pending step ended with the lock
        # Locked: the password is refused now, and the pending step is gone.
        assert login(c, "kim").status_code == 401
        clock[0] += timedelta(minutes=16)
        assert login(c, "kim").status_code == 303
        assert _send_code(c, _code(secret, clock)).status_code == 303


def test_code_form_needs_its_token(settings: Settings, archive: Archive,
                                   clock: list[Any]) -> None:
    make_user(settings, "kim", "editor")
    secret = enable_totp(archive, ADMIN, "kim").secret
    with client(settings) as c:
        login(c, "kim")
        response = c.post("/login/code", data={"code": _code(secret, clock)})
        assert response.status_code == 403
        assert c.get("/staff").status_code == 303


def test_administrators_must_use_totp_when_required(settings: Settings, archive: Archive,
                                                    clock: list[Any]) -> None:
    strict = replace(settings, auth=AuthSettings(require_admin_totp=True))
    make_user(settings, "boss", "admin")
    make_user(settings, "kim", "editor")
    with client(strict) as c:
        refused = login(c, "boss")
        assert refused.status_code == 403
        assert "sillok users totp" in refused.text and c.cookies.get(COOKIE) is None
        assert login(c, "kim").status_code == 303  # editors are not concerned
    secret = enable_totp(archive, ADMIN, "boss").secret
    with client(strict) as c:
        assert login(c, "boss").headers["location"].startswith("/login/code")
        assert _send_code(c, _code(secret, clock)).status_code == 303
        assert c.get("/staff").status_code == 200
