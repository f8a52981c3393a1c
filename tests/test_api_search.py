"""``GET /api/v1/search``: results, totals and facets only over what the caller may see;
protected names masked for readers without clearance; parameters validated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ANALYST, EDITOR, VIEWER, make_event, make_person, make_source

API = "/api/v1"
WORD = "빙하고래"  # a fictional word found only in these test records


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _records(archive: Archive) -> dict[str, int]:
    return {
        "public": make_source(archive, title=f"Public {WORD} report (fictional)",
                              text=f"[Fictional] {WORD} seen in 2023."),
        "internal": make_source(archive, level="internal", kind="testimony",
                                title=f"Internal {WORD} note (fictional)",
                                text=f"[Fictional] {WORD} INTERNALMARK."),
        "restricted": make_source(archive, level="restricted", kind="testimony",
                                  title=f"Restricted {WORD} testimony (fictional)",
                                  text=f"[Fictional] {WORD} RESTRICTEDMARK."),
        "event": make_event(archive, level="restricted", title=f"Restricted {WORD} event",
                            description=f"[Fictional] {WORD} RESTRICTEDMARK."),
    }


def test_anonymous_sees_only_public_results_and_facets(client: TestClient,
                                                       archive: Archive) -> None:
    made = _records(archive)
    answer = client.get(f"{API}/search", params={"q": WORD, "facets": True})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["total"] == 1
    assert [(i["type"], i["id"]) for i in found["items"]] == [("source", made["public"])]
    assert found["facets"]["type"] == {"source": 1}
    assert "testimony" not in found["facets"].get("source_kind", {})
    assert sum(found["facets"]["type"].values()) == found["total"]
    for marker in ("INTERNALMARK", "RESTRICTEDMARK", "Internal", "Restricted"):
        assert marker not in answer.text
    # A filter naming a hidden level matches nothing rather than revealing it.
    assert client.get(f"{API}/search", params={"q": f"{WORD} level:restricted"}
                      ).json()["total"] == 0


def test_each_role_gets_its_own_scope(client: TestClient, archive: Archive) -> None:
    _records(archive)
    totals = {}
    for actor in (VIEWER, ANALYST, EDITOR):
        found = client.get(f"{API}/search", params={"q": WORD, "facets": True},
                           headers=as_(actor)).json()
        totals[actor.role.value] = found["total"]
        assert sum(found["facets"]["type"].values()) == found["total"]
    assert totals == {"viewer": 2, "analyst": 4, "editor": 4}


def test_paging_sort_expand_and_no_facets(client: TestClient, archive: Archive) -> None:
    for i in range(3):
        make_source(archive, title=f"{WORD} {i} (fictional)", text=f"[Fictional] {WORD} {i}",
                    published=f"202{i}-01-01")
    first = client.get(f"{API}/search", params={"q": WORD, "limit": 2}).json()
    rest = client.get(f"{API}/search", params={"q": WORD, "limit": 2, "offset": 2}).json()
    assert first["total"] == rest["total"] == 3 and first["facets"] is None
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in rest["items"]})
    by_date = client.get(f"{API}/search", params={"q": WORD, "sort": "date"}).json()
    assert len(by_date["items"]) == 3
    expanded = client.get(f"{API}/search", params={"q": "강제북송"}).json()
    assert expanded["expansions"] and expanded["expansions"][0]["term"]
    plain = client.get(f"{API}/search", params={"q": "강제북송", "expand": False}).json()
    assert plain["expansions"] == []
    assert client.get(f"{API}/search").json()["total"] == 0  # no query, no results


def test_snippets_mask_protected_names(client: TestClient, archive: Archive) -> None:
    make_person(archive, level="restricted", name="박철수", protected={"real_name": "리영호"})
    make_source(archive, title="[Fictional] 박철수 씨의 이야기",
                text="[가상] 박철수 씨는 회령에서 체포됐다. Pak Chol-su was held. 강제북송.")
    for actor in (None, VIEWER):
        answer = client.get(f"{API}/search", params={"q": "회령 강제북송"},
                            headers=as_(actor) if actor else {})
        assert answer.json()["total"] >= 1
        assert "박철수" not in answer.text and "Pak Chol-su" not in answer.text
    cleared = client.get(f"{API}/search", params={"q": "회령 강제북송"}, headers=as_(ANALYST))
    assert "박철수" in cleared.text


def test_invalid_parameters(client: TestClient) -> None:
    assert_error(client.get(f"{API}/search", params={"q": "x", "limit": 0}), 422, "limit")
    assert_error(client.get(f"{API}/search", params={"q": "x", "limit": 201}), 422, "limit")
    assert_error(client.get(f"{API}/search", params={"q": "x", "offset": -1}), 422, "offset")
    assert_error(client.get(f"{API}/search", params={"q": "x", "sort": "size"}), 422, "sort")
    assert_error(client.get(f"{API}/search", params={"q": "x", "facets": "maybe"}), 422,
                 "facets")
    assert_error(client.get(f"{API}/search", params={"q": "a\x00b"}), 422)
    # Query syntax of the backends is plain text here, never an error or a 500.
    for q in ('"unbalanced', "a OR OR b", "*) NEAR(", "'; DROP TABLE sources; --"):
        assert client.get(f"{API}/search", params={"q": q}).status_code == 200
