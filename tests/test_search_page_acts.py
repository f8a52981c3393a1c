"""The search page tells acts apart by their date, place and facility, read for the whole
page at once and only as the reader may see them (search_routes._act_details,
Archive.views_of). Fictional records."""

from __future__ import annotations

import re

from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.security.policy import Actor, Role
from tests.auth_helpers import client, signed_in
from tests.conftest import ADMIN, make_event, make_person

FACILITY = "kp-09-onsong-mps-detention"


def _acts(archive: Archive) -> tuple[int, int]:
    event = make_event(archive)
    victim = make_person(archive, name="가상인물")
    public = archive.create(ADMIN, "act", {
        "level": "public", "event": event, "act_type": "detention", "victim": victim,
        "date": "2019-03", "place": "kp-09", "facility": FACILITY,
        "description": "[가상] 구류장 구금 zqxdetained"})
    hidden = archive.create(ADMIN, "act", {
        "level": "restricted", "event": event, "act_type": "detention", "victim": victim,
        "date": "2020-07", "place": "kp-09", "description": "[가상] 구류장 구금 zqxdetained"})
    return public, hidden


def _hit(page: str, act: int) -> str:
    """The result line of an act on the page ('' if it is not there)."""
    found = re.search(rf'href="/records/act/{act}".*?</li>', page, re.S)
    return found.group(0) if found else ""


def test_act_hits_show_date_place_and_facility_to_the_public(settings: Settings,
                                                             archive: Archive) -> None:
    public, hidden = _acts(archive)
    with client(settings) as c:
        page = c.get("/search", params={"q": "zqxdetained"}).text
    line = _hit(page, public)
    assert "2019" in line and ("Onsong" in line or "온성" in line), line
    assert _hit(page, hidden) == ""
    assert "2020" not in page


def test_staff_see_restricted_acts_details_and_one_audit_entry(settings: Settings,
                                                              archive: Archive) -> None:
    public, hidden = _acts(archive)
    _, hidden_too = _acts(archive)
    with archive.transaction() as session:
        before = max(session.execute(select(m.AuditEntry.id)).scalars())
    with signed_in(settings, Role.editor, username="acts-editor") as c:
        page = c.get("/search", params={"q": "zqxdetained"}).text
    assert "2019" in _hit(page, public) and "2020" in _hit(page, hidden), page
    assert "2020" in _hit(page, hidden_too)
    with archive.transaction() as session:
        entries = session.execute(
            select(m.AuditEntry).where(m.AuditEntry.id > before)).scalars().all()
        views = [(e.action, e.record_type) for e in entries if e.action == "view"]
    # The details of the page's two restricted acts: one bulk read, not an entry per act.
    assert views == [("view", "act")], views


def test_views_of_leaves_out_what_the_reader_may_not_see(archive: Archive) -> None:
    public, hidden = _acts(archive)
    assert set(archive.views_of(Actor.anonymous(), "act", [public, hidden, 999_999])) == {
        public}
    staff = archive.views_of(Actor("v", Role.viewer), "act", [public, hidden])
    assert set(staff) == {public}  # a viewer does not see restricted records either
    assert archive.views_of(ADMIN, "act", []) == {}
