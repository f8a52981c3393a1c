"""Reviewing suggestions in a queue per source: a short event title built from violation,
place and year (not the whole sentence), similar existing events proposed, edits before
accepting, dismissal with a reason, a message saying what was done with an undo, and a second
accept — even at the same moment — that creates nothing new. All data here is fictional."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import Conflict
from sillok.extract.accept import accept
from sillok.extract.review import queue
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, EDITOR, make_event, make_source

TEXT = ("[Fictional test testimony] 2019년 5월 온성에서 강제송환 된 사람이 있었다. "
        "그 뒤 일은 알지 못한다.")


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="reviewer") as c:
        yield c


def _date_suggestion(archive: Archive, source: int) -> dict[str, object]:
    items = queue(archive, EDITOR, source)
    return next(s for s in items if s["kind"] == "date")


def _events(archive: Archive) -> int:
    return archive.list_records(ADMIN, "event", limit=1000).total


def test_a_short_title_from_violation_place_and_year(archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    s = _date_suggestion(archive, source)
    assert s["proposal"]["title"] == "강제송환 — 온성, 2019"  # type: ignore[index]
    assert s["proposal"]["places"] == ["kp-09-onsong"]  # type: ignore[index]
    similar = make_event(archive, level="internal", title="Another repatriation (fictional)",
                         date="2019-06", places=["kp-09-onsong"])
    make_event(archive, level="internal", title="Unrelated (fictional)", date="2005",
               places=["kp-09-onsong"])
    again = _date_suggestion(archive, source)
    assert [o["id"] for o in again["similar"]] == [similar]  # type: ignore[index]


def test_accept_twice_makes_one_record(archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    s = _date_suggestion(archive, source)
    before = _events(archive)
    first = accept(archive, EDITOR, int(s["id"]), repeat_ok=True)  # type: ignore[call-overload]
    second = accept(archive, EDITOR, int(s["id"]), repeat_ok=True)  # type: ignore[call-overload]
    assert first["created"] and not first["again"] and second["again"]
    assert second["record"] == first["record"] and _events(archive) == before + 1
    with pytest.raises(Conflict):
        accept(archive, EDITOR, int(s["id"]))  # type: ignore[call-overload]
    event = archive.get(ADMIN, "event", first["record"]["id"])
    assert event["fields"]["title"] == "강제송환 — 온성, 2019"
    assert event["fields"]["date"] == "2019-05"


def test_accepts_at_the_same_moment_make_one_record(archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    s = _date_suggestion(archive, source)
    before = _events(archive)
    start = threading.Barrier(4)
    results: list[object] = []

    def one() -> None:
        start.wait()
        try:
            results.append(accept(archive, EDITOR, int(s["id"]),  # type: ignore[call-overload]
                                  repeat_ok=True)["record"])
        except Exception as exc:  # a database may refuse the loser instead of waiting
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _events(archive) == before + 1, results


def test_queue_page_accept_edit_dismiss_and_undo(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    page = staff.get(f"/staff/sources/{source}/suggestions", params={"lang": "en"}).text
    assert 'value="강제송환 — 온성, 2019"' in page
    s = _date_suggestion(archive, source)
    before = _events(archive)
    done = staff.post(f"/staff/suggestions/{s['id']}/accept",
                      data={"into": "new", "title": "Edited title (fictional)",
                            "date": "2019-05", "level": "restricted"})
    assert done.status_code == 303
    shown = staff.get(done.headers["location"] + "&lang=en").text
    assert "Accepted: created" in shown and "Edited title (fictional)" in shown
    again = staff.post(f"/staff/suggestions/{s['id']}/accept", data={"into": "new"})
    assert "again=1" in again.headers["location"]
    assert "nothing new was created" in staff.get(again.headers["location"] + "&lang=en").text
    assert _events(archive) == before + 1
    event_id = int(re.search(r'/staff/records/event/(\d+)" id="last-record"', shown)[1])
    assert archive.get(ADMIN, "event", event_id)["level"] == "restricted"
    undone = staff.post(f"/staff/suggestions/{s['id']}/undo")
    assert "undone=" in undone.headers["location"]
    assert archive.get(ADMIN, "event", event_id)["retracted"] is not None
    ko = staff.get(undone.headers["location"] + "&lang=ko").text
    assert "되돌렸습니다" in ko
    # back in the queue: dismissed with a reason, then undone again
    refused = staff.post(f"/staff/suggestions/{s['id']}/dismiss", data={"reason": " "})
    assert refused.status_code == 422
    dismissed = staff.post(f"/staff/suggestions/{s['id']}/dismiss",
                           data={"reason": "The date is the interview's (fictional)"})
    message = staff.get(dismissed.headers["location"] + "&lang=en").text
    assert "Dismissed:" in message and "The date is the interview&#39;s" in message
    assert staff.post(f"/staff/suggestions/{s['id']}/undo").status_code == 303


def test_accept_into_an_existing_similar_event(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    similar = make_event(archive, level="internal", title="Known repatriation (fictional)",
                         date="2019", places=["kp-09-onsong"])
    page = staff.get(f"/staff/sources/{source}/suggestions").text
    assert f'value="event:{similar}"' in page
    s = _date_suggestion(archive, source)
    before = _events(archive)
    staff.post(f"/staff/suggestions/{s['id']}/accept", data={"into": f"event:{similar}"})
    assert _events(archive) == before
    evidence = archive.list_records(ADMIN, "evidence", {"record_id": str(similar)}).items
    assert [e["fields"]["source"]["id"] for e in evidence] == [source]


def test_accepting_a_place_names_it_in_the_readers_language(staff: TestClient,
                                                            archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    place = next(s for s in queue(archive, EDITOR, source) if s["kind"] == "place")
    done = staff.post(f"/staff/suggestions/{place['id']}/accept", data={"into": "new"})
    assert done.status_code == 303
    for lang, name in (("en", "Onsong"), ("ko", "온성")):
        shown = staff.get(done.headers["location"] + f"&lang={lang}").text
        linked = re.search(r'id="last-record">([^<]*)<', shown)
        assert linked and linked[1].strip() == name and " / " not in linked[1], (lang, linked)
