"""A journalist's journey through the public site in a real browser (Chromium), in Korean and
in English, the way issue 19 tells it: type 강제북송 (forced repatriation) on the home page →
open a forced repatriation from the results → follow it to the facility where it ended → that
facility's region on the map → the statistics with the same filter → download the CSV.

Every step asserts what the reader sees, in their language; the map step also checks the
GeoJSON the page loaded (nothing below the public grain, nothing under k). Screenshots of every
page visited go to docs/screenshots/ when asked (SILLOK_DOC_SCREENSHOTS=1). One archive (the
hand-written demo and 80 generated events, all fictional) and one browser serve the whole
module; SQLite only — the pages' data paths run on PostgreSQL in test_browser_map,
test_browser_facilities and the route tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.security.policy import Actor
from tests.browser import (
    browser,
    csp_violations,
    keep_for_docs,
    screenshot,
    serious_violations,
    serve,
)
from tests.conftest import _copy_of_built

K = 3  # small cells: the module's archive is small, and some regions must be drawn


@dataclass(frozen=True)
class Site:
    url: str
    # Public forced repatriations that name a facility, by act id: the facility's code.
    repatriations: dict[int, str]


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # A copy of the session's demo80 archive (tests/conftest.py), served with a small k.
    for built in _copy_of_built("demo80", "sqlite", tmp_path_factory.mktemp("journey"),
                                request):
        settings = replace(built, min_cell=K)
        archive = Archive.open(settings)
        try:
            acts = archive.list_records(Actor.anonymous(), "act", limit=1000).items
        finally:
            archive.close()
        found = {int(a["id"]): str(a["fields"]["facility"]) for a in acts
                 if a["fields"].get("act_type") == "forced_repatriation"
                 and a["fields"].get("facility")}
        assert found, "the generated demo names facilities for forced repatriations"
        with serve(settings) as url:
            yield Site(url, found)


@pytest.fixture(scope="module")
def chromium(site: Site) -> Iterator[Any]:
    with browser() as b:
        yield b


def _shot(page: Any, name: str) -> None:
    keep_for_docs(screenshot(page, name), name)


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


# Korean follows a repatriation to a North Korean holding centre, English one to a Chinese
# detention centre: between them both kinds of map unit (a province, a country).
JOURNEYS = {
    "ko": {"query": "강제북송", "abroad": False, "results": "결과", "act": "강제송환",
           "facility_row": "시설", "map": "인권침해 지도", "stats_link": "이 조건의 통계",
           "csv_head": ["도", "도 (이름)", "행위", "피해자", "사건"]},
    "en": {"query": "forced repatriation", "abroad": True, "results": "results",
           "act": "Forced repatriation", "facility_row": "Facility",
           "map": "Map of documented violations", "stats_link": "Statistics with these filters",
           "csv_head": ["Province", "Province (name)", "Acts", "Victims", "Events"]},
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_journalist_goes_from_a_search_to_a_csv(chromium: Any, site: Site, lang: str,
                                                  tmp_path: Path) -> None:
    words = JOURNEYS[lang]
    context = chromium.new_context(locale="ko-KR" if lang == "ko" else "en-US",
                                   base_url=site.url, viewport={"width": 1100, "height": 900},
                                   accept_downloads=True)
    page: Any = context.new_page()
    refused = csp_violations(page)
    data_requests: list[str] = []
    page.on("request", lambda r: data_requests.append(r.url)
            if "/map/data.geojson" in r.url else None)

    # 1. The home page: the search bar, in the reader's language.
    page.goto(f"/?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert serious_violations(page) == []
    _shot(page, f"home-{lang}")
    page.fill("input[name=q]", str(words["query"]))
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?**")

    # 2. The results: records, the thesaurus's expansion shown, acts among them.
    assert str(words["results"]) in _main(page)
    assert page.locator("a[href^='/records/act/']").count() > 0
    assert page.locator("a[href='/search/thesaurus']").count() == 1
    assert serious_violations(page) == []
    _shot(page, f"search-{lang}")
    wanted = {i: code for i, code in site.repatriations.items()
              if code.startswith("cn-") == words["abroad"]}
    assert wanted
    for _page in range(10):  # the reader pages on until a repatriation names a facility
        hrefs = page.eval_on_selector_all("a[href^='/records/act/']",
                                          "links => links.map(a => a.getAttribute('href'))")
        hit = next((h for h in hrefs if int(h.rsplit("/", 1)[1]) in wanted), None)
        if hit:
            break
        page.locator("a[rel=next]").first.click()
        page.wait_for_load_state()
    else:
        pytest.fail("no forced repatriation with a facility in the results")
    act_id = int(hit.rsplit("/", 1)[1])
    facility = wanted[act_id]
    page.locator(f"a[href='{hit}']").first.click()
    page.wait_for_url(f"**/records/act/{act_id}")

    # 3. The act: its violation and its facility, as labels; a citation.
    main = _main(page)
    assert str(words["act"]) in page.inner_text("h1")
    assert str(words["facility_row"]) in main and "forced_repatriation" not in main
    assert page.locator("#citation").count() == 1
    assert serious_violations(page) == []
    _shot(page, f"act-{lang}")
    page.locator(f"a[href='/facilities/{facility}']").first.click()
    page.wait_for_url(f"**/facilities/{facility}")

    # 4. The facility: names in both languages, the repatriation among its records.
    assert page.locator(f"a[href='/records/act/{act_id}']").count() >= 1
    assert page.locator("figure.timeline rect.bar").count() >= 1
    region = "cn" if words["abroad"] else facility.split("-")[0] + "-" + facility.split("-")[1]
    map_link = page.locator(f"a[href='/map?filter=province:{region}']")
    assert map_link.count() == 1
    assert serious_violations(page) == []
    _shot(page, f"journey-facility-{lang}")
    map_link.click()
    page.wait_for_selector("#map[data-drawn]")

    # 5. The map of that region: drawn on the shipped boundaries, and the data the page
    # loaded holds nothing finer than a province (a country abroad) and no cell under k.
    assert page.get_by_role("heading", name=str(words["map"])).is_visible()
    assert any(f"province%3A{region}" in u or f"province:{region}" in u
               for u in data_requests)
    doc = page.request.get(f"/map/data.geojson?filter=province:{region}").json()
    assert doc["grain"] == "province" and doc["suppressed_below"] == K
    assert [f["id"] for f in doc["features"]] == [region]
    for feature in doc["features"]:
        assert feature["properties"]["victims"] >= K and feature["geometry"] is not None
    for point in page.request.get("/map/data.geojson?layer=facility").json()["features"]:
        assert "acts" not in point["properties"]
    assert page.request.get("/map/data.geojson?layer=county").json()["features"] == []
    assert int(page.get_attribute("#map", "data-drawn")) == 1
    assert page.locator(f".map-table a[href='/places/{region}']").count() == 1
    _shot(page, f"journey-map-{lang}")
    page.get_by_role("link", name=str(words["stats_link"])).click()
    page.wait_for_url("**/stats?**")

    # 6. The statistics with the same filter, and the CSV a journalist takes away.
    assert page.locator("#stats-filter").input_value() == f"province:{region}"
    assert serious_violations(page) == []
    _shot(page, f"stats-{lang}")
    with page.expect_download() as info:
        page.locator("a[href^='/stats/province.csv']").first.click()
    download = info.value
    assert download.suggested_filename == "acts-province.csv"
    saved = tmp_path / "acts-province.csv"
    download.save_as(str(saved))
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == words["csv_head"]
    regions = {r[0] for r in rows[1:] if r[0]}
    assert regions == {region}  # the filter travelled from the map to the file
    assert refused == []
    context.close()
