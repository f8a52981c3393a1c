"""Assigning one record from its workspace page (web/assign_routes.py), on SQLite and
PostgreSQL: to an editor or admin, or to nobody; on record in the history; refused for anyone
else (in the reader's language) and for roles that may not write."""

from __future__ import annotations

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import make_user, signed_in
from tests.conftest import ADMIN, make_event


def _assigns(archive: Archive, event: int) -> list[tuple[object, object]]:
    return [((h["before"] or {}).get("assignee"), (h["after"] or {}).get("assignee"))
            for h in archive.history(ADMIN, "event", event) if h["action"] == "assign"]


def test_assign_one_record_from_its_page(settings: Settings, archive: Archive) -> None:
    event = make_event(archive, level="internal", title="가상 사건 (담당 시험)")
    make_user(settings, "colleague", "editor")
    editor = signed_in(settings, "editor", username="assigning-editor")
    page = editor.get(f"/staff/records/event/{event}?lang=ko").text
    assert 'id="assign-form"' in page and '<option value="colleague">' in page
    assert '<strong id="assignee-now">없음</strong>' in page
    url = f"/staff/records/event/{event}/assign"
    done = editor.post(url, data={"assignee": "colleague"})
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"/staff/records/event/{event}?saved=assign#assign")
    page = editor.get(f"/staff/records/event/{event}?saved=assign").text
    assert '<strong id="assignee-now">colleague</strong>' in page and 'id="assign-saved"' in page
    assert '<option value="colleague" selected>' in page
    assert editor.post(url, data={"assignee": ""}).status_code == 303
    assert _assigns(archive, event) == [(None, "colleague"), ("colleague", None)]
    # Only an editor or admin may have a record, said in the reader's language.
    refused = editor.post(f"{url}?lang=ko", data={"assignee": "nobody-here"})
    assert refused.status_code == 422
    assert "편집자나 관리자가 아닙니다" in refused.text
    assert editor.post("/staff/records/event/999999/assign",
                       data={"assignee": ""}).status_code == 404
    assert editor.post(f"/staff/records/nothing/{event}/assign").status_code == 404
    viewer = signed_in(settings, "viewer", username="assign-viewer")
    assert viewer.post(url, data={"assignee": "colleague"}).status_code == 403
    assert _assigns(archive, event) == [(None, "colleague"), ("colleague", None)]
