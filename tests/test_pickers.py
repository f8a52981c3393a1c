"""Pickers in the workspace: a person found by any script or spelling of a name (박철수 /
Park Cheol-su / a pseudonym), a place of the gazetteer in any spelling shown with the place it
lies in, terms by Korean or English label, sources and events; only what the staff member may
see; a record created from inside a picker; edit forms that offer pickers, not ids.
All data here is fictional."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.language.name_search import name_keys, score
from sillok.search.pick import pick
from sillok.security.policy import Actor, Role
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, EDITOR, make_event, make_person, make_source

HIDDEN_EDITOR = Actor("pick-viewer", Role.viewer)


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="picker") as c:
        yield c


def _people(archive: Archive) -> dict[str, int]:
    return {
        "park": make_person(archive, level="restricted", name="박철수",
                            names=[{"name": "박철수", "system": "hangul"},
                                   {"name": "Dawnbird", "system": "alias"}]),
        "kim": make_person(archive, level="internal", name="김영희"),
        "lee": make_person(archive, level="public", name="리순옥"),
    }


def test_a_person_is_found_by_any_script_or_spelling(archive: Archive) -> None:
    ids = _people(archive)
    for typed in ("박철수", "Park Cheol-su", "Pak Chol Su", "cheolsu park", "Dawn", "박철"):
        values = [c.value for c in pick(archive, EDITOR, "person", typed)]
        assert values and values[0] == str(ids["park"]), typed
        assert str(ids["kim"]) not in values, typed
    # 리 = 이 = Lee = Yi = Ri
    assert [c.value for c in pick(archive, EDITOR, "person", "Lee Sun-ok")] == [str(ids["lee"])]
    assert pick(archive, EDITOR, "person", "Zzyzx Qwerty") == []


def test_pickers_offer_only_what_the_reader_may_see(archive: Archive) -> None:
    ids = _people(archive)
    hidden = make_source(archive, level="restricted", title="Restricted pick source (fictional)")
    seen = {c.value for c in pick(archive, HIDDEN_EDITOR, "person", "", limit=50)}
    assert str(ids["park"]) not in seen and str(ids["kim"]) in seen
    assert all(c.level != "restricted" for c in pick(archive, HIDDEN_EDITOR, "source",
                                                      "Restricted", limit=50))
    assert str(hidden) in {c.value for c in pick(archive, EDITOR, "source", "Restricted")}


def test_places_in_any_spelling_with_their_parent(archive: Archive) -> None:
    for typed in ("온성", "Onsong", "Onseong", "Onsŏng-gun"):
        found = pick(archive, EDITOR, "place", typed, lang="ko")
        assert found and found[0].value == "kp-09-onsong", typed
        assert found[0].label == "온성, 함경북도"
    english = pick(archive, EDITOR, "place", "Onsong", lang="en")[0]
    assert english.label == "Onsong, North Hamgyong"
    facilities = pick(archive, EDITOR, "facility", "Onsong", limit=50)
    assert facilities and all(c.value != "kp-09-onsong" for c in facilities)
    assert "kp-09-onsong-mps-detention" in {c.value for c in facilities}


def test_terms_by_korean_or_english_label_and_events_by_title(archive: Archive) -> None:
    by_en = pick(archive, EDITOR, "term", "forced repat", vocabulary="act_type")
    by_ko = pick(archive, EDITOR, "term", "강제송환", vocabulary="act_type")
    assert by_en and by_ko and by_en[0].value == by_ko[0].value
    event = make_event(archive, level="internal", title="Onsong repatriation (fictional)")
    assert pick(archive, EDITOR, "event", "repatriation")[0].value == str(event)
    assert pick(archive, EDITOR, "record", "Onsong repatriation")[0].value == f"event:{event}"


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_typed_text_is_scored_without_error(typed: str) -> None:
    assert score(typed, ["박철수", "Park Cheol-su", ""]) in range(5)
    assert all(isinstance(k, str) for k in name_keys(typed))


def test_the_options_route_answers_json_in_the_readers_language(staff: TestClient,
                                                                archive: Archive) -> None:
    ids = _people(archive)
    answer = staff.get("/staff/pick/person", params={"q": "Park Cheol-su"})
    assert answer.status_code == 200
    assert answer.json()["items"][0]["value"] == str(ids["park"])
    assert answer.json()["create"] is True
    place = staff.get("/staff/pick/place", params={"q": "Onsong", "lang": "en"}).json()
    assert place["items"][0]["label"] == "Onsong, North Hamgyong"
    assert staff.get("/staff/pick/nothing", params={"q": "x"}).status_code == 404


def test_a_record_is_created_from_inside_a_picker(staff: TestClient, archive: Archive) -> None:
    form = staff.get("/staff/pick/person/new", params={"q": "Park Cheol-su", "for": "act-victim"})
    assert form.status_code == 200
    assert 'name="new_name" value="Park Cheol-su"' in form.text
    empty = staff.post("/staff/pick/person/new", data={"new_name": "", "new_level": "restricted"})
    assert empty.status_code == 422 and "field-error" in empty.text
    made = staff.post("/staff/pick/person/new", data={
        "new_name": "Park Cheol-su", "new_kind": "individual", "new_level": "restricted",
        "new_for": "act-victim"})
    assert made.status_code == 200
    value = made.text.split('data-picked-value="')[1].split('"')[0]
    person = archive.get(ADMIN, "person", int(value))
    assert person["level"] == "restricted"
    assert person["fields"]["names"][0]["name"] == "Park Cheol-su"
    place = staff.post("/staff/pick/place/new", data={
        "new_ko": "가상리", "new_en": "Gasang-ri", "new_kind": "city", "new_parent": "kp-09",
        "new_level": "public"})
    assert place.status_code == 200, place.text
    assert 'data-picked-value="kp-09-gasang-ri"' in place.text


def test_edit_forms_offer_pickers_not_ids(staff: TestClient, archive: Archive) -> None:
    ids = _people(archive)
    event = make_event(archive, level="internal", places=["kp-09-onsong"])
    act = archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                        "act_type": "detention", "victim": ids["park"]})
    page = staff.get(f"/staff/records/act/{act}/edit", params={"lang": "ko"}).text
    assert 'role="combobox"' in page and 'data-pick="person"' in page
    assert 'value="박철수 / Dawnbird"' in page  # the victim by name, not by number
    assert f'name="victim" value="{ids["park"]}"' in page
    event_page = staff.get(f"/staff/records/event/{event}/edit", params={"lang": "ko"}).text
    assert "온성, 함경북도" in event_page and 'data-multiple="1"' in event_page
    workspace = staff.get(f"/staff/sources/{make_source(archive, level='internal')}").text
    assert 'id="act-victim"' in workspace and 'data-pick="record"' in workspace
    assert "person:12" not in workspace
