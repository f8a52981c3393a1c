"""The staff workspace: upload → ingest job → outcomes; suggestions; coding an event from a
passage, then finding it through public search when public and not when restricted."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from tests import files
from tests.auth_helpers import client, signed_in
from tests.conftest import EDITOR, make_person, make_source


def _client(settings: Settings, role: str | None) -> TestClient:
    """A client signed in through /login as a new user of ``role``; anonymous when None."""
    if role is None:
        return client(settings)
    return signed_in(settings, role)


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with _client(settings, "editor") as c:
        yield c


def _wait_for_job(client: TestClient, url: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get(url, headers={"hx-request": "true"}).text
        if 'id="job-status">done' in page or 'id="job-status">failed' in page:
            return page
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def test_workspace_needs_an_editor(settings: Settings) -> None:
    with _client(settings, None) as anonymous:
        page = anonymous.get("/staff")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    with _client(settings, "viewer") as viewer:
        assert viewer.get("/staff").status_code == 403
        assert viewer.post("/staff/upload", files={"files": ("a.txt", b"x")}).status_code == 403


def test_upload_job_and_outcomes(staff: TestClient) -> None:
    upload = staff.post("/staff/upload", data={"kind": "testimony", "level": "restricted"},
                        files=[("files", ("증언 1.txt", files.LONG_KO.encode("euc-kr"))),
                               ("files", ("../evil.docx", files.zip_bomb())),
                               ("files", ("copy.txt", files.LONG_KO.encode("euc-kr")))])
    assert upload.status_code == 303
    page = _wait_for_job(staff, upload.headers["location"])
    assert 'id="job-status">done' in page
    assert "증언 1.txt" in page and "ingested as #" in page
    assert "zip bomb" in page and "../evil.docx" in page  # the name shown, as text
    assert "duplicate of #" in page
    dashboard = staff.get("/staff").text
    assert "2 in, 1 failed" in dashboard


def test_code_an_event_from_a_passage(staff: TestClient, settings: Settings) -> None:
    staff.post("/staff/upload", data={"level": "public"},
               files=[("files", ("report.txt", files.KO.encode()))])
    job = _wait_for_job(staff, "/staff/jobs/1")
    source_id = int(re.search(r"ingested as #(\d+)", job).group(1))  # type: ignore[union-attr]
    workspace = staff.get(f"/staff/sources/{source_id}").text
    assert 'class="sugg sugg-count"' in workspace and "34명" in workspace
    start = files.KO.index("중국 공안에 체포돼 강제북송")
    end = start + len("중국 공안에 체포돼 강제북송")
    for level, title in (("public", "Fictional arrest QWERTYPUBLIC"),
                         ("restricted", "Fictional arrest ZXCVRESTRICTED")):
        made = staff.post(f"/staff/sources/{source_id}/events",
                          data={"title": title, "start": start, "end": end,
                                "quote": "ignored", "date": "2022-03", "level": level})
        assert made.status_code == 303
        assert made.headers["location"].startswith("/staff/records/event/")
    with _client(settings, None) as public:
        hits = public.get("/search", params={"q": "QWERTYPUBLIC"}).text
        assert "검색 결과 1건" in hits and ">Fictional arrest QWERTYPUBLIC</a>" in hits
        hidden = public.get("/search", params={"q": "ZXCVRESTRICTED"}).text
        assert "검색 결과 0건" in hidden and "Fictional arrest ZXCVRESTRICTED" not in hidden
    # accepting a suggestion from the source's review queue
    queue = staff.get(f"/staff/sources/{source_id}/suggestions").text
    suggestion = re.search(r'/staff/suggestions/(\d+)/accept', queue)
    assert suggestion is not None
    accepted = staff.post(f"/staff/suggestions/{suggestion.group(1)}/accept")
    assert accepted.status_code == 303


def test_record_page_history_link_and_retraction(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=files.KO)
    person = make_person(archive, level="restricted", name="가상인물",
                         protected={"real_name": "PROTECTEDREALNAME"})
    start = files.KO.index("박철수")
    linked = staff.post(f"/staff/sources/{source}/link",
                        data={"record": f"person:{person}", "start": start, "end": start + 3})
    assert linked.status_code == 303
    page = staff.get(f"/staff/records/person/{person}").text
    assert "PROTECTEDREALNAME" in page  # an editor may see the protected part
    assert "작성" in page and "test-admin" in page  # history: who made it (in Korean)
    event = staff.post(f"/staff/sources/{source}/events",
                       data={"title": "Fictional event", "start": start, "end": start + 3,
                             "quote": "x", "place": "kp-09-hoeryong — 회령 / Hoeryong"})
    event_id = event.headers["location"].rsplit("/", 1)[1]
    assert archive.get(EDITOR, "event", int(event_id))["fields"]["places"] == ["kp-09-hoeryong"]
    gone = staff.post(f"/staff/records/event/{event_id}/retract", data={"reason": "duplicate"})
    assert gone.status_code == 303
    after = staff.get(f"/staff/records/event/{event_id}").text
    assert "duplicate" in after and "철회" in after
    assert staff.post(f"/staff/records/event/{event_id}/retract",
                      data={"reason": " "}).status_code == 422


def test_code_an_act_with_a_new_victim(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=files.KO)
    event = staff.post(f"/staff/sources/{source}/events",
                       data={"title": "Fictional arrest", "start": 0, "end": 5, "quote": "x"})
    event_id = event.headers["location"].rsplit("/", 1)[1]
    workspace = staff.get(f"/staff/sources/{source}").text
    assert 'value="forced_repatriation"' in workspace
    start = files.KO.index("강제북송")
    act = staff.post(f"/staff/sources/{source}/acts",
                     data={"event": event_id, "act_type": "forced_repatriation",
                           "victim_name": "박철수", "start": start, "end": start + 4,
                           "date": "2022-03", "level": "restricted"})
    assert act.status_code == 303
    act_id = int(act.headers["location"].rsplit("/", 1)[1])
    shown = archive.get(EDITOR, "act", act_id)
    assert shown["level"] == "restricted" and shown["fields"]["act_type"] == "forced_repatriation"
    missing = staff.post(f"/staff/sources/{source}/acts",
                         data={"event": event_id, "act_type": "torture", "start": 0, "end": 1})
    assert missing.status_code == 422
