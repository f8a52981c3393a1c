"""The JSON API's records: every type listed, read, created, changed and retracted through the
Archive services, with the policy applied per role (anonymous sees public only, and a hidden
record answers exactly like a missing one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.archive.kinds import KINDS
from sillok.archive.service import Archive
from sillok.config import Settings
from tests.api_helpers import api_client, as_, assert_error, ids
from tests.conftest import (
    ADMIN,
    ANALYST,
    EDITOR,
    VIEWER,
    make_event,
    make_person,
    make_source,
)

API = "/api/v1"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _one_of_each(archive: Archive, level: str) -> dict[str, int]:
    """One record of every type at ``level`` (fictional)."""
    tag = level[:3]
    src = make_source(archive, level=level, title=f"API {level} source (fictional)")
    victim = make_person(archive, level=level, name=f"가상인물{tag}")
    ev = make_event(archive, level=level, title=f"API {level} event (fictional)")
    act = archive.create(ADMIN, "act", {"level": level, "event": ev, "act_type": "detention",
                                        "victim": victim, "date": "2023-02"})
    inv = archive.create(ADMIN, "involvement", {"level": level, "act": act,
                                                "perpetrator": victim, "agency": "mss"})
    evid = archive.create(ADMIN, "evidence", {"level": level, "source": src,
                                              "record": {"type": "event", "id": ev},
                                              "quote": "탈북민 34명"})
    term = archive.create(ADMIN, "term", {"level": level, "vocabulary": "act_type",
                                          "code": f"api_{tag}", "en": "API test term",
                                          "ko": "시험 용어"})
    place = archive.create(ADMIN, "place", {"level": level, "code": f"api-{tag}",
                                            "kind": "city", "parent": "kp-10",
                                            "en": "API test place", "ko": "시험"})
    series = archive.create(ADMIN, "series", {"level": level, "code": f"api-{tag}",
                                              "title_en": "T", "title_ko": "시",
                                              "observations": [{"period": "2023-Q1",
                                                                "value": 34}]})
    sibling = make_person(archive, level=level, name=f"가상형제{tag}")
    relation = archive.create(ADMIN, "relation", {"level": level, "person_a": victim,
                                                  "person_b": sibling, "kind": "sibling"})
    return {"source": src, "person": victim, "event": ev, "act": act, "involvement": inv,
            "evidence": evid, "term": term, "place": place, "series": series,
            "relation": relation}


def test_every_type_by_role(client: TestClient, archive: Archive) -> None:
    made = {level: _one_of_each(archive, level) for level in ("public", "internal",
                                                               "restricted")}
    sees = {"anonymous": {"public"}, "viewer": {"public", "internal"},
            "analyst": {"public", "internal", "restricted"}}
    for role, actor in (("anonymous", None), ("viewer", VIEWER), ("analyst", ANALYST)):
        headers = as_(actor) if actor else {}
        for name, kind in KINDS.items():
            listed = client.get(f"{API}/{kind.plural}", params={"limit": 500}, headers=headers)
            assert listed.status_code == 200, listed.text
            page = listed.json()
            assert page["total"] == len(page["items"]) or page["total"] > 500
            for level, records in made.items():
                rid = records[name]
                got = client.get(f"{API}/{kind.plural}/{rid}", headers=headers)
                if level in sees[role]:
                    assert rid in ids(page), (role, name, level)
                    assert got.status_code == 200, got.text
                    assert got.json()["type"] == name and got.json()["level"] == level
                else:
                    assert rid not in ids(page), (role, name, level)
                    # Exactly like a missing record: same status, same message shape.
                    hidden = assert_error(got, 404)
                    missing = assert_error(client.get(f"{API}/{kind.plural}/999999",
                                                      headers=headers), 404)
                    assert hidden["error"] == missing["error"].replace("999999", str(rid))
            assert all(item["level"] in sees[role] for item in page["items"])


def test_filters_limit_offset(client: TestClient, archive: Archive) -> None:
    for i in range(5):
        make_source(archive, title=f"Filter test {i} (fictional)",
                    kind="testimony" if i % 2 else "news_report")
    make_source(archive, level="internal", kind="testimony")
    page = client.get(f"{API}/sources", params={"kind": "testimony"}).json()
    assert page["total"] == 2  # the internal testimony is not counted for the public
    assert {item["fields"]["kind"] for item in page["items"]} == {"testimony"}
    first = client.get(f"{API}/sources", params={"limit": 2}).json()
    second = client.get(f"{API}/sources", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 5
    assert (first["limit"], first["offset"], second["offset"]) == (2, 0, 2)
    assert len(first["items"]) == 2 and not ids(first) & ids(second)
    newest = client.get(f"{API}/sources", params={"newest_first": True, "limit": 1}).json()
    assert newest["items"][0]["id"] == max(ids(client.get(f"{API}/sources").json()))
    assert_error(client.get(f"{API}/sources", params={"colour": "red"}), 422, "filter.colour")
    assert_error(client.get(f"{API}/sources", params={"year": "soon"}), 422, "year")
    assert_error(client.get(f"{API}/sources", params={"limit": 0}), 422, "limit")
    assert_error(client.get(f"{API}/sources", params={"offset": -1}), 422, "offset")


def test_create_read_update_retract_history(client: TestClient) -> None:
    editor = as_(EDITOR)
    created = client.post(f"{API}/events", headers=editor, json={
        "level": "public", "title": "API-created event (fictional)", "date": "2023-Q1",
        "places": ["cn-yanji"]})
    assert created.status_code == 201, created.text
    event = created.json()
    assert created.headers["location"] == f"{API}/events/{event['id']}"
    assert event["fields"]["date"] == "2023-Q1" and event["fields"]["places"] == ["cn-yanji"]
    url = f"{API}/events/{event['id']}"
    assert client.get(url).json()["label"] == "API-created event (fictional)"

    changed = client.patch(url, headers=editor, json={"title": "Renamed event (fictional)"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["fields"]["title"] == "Renamed event (fictional)"
    assert changed.json()["fields"]["date"] == "2023-Q1"  # untouched fields stay

    assert_error(client.post(f"{url}/retract", headers=editor, json={}), 422, "reason")
    assert_error(client.post(f"{url}/retract", headers=editor, json={"reason": "  "}), 422,
                 "reason")
    retracted = client.post(f"{url}/retract", headers=editor,
                            json={"reason": "entered twice (test)"})
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["retracted"]["reason"] == "entered twice (test)"
    assert_error(client.post(f"{url}/retract", headers=editor, json={"reason": "again"}), 409)
    assert_error(client.patch(url, headers=editor, json={"title": "x"}), 409)
    assert event["id"] not in ids(client.get(f"{API}/events").json())
    assert event["id"] in ids(client.get(f"{API}/events",
                                         params={"include_retracted": True}).json())

    history = client.get(f"{url}/history", headers=as_(VIEWER))
    assert history.status_code == 200
    assert [h["action"] for h in history.json()] == ["create", "update", "retract"]
    assert_error(client.get(f"{url}/history"), 401)


def test_writes_need_a_writer(client: TestClient, archive: Archive) -> None:
    ev = make_event(archive)
    body: dict[str, Any] = {"title": "Not allowed (fictional)"}
    for method, url, data in (("POST", f"{API}/events", body),
                              ("PATCH", f"{API}/events/{ev}", body),
                              ("POST", f"{API}/events/{ev}/retract", {"reason": "no"})):
        assert_error(client.request(method, url, json=data), 401)
        for reader in (VIEWER, ANALYST):
            assert_error(client.request(method, url, json=data, headers=as_(reader)), 403)
    assert client.get(f"{API}/events/{ev}").json()["fields"]["title"] == \
        "Test event (fictional)"


def test_invalid_input_names_the_fields(client: TestClient) -> None:
    editor = {**as_(EDITOR), "Accept-Language": "en"}
    body = assert_error(client.post(f"{API}/events", headers=editor, json={
        "date": "2023-05/2023-01", "colour": "red"}), 422, "title", "colour")
    assert body["fields"]["title"] == "required"
    assert body["fields"]["colour"] == "unknown field"
    body = assert_error(client.post(f"{API}/events", headers=editor, json={
        "title": "x", "date": "2023-05/2023-01", "places": ["nowhere"]}), 422, "date",
        "places.0")
    assert "unknown place" in body["fields"]["places.0"]
    assert_error(client.post(f"{API}/persons", headers=editor, json={"names": []}), 422,
                 "names")
    assert_error(client.post(f"{API}/sources", headers=editor, json={
        "kind": "no_such_kind", "title": "x"}), 422, "kind")
    assert_error(client.post(f"{API}/events", headers=editor, content=b"{not json"), 422,
                 "body")
    assert_error(client.post(f"{API}/events", headers=editor, json=["a list"]), 422, "body")


def test_unknown_ids(client: TestClient, archive: Archive) -> None:
    ev = make_event(archive)
    editor = as_(EDITOR)
    assert_error(client.get(f"{API}/events/999999"), 404)
    assert_error(client.patch(f"{API}/events/999999", headers=editor, json={"title": "x"}),
                 404)
    assert_error(client.post(f"{API}/events/999999/retract", headers=editor,
                             json={"reason": "x"}), 404)
    assert_error(client.patch(f"{API}/events/{ev}", headers=editor, json={}), 422, "record")
    assert_error(client.get(f"{API}/events/abc"), 422, "record_id")
    assert_error(client.get(f"{API}/events/{2**40}"), 422, "record_id")
    assert_error(client.get(f"{API}/widgets/1"), 404)


def test_protected_details_and_withheld_references(client: TestClient,
                                                   archive: Archive) -> None:
    hidden = make_person(archive, level="restricted", name="가상비밀인물",
                         protected={"real_name": "가상실명"})
    public = make_person(archive, name="가상공개인물", protected={"real_name": "가상실명2"})
    ev = make_event(archive)
    act = archive.create(ADMIN, "act", {"level": "public", "event": ev,
                                        "act_type": "detention", "victim": hidden})
    seen = client.get(f"{API}/acts/{act}?lang=en").json()
    assert seen["fields"]["victim"] == {"type": "person", "id": None, "label": "[withheld]",
                                        "code": None}
    assert "가상비밀인물" not in client.get(f"{API}/acts/{act}").text
    for reader in (None, VIEWER, ANALYST):
        person = client.get(f"{API}/persons/{public}",
                            headers=as_(reader) if reader else {})
        assert person.json()["fields"]["protected"] is None
        assert "가상실명2" not in person.text
    assert client.get(f"{API}/persons/{public}", headers=as_(EDITOR)).json()[
        "fields"]["protected"]["real_name"] == "가상실명2"
    assert client.get(f"{API}/acts/{act}", headers=as_(EDITOR)).json()[
        "fields"]["victim"]["id"] == hidden


def test_types_index(client: TestClient) -> None:
    types = client.get(f"{API}/types").json()
    assert {t["name"] for t in types} == set(KINDS)
    sources = next(t for t in types if t["name"] == "source")
    assert sources["path"] == "/sources" and "kind" in sources["filters"]
