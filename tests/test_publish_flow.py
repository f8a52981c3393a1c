"""The publishing flow of the workspace (issue 18 point 5), on SQLite and PostgreSQL: a record's
level raised or lowered by an editor with a reason, on record in its history and followed at
once by the public pages, search and public copies; a record resting on an internal testimony
published by citing it as a withheld source, or its redacted public copy after the copy's spans
are reviewed — instead of a dead end; a preview that is the public page to come, byte for byte,
and shows nothing of a restricted witness. Then the same walked in a browser, in Korean and in
English, with the keyboard, saving docs/screenshots/publish-preview-{ko,en}.png when asked
(SILLOK_DOC_SCREENSHOTS=1, SQLite).
All names and texts are fictional."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.archive.publishing import change_level
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search.service import search
from sillok.search.span_review import name_spans
from tests.auth_helpers import client, make_user, signed_in
from tests.browser import (
    browser,
    csp_violations,
    keep_for_docs,
    screenshot,
    serious_violations,
    serve,
)
from tests.conftest import ADMIN, ANON, EDITOR, make_event, make_person, make_source
from tests.test_browser_staff import sign_in

WITNESS = "김비밀"  # a restricted witness (fictional)
GIVEN = "비밀"  # the given name alone, which the name matcher also hides
TESTIMONY = ("[가상 증언 — 시험용] 2021년 봄 회령 집결소에서 김비밀 씨가 구타당하는 것을 "
             "보았다고 증언자는 말했다. 이후 그는 교화소로 이송되었다.")
PASSAGE = "이후 그는 교화소로 이송되었다"
REPORT = "[가상 보고서] 집결소에서 여러 명이 구타당했다는 보고가 있었다."
MAIN = re.compile(r'<main id="main" class="wrap">.*?</main>', re.S)


def _main(html: str) -> str:
    found = MAIN.search(html)
    assert found, html[:500]
    return found.group(0)


def _world(archive: Archive, event_level: str = "internal") -> dict[str, int]:
    """An event resting on an internal testimony naming a restricted witness, and on an
    internal report."""
    witness = make_person(archive, level="restricted", name=WITNESS)
    testimony = make_source(archive, level="internal", kind="testimony", text=TESTIMONY,
                            title="가상 증언 (시험용)", witness=witness)
    report = make_source(archive, level="internal", text=REPORT, title="가상 보고서 (시험용)")
    event = make_event(archive, level=event_level, title="회령 집결소 구타 (가상)",
                       description="집결소 구타 사건 (가상)")
    for source, quote, level in ((testimony, PASSAGE, "internal"),
                                 (report, "여러 명이 구타당했다", "internal")):
        archive.create(ADMIN, "evidence", {"level": level, "source": source,
                                           "record": {"type": "event", "id": event},
                                           "quote": quote, "connection": "witness"})
    return {"witness": witness, "testimony": testimony, "report": report, "event": event}


@pytest.fixture
def editor(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="pub-editor") as c:
        yield c


def _history(archive: Archive, type_name: str, record_id: int) -> list[dict[str, Any]]:
    return [h for h in archive.history(ADMIN, type_name, record_id) if h["action"] == "level"]


def test_raise_and_lower_with_a_reason(archive: Archive, editor: TestClient,
                                       settings: Settings) -> None:
    event = make_event(archive, level="internal", title="가상 사건 등급시험 (fictional)")
    url = f"/staff/records/event/{event}/level"
    # Without a reason nothing changes, and the panel says why (what was chosen is kept).
    refused = editor.post(url, data={"level": "public", "reason": " ", "version": "1"})
    assert refused.status_code == 422
    assert 'id="publish-errors"' in refused.text and 'value="public"' in refused.text
    assert archive.get(ADMIN, "event", event)["level"] == "internal"
    done = editor.post(url, data={"level": "public", "reason": "cleared by the board",
                                  "version": "1"})
    assert done.status_code == 303, done.text
    assert archive.get(ANON, "event", event)["level"] == "public"
    change = _history(archive, "event", event)[-1]
    assert change["actor"] == "pub-editor" and change["reason"] == "cleared by the board"
    assert {"field": "level", "before": "internal", "after": "public"} in change["changes"]
    page = editor.get(f"/staff/records/event/{event}?saved=level")
    assert 'id="level-saved"' in page.text and "cleared by the board" in page.text
    # Found by the public at once, and gone at once when raised again.
    with client(settings) as public:
        assert public.get(f"/events/{event}").status_code == 200
        assert event in {i["id"] for i in search(archive, ANON, "등급시험").items}
        raised = editor.post(url, data={"level": "restricted", "reason": "a witness asked",
                                        "version": "2"})
        assert raised.status_code == 303
        assert public.get(f"/events/{event}").status_code == 404
        assert event not in {i["id"] for i in search(archive, ANON, "등급시험").items}
    assert [(h["reason"], h["changes"][0]["after"]) for h in _history(archive, "event", event)
            ] == [("cleared by the board", "public"), ("a witness asked", "restricted")]
    # A change made from an old version is refused, nothing overwritten.
    stale = editor.post(url, data={"level": "internal", "reason": "late", "version": "1"})
    assert stale.status_code == 409
    assert archive.get(ADMIN, "event", event)["level"] == "restricted"


def test_a_person_raised_is_hidden_in_public_copies_at_once(archive: Archive,
                                                           editor: TestClient,
                                                           settings: Settings) -> None:
    person = make_person(archive, level="public", name="박가상")
    source = make_source(archive, level="public", title="가상 기사 (시험용)",
                         text="[가상 기사] 박가상 씨가 연길에서 체포되었다고 한다.")
    url = f"/staff/records/person/{person}/level"
    with client(settings) as public:
        assert "박가상" in public.get(f"/sources/{source}").text
        assert editor.post(url, data={"level": "restricted", "reason": "protect him",
                                      "version": "1"}).status_code == 303
        page = public.get(f"/sources/{source}").text
        assert "박가상" not in page and "Witness W-" in page
        assert source not in {i["id"] for i in search(archive, ANON, "박가상").items}
        assert editor.post(url, data={"level": "public", "reason": "he agreed",
                                      "version": "2"}).status_code == 303
        assert "박가상" in public.get(f"/sources/{source}").text
        assert source in {i["id"] for i in search(archive, ANON, "박가상").items}


def test_raising_a_source_takes_its_quotes_with_it(archive: Archive) -> None:
    source = make_source(archive, level="public", title="공개 자료 (시험용)")
    event = make_event(archive, level="public")
    evidence = archive.create(ADMIN, "evidence", {
        "level": "public", "source": source, "record": {"type": "event", "id": event},
        "quote": "탈북민 34명"})
    outcome = change_level(archive, EDITOR, "source", source, "internal", "source withdrawn")
    assert outcome.evidence_changed == [evidence]
    assert archive.get(ADMIN, "evidence", evidence)["level"] == "internal"
    assert archive.get(ANON, "event", event)["related"]["evidence"] == []


def test_publishing_on_an_internal_testimony_asks_instead_of_failing(
        archive: Archive, editor: TestClient) -> None:
    w = _world(archive)
    url = f"/staff/records/event/{w['event']}/level"
    panel = editor.get(url, params={"level": "public"}, headers={"HX-Request": "true"})
    assert panel.status_code == 200 and panel.text.lstrip().startswith("<section id=\"publish\"")
    for source in (w["testimony"], w["report"]):
        assert f'id="choice-{source}-withheld"' in panel.text
        assert f'id="choice-{source}-copy"' in panel.text
        assert f'id="reviewed-{source}"' in panel.text  # its spans, to review
    # The editor sees the witness's name where it is hidden, with its pseudonym.
    assert WITNESS in panel.text and "Witness W-" in panel.text
    missing = editor.post(url, data={"level": "public", "reason": "publish", "version": "1"})
    assert missing.status_code == 422 and f'id="choice-{w["testimony"]}-withheld"' in missing.text
    assert archive.get(ADMIN, "event", w["event"])["level"] == "internal"


def test_coding_a_public_event_on_a_testimony_opens_the_guide(archive: Archive,
                                                              editor: TestClient) -> None:
    w = _world(archive)
    start = TESTIMONY.index(PASSAGE)
    made = editor.post(f"/staff/sources/{w['testimony']}/events", data={
        "title": "가상 이송 (시험용)", "start": start, "end": start + len(PASSAGE),
        "quote": PASSAGE, "level": "public"})
    assert made.status_code == 303, made.text
    location = made.headers["location"]
    assert location.startswith("/staff/records/event/") and "publish=public" in location
    event = int(location.split("?")[0].rsplit("/", 1)[1])
    assert archive.get(ADMIN, "event", event)["level"] == "internal"
    page = editor.get(location.split("#")[0]).text
    assert f'id="choice-{w["testimony"]}-withheld"' in page and 'id="level-form"' in page


def test_guided_publish_citing_withheld_sources(archive: Archive, editor: TestClient,
                                                settings: Settings) -> None:
    w = _world(archive)
    done = editor.post(f"/staff/records/event/{w['event']}/level", data={
        "level": "public", "reason": "publish the event", "version": "1",
        f"choice-{w['testimony']}": "withheld", f"choice-{w['report']}": "withheld"})
    assert done.status_code == 303, done.text
    # The sources and the evidence keep their level; the public sees two withheld sources.
    for source in (w["testimony"], w["report"]):
        assert archive.get(ADMIN, "source", source)["level"] == "internal"
        assert [h["action"] for h in archive.history(ADMIN, "source", source)][-1] \
            == "cite-withheld"
    with client(settings) as public:
        page = public.get(f"/events/{w['event']}").text
        assert 'id="withheld-sources"' in page and "2" in page.split('id="withheld-sources"')[1]
        for hidden in (WITNESS, GIVEN, PASSAGE, "가상 증언", "가상 보고서", "여러 명"):
            assert hidden not in page
        api = public.get(f"/api/v1/events/{w['event']}?lang=en").json()
        assert api["related"]["evidence"] == []
        assert api["related"]["withheld_sources"] == [
            {"withheld": True, "source": {"type": "source", "id": None,
                                          "label": "[withheld source]", "code": None}}] * 2
    # Staff read the evidence itself, not a withheld entry.
    staff = archive.get(EDITOR, "event", w["event"])["related"]
    assert "withheld_sources" not in staff and len(staff["evidence"]) == 2


def test_guided_publish_citing_the_reviewed_public_copy(archive: Archive, editor: TestClient,
                                                        settings: Settings) -> None:
    w = _world(archive)
    url = f"/staff/records/event/{w['event']}/level"
    form = {"level": "public", "reason": "publish with the copy", "version": "1",
            f"choice-{w['testimony']}": "copy", f"choice-{w['report']}": "withheld"}
    unreviewed = editor.post(url, data=form)
    assert unreviewed.status_code == 422
    assert f'id="err-review-{w["testimony"]}"' in unreviewed.text
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "internal"
    done = editor.post(url, data={**form, f"reviewed-{w['testimony']}": "1"})
    assert done.status_code == 303, done.text
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "public"
    # The names proposed were accepted by the review: hidden, and the review on record.
    spans = [s for s in name_spans(archive, ADMIN, w["testimony"]) if s["kind"] == "name"]
    assert spans and {s["status"] for s in spans} == {"accepted"}
    with client(settings) as public:
        event_page = public.get(f"/events/{w['event']}").text
        assert PASSAGE in event_page and f"/sources/{w['testimony']}" in event_page
        source_page = public.get(f"/sources/{w['testimony']}").text
        assert "Witness W-" in source_page
        for page in (event_page, source_page):
            assert WITNESS not in page and GIVEN not in page
        # Public search finds the copy's words, never the witness.
        assert w["testimony"] in {i["id"] for i in search(archive, ANON, "교화소").items}
        assert not search(archive, ANON, WITNESS).items


def test_preview_is_the_public_page_after_publishing(archive: Archive, editor: TestClient,
                                                     settings: Settings) -> None:
    w = _world(archive)
    form = {"level": "public", "reason": "publish", "version": "1",
            f"choice-{w['testimony']}": "copy", f"choice-{w['report']}": "withheld",
            f"reviewed-{w['testimony']}": "1"}
    entries = len(archive.history(ADMIN, "event", w["event"]))
    shown = editor.post(f"/staff/records/event/{w['event']}/preview", data=form)
    assert shown.status_code == 200, shown.text
    assert 'id="preview-bar"' in shown.text and 'id="preview-confirm"' in shown.text
    # Nothing was changed by looking.
    assert archive.get(ADMIN, "event", w["event"])["level"] == "internal"
    assert archive.get(ADMIN, "source", w["testimony"])["level"] == "internal"
    assert len(archive.history(ADMIN, "event", w["event"])) == entries
    assert editor.post(f"/staff/records/event/{w['event']}/level",
                       data=form).status_code == 303
    with client(settings) as public:
        after = public.get(f"/events/{w['event']}")
    assert _main(shown.text) == _main(after.text)
    # The source made public: its preview, taken now, is its public page too.
    with client(settings) as public:
        source_page = public.get(f"/sources/{w['testimony']}").text
    again = editor.post(f"/staff/records/source/{w['testimony']}/preview",
                        data={"level": "public"})
    assert _main(again.text) == _main(source_page)


def test_preview_of_a_restricted_record_shows_nothing_of_the_witness(
        archive: Archive, editor: TestClient) -> None:
    witness = make_person(archive, level="restricted", name=WITNESS)
    source = make_source(archive, level="restricted", kind="testimony", text=TESTIMONY,
                         title=f"{WITNESS} 증언 (가상)", witness=witness)
    event = make_event(archive, level="restricted", title=f"{WITNESS} 씨 구타 (가상)",
                       description=f"{WITNESS} 씨가 맞았다. 비밀 씨는 이후 이송되었다.")
    archive.create(ADMIN, "evidence", {"level": "restricted", "source": source,
                                       "record": {"type": "event", "id": event},
                                       "quote": PASSAGE})
    for type_name, record_id, form in (
            ("event", event, {"level": "public", f"choice-{source}": "copy"}),
            ("event", event, {"level": "internal"}),
            ("source", source, {"level": "public"})):
        shown = editor.post(f"/staff/records/{type_name}/{record_id}/preview", data=form)
        assert shown.status_code == 200, (type_name, form, shown.text[:300])
        body = _main(shown.text) + shown.text.split("<title>")[1].split("</title>")[0]
        assert WITNESS not in body and GIVEN not in body, (type_name, form)
    # A restricted source cannot stand behind a public record unseen (the policy's rule).
    refused = editor.post(f"/staff/records/event/{event}/level", data={
        "level": "public", "reason": "x", "version": "1", f"choice-{source}": "withheld"})
    assert refused.status_code == 422 and f'id="choice-{source}-withheld"' not in refused.text
    # Lowered to internal, the public's answer is the missing-record page.
    hidden = editor.post(f"/staff/records/event/{event}/preview", data={"level": "internal"})
    assert "404" in _main(hidden.text)
    assert archive.get(ADMIN, "event", event)["level"] == "restricted"


def test_only_editors_change_levels(archive: Archive, settings: Settings) -> None:
    event = make_event(archive, level="internal")
    with signed_in(settings, "viewer", username="pub-viewer") as viewer:
        refused = viewer.post(f"/staff/records/event/{event}/level",
                              data={"level": "public", "reason": "x", "version": "1"})
        assert refused.status_code == 403
        assert viewer.post(f"/staff/records/event/{event}/preview",
                           data={"level": "public"}).status_code == 403
    assert archive.get(ADMIN, "event", event)["level"] == "internal"


# -- in the browser ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_publish_in_the_browser(chromium: Any, settings: Settings, archive: Archive,
                                backend: str, lang: str) -> None:
    make_user(settings, "browser-editor", "editor")
    w = _world(archive)
    with serve(settings) as url:
        page = chromium.new_page(base_url=url, viewport={"width": 1280, "height": 900})
        refused = csp_violations(page)
        sign_in(page)
        page.goto(f"/staff/records/event/{w['event']}?lang={lang}")
        # The keyboard only: to the level, pick "public", on.
        page.focus("#new-level")
        page.keyboard.press("Home")  # the first level offered: public
        assert page.input_value("#new-level") == "public"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_selector("#level-form")  # swapped in by htmx
        assert page.evaluate("document.activeElement.id") == \
            f"choice-{w['testimony']}-withheld"
        page.keyboard.press("ArrowDown")  # → cite the public copy
        assert page.is_checked(f"#choice-{w['testimony']}-copy")
        spans = page.inner_text(f"[data-spans='{w['testimony']}']")
        assert WITNESS in spans and "Witness W-" in spans
        page.check(f"#reviewed-{w['testimony']}")
        page.check(f"#choice-{w['report']}-withheld")
        page.fill("#level-reason", "이사회 승인" if lang == "ko" else "approved by the board")
        assert serious_violations(page) == []
        screenshot(page, f"publish-panel-{lang}-{backend}")
        # On a phone too: nothing wider than the screen.
        page.set_viewport_size({"width": 375, "height": 800})
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376)
            .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 12)""")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click("#level-preview")
        page.wait_for_selector("#preview-bar")
        preview_main = page.inner_html("main")
        assert WITNESS not in preview_main and GIVEN not in preview_main
        assert PASSAGE in preview_main
        assert page.locator("#withheld-sources").count() == 1
        assert serious_violations(page) == []
        shot = screenshot(page, f"publish-preview-{lang}-{backend}")
        if backend == "sqlite":
            keep_for_docs(shot, f"publish-preview-{lang}")
        page.click("#preview-confirm")
        page.wait_for_selector("#level-saved")
        assert page.locator("#history").inner_text().count(
            "이사회 승인" if lang == "ko" else "approved by the board") >= 1
        public = chromium.new_page(base_url=url)
        public.goto(f"/events/{w['event']}?lang={lang}")
        assert public.inner_html("main") == preview_main
        assert refused == []
        public.close()
        page.close()
