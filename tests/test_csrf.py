"""CSRF: every state-changing route, used with a sign-in cookie, refuses a request without the
session's token or with a wrong one (403, JSON on the API, a page elsewhere) and changes
nothing; with the right token (form field or X-CSRF-Token header) it works. API tokens
(Authorization: Bearer) need no CSRF token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.accounts.tokens import create_token
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.access import rule_for
from sillok.web.app import create_app
from tests import files
from tests.auth_helpers import csrf_token, make_user, signed_in
from tests.conftest import ADMIN, make_event, make_source
from tests.test_route_matrix import SAMPLES, routes

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EVENT = {"level": "public", "title": "Fictional event made through the API",
         "date": "2023", "places": ["cn-yanji"]}


def _state_changing_pages(settings: Settings) -> list[tuple[str, str]]:
    """Every state-changing route of the pages (not the API, not the sign-in forms, which
    check their own tokens), from the application's own route table."""
    found = [(method, path) for method, path in routes(create_app(settings))
             if method in UNSAFE and rule_for(method, path) in ("staff", "account")]
    found.append(("POST", "/logout"))
    return found


@pytest.fixture
def editor(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", with_csrf=False) as c:
        yield c


def test_every_state_changing_page_route_refuses_a_missing_or_wrong_token(
        settings: Settings, archive: Archive, editor: TestClient) -> None:
    make_source(archive)
    make_event(archive)
    targets = _state_changing_pages(settings)
    assert len(targets) >= 8  # upload, suggestions, events, acts, link, retract, logout, ...
    form = {"title": "x", "start": "0", "end": "1", "quote": "x", "reason": "x",
            "record": "event:1", "event": "1", "act_type": "arbitrary_detention",
            "victim_name": "x"}
    for method, path in targets:
        url = path.format(**SAMPLES)
        for extra_form, headers in (({}, {}), ({"csrf_token": "wrong"}, {}),
                                    ({}, {"X-CSRF-Token": "wrong"})):
            response = editor.request(method, url, data={**form, **extra_form},
                                      headers=headers)
            assert response.status_code == 403, (method, url, extra_form, headers)
            assert response.headers["content-type"].startswith("text/html")
    # Nothing changed: no record retracted, no event made, still signed in.
    assert all(h["action"] != "retract" for h in archive.history(ADMIN, "event", 1))
    assert archive.list_records(ADMIN, "event").total == 1
    assert editor.get("/staff").status_code == 200


def test_with_the_right_token_it_works(archive: Archive, editor: TestClient) -> None:
    make_event(archive)
    token = csrf_token(editor)
    # A plain form: the token in the hidden field.
    retract = editor.post("/staff/records/event/1/retract",
                          data={"reason": "fictional test", "csrf_token": token})
    assert retract.status_code == 303
    assert archive.history(ADMIN, "event", 1)[-1]["action"] == "retract"
    # A file upload (multipart): the field travels with the files.
    upload = editor.post("/staff/upload", data={"level": "internal", "csrf_token": token},
                         files=[("files", ("증언.txt", files.KO.encode()))])
    assert upload.status_code == 303 and upload.headers["location"].startswith("/staff/jobs/")
    # htmx: the header from <body hx-headers>.
    out = editor.post("/logout", headers={"X-CSRF-Token": token})
    assert out.status_code == 303
    assert editor.get("/staff").status_code == 303


def test_forms_carry_the_token(archive: Archive, editor: TestClient) -> None:
    source = make_source(archive)
    make_event(archive)
    token = csrf_token(editor)
    for url in ("/staff/upload", f"/staff/sources/{source}", "/staff/records/event/1"):
        page = editor.get(url).text
        forms = page.count('method="post"')
        assert forms >= 1, url
        assert page.count(f'name="csrf_token" value="{token}"') == forms, url


def test_api_writes_with_a_cookie_need_the_header(archive: Archive,
                                                  editor: TestClient) -> None:
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        refused = editor.post("/api/v1/events", json=EVENT, headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["status"] == 403 and refused.json()["fields"] == {}
    assert archive.list_records(ADMIN, "event").total == 0
    made = editor.post("/api/v1/events", json=EVENT,
                       headers={"X-CSRF-Token": csrf_token(editor)})
    assert made.status_code == 201, made.text
    # Reading needs no token.
    assert editor.get("/api/v1/events").status_code == 200


def test_bearer_tokens_need_no_csrf_token(settings: Settings, archive: Archive) -> None:
    make_user(settings, "script", "editor")
    _, token = create_token(archive, ADMIN, "script", "write")
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        made = c.post("/api/v1/events", json=EVENT, headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201, made.text
    assert archive.list_records(ADMIN, "event").items[0]["label"]
