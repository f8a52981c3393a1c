"""Sign-in sessions: /login and /logout, failures that all look alike, lockout, the limit per
client address, idle and absolute expiry, a new session at every sign-in (no fixation), and
only a hash of the session token in the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from sillok.accounts import sessions
from sillok.accounts.accounts import disable, set_password, set_role
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import AuthSettings, Settings
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.web.auth import COOKIE
from tests.auth_helpers import PASSWORD, client, login, logout, make_user
from tests.conftest import ADMIN


class Clock:
    """Time injection: sessions.now() returns this clock's time, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.t = utcnow()
        monkeypatch.setattr(sessions, "now", lambda: self.t)

    def move(self, **delta: float) -> None:
        self.t += timedelta(**delta)


def _signed_in(c: TestClient) -> bool:
    status: int = c.get("/staff").status_code
    return status == 200


def _error(response: object) -> str:
    text: str = response.text  # type: ignore[attr-defined]
    start = text.index('id="login-error">') + len('id="login-error">')
    return text[start:text.index("</p>", start)]


def test_sign_in_and_out(settings: Settings) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        assert c.get("/staff").headers["location"] == "/login?next=%2Fstaff"
        response = login(c, "kim", next_url="/staff/upload")
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/upload"
        cookie = next(h for h in response.headers.get_list("set-cookie")
                      if h.startswith(f"{COOKIE}="))
        attributes = {part.strip().lower() for part in cookie.split(";")}
        assert {"httponly", "secure", "samesite=lax", "path=/"} <= attributes
        page = c.get("/staff")
        assert page.status_code == 200 and "kim" in page.text
        out = logout(c)
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert not _signed_in(c)


def test_the_page_is_in_korean_and_english(settings: Settings) -> None:
    with client(settings) as c:
        assert "사용자 이름" in c.get("/login?lang=ko").text
        assert "User name" in c.get("/login?lang=en").text


def test_every_failure_looks_the_same(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    make_user(settings, "lee", "editor")
    disable(archive, ADMIN, "lee")
    with client(settings) as c:
        wrong_password = login(c, "kim", "not the password")
        unknown_user = login(c, "nobody", PASSWORD)
        disabled_user = login(c, "lee", PASSWORD)
    for response in (wrong_password, unknown_user, disabled_user):
        assert response.status_code == 401
        assert COOKIE not in response.headers.get("set-cookie", "")
    assert _error(wrong_password) == _error(unknown_user) == _error(disabled_user)


def test_audit_without_secrets(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim", "wrong password 123")
        login(c, "typed-my-password-here", PASSWORD)
        login(c, "kim")
        session_cookie = c.cookies.get(COOKIE)
    with archive.transaction() as session:
        entries = session.execute(select(m.AuditEntry).where(
            m.AuditEntry.action.like("sign%")).order_by(m.AuditEntry.id)).scalars().all()
        trail = json.dumps([[e.actor, e.action, e.before, e.after] for e in entries])
    assert [e.action for e in entries] == ["signin-failed", "signin-failed", "signin"]
    for secret in ("wrong password 123", PASSWORD, "typed-my-password-here", session_cookie):
        assert secret and secret not in trail
    assert entries[0].actor == "kim" and entries[1].actor == "anonymous"


def test_lockout_after_five_failures(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        for _ in range(5):
            assert login(c, "kim", "wrong").status_code == 401
        # Locked: the right password is refused too, with the same message.
        locked = login(c, "kim")
        assert locked.status_code == 401
        clock.move(minutes=14)
        assert login(c, "kim").status_code == 401
        clock.move(minutes=2)
        assert login(c, "kim").status_code == 303
        assert _signed_in(c)


def test_success_resets_the_count(settings: Settings) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        for _ in range(4):
            login(c, "kim", "wrong")
        assert login(c, "kim").status_code == 303
        for _ in range(4):
            login(c, "kim", "wrong")
        assert login(c, "kim").status_code == 303


def test_limit_per_client_address(settings: Settings) -> None:
    tight = replace(settings, auth=AuthSettings(address_failures=3))
    make_user(settings, "kim", "editor")
    with client(tight) as c:
        for name in ("a1", "a2", "a3"):
            assert login(c, name, "guess").status_code == 401
        # The fourth try from this address is refused whoever it names, without checking.
        refused = login(c, "kim")
        assert refused.status_code == 429
        assert "kim" not in _error(refused)


def test_idle_expiry_and_renewal(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    make_user(settings, "kim", "editor")
    with client(settings) as c:  # idle 30 minutes by default
        login(c, "kim")
        clock.move(minutes=25)
        assert _signed_in(c)  # used: the idle period starts again
        clock.move(minutes=25)
        assert _signed_in(c)
        clock.move(minutes=31)
        response = c.get("/staff")
        assert response.status_code == 303
        assert f'{COOKIE}=""' in response.headers.get("set-cookie", "")


def test_absolute_expiry(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    short = replace(settings, auth=AuthSettings(idle_minutes=30, max_hours=2))
    make_user(settings, "kim", "editor")
    with client(short) as c:
        login(c, "kim")
        for _ in range(5):  # busy all along: 100 minutes
            clock.move(minutes=20)
            assert _signed_in(c)
        clock.move(minutes=21)  # two hours after sign-in however busy
        assert not _signed_in(c)


def test_new_session_at_every_sign_in(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        # A token planted before sign-in (an attacker's choice) is never the one signed in.
        c.cookies.set(COOKIE, "planted-by-someone-else", domain="testserver.local")
        login(c, "kim")
        first = c.cookies.get(COOKIE)
        assert first and first != "planted-by-someone-else"
        login(c, "kim")  # signing in again, e.g. on a shared computer
        second = c.cookies.get(COOKIE)
        assert second and second != first
    with client(settings) as old:
        old.cookies.set(COOKIE, first, domain="testserver.local")
        assert not _signed_in(old)  # the earlier session ended at the new sign-in
    with client(settings) as new:
        new.cookies.set(COOKIE, second, domain="testserver.local")
        assert _signed_in(new)


def test_signed_out_cookie_is_worthless(settings: Settings) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim")
        token = c.cookies.get(COOKIE)
        logout(c)
    with client(settings) as replay:
        replay.cookies.set(COOKIE, token, domain="testserver.local")
        assert not _signed_in(replay)


def test_only_a_hash_is_stored(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim")
        token = c.cookies.get(COOKIE)
    assert token
    with archive.transaction() as session:
        rows = session.execute(select(m.AuthSession)).scalars().all()
        assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
        assert all(token not in str(vars(r)) for r in rows)


def test_role_change_and_disabling_apply_at_once(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim")
        assert _signed_in(c)
        assert 'href="/staff"' in c.get("/about").text  # the header links to the workspace
        set_role(archive, ADMIN, "kim", "viewer")
        assert c.get("/staff").status_code == 403
        assert 'href="/staff"' not in c.get("/about").text
        disable(archive, ADMIN, "kim")
        assert c.get("/staff").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_no_open_redirect(settings: Settings, target: str) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        assert login(c, "kim", next_url=target).headers["location"] == "/staff"


def test_sign_in_form_needs_its_token(settings: Settings) -> None:
    """Login CSRF: another site cannot sign a visitor in to an account of its choosing."""
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        response = c.post("/login", data={"username": "kim", "password": PASSWORD})
        assert response.status_code == 403
        assert COOKIE not in response.headers.get("set-cookie", "")
        forged = c.post("/login", data={"username": "kim", "password": PASSWORD,
                                        "login_token": "guessed"})
        assert forged.status_code == 403


def test_session_times_are_stored(settings: Settings, archive: Archive,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim")
    with archive.transaction() as session:
        row = session.execute(select(m.AuthSession)).scalar_one()
        start: datetime = clock.t
        assert row.created_at == start and row.last_seen_at == start
        assert row.idle_expires_at == start + timedelta(minutes=30)
        assert row.expires_at == start + timedelta(hours=12)
        assert not row.totp_pending and len(row.csrf_secret) >= 32


def test_an_administrator_can_unlock(settings: Settings, archive: Archive,
                                     runner: CliRunner, cli_env: dict[str, str]) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        for _ in range(5):
            login(c, "kim", "wrong")
        assert login(c, "kim").status_code == 401
        listed = json.loads(runner.invoke(app, ["users", "list", "--json"], env=cli_env).stdout)
        assert listed[0]["locked_until"] and listed[0]["totp"] is False
        out = runner.invoke(app, ["users", "unlock", "kim"], env=cli_env)
        assert out.exit_code == 0, out.output
        assert login(c, "kim").status_code == 303


def test_demo_account_signs_in(runner: CliRunner, empty_settings: Settings) -> None:
    env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
           "SILLOK_DATABASE_URL": empty_settings.database_url or ""}
    # --small: the account is the same, without building the generated part.
    out = runner.invoke(app, ["demo", "--small", "--json"], env=env)
    assert out.exit_code == 0, out.output
    account = json.loads(out.stdout)["account"]
    assert account["username"] == "demo-editor" and account["role"] == "editor"
    assert len(account["password"]) >= 12
    with client(empty_settings) as c:
        assert login(c, account["username"], account["password"]).status_code == 303
        assert c.get("/staff").status_code == 200


def test_what_the_form_echoes_is_inert(settings: Settings) -> None:
    with client(settings) as c:
        page = c.get("/login", params={"next": '/staff"><script>alert(1)</script>'}).text
        failed = login(c, '<script>alert("x")</script>', "wrong").text
    assert "<script>alert" not in page and "<script>alert" not in failed


def test_a_new_password_ends_the_sessions(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    with client(settings) as c:
        login(c, "kim")
        assert _signed_in(c)
        set_password(archive, ADMIN, "kim", "another long password")
        assert not _signed_in(c)
        assert login(c, "kim", "another long password").status_code == 303
