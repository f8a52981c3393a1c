"""The review queue in a real browser, on SQLite and PostgreSQL: an editor goes through pairs
of fictional persons with the keys alone — j and k to move, n for not the same, u for unsure,
m to merge — then undoes the merge from the latest answers; in Korean, within the
Content-Security-Policy, with no serious accessibility fault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.linkage import evalset
from tests.auth_helpers import PASSWORD, make_user
from tests.browser import browser, csp_violations, screenshot, serious_violations, serve
from tests.conftest import ADMIN


@pytest.fixture
def review_site(settings: Settings) -> Iterator[str]:
    make_user(settings, "review-editor", "editor")
    with serve(settings) as url:
        yield url


def _person(archive: Archive, names: list[str], year: int | None = 1971) -> int:
    return archive.create(ADMIN, "person", {
        "level": "internal", "sex": "female", "birth_year": year,
        "origin_place": "kp-10-hyesan", "description": "Fictional / 가상",
        "names": [{"name": n, "system": "hangul" if any("가" <= c <= "힣" for c in n)
                   else "rr"} for n in names]})


def _current(page: Any) -> str:
    return str(page.get_attribute("li.review-pair.current", "id"))


def _merged_into(archive: Archive, person: int) -> int | None:
    with archive.sessions() as session:
        return session.get_one(m.Person, person).merged_into_id


def test_review_queue_with_the_keys(review_site: str, archive: Archive, backend: str) -> None:
    for rec in evalset.generate(21, 30):
        if rec.names:
            _person(archive, rec.names, rec.birth_year)
    pairs = [(_person(archive, ["김영희"]), _person(archive, ["Kim Young-hee"])),
             (_person(archive, ["리순옥"], 1958), _person(archive, ["Lee Soon-ok"], 1958))]
    with browser() as chromium:
        page = chromium.new_page(base_url=review_site, locale="ko-KR")
        refused = csp_violations(page)
        page.goto("/staff/review")
        page.wait_for_url("**/login?next=*")
        page.fill("#username", "review-editor")
        page.fill("#password", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_url("**/staff/review")
        assert "검토 대기열" in page.inner_text("h1")
        ids = page.eval_on_selector_all("li.review-pair", "els => els.map(e => e.id)")
        wanted = [f"pair-{min(p)}-{max(p)}" for p in pairs]
        assert set(wanted) <= set(ids)
        assert _current(page) == ids[0]
        page.keyboard.press("j")
        assert _current(page) == ids[1]
        page.keyboard.press("k")
        assert _current(page) == ids[0]
        assert serious_violations(page) == []
        screenshot(page, f"staff-review-{backend}")
        # Walk to the first of our pairs and say it is not the same person.
        for _ in range(ids.index(wanted[0])):
            page.keyboard.press("j")
        assert _current(page) == wanted[0]
        with page.expect_navigation():
            page.keyboard.press("n")
        page.wait_for_selector("#review-done")
        assert page.locator(f"#{wanted[0]}").count() == 0
        # The second: unsure first (it stays, last), then merged.
        ids = page.eval_on_selector_all("li.review-pair", "els => els.map(e => e.id)")
        for _ in range(ids.index(wanted[1])):
            page.keyboard.press("j")
        with page.expect_navigation():
            page.keyboard.press("u")
        ids = page.eval_on_selector_all("li.review-pair", "els => els.map(e => e.id)")
        assert ids[-1] == wanted[1]
        for _ in range(len(ids) - 1):
            page.keyboard.press("j")
        assert _current(page) == wanted[1]
        with page.expect_navigation():
            page.keyboard.press("m")
        keep, other = min(pairs[1]), max(pairs[1])
        assert _merged_into(archive, other) == keep
        assert page.locator(f"#{wanted[1]}").count() == 0
        recent = page.inner_text("#recent-answers")
        assert "병합" in recent and "동일인 아님" in recent
        with page.expect_navigation():
            page.click(f"#recent-answers form[action='/staff/review/person/{keep}/{other}/undo']"
                       " button")
        assert _merged_into(archive, other) is None
        assert page.locator(f"#{wanted[1]}").count() == 1
        assert refused == []
    actions = [e["action"] for e in archive.history(ADMIN, "person", other)]
    assert actions[-3:] == ["unsure", "merge", "unmerge"]
