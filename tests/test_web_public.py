"""The public site: search with facets and pages in the URL, record pages, Korean and English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.app import create_app
from tests.conftest import ADMIN, make_event, make_person, make_source


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_language_by_header_switch_and_cookie(client: TestClient) -> None:
    assert '<html lang="ko">' in client.get("/").text
    english = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text and "Search the archive" in english.text
    switched = client.get("/search?lang=en")
    assert "lang=en" in switched.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/").text  # remembered by the cookie
    korean = client.get("/?lang=ko")
    assert '<html lang="ko">' in korean.text and "기록 검색" in korean.text


def test_search_facets_pages_and_permissions(client: TestClient, archive: Archive) -> None:
    for i in range(23):
        make_source(archive, title=f"Public fictional report {i}",
                    text=f"[Fictional] 탈북민 {i}명이 강제북송되었다.", published=f"20{10 + i % 5}")
    make_source(archive, level="restricted", title="Restricted testimony SECRETMARK",
                text="[Fictional] 탈북민 강제북송 SECRETMARK")
    page = client.get("/search", params={"q": "강제북송"})
    assert page.status_code == 200
    assert "SECRETMARK" not in page.text
    total = re.search(r"검색 결과 (\d+)건", page.text)
    assert total is not None and int(total.group(1)) >= 23
    assert "<mark>" in page.text
    nxt = re.search(r'href="(/search\?q=[^"]+page=2)"', page.text)
    assert nxt is not None
    second = client.get(nxt.group(1).replace("&amp;", "&"))
    assert "2쪽" in second.text
    facet = re.search(r'href="([^"]+)"[^>]*data-facet="type" data-value="source"', page.text)
    assert facet is not None
    filtered = client.get(facet.group(1).replace("&amp;", "&"), headers={"hx-request": "true"})
    assert "<html" not in filtered.text  # htmx gets the results only
    assert "type:source" in facet.group(1).replace("%3A", ":")
    assert 'aria-current="true"' in filtered.text


def test_nothing_found_offers_help(client: TestClient) -> None:
    page = client.get("/search", params={"q": "xyzzy Hoeryeong", "lang": "en"})
    assert "Nothing found." in page.text
    assert "xyzzy OR Hoeryeong" in page.text
    assert "hoeryong" in page.text.lower()


def test_hostile_query_is_inert(client: TestClient, archive: Archive) -> None:
    make_source(archive, title="Fictional <b>bold</b>",
                text="[Fictional] 강제북송 <script>x</script>")
    page = client.get("/search", params={"q": '"<script>alert(1)</script> OR ) NEAR('})
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    hit = client.get("/search", params={"q": "강제북송"})
    assert "<script>x</script>" not in hit.text and "&lt;script&gt;" in hit.text


def test_record_pages(client: TestClient, archive: Archive) -> None:
    source = make_source(archive, title="Public fictional report")
    event = make_event(archive, title="Fictional arrest in Yanji")
    archive.create(
        ADMIN, "evidence",
        {"level": "public", "source": source, "record": {"type": "event", "id": event},
         "quote": "탈북민 34명"})
    person = make_person(archive, level="restricted", name="RESTRICTEDNAME")
    source_page = client.get(f"/sources/{source}")
    assert "Fictional arrest in Yanji" in source_page.text and "SHA-256" not in source_page.text
    event_page = client.get(f"/events/{event}")
    assert "Public fictional report" in event_page.text and "/places/cn-yanji" in event_page.text
    place_page = client.get("/places/cn-yanji")
    assert "Fictional arrest in Yanji" in place_page.text
    term_page = client.get("/terms/act_type/forced_repatriation")
    assert "강제북송" in term_page.text
    hidden = client.get(f"/records/person/{person}")
    assert hidden.status_code == 404 and "RESTRICTEDNAME" not in hidden.text
    assert client.get("/records/user/1").status_code == 404


def test_act_results_say_when_where_and_at_which_facility(client: TestClient,
                                                          archive: Archive) -> None:
    """An act's label is only its violation; a list of them is told apart by date, place and
    facility, in the reader's language — and only what the reader may see is named."""
    for level, facility in (("public", "kp-10-hyesan-mss-holding"),
                            ("internal", "kp-09-musan-mss-holding")):
        event = make_event(archive, level=level, title="[가상] 송환 사건", date="2019-10")
        archive.create(ADMIN, "act", {
            "level": level, "event": event, "act_type": "forced_repatriation",
            "date": "2019-10-09", "place": "kp-10-hyesan", "facility": facility,
            "victim": make_person(archive, level=level, name="가상 송환자"),
            "description": "[가상] 강제북송"})
    en = client.get("/search", params={"q": "type:act forced repatriation", "lang": "en"})
    assert en.status_code == 200
    assert "9 October 2019 · Hyesan, Ryanggang · Hyesan MSS holding centre, Hyesan" in en.text
    assert "Musan" not in en.text  # the internal act is not found, nor its facility named
    ko = client.get("/search", params={"q": "type:act 강제북송", "lang": "ko"})
    assert "2019년 10월 9일 · 혜산, 양강도 · 혜산 보위부 구류장, 혜산" in ko.text


def test_every_interface_message_has_a_korean_translation() -> None:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    method_map = [("src/sillok/web/**.py", "python"),
                  ("src/sillok/web/templates/**.html", "jinja2")]
    options = {"src/sillok/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    used = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map=method_map, options_map=options):
        used.add(message[0] if isinstance(message, tuple) else message)
    po = root / "src/sillok/web/locale/ko/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="ko")
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog
                  if m.id and m.string and not m.fuzzy}
    assert sorted(used - translated) == []
