"""Issue 19 §3 and §7 in a real browser (Chromium), on the fictional demo archive: a search
offers its vocabulary term as a filter and says what the thesaurus also searched, in Korean
and English; the statistics dashboard applies a filter from its form and downloads the chart's
CSV with that filter, and the arrivals series behind "34 in 2023 Q1"."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import test_browser_public
from tests.browser import browser, csp_violations, screenshot

site = test_browser_public.site  # the demo archive, served (a fixture)


@pytest.fixture
def chromium(site: str) -> Iterator[Any]:
    with browser() as b:
        yield b


def _page(chromium: Any, site: str, locale: str) -> Any:
    return chromium.new_context(locale=locale, base_url=site, accept_downloads=True).new_page()


def test_search_suggests_the_type_and_shows_the_thesaurus(chromium: Any, site: str,
                                                          backend: str) -> None:
    page = _page(chromium, site, "ko-KR")
    page.goto("/")
    page.get_by_role("searchbox").fill("강제북송 탈북자")
    page.get_by_role("button", name="검색").click()
    page.wait_for_url("**/search?q=*")
    suggestion = page.locator("#term-suggestions a.term-link").first
    assert suggestion.inner_text() == "강제송환"
    also = page.inner_text("#also-searched")
    assert "탈북민" in also and "defector" in also
    assert not [t for t in page.locator("ol.hits .type").all_inner_texts() if t == "용어"]
    screenshot(page, f"search-suggestion-ko-{backend}")
    suggestion.click()
    page.wait_for_url("**act%3Aforced_repatriation*")
    assert {t.strip() for t in page.locator("ol.hits .type").all_inner_texts()} == {"행위"}

    english = _page(chromium, site, "en-GB")
    english.goto("/search?q=defector&lang=en")
    also = english.inner_text("#also-searched")
    assert "Also searched" in also and "탈북민" in also and "북한이탈주민" in also
    marks = english.locator("ol.hits mark").all_inner_texts()
    assert marks and all(m.lower() not in ("to", "north", "un") for m in marks)
    english.goto("/search?q=kwalliso&lang=en")
    hrefs = [a.get_attribute("href") for a in
             english.locator("#term-suggestions a.term-link").all()]
    assert "/search?q=kwalliso+facility%3Akwalliso" in hrefs  # through the thesaurus
    assert "/search?q=kwalliso+act%3Adetention_kwalliso" in hrefs  # the act type's synonym
    screenshot(english, f"search-suggestion-en-{backend}")


def test_dashboard_filter_and_csv_download(chromium: Any, site: str, backend: str) -> None:
    page = _page(chromium, site, "ko-KR")
    blocked = csp_violations(page)
    page.goto("/stats")
    assert "34" in page.inner_text("#seed-headline")
    assert page.inner_text("#arrivals-2023-Q1").split()[:2] == ["2023-Q1", "34"]
    assert page.locator("#why-no-sex-age").is_visible()
    assert page.locator("#f-sex").count() == 0  # refused publicly, explained instead
    page.fill("#f-from", "2015")
    page.select_option("#f-act", "torture")
    page.click("#stats-form button[type=submit]")
    page.wait_for_url("**act=torture*")
    assert page.input_value("#f-from") == "2015"
    # The chart drew, so its PNG and SVG buttons are offered.
    page.wait_for_selector('button.dl-svg[data-chart="chart-acts-type"]:not([hidden])')
    with page.expect_download() as info:
        page.click('p[data-chart="chart-acts-type"] a.dl-csv')
    download = info.value
    assert "act=torture" in download.url and "from=2015" in download.url
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["침해 유형", "침해 유형 (이름)", "행위"]
    assert {r[0] for r in rows[1:] if r[0]} <= {"torture"}
    with page.expect_download() as svg:
        page.click('button.dl-svg[data-chart="chart-acts-type"]')
    assert Path(svg.value.path()).read_text(encoding="utf-8").lstrip().startswith("<svg")
    with page.expect_download() as quarterly:
        page.click('p[data-chart="chart-quarter"] a.dl-csv')
    text = Path(quarterly.value.path()).read_text(encoding="utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["기간"] == "2023-Q1")
    assert row["합계"] == "34" and "http" in row["출처"]
    assert blocked == []
    screenshot(page, f"stats-dashboard-ko-{backend}")
