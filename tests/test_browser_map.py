"""The map in a real browser (Chromium), in Korean and English: the boundaries and the
choropleth draw (SVG paths), the filter form narrows the data the page loads, the page breaks
no Content-Security-Policy rule, and screenshots go to docs/screenshots/ when asked
(SILLOK_DOC_SCREENSHOTS=1). Counties: the public's page asks for none and draws none; signed
in as staff, the county outlines and the county choropleth draw, with a switch to provinces."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from sillok.config import Settings
from tests.auth_helpers import PASSWORD, make_user
from tests.browser import browser, csp_violations, keep_for_docs, screenshot, serve


@pytest.fixture
def site(demo80_settings: Settings) -> Iterator[str]:
    with serve(replace(demo80_settings, min_cell=3)) as url:
        yield url


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_map_draws_and_filters(site: str, backend: str, lang: str) -> None:
    with browser() as chromium:
        context = chromium.new_context(locale="ko-KR" if lang == "ko" else "en-US",
                                       base_url=site, viewport={"width": 1100, "height": 900})
        page: Any = context.new_page()
        refused = csp_violations(page)
        data_requests: list[str] = []
        page.on("request", lambda r: data_requests.append(r.url)
                if "/map/data.geojson" in r.url else None)
        page.goto(f"/map?lang={lang}")
        page.wait_for_selector("#map[data-drawn]")
        assert page.locator("#map svg path.leaflet-interactive").count() > 0
        assert page.locator("#map svg path").count() >= 11 + int(page.get_attribute(
            "#map", "data-drawn"))  # the base map, then the counts over it
        label = "함경북도" if lang == "ko" else "North Hamgyong"
        assert page.locator(".map-label", has_text=label).count() == 1
        assert int(page.get_attribute("#map", "data-drawn")) > 0
        heading = "인권침해 지도" if lang == "ko" else "Map of documented violations"
        assert page.get_by_role("heading", name=heading).is_visible()
        shot = screenshot(page, f"map-{lang}-{backend}")
        if backend == "sqlite":
            keep_for_docs(shot, f"map-{lang}")
        # The filter form: the page reloads with the filter in its address and loads data
        # narrowed by it.
        page.select_option("#map-act", "torture")
        page.fill("#map-from", "2005")
        page.locator("form.map-filter button").click()
        page.wait_for_url("**act=torture**")
        page.wait_for_selector("#map[data-drawn]")
        assert any("act=torture" in u and "from=2005" in u for u in data_requests)
        assert refused == []
        context.close()


RAMP = ["#fde0c5", "#facba6", "#f59e72", "#e9724c", "#c8503b"]  # map.js


@pytest.fixture
def staff_site(demo80_settings: Settings) -> Iterator[str]:
    settings = replace(demo80_settings, min_cell=3)
    make_user(settings, "map-editor", "editor")
    with serve(settings) as url:
        yield url


def test_counties_draw_for_staff_and_never_for_the_public(staff_site: str, backend: str) -> None:
    with browser() as chromium:
        context = chromium.new_context(locale="en-US", base_url=staff_site,
                                       viewport={"width": 1100, "height": 900})
        page: Any = context.new_page()
        refused = csp_violations(page)
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/map/" in r.url else None)
        page.goto("/map?lang=en")
        page.wait_for_selector("#map[data-drawn]")
        assert page.get_attribute("#map", "data-counties") is None
        assert page.locator(".leaflet-control-layers").count() == 0
        assert not any("layer=county" in u or "layer=outline" in u for u in asked)
        # Signed in as staff, through the real sign-in page, back to the map.
        page.goto("/login?next=/map")
        page.fill("#username", "map-editor")
        page.fill("#password", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_url("**/map")
        page.wait_for_selector("#map[data-counties]")
        assert page.get_attribute("#map", "data-outlines") == "179"
        counties = int(page.get_attribute("#map", "data-counties"))
        assert counties > 0 and page.get_attribute("#map", "data-layer") == "county"
        assert page.locator("#map svg path").count() >= 179 + counties
        # The counties with records are coloured, over the grey outlines (not hidden by them).
        assert page.evaluate("""(ramp) => {
            const fills = [...document.querySelectorAll("#map svg path")]
                .map((p) => p.getAttribute("fill"));
            const coloured = fills.flatMap((f, i) => ramp.includes(f) ? [i] : []);
            return [coloured.length, coloured[0] > fills.lastIndexOf("#f1f1ee")];
        }""", RAMP) == [counties, True]
        screenshot(page, f"map-staff-counties-{backend}")
        page.get_by_role("radio", name="By province").check()
        assert page.get_attribute("#map", "data-layer") == "province"
        assert refused == []
        context.close()
