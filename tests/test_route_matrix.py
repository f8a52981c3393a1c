"""The route × role matrix, generated from the application's route table: every route has a
rule in sillok/web/access.py, and every role gets what its rule says."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from fastapi import Request, Response
from fastapi.testclient import TestClient

from sillok.archive.lifecycle import build_demo
from sillok.config import Settings
from sillok.security.policy import Actor, Role
from sillok.web.access import rule_for
from sillok.web.app import create_app
from tests.conftest import _pg_admin, _pg_url

ROLES = [Role.anonymous, Role.viewer, Role.analyst, Role.editor, Role.admin]
# Values for path parameters: records that exist in the demo archive and are public.
SAMPLES = {"source_id": "1", "event_id": "1", "code": "cn", "vocabulary": "act_type",
           "type_name": "person", "record_id": "1", "name": "arrivals-year", "ext": "csv",
           "job_id": "1", "suggestion_id": "1", "decision": "dismiss"}
URLS = {"/terms/{vocabulary}/{code}": "/terms/act_type/forced_repatriation"}


def routes(app: Any) -> Iterator[tuple[str, str]]:
    def walk(items: Any) -> Iterator[Any]:
        for item in items:
            if hasattr(item, "original_router"):
                yield from walk(item.original_router.routes)
            else:
                yield item
    for route in walk(app.routes):
        methods = sorted(getattr(route, "methods", None) or ["MOUNT"])
        for method in methods:
            if method not in ("HEAD", "OPTIONS"):
                yield method, route.path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("matrix") / "data"
    if request.param == "sqlite":
        settings = Settings(data_dir=data_dir)
        build_demo(settings)
        yield settings
        return
    request.getfixturevalue("pg_template")  # fails in CI, skips elsewhere, without a server
    name = f"sillok_matrix_{os.getpid()}"
    _pg_admin(f"DROP DATABASE IF EXISTS {name}")
    _pg_admin(f"CREATE DATABASE {name}")
    settings = Settings(data_dir=data_dir, database_url=_pg_url(name))
    build_demo(settings)
    yield settings
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _client(settings: Settings, role: Role) -> TestClient:
    app = create_app(settings)
    if role is not Role.anonymous:
        @app.middleware("http")
        async def as_role(request: Request,
                          call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            request.state.actor = Actor(f"matrix-{role.value}", role)
            return await call_next(request)
    return TestClient(app, follow_redirects=False)


def test_every_route_has_a_rule(demo: Settings) -> None:
    missing = [f"{m} {p}" for m, p in routes(create_app(demo)) if rule_for(m, p) is None]
    assert missing == [], "routes without a rule in sillok/web/access.py"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_each_role_gets_what_its_rule_says(demo: Settings, role: Role) -> None:
    with _client(demo, role) as client:
        for method, path in routes(client.app):
            rule = rule_for(method, path)
            if rule in ("static", "api", "signin") or method == "MOUNT":
                continue  # covered by their own tests
            url = URLS.get(path) or path.format(**SAMPLES)
            response = client.request(method, url, data={"title": "x", "start": "0",
                                                         "end": "1", "quote": "x"})
            status = response.status_code
            if rule == "public":
                assert status == 200, (role, method, url, status)
            elif role is Role.anonymous:
                assert status == 303 and "/login" in response.headers["location"], (method, url)
            elif role in (Role.viewer, Role.analyst):
                assert status == 403, (role, method, url, status)
            else:
                assert status < 500, (role, method, url, status)
