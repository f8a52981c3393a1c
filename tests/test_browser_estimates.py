"""The estimates page in a real browser: an admin asks for an estimate with the statistics
filters, watches it computed (htmx replaces the "computing" notice with the result), publishes
it and finds the same figures on the public statistics page. Every record is fictional."""

from __future__ import annotations

import re

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import PASSWORD, make_user
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve
from tests.test_estimate_archive import DESIGN, FILTER, build


def test_admin_estimates_and_publishes(settings: Settings, archive: Archive) -> None:
    build(archive)
    make_user(settings, "browser-admin", "admin")
    with serve(settings) as url, browser() as chromium:
        page = chromium.new_page(base_url=url, locale="en-GB")
        refused = csp_violations(page)
        page.goto("/staff/estimates?lang=en")
        page.wait_for_url("**/login?next=*")
        page.fill("#username", "browser-admin")
        page.fill("#password", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_url("**/staff/estimates")
        page.fill("#est-filter", FILTER)
        page.select_option("#est-method", "loglinear")
        page.click("#estimate-form button[type=submit]")
        # The result replaces the notice once computed, in the same page.
        page.wait_for_selector("#est-estimate", timeout=60_000)
        assert page.locator("#estimate-computing").count() == 0
        observed = page.inner_text("#est-observed")
        assert observed == str(sum(DESIGN.values()))
        estimate = page.inner_text("#est-estimate")
        assert serious_violations(page) == []
        screenshot(page, "estimates-staff")
        page.click("#publish-form button[type=submit]")
        page.wait_for_url("**/staff/estimates?done=*")
        assert "is published" in page.inner_text("main")
        page.click("text=See it on the public statistics page")
        page.wait_for_url("**/stats#estimates")
        table = page.inner_text("table.estimate")
        assert re.search(rf"Estimated total\s+{re.escape(estimate)}", table), table
        assert re.search(rf"Documented victims\s+{observed}", table), table
        assert serious_violations(page) == []
        assert refused == []
