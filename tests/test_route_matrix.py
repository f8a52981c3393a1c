"""The route × role matrix, generated from the application's route table: every route has a
rule in sillok/web/access.py, and every role gets what its rule says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.archive.lifecycle import build_demo
from sillok.config import Settings
from sillok.security.policy import Role
from sillok.web.access import rule_for
from sillok.web.app import create_app
from tests.auth_helpers import client, signed_in
from tests.conftest import _pg_admin, _pg_url

ROLES = [Role.anonymous, Role.viewer, Role.analyst, Role.editor, Role.admin]
# Values for path parameters: records that exist in the demo archive and are public.
SAMPLES = {"source_id": "1", "event_id": "1", "code": "cn", "vocabulary": "act_type",
           "type_name": "person", "record_id": "1", "name": "arrivals-year", "ext": "csv",
           "job_id": "1", "suggestion_id": "1", "decision": "dismiss", "mark_id": "1",
           "token_id": "1", "estimate_id": "1", "subject_type": "person", "subject_id": "1",
           "fmt": "csv", "person_id": "1", "facility_code": "kp-09-onsong-mps-detention",
           "a": "1", "b": "2", "answer": "unsure", "kind": "person",
           "record_type": "person", "token": "0" * 32, "plural": "persons",
           "search_id": "1"}
URLS = {"/terms/{vocabulary}/{code}": "/terms/act_type/forced_repatriation",
        "/stats/{name}.csv": "/stats/type.csv"}


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
    """Anonymous, or signed in through /login as a user of ``role`` (sending the session's
    CSRF header, so that what is tested is the role, not a missing token)."""
    if role is Role.anonymous:
        return client(settings)
    return signed_in(settings, role, username=f"matrix-{role.value}")


def test_every_route_has_a_rule(demo: Settings) -> None:
    missing = [f"{m} {p}" for m, p in routes(create_app(demo)) if rule_for(m, p) is None]
    assert missing == [], "routes without a rule in sillok/web/access.py"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_each_role_gets_what_its_rule_says(demo: Settings, role: Role) -> None:
    with _client(demo, role) as c:
        for method, path in routes(c.app):
            rule = rule_for(method, path)
            if rule in ("static", "api") or method == "MOUNT" or path == "/logout":
                continue  # covered by their own tests; signing out comes last
            url = URLS.get(path) or path.format(**SAMPLES)
            response = c.request(method, url, data={"title": "x", "start": "0",
                                                    "end": "1", "quote": "x"})
            status = response.status_code
            if rule == "signin":
                # The forms show to anyone; a post without the form's own token changes
                # nothing (the sign-in forms carry their token in a field, not the header).
                if method == "GET":
                    assert status in (200, 303), (role, method, url, status)
                else:
                    assert status in (303, 403), (role, method, url, status)
            elif rule == "public":
                assert status == 200, (role, method, url, status)
            elif role is Role.anonymous:
                assert status == 303 and "/login" in response.headers["location"], (method, url)
            elif rule == "reader":
                # Every signed-in role may estimate, within what it may see.
                assert status == 200, (role, method, url, status)
            elif rule == "admin":
                assert (status == 403) == (role is not Role.admin), (role, method, url, status)
                assert status < 500, (role, method, url, status)
            elif rule == "account":
                # Every signed-in role has an account page; a form sent without its fields
                # is refused with a reason, never a crash or a 403.
                assert status < 500 and status != 403, (role, method, url, status)
            elif role in (Role.viewer, Role.analyst):
                assert status == 403, (role, method, url, status)
            else:
                assert status < 500, (role, method, url, status)
        out = c.post("/logout")
        assert out.status_code == 303, (role, out.status_code)
        if role is not Role.anonymous:
            assert c.get("/staff").headers["location"].startswith("/login")
