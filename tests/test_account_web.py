"""The Account page (/staff/account): a signed-in user enrols their own TOTP (switched on only by
a right code), turns it off with a code or the password, and makes, lists and revokes their own
API tokens (the secret shown once, the scope capped by the role); administrators see and revoke
everyone's. Every change is audited as the command line audits it; no form works without the
session's CSRF token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sillok.accounts import sessions
from sillok.accounts.tokens import create_token
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.db.types import utcnow
from tests.auth_helpers import PASSWORD, client, login, signed_in
from tests.conftest import ADMIN

SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
NEW_TOKEN = re.compile(r'id="new-token">(sillok_[^<]+)<')


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    now = [utcnow()]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


@pytest.fixture
def kim(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="kim") as c:
        yield c


def _audit(archive: Archive, prefix: str) -> list[tuple[str, str, str]]:
    with archive.transaction() as session:
        return [(e.actor, e.action, json.dumps(e.after)) for e in session.execute(
            select(m.AuditEntry).where(m.AuditEntry.action.like(f"{prefix}%"))
            .order_by(m.AuditEntry.id)).scalars()]


def _totp_on(archive: Archive, username: str) -> bool:
    with archive.transaction() as session:
        user = session.execute(select(m.User).where(m.User.username == username)).scalar_one()
        return bool(user.totp_enabled)


def _make_token(c: TestClient, scope: str = "read", days: str = "30",
                name: str = "nightly export") -> Any:
    return c.post("/staff/account/tokens",
                  data={"name": name, "scope": scope, "expires_days": days})


def test_every_signed_in_role_has_the_page_in_its_header(settings: Settings) -> None:
    with client(settings) as anonymous:
        page = anonymous.get("/staff/account")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    with signed_in(settings, "viewer") as viewer:
        page = viewer.get("/staff/account")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert 'href="/staff/account"' in viewer.get("/about").text
        assert "계정" in page.text and "2단계 로그인" in page.text  # Korean by default
        english = viewer.get("/staff/account", params={"lang": "en"}).text
        assert "Two-step sign-in" in english and "API tokens" in english


def test_forms_need_the_csrf_token(settings: Settings, archive: Archive) -> None:
    with signed_in(settings, "editor", username="kim", with_csrf=False) as c:
        page = c.get("/staff/account").text
        assert page.count('name="csrf_token"') == page.count('method="post"') >= 2
        for url, form in (("/staff/account/tokens", {"scope": "read", "expires_days": "9"}),
                          ("/staff/account/totp", {}),
                          ("/staff/account/totp/disable", {"password": "x"})):
            for extra in ({}, {"csrf_token": "wrong"}):
                refused = c.post(url, data={**form, **extra})
                assert refused.status_code == 403, (url, extra)
    assert _audit(archive, "token") == [] and _audit(archive, "totp") == []


def test_enrol_confirm_and_turn_off(settings: Settings, archive: Archive, kim: TestClient,
                                    clock: list[Any]) -> None:
    began = kim.post("/staff/account/totp")
    assert began.status_code == 200 and began.headers["cache-control"] == "no-store"
    secret = SECRET.search(began.text)
    assert secret and "otpauth://totp/Sillok:kim?secret=" in began.text
    assert "totp-secret" not in kim.get("/staff/account").text  # shown to the POST only
    assert not _totp_on(archive, "kim")  # pending: sign-in does not ask for it yet
    totp = pyotp.TOTP(secret.group(1))
    wrong = kim.post("/staff/account/totp/confirm",
                     data={"code": str((int(totp.at(clock[0])) + 1) % 1_000_000).zfill(6)})
    assert wrong.status_code == 422 and 'id="err-code"' in wrong.text
    assert 'aria-invalid="true"' in wrong.text and secret.group(1) in wrong.text
    assert not _totp_on(archive, "kim")
    code = totp.at(clock[0])
    right = kim.post("/staff/account/totp/confirm", data={"code": code})
    assert right.status_code == 303 and right.headers["location"].startswith("/staff/account")
    assert _totp_on(archive, "kim")
    assert "account-done" in kim.get(right.headers["location"]).text
    assert kim.get("/staff/upload").status_code == 200  # this session goes on
    with client(settings) as other:  # a new sign-in asks for a code now
        assert login(other, "kim").headers["location"].startswith("/login/code")
    # Off: a used code is refused, and so is a wrong password (each counted as a failure).
    for proof in ({"code": code}, {"password": "not the password"}):
        refused = kim.post("/staff/account/totp/disable", data=proof)
        assert refused.status_code == 422 and 'id="err-totp"' in refused.text
    assert kim.post("/staff/account/totp/disable", data={}).status_code == 422
    assert _totp_on(archive, "kim")
    clock[0] += timedelta(seconds=60)  # two steps on: a fresh code
    off = kim.post("/staff/account/totp/disable", data={"code": totp.at(clock[0])})
    assert off.status_code == 303 and not _totp_on(archive, "kim")
    trail = _audit(archive, "totp")
    assert [(actor, action) for actor, action, _ in trail] == [
        ("kim", "totp-enrol"), ("kim", "totp-enable"), ("kim", "totp-disable-failed"),
        ("kim", "totp-disable-failed"), ("kim", "totp-disable")]
    assert secret.group(1) not in json.dumps(trail)


def test_turn_off_with_the_password(settings: Settings, archive: Archive,
                                    kim: TestClient) -> None:
    secret = SECRET.search(kim.post("/staff/account/totp").text)
    assert secret
    kim.post("/staff/account/totp/confirm", data={"code": pyotp.TOTP(secret.group(1)).now()})
    off = kim.post("/staff/account/totp/disable", data={"password": PASSWORD})
    assert off.status_code == 303 and not _totp_on(archive, "kim")


def test_token_shown_once_works_then_revoked(settings: Settings, archive: Archive,
                                             kim: TestClient) -> None:
    made = _make_token(kim, "write")
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    found = NEW_TOKEN.search(made.text)
    assert found
    token = found.group(1)
    page = kim.get("/staff/account").text
    assert token not in page and "nightly export" in page and "write" in page
    with client(settings) as script:
        bearer = {"Authorization": f"Bearer {token}"}
        assert script.get("/api/v1/events", headers=bearer).status_code == 200
        event = {"level": "public", "title": "Fictional event by a web-made token",
                 "date": "2023"}
        assert script.post("/api/v1/events", json=event, headers=bearer).status_code == 201
        # A token reaches no account page: it could otherwise make itself a longer life.
        assert script.get("/staff/account", headers=bearer).status_code == 403
        assert script.post("/staff/account/tokens", headers=bearer,
                           data={"scope": "write", "expires_days": "3650"}).status_code == 403
        token_id = int(re.findall(r'id="token-(\d+)"', page)[0])
        gone = kim.post(f"/staff/account/tokens/{token_id}/revoke")
        assert gone.status_code == 303
        assert script.get("/api/v1/events", headers=bearer).status_code == 401
    assert "폐기됨" in kim.get("/staff/account").text
    trail = _audit(archive, "token")
    assert [(actor, action) for actor, action, _ in trail] == [("kim", "token-create"),
                                                               ("kim", "token-revoke")]
    assert token not in json.dumps(trail)


@pytest.mark.parametrize(("role", "allowed", "refused"), [
    ("viewer", ["read"], ["write", "admin"]),
    ("analyst", ["read"], ["write", "admin"]),
    ("editor", ["read", "write"], ["admin"]),
    ("admin", ["read", "write", "admin"], []),
])
def test_no_token_above_the_role(settings: Settings, archive: Archive, role: str,
                                 allowed: list[str], refused: list[str]) -> None:
    with signed_in(settings, role) as c:
        offered = re.findall(r'<option value="(\w+)"', c.get("/staff/account").text)
        assert offered == allowed
        for scope in [*refused, "everything"]:
            answer = _make_token(c, scope)
            assert answer.status_code == 422 and 'id="err-scope"' in answer.text, scope
        for days in ("0", "3651", "ninety"):
            answer = _make_token(c, "read", days)
            assert answer.status_code == 422 and 'id="err-expires_days"' in answer.text
        for scope in allowed:
            assert NEW_TOKEN.search(_make_token(c, scope).text), scope
    assert len(_audit(archive, "token-create")) == len(allowed)


def test_admins_see_and_revoke_every_token(settings: Settings, archive: Archive,
                                           kim: TestClient) -> None:
    _make_token(kim, name="kim's script")
    with signed_in(settings, "editor", username="lee") as lee:
        _make_token(lee, name="lee's script")
        page = lee.get("/staff/account").text
        assert "lee&#39;s script" in page and "kim&#39;s script" not in page
        kims = 1  # the first token made
        assert lee.post(f"/staff/account/tokens/{kims}/revoke").status_code == 404
    with signed_in(settings, "admin", username="boss") as boss:
        page = boss.get("/staff/account").text
        assert "kim&#39;s script" in page and "lee&#39;s script" in page
        assert boss.post(f"/staff/account/tokens/{kims}/revoke").status_code == 303
    actions = [(actor, action) for actor, action, _ in _audit(archive, "token-revoke")]
    assert actions == [("boss", "token-revoke")]
    # An administrator's token made on the command line is listed too, never its secret.
    _, secret = create_token(archive, ADMIN, "kim", "read")
    assert secret not in kim.get("/staff/account").text
