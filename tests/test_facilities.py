"""Detention facilities and timelines (issue 19 points 5 and 6, issue 23 point 6), on both
backends: the gazetteer's facilities with their sources, their names found by search and by
suggestions, the facility pages in both languages with only what the reader may see, and
timelines that draw fuzzy dates as ranges. Every act here is fictional."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient

from sillok.archive.dates import parse
from sillok.archive.seed import gazetteer_records, vocabulary_records
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.extract.lexicon import lexicon_for
from sillok.search.service import search
from sillok.security.policy import Role
from sillok.web.app import create_app
from sillok.web.timeline import Item, layout
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANON, make_event, make_person

YODOK = "kp-08-yodok-kwalliso-15"
ONSONG = "kp-09-onsong-mss-holding"
# What issue 19 point 5 names, by type: kwalliso, kyohwaso, MSS holding centres in the border
# cities, Chinese detention centres.
NAMED = {
    "kwalliso": {"kp-02-kaechon-kwalliso-14", YODOK, "kp-09-hwasong-kwalliso-16",
                 "kp-09-chongjin-kwalliso-25", "kp-09-hoeryong-kwalliso-22"},
    "kyohwaso": {"kp-02-kaechon-kyohwaso", "kp-09-chongori-kyohwaso-12"},
    "mss_detention": {ONSONG, "kp-09-hoeryong-mss-holding", "kp-09-musan-mss-holding",
                      "kp-03-sinuiju-mss-holding", "kp-10-hyesan-mss-holding"},
    "foreign_detention": {"cn-tumen-border-detention", "cn-dandong-detention"},
}


# ---------------------------------------------------------------- the gazetteer itself

def test_the_named_facilities_are_in_the_gazetteer_with_sources() -> None:
    places = {str(p["code"]): p for p in gazetteer_records()}
    codes = {t["code"] for t in vocabulary_records() if t["vocabulary"] == "agency"}
    for facility_type, wanted in NAMED.items():
        for code in wanted:
            place = places[code]
            assert place["kind"] == "facility" and place["facility_type"] == facility_type, code
            assert place["agency"] in codes, code
            assert places[str(place["parent"])], code  # its parent is in the gazetteer
            # Every facility cites a public source by its address.
            assert re.search(r"https?://", str(place["source"])), code
            assert any("\uac00" <= ch <= "\ud7a3" for ch in str(place["ko"])), code
    for place in places.values():
        for key in ("opened", "closed"):
            if place.get(key):
                parse(str(place[key]))  # a date the archive understands
    assert places[YODOK]["closed"] == "2014"
    assert places["kp-09-hoeryong-kwalliso-22"]["closed"] == "2012"
    kinds = {p["kind"] for p in places.values()}
    assert {"market", "border_crossing"} <= kinds


def test_facilities_are_seeded_with_their_dates(archive: Archive) -> None:
    rec = archive.list_records(ANON, "place", {"code": YODOK}, limit=1).items[0]
    assert rec["fields"]["closed"] == "2014" and rec["fields"]["opened"] is None
    assert rec["fields"]["parent"] == "kp-08" and rec["fields"]["agency"] == "mss"


# ---------------------------------------------------------------- names found by search

def _act(archive: Archive, level: str, facility: str, when: str,
         act_type: str = "detention_kwalliso", event: int | None = None) -> int:
    event = event or make_event(archive, level=level, title="[가상] 시설 사건", date=when,
                                places=["kp-08"])
    return archive.create(ADMIN, "act", {
        "level": level, "event": event, "victim": make_person(archive, level=level),
        "act_type": act_type, "date": when, "facility": facility,
        "description": "[가상] 시험용 기록"})


def test_facility_names_find_its_records_and_suggestions(archive: Archive) -> None:
    act = _act(archive, "public", YODOK, "~2001")
    yodok = archive.list_records(ANON, "place", {"code": YODOK}, limit=1).items[0]["id"]
    for name in ('"Yodok concentration camp"', '"Camp 15"', "요덕 제15호 관리소", "Yodeok"):
        # The facility by any of its names, in any script.
        named = search(archive, ANON, name, limit=20)
        assert ("place", yodok) in {(i["type"], i["id"]) for i in named.items}, name
    for name in (YODOK, '"Yodok concentration camp"', '"요덕 정치범수용소"'):
        # The records made there, by the facility's code or names.
        found = search(archive, ANON, f"place:{name} 시험용", limit=20)
        assert act in {i["id"] for i in found.items if i["type"] == "act"}, name
    with archive.sessions() as session:
        lexicon = lexicon_for(session)
    text = "[가상] 그는 요덕 제15호 관리소에서 3년을 보냈고 Camp 14 출신과 만났다."
    places = {h.value.get("code") for h in lexicon.find(text) if h.kind == "place"}
    assert {YODOK, "kp-02-kaechon-kwalliso-14"} <= places


# ---------------------------------------------------------------- pages

@pytest.fixture
def facts(archive: Archive) -> dict[str, int]:
    """Fictional acts at Yodok: public ones with fuzzy dates, and a restricted one."""
    ids = {"public_year": _act(archive, "public", YODOK, "~2003"),
           "public_month": _act(archive, "public", YODOK, "2009-05", "torture"),
           "public_range": _act(archive, "public", YODOK, "2010/2012"),
           "restricted": _act(archive, "restricted", YODOK, "2011-03-04")}
    ids["event"] = make_event(archive, level="public", title="[가상] 온성 구류 사건",
                              date="~2019-10", places=["kp-09-onsong"])
    ids["event_act"] = _act(archive, "public", ONSONG, "2019-10-09", "forced_repatriation",
                            event=ids["event"])
    return ids


@pytest.fixture
def web(settings: Settings, archive: Archive, facts: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _bars(html: str) -> dict[str, tuple[str, str, bool]]:
    """Each drawn bar: its record's address → (start, end, drawn as an estimate)."""
    out = {}
    for m in re.finditer(r'<a href="([^"]+)"><rect class="bar( estimate)?[^"]*" [^>]*'
                         r'data-start="([\d-]+)" data-end="([\d-]+)"', html):
        out[m.group(1)] = (m.group(3), m.group(4), bool(m.group(2)))
    return out


def test_facility_page_shows_names_dates_and_only_public_acts(
        web: TestClient, facts: dict[str, int]) -> None:
    en = web.get(f"/facilities/{YODOK}?lang=en")
    assert en.status_code == 200
    for text in ("Kwalliso No. 15 Yodok", "요덕 제15호 관리소", "Yodok concentration camp",
                 "Political prison camp (kwalliso)", "Ministry of State Security (MSS)",
                 "South Hamgyong", "/map?filter=province:kp-08", "wikipedia.org"):
        assert text in en.text, text
    assert "2014" in en.text.split("Closed", 1)[1][:200]
    bars = _bars(en.text)
    assert bars[f"/records/act/{facts['public_year']}"] == ("2003-01-01", "2003-12-31", True)
    assert bars[f"/records/act/{facts['public_month']}"] == ("2009-05-01", "2009-05-31", False)
    assert bars[f"/records/act/{facts['public_range']}"] == ("2010-01-01", "2012-12-31", False)
    assert f"/records/act/{facts['restricted']}" not in en.text
    # The public gets no count by facility: the province's public statistics at most.
    assert "Acts by year at this facility" not in en.text
    ko = web.get(f"/facilities/{YODOK}?lang=ko")
    for text in ("요덕 제15호 관리소", "관리소(정치범수용소)", "국가보위성", "폐쇄", "2003년경"):
        assert text in ko.text, text
    assert 'role="group"' in ko.text and "<table>" in ko.text


@pytest.mark.parametrize("k", [2, 9])
def test_public_counts_on_facility_and_timeline_pages_use_the_archives_threshold(
        settings: Settings, archive: Archive, k: int) -> None:
    """The threshold an organisation sets (SILLOK_MIN_CELL) is the one /stats uses: a page
    cutting the same table with another would publish cells the statistics hide."""
    for when in ("2003", "2009-05"):
        event = make_event(archive, level="public", title="[가상] 시설 사건", date=when,
                           places=["kp-08"])
        archive.create(ADMIN, "act", {
            "level": "public", "event": event, "victim": make_person(archive),
            "act_type": "detention_kwalliso", "date": when, "place": "kp-08",
            "facility": YODOK, "description": "[가상] 시험용 기록"})
    with TestClient(create_app(replace(settings, min_cell=k))) as c:
        for url in (f"/facilities/{YODOK}?lang=en", "/timeline?lang=en"):
            page = c.get(url)
            assert page.status_code == 200
            assert f"fewer than {k} victims" in page.text, url


def test_staff_see_the_restricted_act_and_the_facilitys_own_counts(
        settings: Settings, facts: dict[str, int]) -> None:
    with signed_in(settings, Role.admin) as c:
        page = c.get(f"/facilities/{YODOK}?lang=en")
    assert f"/records/act/{facts['restricted']}" in page.text
    assert _bars(page.text)[f"/records/act/{facts['restricted']}"][:2] == ("2011-03-04",
                                                                            "2011-03-04")
    assert "Acts by year at this facility" in page.text


def test_facility_list_groups_by_type_and_filters(web: TestClient) -> None:
    page = web.get("/facilities?lang=en")
    assert page.status_code == 200 and f"/facilities/{YODOK}" in page.text
    assert "/facilities/cn-tumen-border-detention" in page.text
    only = web.get("/facilities?lang=en&type=kyohwaso")
    assert "/facilities/kp-02-kaechon-kyohwaso" in only.text and YODOK not in only.text
    assert web.get("/facilities?type=nonsense").status_code == 400


@pytest.mark.parametrize("url", ["/facilities/kp-09", "/facilities/no-such-place",
                                 "/facilities/" + "x" * 300, "/facilities/%20"])
def test_bad_facility_ids_are_a_friendly_404(web: TestClient, url: str) -> None:
    answer = web.get(url)
    assert answer.status_code == 404 and 'class="searchbar"' in answer.text


def test_a_restricted_facility_is_missing_for_the_public(web: TestClient,
                                                         archive: Archive) -> None:
    archive.create(ADMIN, "place", {"level": "restricted", "code": "kp-09-secret-cell",
                                    "kind": "facility", "parent": "kp-09-onsong",
                                    "en": "Fictional cell", "ko": "가상 구류장"})
    assert web.get("/facilities/kp-09-secret-cell").status_code == 404
    assert "kp-09-secret-cell" not in web.get("/facilities").text


# ---------------------------------------------------------------- timelines

def test_site_timeline_draws_fuzzy_dates_as_ranges_and_filters(
        web: TestClient, facts: dict[str, int]) -> None:
    page = web.get("/timeline?lang=en")
    assert page.status_code == 200
    bars = _bars(page.text)
    assert bars[f"/records/act/{facts['public_range']}"] == ("2010-01-01", "2012-12-31", False)
    assert bars[f"/records/act/{facts['event_act']}"] == ("2019-10-09", "2019-10-09", False)
    assert f"/records/act/{facts['restricted']}" not in page.text
    assert "Acts by type and year" in page.text
    torture = _bars(web.get("/timeline?lang=en&type=torture").text)
    assert set(torture) == {f"/records/act/{facts['public_month']}"}
    window = _bars(web.get("/timeline?from=2011&to=2015").text)
    # 2010/2012 reaches into 2011; ~2003 and 2019 do not.
    assert set(window) == {f"/records/act/{facts['public_range']}"}
    ko = web.get("/timeline?lang=ko")
    assert "침해 유형" in ko.text and "2003년경" in ko.text


@pytest.mark.parametrize("query", ["from=abc", "to=99999", "from=2020&to=2010",
                                   "type=no_such_type"])
def test_bad_timeline_filters_are_refused_politely(web: TestClient, query: str) -> None:
    answer = web.get(f"/timeline?{query}&lang=en")
    assert answer.status_code == 400 and 'class="searchbar"' in answer.text


def test_event_and_person_pages_have_their_timelines(
        web: TestClient, archive: Archive, facts: dict[str, int]) -> None:
    event = web.get(f"/events/{facts['event']}?lang=en")
    bars = _bars(event.text)
    # The event's own "around October 2019" is a month drawn as an estimate.
    assert bars[f"/events/{facts['event']}"] == ("2019-10-01", "2019-10-31", True)
    assert f"/records/act/{facts['event_act']}" in bars
    victim = archive.get(ANON, "act", facts["public_month"])["fields"]["victim"]["id"]
    person = web.get(f"/records/person/{victim}?lang=en")
    assert set(_bars(person.text)) == {f"/records/act/{facts['public_month']}"}


def test_layout_packs_overlapping_ranges_into_rows() -> None:
    def item(text: str, lane: str = "torture") -> Item:
        return Item(lane, lane, text, f"/x/{text}", parse(text), text)

    tl = layout([item("2010/2012"), item("2011-05"), item("2013"), item("~2011", "other")])
    assert tl is not None and (tl.first_year, tl.last_year) == (2010, 2013)
    torture, other = tl.lanes
    rows = {b.item.title: b.y for b in torture.bars}
    assert rows["2010/2012"] != rows["2011-05"]  # they overlap: two rows
    assert rows["2013"] == rows["2010/2012"]  # after the range ends: back on the first row
    bars = {b.item.title: b for b in torture.bars}
    assert bars["2010/2012"].x < bars["2011-05"].x < bars["2013"].x
    assert bars["2010/2012"].width > 2 * bars["2013"].width  # three years against one
    assert other.bars[0].estimate and other.y > torture.y
    assert layout([]) is None
    assert item("2011-05").when.start == date(2011, 5, 1)
