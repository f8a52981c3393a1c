"""The staff workspace in a real browser: upload a testimony, watch it go in, select a passage
and code an event from it, then look for the event through public search — found when public,
not when restricted; and the account page (TOTP, an API token) and a person coded from a
passage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.web.auth import COOKIE
from tests import files
from tests.auth_helpers import PASSWORD, make_user
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve
from tests.conftest import make_source


@pytest.fixture
def staff_site(settings: Settings) -> Iterator[str]:
    make_user(settings, "browser-editor", "editor")
    with serve(settings) as url:
        yield url


def sign_in(page: Any, username: str = "browser-editor", password: str = PASSWORD) -> None:
    """Through the real sign-in page: the Secure, HttpOnly session cookie must be kept by
    Chromium on http://127.0.0.1 (a loopback address counts as a secure context)."""
    page.goto("/staff/upload")
    page.wait_for_url("**/login?next=*")
    assert serious_violations(page) == []
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login button[type=submit]")
    page.wait_for_url("**/staff/upload")


def _select(page: Any, passage: str) -> None:
    """Select ``passage`` in the source text, as a person dragging the mouse would."""
    page.evaluate("""(passage) => {
        // The text is split into pieces (suggestions are marked), so find the passage in
        // their concatenation and map both ends back to a piece and an offset in it.
        const pre = document.getElementById("source-text");
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let all = "", node;
        while ((node = walker.nextNode())) {
            nodes.push([node, all.length]);
            all += node.textContent;
        }
        const at = all.indexOf(passage);
        if (at < 0) throw new Error("passage not found");
        const locate = (pos, isEnd) => {
            for (const [n, base] of nodes) {
                const len = n.textContent.length;
                if (pos < base + len || (isEnd && pos === base + len)) return [n, pos - base];
            }
            throw new Error("offset outside the text");
        };
        const [sn, so] = locate(at, false), [en, eo] = locate(at + passage.length, true);
        const range = document.createRange();
        range.setStart(sn, so);
        range.setEnd(en, eo);
        const sel = document.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
    }""", passage)


@pytest.mark.parametrize("level", ["public", "restricted"])
def test_upload_then_code_an_event(staff_site: str, tmp_path: Path, level: str,
                                   backend: str) -> None:
    testimony = tmp_path / "증언-가상.txt"
    testimony.write_bytes(files.KO.encode("cp949"))  # an old file in a legacy encoding
    title = f"Fictional arrest coded in the browser {level.upper()}MARK"
    with browser() as chromium:
        page = chromium.new_page(base_url=staff_site, locale="ko-KR")
        refused = csp_violations(page)
        sign_in(page)
        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.set_input_files("#files", str(testimony))
        page.select_option("#level", level)
        page.click("#upload button[type=submit]")
        page.wait_for_selector("#job-status:text('done')", timeout=60_000)
        assert "ingested as #" in page.inner_text("table")
        screenshot(page, f"staff-job-{level}-{backend}")
        page.click("table a")  # the new source's workspace
        page.wait_for_selector("#source-text")
        # The text is in the page before workspace.js, which listens for the selection, has
        # run (a script at the end of the body): selecting earlier changes nothing.
        page.wait_for_load_state()
        assert page.locator("mark.sugg-count").count() >= 1
        _select(page, "중국 공안에 체포돼 강제북송")
        expect(page.locator("#sel-quote")).to_have_value("중국 공안에 체포돼 강제북송")
        # Sign-in, upload (htmx polling the job) and the workspace's selection script all
        # within the Content-Security-Policy.
        assert refused == []
        page.fill("#ev-title", title)
        page.fill("#ev-date", "2022-03")
        page.select_option("#ev-level", level)
        screenshot(page, f"staff-workspace-{level}-{backend}")
        page.click("#code-event button[type=submit]")
        page.wait_for_url("**/staff/records/event/*")
        # Signing out (a form with the session's CSRF token) ends the session.
        page.click("header form[action='/logout'] button")
        page.wait_for_url(staff_site + "/")
        page.goto("/staff")
        page.wait_for_url("**/login?next=*")
        # What the public finds:
        page.goto(f"/search?q={level.upper()}MARK")
        hits = page.locator("ol.hits").inner_text()
        if level == "public":
            assert title in hits
        else:
            assert title not in hits and "검색 결과 0건" in page.inner_text("#total")


def test_account_then_a_person_from_a_passage(staff_site: str, archive: Archive) -> None:
    """Enrol TOTP with the code an app would make from the secret on the page, make an API
    token and use it, then code a person from a passage of a source."""
    source = make_source(archive, level="internal", text=files.KO)
    with browser() as chromium:
        page = chromium.new_page(base_url=staff_site, locale="en-GB")
        sign_in(page)
        page.click("header a[href='/staff/account']")
        page.wait_for_url("**/staff/account")
        page.click("#totp-begin button")
        secret = page.inner_text("#totp-secret")
        assert page.inner_text("#totp-uri").startswith("otpauth://totp/Sillok:browser-editor")
        assert serious_violations(page) == []
        page.fill("#confirm-code", pyotp.TOTP(secret).now())
        page.click("#totp-confirm button")
        page.wait_for_url("**/staff/account?done=totp-on*")
        assert "On:" in page.inner_text("#totp-status")
        page.fill("#token-name", "browser test script")
        page.select_option("#token-scope", "write")
        page.fill("#token-days", "7")
        page.click("#token-create button")
        token = page.inner_text("#new-token")
        assert token.startswith("sillok_")
        screenshot(page, "staff-account")
        api = page.request.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"})
        assert api.status == 200
        page.goto("/staff/account")
        assert token not in page.content() and "browser test script" in page.content()
        page.goto(f"/staff/sources/{source}")
        page.wait_for_selector("#source-text")
        _select(page, "박철수")
        assert page.input_value("#person-name") == "박철수"  # filled from the selection
        page.check("#new-person input[value=victim]")
        page.select_option("#person-level", "restricted")
        page.click("#new-person button[type=submit]")
        created = page.wait_for_selector("#person-created")
        assert created is not None and "박철수" in created.inner_text()
        assert page.input_value("#person-name") == ""  # the form is ready for the next one
        screenshot(page, "staff-person-from-passage")
        page.click("#person-created a")
        page.wait_for_url("**/staff/records/person/*")
        assert "박철수" in page.inner_text("main")
    with archive.transaction() as session:
        user = session.execute(select(m.User).where(
            m.User.username == "browser-editor")).scalar_one()
        assert user.totp_enabled
