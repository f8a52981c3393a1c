"""Bulk level change and assignment from a staff list (archive/bulk_changes.py): all or
nothing, with a reason per refused row, through the same change_level a single record uses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sillok.archive.bulk_changes import bulk_assign, bulk_level
from sillok.archive.levels import change_level
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid
from tests.auth_helpers import make_user, signed_in
from tests.conftest import ADMIN, EDITOR, VIEWER, make_event, make_source

TEXT = "[가상 증언] 2023년 2월 연길에서 체포되었다. 이웃도 함께 잡혀갔다."


def _cite(archive: Archive, event_id: int, source_id: int, level: str) -> int:
    return archive.create(ADMIN, "evidence", {
        "level": level, "source": source_id, "record": {"type": "event", "id": event_id},
        "quote": "연길에서 체포되었다"})


def _levels(archive: Archive, ids: list[int]) -> dict[int, str]:
    with archive.transaction() as s:
        rows = s.execute(select(m.Event.id, m.Event.level).where(m.Event.id.in_(ids))).all()
    return {int(i): str(lvl) for i, lvl in rows}


def _entries(archive: Archive, action: str) -> list[m.AuditEntry]:
    with archive.transaction() as s:
        found = list(s.execute(select(m.AuditEntry).where(
            m.AuditEntry.action == action).order_by(m.AuditEntry.id)).scalars())
        s.expunge_all()
    return found


def test_raise_to_public_refuses_restricted_sources_and_changes_nothing(
        archive: Archive) -> None:
    internal = make_source(archive, "internal", text=TEXT)
    restricted = make_source(archive, "restricted", text=TEXT)
    ok_a, ok_b = make_event(archive, "internal"), make_event(archive, "internal")
    blocked = make_event(archive, "internal")
    _cite(archive, ok_a, internal, "internal")
    _cite(archive, blocked, restricted, "restricted")
    ids = [ok_a, blocked, ok_b]

    report = bulk_level(archive, EDITOR, "event", ids, "public", "cleared for publication")

    assert not report.applied
    assert [(r.id, r.status) for r in report.rows] == [
        (ok_a, "would_change"), (blocked, "refused"), (ok_b, "would_change")]
    why = report.refused[0].reason
    assert f"event #{blocked}" in why and f"restricted source #{restricted}" in why
    assert report.others == [ok_a, ok_b]
    # Nothing changed, not even the rows that were allowed, and nothing is on the record.
    assert _levels(archive, ids) == dict.fromkeys(ids, "internal")
    assert _entries(archive, "level") == []

    # The list then offers the change for the others alone: it goes through.
    again = bulk_level(archive, EDITOR, "event", report.others, "public",
                       "cleared for publication")
    assert again.applied and [r.status for r in again.rows] == ["changed", "changed"]
    assert _levels(archive, ids) == {ok_a: "public", blocked: "internal", ok_b: "public"}
    entries = _entries(archive, "level")
    assert [(e.record_id, e.reason, e.actor) for e in entries] == [
        (ok_a, "cleared for publication", EDITOR.name),
        (ok_b, "cleared for publication", EDITOR.name)]
    assert entries[0].before["level"] == "internal" and entries[0].after["level"] == "public"


def test_single_record_change_uses_the_same_rule(archive: Archive) -> None:
    restricted = make_source(archive, "restricted", text=TEXT)
    event = make_event(archive, "internal")
    _cite(archive, event, restricted, "restricted")
    with pytest.raises(Invalid) as caught:
        change_level(archive, EDITOR, "event", event, "public", "publish")
    assert f"restricted source #{restricted}" in caught.value.errors["level"]
    # Restricted is fine, and already-so is no change.
    assert change_level(archive, EDITOR, "event", event, "restricted", "sensitive")
    assert not change_level(archive, EDITOR, "event", event, "restricted", "sensitive")
    with pytest.raises(Invalid) as no_reason:
        change_level(archive, EDITOR, "event", event, "internal", "  ")
    assert "reason" in no_reason.value.errors


def test_source_cannot_drop_below_its_evidence(archive: Archive) -> None:
    source = make_source(archive, "public", text=TEXT)
    event = make_event(archive, "public")
    evidence = _cite(archive, event, source, "public")
    report = bulk_level(archive, EDITOR, "source", [source], "restricted", "witness at risk")
    assert not report.applied
    assert f"evidence #{evidence}" in report.rows[0].reason
    assert archive.get(ADMIN, "source", source)["level"] == "public"


def test_rows_the_actor_cannot_see_or_that_do_not_exist_are_refused(archive: Archive) -> None:
    event = make_event(archive, "internal")
    report = bulk_level(archive, EDITOR, "event", [event, 999_999], "restricted", "why")
    assert not report.applied
    assert report.rows[1].status == "refused" and "#999999" in report.rows[1].reason
    with pytest.raises(Forbidden):
        bulk_level(archive, VIEWER, "event", [event], "public", "why")
    with pytest.raises(Invalid):
        bulk_level(archive, EDITOR, "event", [], "public", "why")
    with pytest.raises(Invalid):
        bulk_level(archive, EDITOR, "event", [event], "secret", "why")


def test_bulk_assign(archive: Archive) -> None:
    make_user(archive.settings, "coder-kim", "editor")
    make_user(archive.settings, "reader-lee", "viewer")
    a, b = make_event(archive, "internal"), make_event(archive, "restricted")
    report = bulk_assign(archive, EDITOR, "event", [a, b], "coder-kim")
    assert report.applied and [r.status for r in report.rows] == ["changed", "changed"]
    with archive.transaction() as s:
        rows = s.execute(select(m.Assignment.record_id, m.Assignment.assignee)
                         .order_by(m.Assignment.record_id)).all()
    assert [tuple(r) for r in rows] == [(a, "coder-kim"), (b, "coder-kim")]
    assert [e.after for e in _entries(archive, "assign")] == [{"assignee": "coder-kim"}] * 2
    # A viewer cannot be given work; nobody ("") takes the assignment away.
    with pytest.raises(Invalid):
        bulk_assign(archive, EDITOR, "event", [a], "reader-lee")
    assert bulk_assign(archive, EDITOR, "event", [a], "").applied
    with archive.transaction() as s:
        left = s.execute(select(m.Assignment.record_id)).scalars().all()
    assert left == [b]


def test_bulk_through_the_workspace(settings: Settings) -> None:
    """The list's form: a refused raise answers 409 with the row's reason and changes
    nothing; an export of the selected rows is the export's own lines, formulas defused."""
    archive = Archive.open(settings)
    try:
        restricted = make_source(archive, "restricted", text=TEXT)
        ok = make_event(archive, "internal", title="=HYPERLINK(\"x\") (fictional)")
        blocked = make_event(archive, "internal")
        _cite(archive, blocked, restricted, "restricted")
    finally:
        archive.close()
    c = signed_in(settings, "editor", username="bulk-editor")
    page = c.get("/staff/lists/events?lang=en")
    assert page.status_code == 200 and f'name="ids" value="{blocked}"' in page.text
    refused = c.post("/staff/lists/events/bulk", data={
        "ids": [str(ok), str(blocked)], "action": "level", "level": "public",
        "reason": "reviewed", "back": "https://elsewhere.example/"})
    assert refused.status_code == 409
    assert f"restricted source #{restricted}" in refused.text
    assert 'href="/staff/lists/events" id="back-to-list"' in refused.text
    assert 'id="apply-others"' in refused.text
    exported = c.post("/staff/lists/events/bulk", data={"ids": [str(ok)],
                                                        "action": "export_csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in exported.text
    as_json = c.post("/staff/lists/events/bulk", data={"ids": [str(ok), str(blocked)],
                                                       "action": "export_json"}).json()
    assert [r["id"] for r in as_json["records"]] == [ok, blocked]
    # What went through shows in the record's history, in words.
    assert c.post("/staff/lists/events/bulk", data={
        "ids": [str(ok)], "action": "level", "level": "public",
        "reason": "reviewed"}).status_code == 200
    assert c.post("/staff/lists/events/bulk", data={
        "ids": [str(ok)], "action": "assign", "assignee": "bulk-editor"}).status_code == 200
    history = c.get(f"/staff/records/event/{ok}?lang=ko").text
    assert "공개 등급 변경 — reviewed" in history and "담당자 지정" in history
    assert "<strong>담당자</strong>" in history
    viewer = signed_in(settings, "viewer", username="bulk-viewer")
    assert viewer.post("/staff/lists/events/bulk", data={
        "ids": [str(ok)], "action": "export_json"}).status_code == 403
