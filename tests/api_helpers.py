"""Shared by the API tests: a client of the whole site whose API requests act as the role
named in a test-only header, and small helpers to read the API's answers."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.routing import Mount

from sillok.config import Settings
from sillok.security.policy import Actor
from sillok.web.api import PREFIX
from sillok.web.api.deps import current_actor
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER

ROLE_HEADER = "x-test-role"
# The members of every API error: RFC 9457 problem details, the stable `code`, and the two
# kept from before.
PROBLEM = {"type", "title", "status", "code", "detail", "error", "fields"}
ACTORS = {a.role.value: a for a in (ANON, VIEWER, ANALYST, EDITOR, ADMIN)}


def api_app(app: FastAPI) -> FastAPI:
    """The API application mounted in the site."""
    for route in app.routes:
        if isinstance(route, Mount) and route.path == PREFIX:
            assert isinstance(route.app, FastAPI)
            return route.app
    raise AssertionError(f"no API mounted at {PREFIX}")


def _actor_from_header(request: Request) -> Actor:
    # Stands in for sign-in: which actor a request is from is the auth module's business, and
    # has its own tests; these tests are about what each role gets from the API.
    return ACTORS[request.headers.get(ROLE_HEADER, "anonymous")]


def api_client(settings: Settings, **kwargs: Any) -> TestClient:
    app = create_app(settings)
    api_app(app).dependency_overrides[current_actor] = _actor_from_header
    return TestClient(app, **kwargs)


def as_(actor: Actor) -> dict[str, str]:
    """Headers of a request made as ``actor``."""
    return {ROLE_HEADER: actor.role.value}


def ids(page: dict[str, Any]) -> set[int]:
    return {int(item["id"]) for item in page["items"]}


def assert_error(response: Any, status: int, *fields: str) -> dict[str, Any]:
    """The response is the API's problem details (RFC 9457) with this status, naming at least
    these fields."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert set(body) == PROBLEM, body
    assert body["status"] == status and body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["error"], str) and body["error"] == body["detail"]
    assert isinstance(body["code"], str) and re.fullmatch(r"[a-z_][a-z0-9_.+]*", body["code"])
    for name in fields:
        assert name in body["fields"], (name, body)
    text = response.text
    assert "Traceback" not in text and 'File "' not in text and "sqlalchemy" not in text.lower()
    return body
