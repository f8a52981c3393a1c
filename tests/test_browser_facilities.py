"""A facility page and the site-wide timeline in a real browser (Chromium), in Korean and in
English: what a visitor reads, what the drawing shows, no accessibility or CSP failure, and the
screenshots kept in docs/screenshots/ when asked (SILLOK_DOC_SCREENSHOTS=1). The acts drawn
are fictional."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.browser import (
    browser,
    csp_violations,
    keep_for_docs,
    screenshot,
    serious_violations,
    serve,
)
from tests.conftest import ADMIN, make_event, make_person

YODOK = "kp-08-yodok-kwalliso-15"
# Fictional acts: (facility, act type, date as known) — a day, months, years, estimates, ranges.
ACTS = [
    (YODOK, "detention_kwalliso", "~1999"), (YODOK, "detention_kwalliso", "2001/2004"),
    (YODOK, "forced_labour", "2002-06"), (YODOK, "torture", "2003-02-11"),
    (YODOK, "forced_labour", "~2006-08"), (YODOK, "death_in_custody", "2008"),
    (YODOK, "detention_kwalliso", "2009/2013"), (YODOK, "torture", "2011-Q3"),
    ("kp-09-onsong-mss-holding", "torture", "2019-10-12"),
    ("kp-09-onsong-mss-holding", "forced_repatriation", "2019-10-09"),
    ("cn-tumen-border-detention", "arrest_abroad", "~2019-09"),
]


@pytest.fixture
def site(settings: Settings, archive: Archive) -> Iterator[str]:
    for i, (facility, act_type, when) in enumerate(ACTS):
        event = make_event(archive, level="public", title=f"[가상] 시험 사건 {i + 1}",
                           date=when, places=["kp-08"])
        archive.create(ADMIN, "act", {
            "level": "public", "event": event, "act_type": act_type, "date": when,
            "victim": make_person(archive, level="public", name=f"가상 인물 {i + 1}"),
            "facility": facility, "description": "[가상] 시연용 기록"})
    with serve(settings) as url:
        yield url


@pytest.fixture
def chromium(site: str) -> Iterator[Any]:
    with browser() as b:
        yield b


def _shot(page: Any, name: str, backend: str) -> None:
    shot = screenshot(page, f"{name}-{backend}")
    if backend == "sqlite":  # the documentation's copy, when asked: one backend is enough
        keep_for_docs(shot, name)


@pytest.mark.parametrize("lang,words", [
    ("ko", ("요덕 제15호 관리소", "국가보위성", "폐쇄", "2014년", "연표를 표로 보기")),
    ("en", ("Kwalliso No. 15 Yodok", "Ministry of State Security (MSS)", "Closed", "2014",
            "The timeline as a table")),
])
def test_facility_page(chromium: Any, site: str, backend: str, lang: str,
                       words: tuple[str, ...]) -> None:
    context = chromium.new_context(locale="ko-KR" if lang == "ko" else "en-US", base_url=site,
                                   viewport={"width": 1100, "height": 900})
    page = context.new_page()
    refused = csp_violations(page)
    page.goto(f"/facilities/{YODOK}?lang={lang}")
    main = page.inner_text("main")
    for word in words:
        assert word in main, word
    bars = page.locator("figure.timeline rect.bar")
    assert bars.count() == sum(1 for f, _t, _w in ACTS if f == YODOK)
    assert page.locator("figure.timeline rect.bar.estimate").count() == 2  # ~1999, ~2006-08
    box = page.locator("figure.timeline svg").bounding_box()
    assert box and box["width"] > 600  # drawn, at the page's width
    page.locator("details.timeline-table summary").click()
    assert page.locator("details.timeline-table tbody tr").count() == bars.count()
    assert serious_violations(page) == []
    assert refused == []
    _shot(page, f"facility-{lang}", backend)
    # From the facility to its records: the first bar is a link to an act.
    page.locator("figure.timeline a").first.click()
    page.wait_for_url("**/records/act/*")
    context.close()


@pytest.mark.parametrize("lang,heading", [("ko", "기록된 인권침해 연표"),
                                          ("en", "Timeline of documented acts")])
def test_site_timeline(chromium: Any, site: str, backend: str, lang: str, heading: str) -> None:
    context = chromium.new_context(base_url=site, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    refused = csp_violations(page)
    page.goto(f"/timeline?lang={lang}")
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("figure.timeline rect.bar").count() == len(ACTS)
    # The filters are in the query string: a type narrows the drawing.
    page.locator("select[name=type]").select_option("torture")
    page.locator("input[name=from]").fill("2000")
    page.locator("form.timeline-filters button").click()
    page.wait_for_url("**type=torture**")
    assert page.locator("figure.timeline rect.bar").count() == sum(
        1 for _f, t, w in ACTS if t == "torture" and w >= "2000")
    page.goto(f"/timeline?lang={lang}")
    assert serious_violations(page) == []
    assert refused == []
    _shot(page, f"timeline-{lang}", backend)
    context.close()
