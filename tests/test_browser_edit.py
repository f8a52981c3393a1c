"""Two editors, one record, in a real browser: both open the edit form of the same event in
their own browser context (own session), the first saves, the second's save is refused with
the conflict page — their change beside the saved one — and nothing is overwritten; the
record's history then reads "field: before → after". In Korean and in English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import make_user
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve
from tests.conftest import ADMIN, make_event
from tests.test_browser_staff import sign_in

FIRST = "Title saved by the first editor (fictional)"
SECOND = "Title typed by the second editor (fictional)"


@pytest.fixture
def two_editors(settings: Settings) -> Iterator[str]:
    make_user(settings, "browser-editor", "editor")
    make_user(settings, "second-editor", "editor")
    with serve(settings) as url:
        yield url


def _open_form(page: Any, event: int) -> None:
    page.goto(f"/staff/records/event/{event}")
    page.click("#edit-link")
    page.wait_for_selector("#edit-form")


@pytest.mark.parametrize("locale", ["ko-KR", "en-GB"])
def test_edit_conflict_between_two_browsers(two_editors: str, archive: Archive,
                                            backend: str, locale: str) -> None:
    event = make_event(archive, level="internal", title="Event both open (fictional)")
    with browser() as chromium:
        first = chromium.new_context(base_url=two_editors, locale=locale).new_page()
        second = chromium.new_context(base_url=two_editors, locale=locale).new_page()
        refused = csp_violations(second)
        sign_in(first, "browser-editor")
        sign_in(second, "second-editor")
        _open_form(first, event)
        assert serious_violations(first) == []
        _open_form(second, event)  # both at version 1
        assert second.input_value("#f-title") == "Event both open (fictional)"

        first.fill("#f-title", FIRST)
        first.click("#edit-form button[type=submit]")
        first.wait_for_selector("#saved")
        assert FIRST in first.inner_text("h1")

        second.fill("#f-title", SECOND)
        second.fill("#f-date", "2023-02")
        second.click("#edit-form button[type=submit]")
        second.wait_for_selector("#conflict")
        notice = second.inner_text("#conflict-notice")
        assert "browser-editor" in notice
        rows = second.inner_text("#conflict-fields")
        assert SECOND in rows and FIRST in rows and "2023-02" in rows
        assert serious_violations(second) == []
        screenshot(second, f"edit-conflict-{locale}-{backend}")
        # On a phone too: nothing wider than the screen.
        second.set_viewport_size({"width": 375, "height": 800})
        width = second.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the conflict page scrolls sideways on a phone ({width}px)"
        screenshot(second, f"edit-conflict-phone-{locale}-{backend}")
        second.set_viewport_size({"width": 1280, "height": 800})
        # Nothing of the second editor's was written.
        record = archive.get(ADMIN, "event", event)
        assert record["fields"]["title"] == FIRST and record["fields"]["date"] == "2023-Q1"
        assert record["version"] == 2

        # Taking the saved version: the form shows the first editor's title.
        second.click("#edit-current")
        second.wait_for_selector("#edit-form")
        assert second.input_value("#f-title") == FIRST
        second.fill("#f-date", "2023-02")
        second.click("#edit-form button[type=submit]")
        second.wait_for_selector("#saved")
        history = second.inner_text("#history")
        assert "Event both open (fictional)" in history and FIRST in history
        # The history gives dates in the reader's language, as the record page does.
        assert ("2023년 1분기 → 2023년 2월" in history or "Q1 2023 → February 2023" in history)
        assert "browser-editor" in history and "second-editor" in history
        assert refused == []
    record = archive.get(ADMIN, "event", event)
    assert (record["fields"]["title"], record["fields"]["date"], record["version"]) == (
        FIRST, "2023-02", 3)
