"""The public site in a real browser (Chromium): search in Korean and English with a facet
click, the language switch, a phone-sized screen, screenshots and accessibility checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sillok.archive.lifecycle import build_demo
from sillok.config import Settings
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve


@pytest.fixture
def site(empty_settings: Settings) -> Iterator[str]:
    build_demo(empty_settings)
    with serve(empty_settings) as url:
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


@pytest.mark.parametrize("path", ["/", "/search?q=탈북민", "/sources/1", "/events/1",
                                  "/places/cn", "/stats", "/about"])
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
