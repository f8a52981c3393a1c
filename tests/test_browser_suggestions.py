"""Accepting the same suggestion twice in a real browser — the second time from the page as
it was before the first (the back button) — makes one record, and the page says so; the undo
puts it back. Korean and English, both databases. All data here is fictional."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import make_user
from tests.browser import browser, csp_violations, serious_violations, serve
from tests.conftest import ADMIN, make_source
from tests.test_browser_staff import sign_in
from tests.test_suggestion_review import TEXT


@pytest.fixture
def site(settings: Settings) -> Iterator[str]:
    make_user(settings, "browser-editor", "editor")
    with serve(settings) as url:
        yield url


@pytest.mark.parametrize("locale", ["ko-KR", "en-GB"])
def test_accept_the_same_suggestion_twice(site: str, archive: Archive, backend: str,
                                         locale: str) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    before = archive.list_records(ADMIN, "event", limit=1000).total
    with browser() as chromium:
        page = chromium.new_context(base_url=site, locale=locale).new_page()
        refused = csp_violations(page)
        sign_in(page, "browser-editor")
        page.goto(f"/staff/sources/{source}")
        page.click("#review-suggestions")
        assert serious_violations(page) == []
        form = page.locator("form.accept:has(input[name=title])").first
        assert form.locator("input[name=title]").input_value() == "강제송환 — 온성, 2019"
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#last #undo")
        first = page.inner_text("#last")
        page.go_back()  # the queue as it was, the suggestion still offered
        page.locator("form.accept:has(input[name=title])").first.locator(
            "button[type=submit]").click()
        page.wait_for_selector("#last")
        second = page.inner_text("#last")
        assert ("이미 받아들인" in second) if locale == "ko-KR" else \
            ("Already accepted" in second)
        assert archive.list_records(ADMIN, "event", limit=1000).total == before + 1
        assert first != second
        page.click("#undo")
        page.wait_for_selector("#last")
        assert archive.list_records(ADMIN, "event", limit=1000).total == before
        assert refused == []
