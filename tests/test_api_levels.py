"""Publishing through the API (web/api/levels.py), on SQLite and PostgreSQL: the same service
as the workspace's panel, so the same policy checks, the reason on record in the history, the
choice per withheld source, the review of a public copy (its names accepted) and If-Match."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search.span_review import name_spans
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ADMIN, ANALYST, EDITOR, VIEWER, make_event, make_source
from tests.test_publish_flow import WITNESS, _world

API = "/api/v1"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _levels(archive: Archive, type_name: str, record_id: int) -> list[dict[str, object]]:
    return [h for h in archive.history(ADMIN, type_name, record_id) if h["action"] == "level"]


def test_plan_and_publish_citing_withheld_sources(client: TestClient,
                                                  archive: Archive) -> None:
    w = _world(archive)
    url = f"{API}/events/{w['event']}/level"
    assert_error(client.get(url), 401)
    for role in (VIEWER, ANALYST):
        assert_error(client.get(url, headers=as_(role)), 403)
        assert_error(client.post(url, json={"level": "public", "reason": "x"},
                                 headers=as_(role)), 403)
    plan = client.get(url, headers={**as_(EDITOR), "Accept-Language": "en"})
    assert plan.status_code == 200, plan.text
    shown = plan.json()
    assert shown["level"] == "internal" and shown["version"] == 1
    assert {(r["source"]["id"], tuple(r["offered"])) for r in shown["resting"]} == {
        (w["testimony"], ("withheld", "copy")), (w["report"], ("withheld", "copy"))}
    # No choice for the sources: refused, nothing changed; no reason: refused likewise.
    body = assert_error(client.post(url, json={"level": "public", "reason": "publish"},
                                    headers=as_(EDITOR)), 422, "choices")
    assert f"#{w['testimony']}" in body["fields"]["choices"]
    assert_error(client.post(url, json={"level": "public", "reason": "  "},
                             headers=as_(EDITOR)), 422, "reason")
    assert archive.get(ADMIN, "event", w["event"])["level"] == "internal"
    # A stale ETag changes nothing (412), as a PATCH.
    choices = {str(w["testimony"]): "withheld", str(w["report"]): "withheld"}
    assert_error(client.post(url, json={"level": "public", "reason": "publish",
                                        "choices": choices},
                             headers={**as_(EDITOR), "If-Match": '"v7"'}), 412)
    done = client.post(url, json={"level": "public", "reason": "publish via the API",
                                  "choices": choices},
                       headers={**as_(EDITOR), "If-Match": '"v1"', "Accept-Language": "en"})
    assert done.status_code == 200, done.text
    out = done.json()
    assert (out["before"], out["after"]) == ("internal", "public")
    assert sorted(out["withheld"]) == sorted([w["testimony"], w["report"]])
    assert out["sources_published"] == [] and out["record"]["level"] == "public"
    # On record: who, why; the sources stay internal and are cited as withheld.
    assert [h["reason"] for h in _levels(archive, "event", w["event"])] == ["publish via the API"]
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "internal"
    public = client.get(f"{API}/events/{w['event']}").json()
    assert len(public["related"]["withheld_sources"]) == 2
    assert WITNESS not in client.get(f"{API}/events/{w['event']}").text
    # Lowering it again needs only a reason.
    back = client.post(url, json={"level": "internal", "reason": "taken down"},
                       headers=as_(EDITOR))
    assert back.status_code == 200 and back.json()["after"] == "internal"
    assert_error(client.get(f"{API}/events/{w['event']}"), 404)


def test_publish_the_reviewed_public_copy(client: TestClient, archive: Archive) -> None:
    w = _world(archive)
    url = f"{API}/events/{w['event']}/level"
    body = {"level": "public", "reason": "publish the copy",
            "choices": {str(w["testimony"]): "copy", str(w["report"]): "withheld"}}
    assert_error(client.post(url, json=body, headers=as_(EDITOR)), 422,
                 f"review-{w['testimony']}")
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "internal"
    done = client.post(url, json={**body, "reviewed": [w["testimony"]]}, headers=as_(EDITOR))
    assert done.status_code == 200, done.text
    assert done.json()["sources_published"] == [w["testimony"]]
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "public"
    # As in the panel: the names proposed in the reviewed copy are accepted, so hidden.
    spans = [s for s in name_spans(archive, ADMIN, w["testimony"]) if s["kind"] == "name"]
    assert spans and {s["status"] for s in spans} == {"accepted"}
    source = client.get(f"{API}/sources/{w['testimony']}").text
    assert WITNESS not in source


def test_the_policy_refuses_as_in_the_workspace(client: TestClient, archive: Archive) -> None:
    restricted = make_source(archive, level="restricted", text="[가상] 제한 자료 시험.")
    event = make_event(archive, level="internal")
    archive.create(ADMIN, "evidence", {"level": "restricted", "source": restricted,
                                       "record": {"type": "event", "id": event},
                                       "quote": "제한 자료"})
    url = f"{API}/events/{event}/level"
    plan = client.get(url, headers=as_(EDITOR)).json()
    assert [r["offered"] for r in plan["resting"]] == [["copy"]]
    # A restricted source cannot stand behind a public record, even withheld.
    assert_error(client.post(url, json={"level": "public", "reason": "x",
                                        "choices": {str(restricted): "withheld"}},
                             headers=as_(EDITOR)), 422, f"choice-{restricted}")
    assert_error(client.post(url, json={"level": "internal", "reason": "x"},
                             headers=as_(EDITOR)), 422, "level")  # already internal
    assert_error(client.post(url, json={"level": "secret", "reason": "x"},
                             headers=as_(EDITOR)), 422, "level")
    archive.retract(ADMIN, "event", event, "test")
    assert_error(client.post(url, json={"level": "public", "reason": "x"},
                             headers=as_(EDITOR)), 409)
    assert_error(client.get(f"{API}/events/999999/level", headers=as_(EDITOR)), 404)
    assert archive.get(ADMIN, "event", event)["level"] == "internal"
    assert _levels(archive, "event", event) == []
