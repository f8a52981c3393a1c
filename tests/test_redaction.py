"""Pseudonyms and name masking on pages, search and the public export (open data)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from sillok.archive.public_export import export_public
from sillok.archive.redact import Masker, Protected
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search.service import search
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANALYST, ANON, VIEWER, make_person, make_source

MARKERS = ("박철수", "Pak Chol-su", "Park Cheol-soo", "리영호", "Ri Yong-ho")


def _setup(archive: Archive) -> tuple[int, int]:
    person = make_person(archive, level="restricted", name="박철수",
                         protected={"real_name": "리영호"})
    source = make_source(archive, title="[Fictional] 박철수 씨의 이야기",
                         text="[가상] 박철수 씨는 회령에서 체포됐다. Pak Chol-su (Park Cheol-soo, "
                              "real name Ri Yong-ho, 리영호) was held in Chongjin. 강제북송.")
    return person, source


def test_masker_finds_hangul_and_romanizations() -> None:
    masker = Masker([Protected(1, "Witness W-000001", ("박철수",))])
    text = "박철수는 Pak Chol-su, Park Cheol-soo, Chol-su Pak; Pak alone; 김철수."
    masked = masker.mask(text)
    assert masked.count("[Witness W-000001]") == 4
    assert "Pak alone" in masked and "김철수" in masked


def test_pages_and_views_are_masked_for_readers_without_clearance(
        archive: Archive, settings: Settings) -> None:
    _person, source = _setup(archive)
    for actor in (ANON, VIEWER):
        shown = archive.get(actor, "source", source)
        text = shown["fields"]["text"] + shown["label"]
        assert not [m for m in MARKERS if m in text], actor
        assert "[Witness W-" in text
    pseudonyms = {archive.get(ANON, "source", source)["fields"]["text"].split("[")[2][:16]}
    assert len(pseudonyms) == 1  # the same person, the same pseudonym
    assert "박철수" in archive.get(ANALYST, "source", source)["fields"]["text"]
    with TestClient(create_app(settings)) as client:
        for url in (f"/sources/{source}", "/search?q=강제북송", "/search?q=회령", "/sources"):
            page = client.get(url).text
            assert not [m for m in MARKERS if m in page], url


def test_public_export_holds_only_public_masked_data(archive: Archive, tmp_path: Path) -> None:
    _setup(archive)
    make_source(archive, level="restricted", title="Restricted RESTRICTEDMARK",
                text="[Fictional] RESTRICTEDMARK")
    counts = export_public(archive, tmp_path / "open")
    assert counts["source"] == 1 and counts["person"] == 0
    everything = ""
    for path in (tmp_path / "open").iterdir():
        if path.suffix in (".json", ".csv", ".txt"):
            everything += path.read_text(encoding="utf-8")
    db = sqlite3.connect(tmp_path / "open" / "sillok-public.sqlite")
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        everything += repr(db.execute(f'SELECT * FROM "{table}"').fetchall())
    db.close()
    for marker in (*MARKERS, "RESTRICTEDMARK"):
        assert marker not in everything, marker
    assert "[Witness W-" in everything and "suppressed" in everything


def test_codes_and_the_gazetteer_are_not_masked(archive: Archive) -> None:
    """A restricted 김정진 (Kim Chong-jin) is masked in text, but the city 청진's code
    ``kp-09-chongjin`` and the gazetteer's own names stay what they are: a masked code was a
    broken place link and a raw "kp-09-[Witness W-…]" on the public site."""
    victim = make_person(archive, level="restricted", name="김정진")
    public = make_person(archive, name="[가상] 공개 피해자")
    event = archive.create(ADMIN, "event", {
        "level": "public", "title": "[Fictional] Kim Chong-jin held in Chongjin",
        "date": "2019", "places": ["kp-09-chongjin"]})
    act = archive.create(ADMIN, "act", {"level": "public", "event": event, "victim": public,
                                        "act_type": "forced_repatriation",
                                        "place": "kp-09-chongjin"})
    shown = archive.get(ANON, "event", event)
    assert shown["fields"]["places"] == ["kp-09-chongjin"]
    assert "Kim Chong-jin" not in shown["fields"]["title"] and "[Witness W-" in \
        shown["fields"]["title"]
    assert archive.get(ANON, "act", act)["fields"]["place"] == "kp-09-chongjin"
    place = archive.list_records(ANON, "place", {"kind": "city"}, limit=500).items
    chongjin = next(p for p in place if p["fields"]["code"] == "kp-09-chongjin")
    # The gazetteer's own names stay; its free text (the source note) is masked like any
    # text, and so is a related record's title: those may name anyone.
    own = {k: chongjin["fields"][k] for k in ("en", "ko", "names")}
    assert "Witness" not in str(own) + chongjin["label"] and victim
    full = archive.get(ANON, "place", chongjin["id"])
    assert "Kim Chong-jin" not in str(full.get("related")) and "Chongjin" in full["fields"]["en"]
    found = search(archive, ANON, "Chongjin", limit=50).items
    places = [i for i in found if i["type"] == "place"]
    assert places and not [i for i in places if "Witness" in i["label"] + i["snippet"]]
