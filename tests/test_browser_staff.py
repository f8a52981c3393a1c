"""The staff workspace in a real browser: upload a testimony, watch it go in, select a passage
and code an event from it, then look for the event through public search — found when public,
not when restricted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sillok.config import Settings
from sillok.web.auth import COOKIE
from tests import files
from tests.auth_helpers import PASSWORD, make_user
from tests.browser import browser, screenshot, serious_violations, serve


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
        assert page.locator("mark.sugg-count").count() >= 1
        _select(page, "중국 공안에 체포돼 강제북송")
        assert page.input_value("#sel-quote") == "중국 공안에 체포돼 강제북송"
        page.fill("#ev-title", title)
        page.fill("#ev-date", "2022-03")
        page.select_option("#ev-level", level)
        screenshot(page, f"staff-workspace-{level}-{backend}")
        page.click("#code-event button[type=submit]")
        page.wait_for_url("**/events/*")
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
