"""Facets by province, facility type, act type and source kind, counted in the permission
scope of the results: restricted records never count for anonymous users. Fictional data."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.search.service import search
from tests.conftest import ADMIN, ANON, EDITOR, make_event, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

MARK = "쥐똥나무"  # a word no other record has


def _act(archive: Archive, level: str, event: int, **extra: object) -> int:
    victim = make_person(archive, level=level)
    data: dict[str, object] = {"level": level, "event": event, "victim": victim,
                               "act_type": "forced_repatriation",
                               "description": f"[가상] {MARK} 사건의 피해"}
    data.update(extra)
    return archive.create(ADMIN, "act", data)


def _archive_with_places(archive: Archive) -> None:
    public_event = make_event(archive, level="public", description=f"[가상] {MARK} 공개 사건",
                              places=["kp-09-onsong", "kp-09-hoeryong"])
    _act(archive, "public", public_event, place="kp-09-onsong",
         facility="kp-09-onsong-mps-detention")
    restricted_event = make_event(archive, level="restricted",
                                  description=f"[가상] {MARK} 제한 사건",
                                  places=["kp-03-sinuiju"])
    _act(archive, "restricted", restricted_event, act_type="detention_kyohwaso",
         place="kp-02-pyongsong", facility="kp-02-kaechon-kyohwaso")
    make_person(archive, level="public", name=f"{MARK} 가상인물", origin_place="kp-10-hyesan")
    make_source(archive, level="public", kind="testimony", text=f"[가상] {MARK} 증언")
    make_source(archive, level="restricted", kind="news_report", text=f"[가상] {MARK} 기사")


def test_province_and_facility_facets_in_the_public_scope(archive: Archive) -> None:
    _archive_with_places(archive)
    public = search(archive, ANON, MARK, facets=True)
    assert public.facets["province"] == {"kp-09": 2, "kp-10": 1}  # event once, though 2 places
    assert public.facets["facility_type"] == {"mps_detention": 1}
    assert public.facets["act_type"] == {"forced_repatriation": 1}
    assert public.facets["source_kind"] == {"testimony": 1}
    counted = {**public.facets["province"], **public.facets["facility_type"],
               **public.facets["act_type"], **public.facets["source_kind"]}
    for hidden in ("kp-02", "kp-03", "kyohwaso", "detention_kyohwaso", "news_report"):
        assert hidden not in counted, hidden


def test_facets_grow_with_the_role(archive: Archive) -> None:
    _archive_with_places(archive)
    full = search(archive, EDITOR, MARK, facets=True)
    assert full.facets["province"] == {"kp-09": 2, "kp-10": 1, "kp-02": 1, "kp-03": 1}
    assert full.facets["facility_type"] == {"mps_detention": 1, "kyohwaso": 1}
    assert full.facets["act_type"] == {"forced_repatriation": 1, "detention_kyohwaso": 1}
    assert full.facets["source_kind"] == {"testimony": 1, "news_report": 1}
    assert sum(full.facets["type"].values()) == full.total


def test_facets_follow_the_query_filters(archive: Archive) -> None:
    _archive_with_places(archive)
    events = search(archive, EDITOR, f"type:events {MARK}", facets=True)
    assert events.facets["province"] == {"kp-09": 1, "kp-03": 1}
    assert events.facets["facility_type"] == {} and events.facets["act_type"] == {}
