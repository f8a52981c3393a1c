"""API labels are what a reader calls a record, in the caller's language (?lang=,
Accept-Language), with the stored code kept in ``code`` for programs — never
"forced_repatriation (act #3)"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from tests.api_helpers import api_client, as_
from tests.conftest import ADMIN, EDITOR, make_event, make_person, make_source

API = "/api/v1"
WORD = "얼음고래"  # a fictional word found only in these test records


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _act(archive: Archive) -> tuple[int, int, int]:
    event = make_event(archive, title=f"{WORD} event (fictional)")
    victim = make_person(archive)
    act = archive.create(ADMIN, "act", {"level": "public", "event": event, "victim": victim,
                                        "act_type": "forced_repatriation", "date": "2023-05",
                                        "description": f"[Fictional] {WORD}."})
    source = make_source(archive, text=f"[Fictional] {WORD} 강제북송.")
    evidence = archive.create(ADMIN, "evidence", {
        "level": "public", "source": source, "record": {"type": "act", "id": act},
        "quote": WORD})
    return event, act, evidence


def test_act_label_in_the_asked_language_with_its_code(client: TestClient,
                                                       archive: Archive) -> None:
    event, act, evidence = _act(archive)
    ko = client.get(f"{API}/acts/{act}", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).json()
    en = client.get(f"{API}/acts/{act}", headers={"Accept-Language": "en-GB,en;q=0.8"}).json()
    assert (ko["label"], ko["code"]) == (f"강제송환 (행위 #{act})", "forced_repatriation")
    assert (en["label"], en["code"]) == (f"Forced repatriation (Act #{act})",
                                         "forced_repatriation")
    # ?lang= wins over the header, as on the site.
    asked = client.get(f"{API}/acts/{act}?lang=en", headers={"Accept-Language": "ko"}).json()
    assert asked["label"] == en["label"]
    # A record labelled by its title has no code; its acts are relabelled where they are
    # listed among its related records.
    shown = client.get(f"{API}/events/{event}", headers={"Accept-Language": "en"}).json()
    assert shown["code"] is None and shown["label"] == f"{WORD} event (fictional)"
    pointers = [p for group in shown["related"].values() for p in group
                if p.get("type") == "act"]
    assert pointers and all(p["label"] == en["label"] for p in pointers), pointers
    listed = client.get(f"{API}/acts", params={"event": event, "lang": "ko"}).json()
    assert [(i["label"], i["code"]) for i in listed["items"]] == [(ko["label"], ko["code"])]
    linked = client.get(f"{API}/evidence/{evidence}", params={"lang": "ko"}).json()
    assert linked["label"].startswith(f"근거 #{evidence}: 자료 #")
    assert linked["label"].endswith(f"→ 행위 #{act}")
    assert linked["fields"]["record"] == {"type": "act", "id": act, "label": ko["label"],
                                          "code": "forced_repatriation"}
    for answer in (ko, en, listed, linked):
        assert "(act #" not in str(answer), answer


def test_search_hits_and_written_records_are_relabelled(client: TestClient,
                                                        archive: Archive) -> None:
    _, act, _ = _act(archive)
    found = client.get(f"{API}/search", params={"q": WORD, "lang": "en"}).json()
    hits = [i for i in found["items"] if i["type"] == "act"]
    assert [(h["label"], h["code"]) for h in hits] == [
        (f"Forced repatriation (Act #{act})", "forced_repatriation")]
    terms = client.get(f"{API}/terms", params={"vocabulary": "act_type", "lang": "ko",
                                                 "code": "forced_repatriation"}).json()
    assert [(t["label"], t["code"]) for t in terms["items"]] == [
        ("강제송환", "act_type:forced_repatriation")]
    changed = client.patch(f"{API}/acts/{act}", json={"act_type": "detention"},
                           headers={**as_(EDITOR), "Accept-Language": "en"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["code"] == "detention"
    assert not changed.json()["label"].startswith("detention")


def test_withheld_markers_in_the_asked_language(client: TestClient, archive: Archive) -> None:
    """What the caller may not see is marked in the caller's language (issue 19): a public act
    whose victim is internal names the victim "[비공개]" in Korean, "[withheld]" in English,
    and keeps ``id`` null either way — the mark programs key on."""
    event = make_event(archive)
    victim = make_person(archive, level="internal")
    act = archive.create(ADMIN, "act", {"level": "public", "event": event, "victim": victim,
                                        "act_type": "forced_repatriation", "date": "2023-05"})
    ko = client.get(f"{API}/acts/{act}", params={"lang": "ko"}).json()
    en = client.get(f"{API}/acts/{act}", params={"lang": "en"}).json()
    assert "[withheld]" not in str(ko) and "[비공개]" in str(ko), ko
    assert "[비공개]" not in str(en) and "[withheld]" in str(en), en
    assert str(victim) not in str(ko["fields"].get("victim"))
