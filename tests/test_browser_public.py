"""The public site in a real browser (Chromium): search in Korean and English with a facet
click, the language switch, a phone-sized screen, screenshots and accessibility checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sillok.config import Settings
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve


@pytest.fixture
def site(demo_settings: Settings) -> Iterator[str]:
    with serve(demo_settings) as url:
        yield url


@pytest.fixture
def page(site: str) -> Iterator[Any]:
    with browser() as chromium:
        context = chromium.new_context(locale="ko-KR", base_url=site)
        yield context.new_page()
        context.close()


def test_korean_search_with_a_facet_click(page: Any, backend: str) -> None:
    page.goto("/")
    page.get_by_role("searchbox").fill("강제북송")
    page.get_by_role("button", name="검색").click()
    page.wait_for_url("**/search?q=*")
    assert "<mark>" in page.inner_html("ol.hits")
    total_before = page.inner_text("#total")
    page.click('a[data-facet="type"][data-value="source"]')
    page.wait_for_url("**type%3Asource*")  # htmx pushed the filtered search into the URL
    page.wait_for_selector('a[data-facet="type"][data-value="source"][aria-current="true"]')
    assert page.inner_text("#total") != total_before
    assert {t.strip() for t in page.locator("ol.hits .type").all_inner_texts()} == {"자료"}
    screenshot(page, f"search-ko-{backend}")


def test_english_search_finds_the_hangul_name(page: Any, backend: str) -> None:
    page.goto("/search?q=Kim+Jong+Un&lang=en")
    marks = page.locator("ol.hits mark").all_inner_texts()
    assert "김정은" in marks
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, f"search-en-{backend}")


def test_language_switch(page: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Search the archive").is_visible()
    page.goto("/stats")  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="한국어").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ko"


def test_korean_journey_from_search_to_open_data(page: Any, backend: str) -> None:
    """강제북송 → an event → its act → statistics → open data CSV, all in Korean, every code
    shown as its label; a mistyped address gets a Korean page with the search bar."""
    refused = csp_violations(page)
    page.goto("/")
    page.get_by_role("searchbox").fill("강제북송")
    page.get_by_role("button", name="검색").click()
    page.wait_for_url("**/search?q=*")
    page.locator('ol.hits a[href^="/events/"]', has_text="Mass forced repatriation").click()
    page.wait_for_url("**/events/*")
    main = page.inner_text("main")
    assert "강제송환" in main and "2023년 10월 9일" in main and "도문, 연변" in main
    for code in ("forced_repatriation", "cn-tumen", "repatriated", "act_type"):
        assert code not in main, code
    page.locator('main ul a[href^="/records/act/"]').first.click()
    page.wait_for_url("**/records/act/*")
    assert page.get_by_role("heading", name="이 기록 인용하기").is_visible()
    assert page.url.split("?")[0] in page.inner_text("#citation")
    screenshot(page, f"act-ko-{backend}")
    page.get_by_role("link", name="통계").first.click()
    page.wait_for_url("**/stats")
    assert page.get_by_role("heading", name="연도별 입국 인원").is_visible()
    assert "nk-facts" not in page.content() and "https://en.yna.co.kr" in page.content()
    page.get_by_role("link", name="공개 데이터").first.click()
    page.wait_for_url("**/data")
    with page.expect_download() as download:
        page.locator('a[href^="/data/arrivals-quarter.csv"]').click()
    csv_path = download.value.path()
    with open(csv_path, encoding="utf-8-sig") as fh:
        assert fh.readline().startswith("기간,합계,남성,여성")
    page.goto("/sources/abc")
    assert page.get_by_role("heading", name="찾을 수 없습니다").is_visible()
    assert page.get_by_role("searchbox").is_visible()
    assert refused == []


@pytest.mark.parametrize("path", ["/", "/search?q=탈북민", "/sources/1", "/events/1",
                                  "/records/act/1", "/places/cn", "/stats", "/about"])
def test_main_pages_accessible_and_phone_sized(site: str, path: str, backend: str) -> None:
    with browser() as chromium:
        context = chromium.new_context(locale="ko-KR", base_url=site,
                                       viewport={"width": 390, "height": 844})
        page = context.new_page()
        refused = csp_violations(page)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # Every script and style the page needs is allowed by its Content-Security-Policy
        # (security_headers.py): nothing inline, the charts drawn.
        assert refused == []
        if path == "/stats":
            assert page.locator("#chart-year canvas, #chart-year svg").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} scrolls sideways on a phone ({width}px)"
        name = path.strip("/").replace("/", "-").replace("?", "-") or "home"
        screenshot(page, f"phone-{name}-{backend}")
        assert serious_violations(page) == []
        context.close()
