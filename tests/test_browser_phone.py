"""Every page of the staff workspace on a 375 px wide phone, in Korean and English: nothing
wider than the screen (``document.documentElement.scrollWidth <= 375``). The pages are the
application's own GET routes under /staff, so a new workspace page is checked without being
listed here. Screenshots: .artifacts/screenshots/phone-*.png; the lists' also in
docs/screenshots/ when asked (SILLOK_DOC_SCREENSHOTS=1, tests/browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.ingest.jobs import start_ingest_job, wait_for_jobs
from sillok.ingest.pipeline import Options
from sillok.security.policy import Actor, Role
from sillok.web.access import rule_for
from sillok.web.app import create_app
from tests.auth_helpers import make_user
from tests.browser import browser, keep_for_docs, screenshot, serve
from tests.conftest import ADMIN, make_person, make_source
from tests.module_archive import module_archive
from tests.test_browser_staff import sign_in
from tests.test_route_matrix import routes

WIDTH = 375
TEXT = ("[가상 증언 — 시험용 자료] 2021년 4월 무산군에서 체포되어 보위부 구류장에 갇혔다. "
        "A very long unbroken identifier: sillok-fictional-0123456789abcdef0123456789abcdef "
        "and https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all.")
# Answers that are not pages of their own: fragments for htmx, downloads, the original file.
# Not pages: fragments htmx swaps into a page (pickers; the OCR jobs list, polled inside the
# source page, which is checked), downloads, and redirects.
NOT_PAGES = ("/staff/pick/{kind}", "/staff/pick/{kind}/new",
             "/staff/sources/{source_id}/custody.{fmt}", "/staff/sources/{source_id}/original",
             "/staff/saved-searches/{search_id}", "/staff/sources/{source_id}/ocr/jobs")


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    with module_archive("sqlite", request, tmp_path_factory) as settings:
        yield from _world(settings)


def _world(settings: Settings) -> Iterator[tuple[str, dict[str, Any]]]:
    archive = Archive.open(settings)
    source = make_source(archive, "internal", text=TEXT, kind="testimony",
                         title="무산 증언 (가상) — " + "긴 제목 " * 8)
    person = make_person(archive, "restricted", name="가상 증언자")
    event = archive.create(ADMIN, "event", {"level": "internal", "title": "무산 체포 (가상)",
                                            "date": "2021-04", "places": ["kp-09"]})
    act = archive.create(ADMIN, "act", {"level": "internal", "event": event, "victim": person,
                                        "act_type": "detention_kuryujang", "date": "2021-04"})
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "act", "id": act},
                                       "quote": "보위부 구류장에 갇혔다"})
    make_user(settings, "browser-editor", "editor")
    # A job is shown to the user who started it.
    job = start_ingest_job(archive, Actor("browser-editor", Role.editor),
                           [("증언-가상.txt", TEXT.encode())], Options(level="internal"))
    wait_for_jobs(60)
    archive.close()
    ids = {"source_id": source, "job_id": job, "person_id": person, "event": event, "act": act}
    app = create_app(settings)
    with serve(settings, app) as url:
        yield url, {**ids, "app": app}


def _pages(ids: dict[str, Any], settings_app: Any) -> list[str]:
    records = [("source", ids["source_id"]), ("event", ids["event"]), ("act", ids["act"]),
               ("person", ids["person_id"])]
    out: list[str] = []
    for method, path in routes(settings_app):
        if method != "GET" or not path.startswith("/staff") or path in NOT_PAGES:
            continue
        assert rule_for(method, path) is not None, path
        if "{type_name}" in path:
            out += [path.format(type_name=t, record_id=i) for t, i in records]
        elif "{plural}" in path:
            out += [path.format(plural=p) + v for p in ("sources", "events", "acts", "persons")
                    for v in ("?view=table", "?view=cards")]
        else:
            out.append(path.format(source_id=ids["source_id"], job_id=ids["job_id"]))
    return out


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_workspace_page_fits_a_phone(site: tuple[str, dict[str, Any]], chromium: Any,
                                           lang: str) -> None:
    url, ids = site
    pages = _pages(ids, ids["app"])
    assert len(pages) >= 20 and "/staff/lists/events?view=cards" in pages
    too_wide: list[str] = []
    context = chromium.new_context(base_url=url, locale="ko-KR" if lang == "ko" else "en-GB",
                                   viewport={"width": WIDTH, "height": 800},
                                   device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page)
    for address in pages:
        response = page.goto(f"{address}{'&' if '?' in address else '?'}lang={lang}")
        assert response is not None and response.status == 200, (address, response)
        assert "text/html" in response.headers.get("content-type", ""), address
        width = page.evaluate("document.documentElement.scrollWidth")
        name = "phone-" + re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-") + f"-{lang}"
        shot = screenshot(page, name)
        if width > WIDTH:
            wide = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)""", WIDTH)
            too_wide.append(f"{address}: {width}px ({', '.join(wide)})")
        if address == "/staff/lists/events?view=table":
            keep_for_docs(shot, f"lists-phone-{lang}")
    context.close()
    assert too_wide == [], "wider than a phone:\n" + "\n".join(too_wide)
