"""Consent and custody in the JSON API: editors and admins only, every read audited, a
withdrawal taking the records that rest on a source out of public view at once; on both
databases. Everything here is fictional."""

from __future__ import annotations

from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_event, make_source

API = "/api/v1"


def _views(archive: Archive, what: str) -> list[dict[str, object]]:
    with archive.transaction() as s:
        return list(s.execute(select(m.AuditEntry.after).where(
            m.AuditEntry.action == "view", m.AuditEntry.record_type == what)).scalars())


def test_consent_and_custody_json(settings: Settings, archive: Archive) -> None:
    source = make_source(archive, level="public")
    event = make_event(archive, level="public")
    archive.create(ADMIN, "evidence", {"level": "public", "source": source,
                                       "record": {"type": "event", "id": event},
                                       "quote": "탈북민"})
    with api_client(settings) as c:
        url = f"{API}/consent/source/{source}"
        assert_error(c.get(url, headers=as_(ANON)), 401)
        for role in (VIEWER, ANALYST):
            assert_error(c.get(url, headers=as_(role)), 403)
            assert_error(c.get(f"{API}/sources/{source}/custody", headers=as_(role)), 403)
        assert_error(c.get(f"{API}/consent/source/999999", headers=as_(EDITOR)), 404)

        shown = c.get(url, headers=as_(EDITOR))
        assert shown.status_code == 200, shown.text
        assert shown.json()["current"]["publication"]["state"] == "none"
        assert shown.json()["resting"][0]["source"] == source
        assert _views(archive, "consent") == [{"subject": f"source:{source}", "via": "api"}]

        done = c.post(url, headers=as_(EDITOR), json={
            "decisions": {"publication": "withdrawn"}, "note": "전화로 철회 (가상)"})
        assert done.status_code == 201, done.text
        assert [t["id"] for t in done.json()["taken_down"] if t["type"] == "event"] == [event]
        assert c.get(f"{API}/events/{event}", headers=as_(ANON)).status_code == 404
        again = c.get(url, headers=as_(ADMIN)).json()
        assert again["current"]["publication"] == {
            "state": "withdrawn", "entry": again["entries"][-1]["id"], "allowed": False}
        assert_error(c.post(url, headers=as_(EDITOR), json={"decisions": {}}), 422)

        custody = f"{API}/sources/{source}/custody"
        added = c.post(custody, headers=as_(EDITOR), json={
            "action": "received", "method": "in_person", "from": "증언자 (가상)",
            "to": "조사원 (가상)", "happened_at": "2026-11-02T14:00:00+09:00"})
        assert added.status_code == 201, added.text
        assert_error(c.post(custody, headers=as_(EDITOR), json={
            "action": "received", "method": "carrier pigeon", "to": "x"}), 422, "method")
        assert_error(c.post(custody, headers=as_(VIEWER), json={
            "action": "received", "method": "in_person", "to": "x"}), 403)
        chain = c.get(custody, headers=as_(EDITOR))
        assert chain.status_code == 200, chain.text
        assert [e["method"] for e in chain.json()["entries"]] == ["in_person"]
        assert _views(archive, "custody") == [{"subject": f"source:{source}", "via": "api"}]
