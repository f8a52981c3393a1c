"""Suggestions through the API: listed for a source, accepted (to the record they name, to a
given target, or as a new record) and dismissed — for editors only, never for readers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ANALYST, EDITOR, VIEWER, make_event, make_source

API = "/api/v1"
TEXT = ("[가상 자료] 2023년 5월 8일 회령에서 탈북민 5명이 국가보위성에 체포돼 "
        "강제북송됐다.")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _suggestions(client: TestClient, source: int, status: str = "open") -> list[Any]:
    answer = client.get(f"{API}/sources/{source}/suggestions", params={"status": status},
                        headers=as_(EDITOR))
    assert answer.status_code == 200, answer.text
    found: list[Any] = answer.json()
    return found


def test_list_accept_dismiss(client: TestClient, archive: Archive) -> None:
    source = make_source(archive, text=TEXT)
    open_ = _suggestions(client, source)
    kinds = {s["kind"] for s in open_}
    assert {"date", "place", "count"} <= kinds, kinds
    for s in open_:
        assert TEXT[s["start"]:s["end"]] == s["text"] and s["status"] == "open"

    place = next(s for s in open_ if s["kind"] == "place")
    accepted = client.post(f"{API}/suggestions/{place['id']}/accept", headers=as_(EDITOR))
    assert accepted.status_code == 200, accepted.text
    result = accepted.json()
    assert result["record"]["type"] == "place" and result["evidence"] > 0
    evidence = client.get(f"{API}/evidence/{result['evidence']}", headers=as_(EDITOR)).json()
    assert evidence["fields"]["quote"] == place["text"]

    event = make_event(archive)
    date = next(s for s in open_ if s["kind"] == "date")
    linked = client.post(f"{API}/suggestions/{date['id']}/accept", headers=as_(EDITOR),
                         json={"target": {"type": "event", "id": event}})
    assert linked.status_code == 200, linked.text
    assert linked.json()["record"] == {"type": "event", "id": event}

    count = next(s for s in open_ if s["kind"] == "count")
    dismissed = client.post(f"{API}/suggestions/{count['id']}/dismiss", headers=as_(EDITOR))
    assert dismissed.json() == {"suggestion": count["id"], "status": "dismissed"}

    assert {s["id"] for s in _suggestions(client, source, "accepted")} == {place["id"],
                                                                          date["id"]}
    assert [s["id"] for s in _suggestions(client, source, "dismissed")] == [count["id"]]
    assert len(_suggestions(client, source, "all")) == len(open_)
    assert place["id"] not in {s["id"] for s in _suggestions(client, source)}

    # Decided once: accepting or dismissing again is a conflict.
    assert_error(client.post(f"{API}/suggestions/{place['id']}/accept", headers=as_(EDITOR)),
                 409)
    assert_error(client.post(f"{API}/suggestions/{count['id']}/accept", headers=as_(EDITOR)),
                 409)
    assert_error(client.post(f"{API}/suggestions/{place['id']}/dismiss",
                             headers=as_(EDITOR)), 409)


def test_readers_cannot_review(client: TestClient, archive: Archive) -> None:
    source = make_source(archive, text=TEXT)
    first = _suggestions(client, source)[0]["id"]
    for url, method in ((f"{API}/sources/{source}/suggestions", "GET"),
                        (f"{API}/suggestions/{first}/accept", "POST"),
                        (f"{API}/suggestions/{first}/dismiss", "POST")):
        assert_error(client.request(method, url), 401)
        for reader in (VIEWER, ANALYST):
            assert_error(client.request(method, url, headers=as_(reader)), 403)
    assert first in {s["id"] for s in _suggestions(client, source)}  # still open


def test_unknown_and_invalid(client: TestClient, archive: Archive) -> None:
    source = make_source(archive, text=TEXT)
    first = _suggestions(client, source)[0]["id"]
    editor = as_(EDITOR)
    assert_error(client.get(f"{API}/sources/999999/suggestions", headers=editor), 404)
    assert_error(client.post(f"{API}/suggestions/999999/accept", headers=editor), 404)
    assert_error(client.post(f"{API}/suggestions/999999/dismiss", headers=editor), 404)
    assert_error(client.get(f"{API}/sources/{source}/suggestions", headers=editor,
                            params={"status": "maybe"}), 422, "status")
    assert_error(client.post(f"{API}/suggestions/{first}/accept", headers=editor,
                             json={"target": {"type": "widget", "id": 1}}), 422,
                 "target.type")
    assert_error(client.post(f"{API}/suggestions/{first}/accept", headers=editor,
                             json={"target": {"type": "person", "id": 999999}}), 422,
                 "target")
    assert_error(client.post(f"{API}/suggestions/{first}/accept", headers=editor,
                             json={"target": {"type": "person"}}), 422, "target.id")
    assert first in {s["id"] for s in _suggestions(client, source)}  # nothing half-done
