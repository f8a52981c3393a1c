"""Pickers in a real browser, keyboard only: an act's victim and place are chosen by typing a
romanized name (no number typed anywhere), a new person is created from inside the picker
without losing the form, and the saved act holds the chosen records. Korean and English.
All data here is fictional."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import make_user
from tests.browser import browser, csp_violations, serious_violations, serve
from tests.conftest import ADMIN, make_event, make_person
from tests.test_browser_staff import sign_in


@pytest.fixture
def site(settings: Settings) -> Iterator[str]:
    make_user(settings, "browser-editor", "editor")
    with serve(settings) as url:
        yield url


def _act(archive: Archive, title: str) -> tuple[int, int]:
    """An act whose victim is someone else than the person the test will choose."""
    other = make_person(archive, level="restricted", name="김영희")
    event = make_event(archive, level="internal", title=title)
    return archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                         "act_type": "detention", "victim": other}), other


@pytest.mark.parametrize("locale", ["ko-KR", "en-GB"])
def test_choose_a_person_and_a_place_by_typing_a_romanized_name(
        site: str, archive: Archive, backend: str, locale: str) -> None:
    park = make_person(archive, level="restricted", name="박철수")
    act, _other = _act(archive, "Picker test event (fictional)")
    with browser() as chromium:
        page = chromium.new_context(base_url=site, locale=locale).new_page()
        refused = csp_violations(page)
        sign_in(page, "browser-editor")
        page.goto(f"/staff/records/act/{act}/edit")
        victim = page.locator("#f-victim")
        victim.fill("")
        victim.type("Park Cheol", delay=20)
        page.wait_for_selector("#f-victim-list [role=option]")
        assert victim.get_attribute("aria-expanded") == "true"
        assert serious_violations(page) == []
        victim.press("ArrowDown")
        assert victim.get_attribute("aria-activedescendant") == "f-victim-opt-0"
        victim.press("Enter")
        assert victim.input_value() == "박철수"
        assert page.input_value("input[name=victim]") == str(park)

        place = page.locator("#f-place")
        place.type("Onsong", delay=20)
        page.wait_for_selector("#f-place-list [role=option]")
        place.press("ArrowDown")
        place.press("Enter")
        assert place.input_value() in ("온성, 함경북도", "Onsong, North Hamgyong")

        page.fill("#f-description", "Held for a week (fictional).")
        page.click("#edit-form button[type=submit]")
        page.wait_for_selector("#saved")
        saved = archive.get(ADMIN, "act", act)["fields"]
        assert saved["victim"]["id"] == park and saved["place"] == "kp-09-onsong"
        assert saved["description"] == "Held for a week (fictional)."
        assert refused == []


@pytest.mark.parametrize("locale", ["ko-KR", "en-GB"])
def test_create_a_person_from_inside_the_picker(site: str, archive: Archive, backend: str,
                                                locale: str) -> None:
    act, other = _act(archive, "Picker create event (fictional)")
    with browser() as chromium:
        page = chromium.new_context(base_url=site, locale=locale).new_page()
        sign_in(page, "browser-editor")
        page.goto(f"/staff/records/act/{act}/edit")
        page.fill("#f-description", "Typed before creating (fictional).")
        victim = page.locator("#f-victim")
        victim.fill("")
        victim.type("Ri Myong-hui", delay=20)
        page.wait_for_selector("#f-victim-list .pick-create-option")
        victim.press("ArrowUp")  # the last option: create new
        victim.press("Enter")
        page.wait_for_selector(".pick-new input[name=new_name]")
        assert page.input_value(".pick-new input[name=new_name]") == "Ri Myong-hui"
        page.press(".pick-new input[name=new_name]", "Enter")
        page.wait_for_selector("[data-picked-value]")
        assert victim.input_value() == "Ri Myong-hui"
        assert page.input_value("#f-description") == "Typed before creating (fictional)."
        page.click("#edit-form button[type=submit]")
        page.wait_for_selector("#saved")
        victim_id = archive.get(ADMIN, "act", act)["fields"]["victim"]["id"]
        assert victim_id != other
        names = archive.get(ADMIN, "person", victim_id)["fields"]["names"]
        assert names[0]["name"] == "Ri Myong-hui"
