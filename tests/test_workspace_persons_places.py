"""The source workspace: a selected passage becomes a new person or a new place with the passage
as its evidence — through htmx (the form comes back, with a message beside each wrong field)
and without it (a redirect to the new record, or the error page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from tests import files
from tests.auth_helpers import client, signed_in
from tests.conftest import ADMIN, make_source

HTMX = {"hx-request": "true"}
NAME = "박철수"


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="coder") as c:
        yield c


def _passage(text: str) -> dict[str, int]:
    start = files.KO.index(text)
    return {"start": start, "end": start + len(text)}


def _evidence_of(archive: Archive, type_name: str, record_id: int) -> list[dict[str, Any]]:
    return archive.list_records(
        ADMIN, "evidence", {"record_type": type_name, "record_id": str(record_id)}).items


def test_the_workspace_offers_both_forms(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=files.KO)
    page = staff.get(f"/staff/sources/{source}").text
    for form in ("new-person", "new-place"):
        assert f'id="{form}"' in page and f'hx-post="/staff/sources/{source}/' in page
    assert 'value="witness"' in page and 'value="kuryujang"' in page  # vocabularies
    assert 'name="level"' in page and 'list="place-list"' in page
    # Levels by name, in the reader's language (the default is Korean), never as codes.
    assert '<option value="restricted" selected>제한</option>' in page
    assert ">restricted<" not in page and ">internal<" not in page
    assert 'name="htmx-config"' in page  # a form sent back with errors (422) is shown


def test_person_from_a_passage(staff: TestClient, archive: Archive,
                               settings: Settings) -> None:
    source = make_source(archive, level="public", text=files.KO)
    made = staff.post(f"/staff/sources/{source}/persons", headers=HTMX, data={
        "name": NAME, "sex": "male", "birth_year": "1980", "roles": ["victim", "witness"],
        "origin_place": "kp-09-hoeryong — 회령 / Hoeryong", "connection": "victim",
        "level": "restricted", **_passage(NAME)})
    assert made.status_code == 200 and 'id="person-created"' in made.text
    person = archive.list_records(ADMIN, "person").items[-1]
    fields = person["fields"]
    assert fields["names"] == [{"name": NAME, "system": "hangul"}]
    assert (fields["sex"], fields["birth_year"], fields["roles"], fields["origin_place"]) == (
        "male", 1980, ["victim", "witness"], "kp-09-hoeryong")
    assert person["level"] == "restricted"
    assert f'href="/staff/records/person/{person["id"]}"' in made.text
    assert 'name="name" size="24" maxlength="300" value=""' in made.text  # empty again
    [evidence] = _evidence_of(archive, "person", person["id"])
    # The quote is the source's own text; the link is as confidential as the person.
    assert evidence["fields"]["quote"] == NAME and evidence["fields"]["connection"] == "victim"
    assert evidence["level"] == "restricted"
    history = archive.history(ADMIN, "person", person["id"])
    assert history[0]["actor"] == "coder" and history[0]["action"] == "create"
    with client(settings) as public:
        assert public.get(f"/records/person/{person['id']}").status_code == 404
    # Without htmx: a redirect to the new person's page.
    plain = staff.post(f"/staff/sources/{source}/persons",
                       data={"name": "가상인물", "level": "internal", **_passage("강제북송")})
    assert plain.status_code == 303
    assert plain.headers["location"].startswith("/staff/records/person/")


def test_person_form_errors_beside_their_fields(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=files.KO)
    url = f"/staff/sources/{source}/persons"
    nothing = staff.post(url, headers=HTMX, data={"name": " ", "birth_year": "about 1980"})
    assert nothing.status_code == 422
    for field in ("passage", "name", "birth_year"):
        assert f'id="err-person-{field}"' in nothing.text, field
    assert 'aria-describedby="err-person-name"' in nothing.text
    unknown = staff.post(url, headers=HTMX, data={
        "name": NAME, "sex": "sometimes", "origin_place": "atlantis", **_passage(NAME)})
    assert unknown.status_code == 422
    assert 'id="err-person-sex"' in unknown.text and "atlantis" in unknown.text
    assert f'value="{NAME}"' in unknown.text  # what was typed stays
    outside = staff.post(url, headers=HTMX, data={"name": NAME, "start": 5, "end": 99_999})
    assert outside.status_code == 422 and 'id="err-person-passage"' in outside.text
    # Nothing half made: no person without its evidence.
    assert archive.list_records(ADMIN, "person").total == 0
    assert staff.post(url, data={"name": NAME}).status_code == 422  # the error page


def test_place_from_a_passage(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=files.KO)
    url = f"/staff/sources/{source}/places"
    made = staff.post(url, headers=HTMX, data={
        "ko": "회령 구류장", "en": "Hoeryŏng holding cell", "kind": "facility",
        "facility_type": "kuryujang", "parent": "kp-09-hoeryong — 회령 / Hoeryong",
        "level": "public", **_passage("회령")})
    assert made.status_code == 200 and 'id="place-created"' in made.text
    code = "kp-09-hoeryong-hoeryong-holding-cell"
    [place] = archive.list_records(ADMIN, "place", {"code": code}).items
    assert place["fields"]["parent"] == "kp-09-hoeryong"
    assert place["fields"]["facility_type"] == "kuryujang"
    # The new place joins the bilingual autocomplete at once (htmx out-of-band).
    assert 'hx-swap-oob="beforeend:#place-list"' in made.text and code in made.text
    [evidence] = _evidence_of(archive, "place", place["id"])
    # Never more public than the source it quotes.
    assert evidence["fields"]["quote"] == "회령" and evidence["level"] == "internal"
    again = staff.post(url, headers=HTMX, data={
        "ko": "회령 구류장", "en": "Hoeryong holding cell", "kind": "facility",
        "parent": "kp-09-hoeryong", **_passage("회령")})
    assert again.status_code == 422 and 'id="err-place-code"' in again.text
    empty = staff.post(url, headers=HTMX, data={"en": "회령", **_passage("회령")})
    assert empty.status_code == 422
    for field in ("ko", "kind", "code"):
        assert f'id="err-place-{field}"' in empty.text, field
    plain = staff.post(url, data={"ko": "가상 마을", "en": "Fictional village",
                                  "kind": "county", "code": "kp-09-fictional",
                                  **_passage("회령")})
    assert plain.status_code == 303 and plain.headers["location"].startswith(
        "/staff/records/place/")
    assert archive.list_records(ADMIN, "place", {"code": "kp-09-fictional"}).total == 1


def test_only_editors_create(settings: Settings, archive: Archive) -> None:
    source = make_source(archive, level="public", text=files.KO)
    with signed_in(settings, "analyst") as analyst:
        for kind, form in (("persons", {"name": NAME}),
                           ("places", {"ko": "회령", "en": "Hoeryong", "kind": "city"})):
            refused = analyst.post(f"/staff/sources/{source}/{kind}", headers=HTMX,
                                   data={**form, **_passage(NAME)})
            assert refused.status_code == 403
    assert archive.list_records(ADMIN, "person").total == 0
