"""Estimates on the web: staff see documented vs estimated for the statistics filters; an
admin publishes one to the public /stats page (audited, small-cell rule) or unpublishes it.
On SQLite and PostgreSQL. Every person, source and event here is fictional."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import select

from sillok.accounts.audit_log import check_audit
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.estimate.published import published
from sillok.security.policy import Role
from tests.auth_helpers import client, signed_in
from tests.conftest import ADMIN
from tests.test_estimate_archive import DESIGN, FILTER, build

ASK = {"filter": FILTER, "lists_by": "kind", "lists": "", "method": "loglinear"}
HX = {"HX-Request": "true"}


def _numbers(html: str, table_id: str) -> list[str]:
    """The cells of one estimate table of a page, in order."""
    found = re.search(rf'<table class="counts estimate" id="{table_id}">(.*?)</table>', html,
                      re.S)
    assert found, html
    return re.findall(r"<td>([^<]*)</td>", found.group(1))


def test_staff_see_it_the_public_does_not(settings: Settings, archive: Archive) -> None:
    build(archive)
    with client(settings) as anon:
        out = anon.get("/staff/estimates", params=ASK)
        assert out.status_code == 303 and "/login" in out.headers["location"]
        assert 'id="estimates"' not in anon.get("/stats").text
    with signed_in(settings, Role.viewer) as viewer:
        page = viewer.get("/staff/estimates", params=ASK)
        # The page answers at once and fetches the result with htmx, from the same address.
        assert page.status_code == 200 and 'hx-trigger="load"' in page.text
        assert "Computing" in page.text or "계산 중" in page.text
        part = viewer.get("/staff/estimates", params={**ASK, "lang": "en"}, headers=HX)
        assert part.status_code == 200
        observed = re.search(r'id="est-observed">([\d,]+)<', part.text)
        # In the viewer's scope: not the victims only the restricted report documents.
        assert observed and observed.group(1) == str(sum(DESIGN.values()) - DESIGN[(0, 0, 1)])
        assert "publish-form" not in part.text  # a viewer may not publish
        # Without JavaScript: the result in the page itself, in Korean too.
        full = viewer.get("/staff/estimates", params={**ASK, "wait": "1", "lang": "ko"})
        assert "기록되지 않은 피해자 추정" in full.text and "기록된 피해자" in full.text
        assert 'id="est-estimate"' in full.text
        bad = viewer.get("/staff/estimates", params={**ASK, "method": "guess"})
        assert bad.status_code == 422 and "not one of" in bad.text
        typo = viewer.get("/staff/estimates",
                          params={**ASK, "filter": "act:nothing_such", "lang": "en"},
                          headers=HX)
        assert typo.status_code == 422 and "Cannot estimate" in typo.text


def test_admin_publishes_and_the_public_sees_the_snapshot(settings: Settings,
                                                          archive: Archive) -> None:
    build(archive)
    with signed_in(settings, Role.editor) as editor:
        assert editor.post("/staff/estimates/publish", data=ASK).status_code == 403
    with signed_in(settings, Role.admin) as admin:
        part = admin.get("/staff/estimates", params=ASK, headers=HX)
        assert 'id="publish-form"' in part.text
        out = admin.post("/staff/estimates/publish",
                         data={**ASK, "lists_by": "origin"})
        assert out.status_code == 303, out.text
        snapshot = published(archive)[0]
        assert snapshot.result["observed"] == sum(DESIGN.values())
        assert snapshot.published_by == "t-admin" and snapshot.lists_by == "origin"
        # The data change afterwards; the public page keeps showing what was published.
        build(archive)
        with client(settings) as anon:
            page = anon.get("/stats", params={"lang": "en"}).text
        r = snapshot.result
        assert _numbers(page, f"estimate-{snapshot.id}")[:3] == [
            f"{r['observed']:,}", f"{r['estimate']:,.0f}",
            f"{r['lower']:,.0f} – {r['upper']:,.0f}"]
        assert "3 source origins" in page and "UN-style panel" not in page  # names withheld
        assert "Few people are documented" in page  # the caution's meaning, not its counts
        fresh = admin.get("/staff/estimates", params={**ASK, "lists_by": "origin"},
                          headers=HX).text
        assert f'id="est-observed">{2 * r["observed"]:,}<' in fresh
        with archive.transaction() as session:
            entries = session.execute(select(m.AuditEntry.action, m.AuditEntry.actor).where(
                m.AuditEntry.record_type == "published_estimate")).all()
        assert entries == [("publish", "t-admin")]
        with signed_in(settings, Role.analyst) as analyst:
            denied = analyst.post(f"/staff/estimates/{snapshot.id}/unpublish")
            assert denied.status_code == 403
        assert admin.post(f"/staff/estimates/{snapshot.id}/unpublish").status_code == 303
        assert admin.post(f"/staff/estimates/{snapshot.id}/unpublish").status_code == 404
    with client(settings) as anon:
        assert f"estimate-{snapshot.id}" not in anon.get("/stats").text
    assert published(archive) == []
    assert check_audit(archive, ADMIN).ok
    # A snapshot changed in the database without the audit trail is caught.
    with archive.transaction() as session:
        row = session.get(m.PublishedEstimate, snapshot.id)
        assert row is not None
        row.observed += 1000
    assert any("published_estimate" in p.problem for p in check_audit(archive, ADMIN).problems)


def test_small_cells_are_refused_and_withheld(settings: Settings, archive: Archive) -> None:
    build(archive)
    observed = sum(DESIGN.values())
    strict = dataclasses.replace(settings, min_cell=observed + 1)
    with signed_in(strict, Role.admin) as admin:
        part = admin.get("/staff/estimates", params=ASK, headers=HX)
        assert 'id="est-small"' in part.text and "publish-form" not in part.text
        out = admin.post("/staff/estimates/publish", data=ASK)
        assert out.status_code == 422 and "공개할 수 없습니다" in out.text  # Korean by default
    assert published(archive) == []
    # Published under the usual minimum, then the minimum is raised past its count.
    with signed_in(settings, Role.admin, username="admin-2") as admin:
        assert admin.post("/staff/estimates/publish", data=ASK).status_code == 303
    with client(strict) as anon:
        page = anon.get("/stats", params={"lang": "en"}).text
        assert "1 published estimate(s) are not shown" in page
        assert 'class="counts estimate"' not in page
        ko = anon.get("/stats", params={"lang": "ko"}).text
        assert "게시된 추정 1건은" in ko
