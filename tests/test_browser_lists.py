"""The staff lists in a real browser (issue 18 point 8), on both databases, in Korean and
English: the card/table toggle (remembered), a bulk raise to public that is refused for an
event resting on a restricted source and then applied to the others, a bulk assignment, and
an export of the selected rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.auth_helpers import make_user
from tests.browser import browser, csp_violations, serious_violations, serve
from tests.conftest import ADMIN, make_event, make_source
from tests.module_archive import module_archive
from tests.test_browser_staff import sign_in

TEXT = "[가상 증언 — 시험용] 2022년 11월 회령에서 체포되었다. 이웃도 함께 잡혀갔다."


def _cite(archive: Archive, event_id: int, source_id: int, level: str) -> None:
    archive.create(ADMIN, "evidence", {
        "level": level, "source": source_id, "record": {"type": "event", "id": event_id},
        "quote": "회령에서 체포되었다"})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[str, Settings, dict[str, int]]]:
    with module_archive(request.param, request, tmp_path_factory) as settings:
        archive = Archive.open(settings)
        internal = make_source(archive, "internal", text=TEXT, title="내부 증언 (가상)")
        restricted = make_source(archive, "restricted", text=TEXT, title="제한 증언 (가상)")
        ids = {"first": make_event(archive, "internal", title="회령 체포 (가상) 1"),
               "blocked": make_event(archive, "internal", title="회령 체포 (가상) 2"),
               "third": make_event(archive, "internal", title="회령 체포 (가상) 3")}
        _cite(archive, ids["first"], internal, "internal")
        _cite(archive, ids["blocked"], restricted, "restricted")
        ids["restricted_source"] = restricted
        archive.close()
        make_user(settings, "browser-editor", "editor")
        make_user(settings, "coder-park", "editor")
        with serve(settings) as url:
            yield url, settings, ids


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


def _levels(settings: Settings, ids: list[int]) -> dict[int, str]:
    archive = Archive.open(settings)
    try:
        return {i: archive.get(ADMIN, "event", i)["level"] for i in ids}
    finally:
        archive.close()


def _tick(page: Any, event_id: int) -> None:
    """A row's checkbox, reached with the keyboard and ticked with Space."""
    page.focus(f"#pick-{event_id}")
    page.keyboard.press("Space")


def test_toggle_bulk_level_assign_export(site: tuple[str, Settings, dict[str, int]],
                                         chromium: Any) -> None:
    url, settings, ids = site
    events = [ids["first"], ids["blocked"], ids["third"]]
    context = chromium.new_context(base_url=url, locale="ko-KR", viewport={"width": 1200,
                                                                            "height": 900})
    page = context.new_page()
    blocked_by_csp = csp_violations(page)
    sign_in(page)

    # Korean first: the table, with level badges; then the cards, remembered next time.
    page.goto("/staff/lists/events?lang=ko")
    assert page.locator("#list-table").is_visible()
    assert page.locator("#list-table .badge.level-internal").count() == 3
    assert page.locator("h1").inner_text() == "사건"
    assert serious_violations(page) == []
    # A one-word Korean header (담당자) sits on one line: lines of its text, counted.
    broken = page.evaluate("""() => [...document.querySelectorAll('#list-table th')]
        .filter(th => th.innerText.trim() && !/\\s/.test(th.innerText.trim()))
        .filter(th => { const r = document.createRange(); r.selectNodeContents(th);
                        return new Set([...r.getClientRects()].map(b => Math.round(b.top)))
                               .size > 1; })
        .map(th => th.innerText.trim())""")
    assert broken == [], broken
    page.click("#view-cards")
    page.wait_for_url("**view=cards*")
    assert page.locator("#list-cards li.card").count() == 3
    assert serious_violations(page) == []
    page.goto("/staff/lists/events")
    assert page.locator("#list-cards").is_visible(), "the card view is remembered"
    page.focus("#view-table")
    page.keyboard.press("Enter")
    page.wait_for_url("**view=table*")
    assert page.locator("#list-table").is_visible()

    # Raise all three to public: refused as a whole, with the reason on the blocked row.
    page.check("#select-all")
    assert "3" in page.inner_text("#selected-count")
    page.select_option("#bulk-action", "level")
    page.select_option("#bulk-level", "public")
    page.fill("#bulk-reason", "공개 검토 완료")
    page.click("#bulk-apply")
    page.wait_for_selector("#bulk-refused")
    blocked_row = page.locator("#bulk-rows tr.row-refused")
    assert blocked_row.count() == 1
    # The page is in Korean, so the refusal is too.
    assert f"제한 자료 #{ids['restricted_source']}" in blocked_row.inner_text()
    assert page.locator("#bulk-rows tr.row-would_change").count() == 2
    assert serious_violations(page) == []
    assert _levels(settings, events) == dict.fromkeys(events, "internal")
    # Then to the two others only.
    page.click("#apply-others button")
    page.wait_for_selector("#bulk-done")
    assert _levels(settings, events) == {ids["first"]: "public", ids["blocked"]: "internal",
                                         ids["third"]: "public"}
    page.click("#back-to-list")
    assert page.locator("#list-table .badge.level-public").count() == 2

    # English: assign two rows (chosen with the keyboard), then export them.
    page.goto("/staff/lists/events?lang=en&sort=id")
    assert page.locator("h1").inner_text() == "Events"
    _tick(page, ids["first"])
    _tick(page, ids["third"])
    assert "2 selected" in page.inner_text("#selected-count")
    page.select_option("#bulk-action", "assign")
    assert page.locator("#bulk-reason").is_hidden()
    page.select_option("#bulk-assignee", "coder-park")
    page.click("#bulk-apply")
    page.wait_for_selector("#bulk-done")
    page.goto("/staff/lists/events?lang=en&assignee=coder-park")
    assert page.locator("#list-table tbody tr").count() == 2
    page.check("#select-all")
    page.select_option("#bulk-action", "export_csv")
    with page.expect_download() as download:
        page.click("#bulk-apply")
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(int(r["id"]) for r in rows) == sorted([ids["first"], ids["third"]])
    assert {r["level"] for r in rows} == {"public"}
    assert blocked_by_csp == []
    context.close()
