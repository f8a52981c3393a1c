"""API tokens: made on the command line and shown once, stored as a hash only, used as
``Authorization: Bearer``; the scope caps the user's role; expired, revoked and disabled-user
tokens are refused with 401."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from sillok.accounts import sessions
from sillok.accounts.accounts import disable
from sillok.accounts.tokens import create_token, revoke_token
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.web.app import create_app
from tests.api_helpers import PROBLEM
from tests.auth_helpers import make_user
from tests.conftest import ADMIN, make_person

EVENT = {"level": "public", "title": "Fictional event made with a token", "date": "2023",
         "places": ["cn-yanji"]}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), base_url="https://testserver")


def test_command_line(runner: CliRunner, cli_env: dict[str, str], settings: Settings,
                      archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    out = runner.invoke(app, ["tokens", "create", "kim", "--scope", "read",
                              "--expires-days", "7", "--name", "nightly export"], env=cli_env)
    assert out.exit_code == 0, out.output
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("sillok_") and len(token) > 40
    made = json.loads(runner.invoke(app, ["tokens", "create", "kim", "--scope", "write",
                                          "--json"], env=cli_env).stdout)
    listed = json.loads(runner.invoke(app, ["tokens", "list", "--json"], env=cli_env).stdout)
    assert [(t["user"], t["scope"], t["active"]) for t in listed] == [
        ("kim", "read", True), ("kim", "write", True)]
    assert listed[0]["name"] == "nightly export"
    assert token not in json.dumps(listed) and made["token"] not in json.dumps(listed)
    table = runner.invoke(app, ["tokens", "list"], env=cli_env)
    assert table.exit_code == 0 and "nightly" in table.stdout
    assert runner.invoke(app, ["tokens", "revoke", str(made["id"])], env=cli_env).exit_code == 0
    listed = json.loads(runner.invoke(app, ["tokens", "list", "--json"], env=cli_env).stdout)
    assert listed[1]["revoked_at"] and not listed[1]["active"]
    for args in (["tokens", "create", "kim", "--scope", "root"],
                 ["tokens", "create", "nobody", "--scope", "read"],
                 ["tokens", "revoke", "999"]):
        bad = runner.invoke(app, args, env=cli_env)
        assert bad.exit_code != 0, args
    assert "tokens" in runner.invoke(app, ["--help"]).stdout


def test_only_a_hash_is_stored(settings: Settings, archive: Archive) -> None:
    make_user(settings, "kim", "editor")
    _, token = create_token(archive, ADMIN, "kim", "read")
    with archive.transaction() as session:
        row = session.execute(select(m.ApiToken)).scalar_one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        dump = json.dumps([list(r) for r in session.execute(
            text("SELECT * FROM api_tokens")).all()], default=str)
        trail = json.dumps([[e.before, e.after] for e in session.execute(
            select(m.AuditEntry)).scalars()], default=str)
    assert token not in dump and token not in trail


def test_scope_caps_the_role(settings: Settings, archive: Archive, api: TestClient) -> None:
    make_user(settings, "kim", "editor")
    make_user(settings, "boss", "admin")
    make_user(settings, "vera", "viewer")
    read = create_token(archive, ADMIN, "kim", "read")[1]
    write = create_token(archive, ADMIN, "kim", "write")[1]
    viewer_write = create_token(archive, ADMIN, "vera", "write")[1]
    admin_write = create_token(archive, ADMIN, "boss", "write")[1]
    restricted = make_person(archive, level="restricted", name="가상 제한 인물")
    with api:
        # A read token sees what its editor sees...
        assert api.get(f"/api/v1/persons/{restricted}", headers=_bearer(read)).status_code == 200
        # ...but cannot change anything.
        refused = api.post("/api/v1/events", json=EVENT, headers=_bearer(read))
        assert refused.status_code == 403 and set(refused.json()) == PROBLEM
        assert api.post("/api/v1/events", json=EVENT, headers=_bearer(write)).status_code == 201
        # A write token does not lift a viewer's role.
        assert api.post("/api/v1/events", json=EVENT,
                        headers=_bearer(viewer_write)).status_code == 403
        assert api.get(f"/api/v1/persons/{restricted}",
                       headers=_bearer(viewer_write)).status_code == 404
        assert api.post("/api/v1/events", json=EVENT,
                        headers=_bearer(admin_write)).status_code == 201
    assert archive.list_records(ADMIN, "event").total == 2
    audit_actors = {h["actor"] for e in archive.list_records(ADMIN, "event").items
                    for h in archive.history(ADMIN, "event", e["id"])}
    assert audit_actors == {"kim", "boss"}  # changes are the token's user's


def test_expired_revoked_and_disabled_are_refused(settings: Settings, archive: Archive,
                                                  api: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(settings, "kim", "editor")
    make_user(settings, "lee", "editor")
    expiring = create_token(archive, ADMIN, "kim", "read", expires_days=1)[1]
    revoked_id, revoked = create_token(archive, ADMIN, "kim", "read")
    of_disabled = create_token(archive, ADMIN, "lee", "read")[1]
    with api:
        for token in (expiring, revoked, of_disabled):
            assert api.get("/api/v1/events", headers=_bearer(token)).status_code == 200
        revoke_token(archive, ADMIN, revoked_id)
        disable(archive, ADMIN, "lee")
        later = utcnow() + timedelta(days=1, seconds=1)
        monkeypatch.setattr(sessions, "now", lambda: later)
        for token in (expiring, revoked, of_disabled, "sillok_madeup", "not-even-ours"):
            response = api.get("/api/v1/events", headers=_bearer(token))
            assert response.status_code == 401, token
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert set(response.json()) == PROBLEM
        assert api.get("/api/v1/events", headers={"Authorization": "Bearer "}).status_code == 401
        # Another scheme (a reverse proxy's Basic auth) is not ours: the request is anonymous.
        other = api.get("/api/v1/events", headers={"Authorization": "Basic a2ltOng="})
        assert other.status_code == 200


def test_last_use_is_recorded(settings: Settings, archive: Archive, api: TestClient) -> None:
    make_user(settings, "kim", "editor")
    _, token = create_token(archive, ADMIN, "kim", "read")
    with api:
        api.get("/api/v1/events", headers=_bearer(token))
    with archive.transaction() as session:
        used: Any = session.execute(select(m.ApiToken.last_used_at)).scalar_one()
    assert used is not None
