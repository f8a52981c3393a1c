"""Coding from the text in a real browser (issue 18 points 3, 6, 7), in Korean and English, on
both databases: a passage of a fictional testimony selected with the keyboard becomes
evidence of a new act; the act's page links back into the source, where the passage is lit;
a second passage selected with the mouse becomes evidence of its event, found in a picker; a
person's page lists acts, events and relations; a PDF original is drawn beside its text.
No id is typed anywhere. Screenshots go to docs/screenshots/ when asked
(SILLOK_DOC_SCREENSHOTS=1, SQLite run)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.auth_helpers import make_user
from tests.browser import (
    browser,
    csp_violations,
    keep_for_docs,
    screenshot,
    serious_violations,
    serve,
)
from tests.conftest import ADMIN, make_person, make_source
from tests.test_browser_staff import sign_in

TEXT = ("[가상 증언 — 시험용 자료] 2019년 3월 온성에서 체포되었다. 보위부 구류장에서 "
        "가상인물 씨가 심하게 맞는 것을 보았다. 이후 강제북송되었다.")
KEYBOARD = "가상인물 씨가 심하게 맞는 것을 보았다"
MOUSE = "이후 강제북송되었다"


@pytest.fixture
def staff_site(settings: Settings) -> Iterator[str]:
    make_user(settings, "browser-editor", "editor")
    with serve(settings) as url:
        yield url


def _keyboard_select(page: Any, passage: str) -> None:
    """Into the text with Tab, to the passage with the arrow keys, over it with Shift."""
    page.click("#select-help")  # where Tab goes on from, as a reader clicking beside it
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "source-text"
    assert page.get_attribute("#source-text", "contenteditable") == "true"
    page.keyboard.press("Control+Home")
    for _ in range(TEXT.index(passage)):
        page.keyboard.press("ArrowRight")
    for _ in range(len(passage)):
        page.keyboard.press("Shift+ArrowRight")


def _mouse_select(page: Any, passage: str) -> None:
    """Press at the passage's first character, drag to past its last, release."""
    box = page.evaluate("""(passage) => {
        const pre = document.getElementById("source-text");
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        let all = "", node, nodes = [];
        while ((node = walker.nextNode())) {
            nodes.push([node, all.length]);
            all += node.textContent;
        }
        const at = all.indexOf(passage), end = at + passage.length;
        const rect = (pos) => {
            for (const [n, base] of nodes) {
                if (pos < base + n.textContent.length) {
                    const r = document.createRange();
                    r.setStart(n, pos - base); r.setEnd(n, pos - base + 1);
                    return r.getBoundingClientRect();
                }
            }
        };
        const a = rect(at), b = rect(end - 1);
        return {x1: a.left + 1, y1: a.top + a.height / 2,
                x2: b.right - 1, y2: b.top + b.height / 2};
    }""", passage)
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def _shot(page: Any, backend: str, name: str) -> None:
    # Every run keeps its shot in .artifacts/; docs/screenshots only when asked (one backend).
    shot = screenshot(page, f"{name}-{backend}")
    if backend == "sqlite":
        keep_for_docs(shot, name)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_code_an_act_from_a_testimony(staff_site: str, archive: Archive, backend: str,
                                      lang: str) -> None:
    source = make_source(archive, level="internal", kind="testimony", text=TEXT,
                         title="가상 증언 (시험용)")
    witness = make_person(archive, level="restricted", name="가상 목격자")
    with browser() as chromium:
        page = chromium.new_page(base_url=staff_site, viewport={"width": 1280, "height": 900})
        refused = csp_violations(page)
        sign_in(page)
        page.goto(f"/staff/sources/{source}?lang={lang}")
        _keyboard_select(page, KEYBOARD)
        start = TEXT.index(KEYBOARD)
        # The page sets the offsets on "selectionchange", which the browser fires after the
        # key press returns: wait for the last one (a bare read saw the end one press short).
        expect(page.locator("#code-act .sel-start")).to_have_value(str(start))
        expect(page.locator("#code-act .sel-end")).to_have_value(str(start + len(KEYBOARD)))
        page.select_option("#act-type", "torture")
        page.fill("#act-event-title", "보위부 구류장 구타 (가상)")
        page.fill("#act-victim-name", "가상인물")
        page.select_option("#act-connection", "witness")
        page.click("#code-act button[type=submit]")
        page.wait_for_url("**/staff/records/act/*")
        act_id = int(page.url.rsplit("/", 1)[1].split("?")[0])
        assert KEYBOARD in page.inner_text("[data-related=evidence]")
        # The act's page links back into the source at that passage.
        page.click("a.to-passage")
        page.wait_for_url(f"**/staff/sources/{source}#evidence-*")
        lit = page.locator("mark.evidence.current")
        assert lit.count() >= 1 and KEYBOARD in "".join(lit.all_inner_texts())
        assert page.locator(f"sup.ev-ref a[href='/staff/records/act/{act_id}']").count() == 1
        # A second passage, with the mouse, made evidence of the new event, found by name in
        # the record picker and chosen with the arrow key and Enter.
        _mouse_select(page, MOUSE)
        expect(page.locator("#link-record .sel-start")).to_have_value(str(TEXT.index(MOUSE)))
        page.click("#link-to")
        page.keyboard.type("보위부 구류장 구타")
        page.wait_for_selector("#link-to-list [role=option]")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        event_id = archive.get(ADMIN, "act", act_id)["fields"]["event"]["id"]
        assert page.input_value("#link-record .pick-value") in (f"event:{event_id}",
                                                                 f"act:{act_id}")
        page.click("#link-record button[type=submit]")
        page.wait_for_url(f"**/staff/sources/{source}#evidence-*")
        # The new event has the first passage as evidence too: event, act, event again.
        assert page.locator("#evidence-list li").count() == 3
        assert serious_violations(page) == []
        page.goto(page.url)  # the anchor of the new passage, lit
        # The whole text and its evidence list in view for the screenshot.
        page.evaluate("window.scrollTo(0, document.getElementById('select-help')"
                      ".getBoundingClientRect().top + window.scrollY - 20)")
        _shot(page, backend, f"coding-{lang}")
        # The victim's page: the act, its event, and a relation with the witness.
        act = archive.get(ADMIN, "act", act_id)
        victim = act["fields"]["victim"]["id"]
        archive.create(ADMIN, "relation", {"level": "restricted", "person_a": witness,
                                           "person_b": victim, "kind": "witness_of"})
        page.goto(f"/staff/records/person/{victim}?lang={lang}")
        assert page.locator(f"[data-related=acts_as_victim] a[href='/staff/records/act/"
                            f"{act_id}']").count() == 1
        assert page.locator("[data-related=events] li a").count() == 1
        assert page.locator(f"[data-related=relations] a[href='/staff/records/person/"
                            f"{witness}']").count() == 1
        assert serious_violations(page) == []
        page.locator("#related").scroll_into_view_if_needed()
        _shot(page, backend, f"person-{lang}")
        assert refused == []


def test_a_pdf_original_is_drawn(staff_site: str, archive: Archive) -> None:
    data = files.pdf(["[Fictional testimony] The first page of a PDF original.",
                      "The second page."])
    outcome = Ingestor(archive, ADMIN, Options(level="internal")).ingest_bytes(data, "가상.pdf")
    assert outcome.source_id
    with browser() as chromium:
        page = chromium.new_page(base_url=staff_site, viewport={"width": 1280, "height": 900})
        refused = csp_violations(page)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page)
        page.goto(f"/staff/sources/{outcome.source_id}?lang=en")
        page.wait_for_selector("#pdf-status[data-done=true]", timeout=30_000)
        assert page.locator("#pdf-pages canvas").count() == 2
        # Something was drawn: the first page is not blank.
        drawn = page.evaluate("""() => {
            const c = document.getElementById("original-page-1");
            const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 200 && px[i] < 128) return true;
            return false;
        }""")
        assert drawn
        assert refused == [] and errors == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_passage_form_sent_before_a_selection_is_held(staff_site: str, archive: Archive,
                                                        lang: str) -> None:
    source = make_source(archive, level="internal", kind="testimony", text=TEXT,
                         title="가상 증언 (시험용)")
    with browser() as chromium:
        page = chromium.new_page(base_url=staff_site, viewport={"width": 1280, "height": 900})
        sign_in(page)
        page.goto(f"/staff/sources/{source}?lang={lang}")
        # The event form's level speaks the reader's language; its place is a picker.
        levels = page.locator("#ev-level option").all_inner_texts()
        assert levels == (["내부", "제한", "공개"] if lang == "ko"
                          else ["Internal", "Restricted", "Public"])
        assert page.get_attribute("#ev-place", "role") == "combobox"
        # No passage selected yet: nothing is sent, what was typed stays, the coder is told.
        page.fill("#ev-title", "선택 전 제목 (가상)")
        page.click("#code-event button[type=submit]")
        expect(page.locator("#need-passage")).to_be_visible()
        assert page.url.endswith(f"/staff/sources/{source}?lang={lang}")
        assert page.input_value("#ev-title") == "선택 전 제목 (가상)"
        _mouse_select(page, MOUSE)
        expect(page.locator("#sel-quote")).to_have_value(MOUSE)
        page.click("#code-event button[type=submit]")
        page.wait_for_url("**/staff/records/event/*")
        # The new event in the workspace, its passage quoted (no public page would show it).
        assert MOUSE in page.inner_text("[data-related=evidence]")
