"""Editing records in the staff workspace: a form for every record type filled from the
record; a message beside each wrong field with what was typed kept; a conflict page (409,
nothing written) when someone saved the record after the form was opened; the record's
history as "field: before → after", protected details only as changed; Korean and English."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.security.policy import Actor, Role
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, make_event, make_person, make_source

OTHER = Actor("other-editor", Role.editor)


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="coder") as c:
        yield c


def _form(page: str) -> dict[str, Any]:
    """The edit form's fields as a browser would send them (inputs, selects, textareas,
    checked boxes), from the HTML of the page."""
    form = page[page.index('id="edit-form"'):page.index("</form>", page.index('id="edit-form"'))]
    data: dict[str, list[str]] = {}

    def add(name: str, value: str) -> None:
        data.setdefault(html.unescape(name), []).append(html.unescape(value))

    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        add(name.group(1), value.group(1) if value else "")
    for name, body in re.findall(r'<select [^>]*name="([^"]*)"[^>]*>(.*?)</select>', form,
                                 flags=re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        first = re.search(r'<option value="([^"]*)"', body)
        add(name, chosen.group(1) if chosen else first.group(1) if first else "")
    for name, body in re.findall(r'<textarea [^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form,
                                 flags=re.S):
        add(name, body)
    return {k: v if len(v) > 1 or k in ("roles", "names.name", "names.system") else v[0]
            for k, v in data.items()}


def _one_of_each(archive: Archive) -> dict[str, int]:
    source = make_source(archive, level="internal", title="Edit test source (fictional)")
    person = make_person(archive, level="restricted", name="가상편집인물",
                         protected={"real_name": "가상실명 HIDDENMARK"})
    event = make_event(archive, level="internal")
    act = archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                        "act_type": "detention", "victim": person,
                                        "date": "2023-02", "facility": None})
    involvement = archive.create(ADMIN, "involvement", {
        "level": "internal", "act": act, "perpetrator": person, "agency": "mss"})
    evidence = archive.create(ADMIN, "evidence", {
        "level": "internal", "source": source, "record": {"type": "event", "id": event},
        "quote": "탈북민 34명"})
    term = archive.create(ADMIN, "term", {"level": "public", "vocabulary": "act_type",
                                          "code": "edit_test", "en": "Edit test term",
                                          "ko": "편집 시험 용어"})
    place = archive.create(ADMIN, "place", {"level": "public", "code": "edit-test",
                                            "kind": "city", "parent": "kp-10",
                                            "en": "Edit test place", "ko": "편집시험"})
    return {"source": source, "person": person, "event": event, "act": act,
            "involvement": involvement, "evidence": evidence, "term": term, "place": place}


# One change a type, through its form: field -> typed value, and what the record then holds.
CHANGES: dict[str, tuple[str, str, Any]] = {
    "source": ("title", "Renamed source (fictional)", "Renamed source (fictional)"),
    "event": ("places", "kp-09 — 함경북도 / North Hamgyong, cn-yanji", ["kp-09", "cn-yanji"]),
    "act": ("date", "2023-03", "2023-03"),
    "involvement": ("description", "Ordered it (fictional)", "Ordered it (fictional)"),
    "person": ("birth_year", "1979", 1979),
    "evidence": ("end", "", None),  # filled in below: one character shorter
    "term": ("synonyms_en", "edit trial\nedit test", ["edit trial", "edit test"]),
    "place": ("latitude", "42,5", 42.5),
}


def test_every_type_is_edited_through_its_form(staff: TestClient, archive: Archive) -> None:
    records = _one_of_each(archive)
    for type_name, record_id in records.items():
        page = staff.get(f"/staff/records/{type_name}/{record_id}")
        assert f'href="/staff/records/{type_name}/{record_id}/edit"' in page.text
        form_page = staff.get(f"/staff/records/{type_name}/{record_id}/edit")
        assert form_page.status_code == 200, (type_name, form_page.text[:500])
        data = _form(form_page.text)
        assert data["version"] == "1"
        field, typed, expected = CHANGES[type_name]
        if type_name == "evidence":
            typed = str(int(data["end"]) - 1)
            expected = int(typed)
        before = archive.get(ADMIN, type_name, record_id)["fields"]
        data[field] = typed
        saved = staff.post(f"/staff/records/{type_name}/{record_id}/edit", data=data)
        messages = re.findall(r"(?:field-error|notice error)[^>]*>[^<]*", saved.text)
        assert saved.status_code == 303, (type_name, messages)
        after = archive.get(ADMIN, type_name, record_id)
        assert after["fields"][field] == expected, type_name
        assert after["version"] == 2, type_name
        # Only that field changed (and for evidence its quote, read again from the source).
        changed = {k for k in after["fields"] if after["fields"][k] != before[k]}
        assert changed == ({field, "quote"} if type_name == "evidence" else {field}), type_name
        shown = staff.get(saved.headers["location"]).text
        assert 'id="saved"' in shown
        history = shown[shown.index('id="history"'):]
        assert "coder" in history and "<ins>" in history, type_name


def test_messages_beside_fields_and_what_was_typed_is_kept(staff: TestClient,
                                                          archive: Archive) -> None:
    event = make_event(archive, level="internal")
    data = _form(staff.get(f"/staff/records/event/{event}/edit").text)
    data.update({"title": "Typed but not saved (fictional)", "date": "sometime in spring",
                 "places": "nowhere-at-all"})
    refused = staff.post(f"/staff/records/event/{event}/edit", data=data)
    assert refused.status_code == 422
    page = refused.text
    assert 'id="err-date"' in page and 'id="err-places"' in page
    # The message stands right after its field, which points at it for screen readers.
    date_input = re.search(r'<input id="f-date"[^>]*>', page)
    assert date_input and 'aria-describedby="err-date"' in date_input.group(0)
    assert 'value="Typed but not saved (fictional)"' in page
    assert 'value="sometime in spring"' in page
    assert archive.get(ADMIN, "event", event)["fields"]["title"] == "Test event (fictional)"
    # A number field that is not a number is refused before the archive is asked.
    person = make_person(archive, level="internal")
    data = _form(staff.get(f"/staff/records/person/{person}/edit").text)
    data["birth_year"] = "nineteen-eighty"
    refused = staff.post(f"/staff/records/person/{person}/edit", data=data)
    assert refused.status_code == 422 and 'id="err-birth_year"' in refused.text
    assert 'value="nineteen-eighty"' in refused.text


def test_a_stale_form_gets_the_conflict_page(staff: TestClient, archive: Archive) -> None:
    event = make_event(archive, level="internal")
    data = _form(staff.get(f"/staff/records/event/{event}/edit").text)
    archive.update(OTHER, "event", event, {"title": "Saved first (fictional)"},
                   expected_version=1)
    data["title"] = "Saved second (fictional)"
    refused = staff.post(f"/staff/records/event/{event}/edit", data=data)
    assert refused.status_code == 409
    page = refused.text
    assert 'id="conflict-notice"' in page and "other-editor" in page
    rows = page[page.index('id="conflict-fields"'):page.index("</table>")]
    assert "Saved second (fictional)" in rows and "Saved first (fictional)" in rows
    assert archive.get(ADMIN, "event", event)["fields"]["title"] == "Saved first (fictional)"
    # The form on the page is at the new version: saving it now is a knowing overwrite.
    again = _form(page)
    assert again["version"] == "2" and again["title"] == "Saved second (fictional)"
    assert staff.post(f"/staff/records/event/{event}/edit", data=again).status_code == 303
    assert archive.get(ADMIN, "event", event)["fields"]["title"] == "Saved second (fictional)"


def test_protected_details_in_the_form_and_history(staff: TestClient,
                                                   archive: Archive) -> None:
    person = make_person(archive, level="restricted",
                         protected={"real_name": "가상실명 HIDDENMARK"})
    page = staff.get(f"/staff/records/person/{person}/edit").text
    assert "HIDDENMARK" in page  # editors are cleared for it
    data = _form(page)
    data["protected.real_name"] = "다른실명 HIDDENMARK2"
    data["names.name"] = ["가상편집인물", "Gasang Pyeonjip"]
    data["names.system"] = ["hangul", "rr"]
    assert staff.post(f"/staff/records/person/{person}/edit", data=data).status_code == 303
    fields = archive.get(ADMIN, "person", person)["fields"]
    assert fields["protected"]["real_name"] == "다른실명 HIDDENMARK2"
    assert fields["names"] == [{"name": "가상편집인물", "system": "hangul"},
                               {"name": "Gasang Pyeonjip", "system": "rr"}]
    shown = staff.get(f"/staff/records/person/{person}").text
    history = shown[shown.index('id="history"'):]
    assert "HIDDENMARK" not in history
    assert "Gasang Pyeonjip" in history


def test_the_forms_speak_korean_and_english(staff: TestClient, archive: Archive) -> None:
    event = make_event(archive, level="internal")
    ko = staff.get(f"/staff/records/event/{event}/edit?lang=ko").text
    assert "제목" in ko and "변경 내용 저장" in ko
    en = staff.get(f"/staff/records/event/{event}/edit?lang=en").text
    assert "Title" in en and "Save changes" in en


def test_editing_needs_an_editor(settings: Settings, archive: Archive) -> None:
    event = make_event(archive, level="public")
    with signed_in(settings, "viewer", username="reader") as viewer:
        assert viewer.get(f"/staff/records/event/{event}/edit").status_code == 403
        posted = viewer.post(f"/staff/records/event/{event}/edit",
                             data={"version": "1", "title": "x"})
        assert posted.status_code == 403
    assert archive.get(ADMIN, "event", event)["version"] == 1


typed = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@hsettings(max_examples=40, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=typed, date=typed, places=typed, level=st.sampled_from(
    ["public", "internal", "restricted", "secret", ""]))
def test_whatever_is_typed_is_saved_or_answered_beside_its_field(
        staff: TestClient, archive: Archive, title: str, date: str, places: str,
        level: str) -> None:
    event = make_event(archive, level="internal")
    data = _form(staff.get(f"/staff/records/event/{event}/edit").text)
    data.update({"title": title, "date": date, "places": places, "level": level})
    answer = staff.post(f"/staff/records/event/{event}/edit", data=data)
    assert answer.status_code in (303, 422), answer.status_code
    record = archive.get(ADMIN, "event", event)
    if answer.status_code == 303:
        assert record["fields"]["title"] == title.strip() and record["version"] == 2
        return
    # Refused: nothing written, a message beside a field, and every field as it was typed.
    assert record["version"] == 1 and record["fields"]["title"] == "Test event (fictional)"
    assert 'class="field-error"' in answer.text or 'id="err-form"' in answer.text
    again = _form(answer.text)
    assert (again["title"], again["date"], again["places"]) == (title, date, places)


def test_the_source_workspace_links_to_its_edit_form(staff: TestClient,
                                                     archive: Archive) -> None:
    source = make_source(archive, level="internal")
    page = staff.get(f"/staff/sources/{source}?lang=en").text
    assert f'href="/staff/records/source/{source}/edit"' in page
    assert "Edit the source&#39;s details" in page or "Edit the source's details" in page


def test_record_pages_and_history_show_labels_not_codes(staff: TestClient,
                                                        archive: Archive) -> None:
    records = _one_of_each(archive)
    act = records["act"]
    archive.update(ADMIN, "act", act, {"act_type": "forced_repatriation", "place": "cn-tumen"})
    for lang, words in (("ko", ("구금", "강제송환", "도문", "내부")),
                        ("en", ("arrest and detention", "Forced repatriation", "Tumen",
                                "Internal"))):
        page = staff.get(f"/staff/records/act/{act}?lang={lang}").text
        table = page[page.index("<table>"):page.index("</table>")]
        history = page[page.index('id="history"'):]
        for code in (">forced_repatriation", ">cn-tumen", ">internal<", "event #"):
            assert code not in table and code not in history, (lang, code)
        assert f'href="/staff/records/event/{records["event"]}"' in table
        assert all(word in table + history for word in words), lang
        assert "<h1>forced_repatriation" not in page
        person = staff.get(f"/staff/records/person/{records['person']}?lang={lang}").text
        assert "real_name:" not in person and ("실명" if lang == "ko" else "Real name") in person
        involvement = staff.get(f"/staff/records/involvement/{records['involvement']}").text
        assert "<td>mss</td>" not in involvement
        source = staff.get(f"/staff/records/source/{records['source']}").text
        assert "<td>ko</td>" not in source and "<td>한국어</td>" in source


def test_messages_beside_fields_speak_the_readers_language(staff: TestClient,
                                                          archive: Archive) -> None:
    records = _one_of_each(archive)
    act = records["act"]
    for lang, said in (("ko", ("13월은 없습니다", "지명 사전에 없는 장소")),
                       ("en", ("month 13 does not exist", "unknown place code"))):
        data = _form(staff.get(f"/staff/records/act/{act}/edit?lang={lang}").text)
        data.update({"date": "2019-13", "place": "nowhere-at-all"})
        page = staff.post(f"/staff/records/act/{act}/edit?lang={lang}", data=data).text
        errors = " ".join(re.findall(r'class="field-error"[^>]*>([^<]*)', page))
        assert all(message in errors for message in said), (lang, errors)
        assert "<h1>" in page and "detention (act" not in page
