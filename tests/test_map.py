"""The map's counts and GeoJSON (stats/geo.py, /map, /api/v1/map): nothing below the level a
reader may see, no public cell under k, staff finer, restricted records at their province for
those who may not read protected identities; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sillok.archive import consent
from sillok.archive.bulk import add_records
from sillok.archive.lifecycle import DEMO_ACTOR
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.stats.counts import count_acts
from sillok.stats.geo import boundaries, county_boundaries, geojson, map_counts
from sillok.web.app import create_app
from tests.auth_helpers import client as https_client
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_source

REGIONS = {"kp", "kr", "cn", "ru", "kp-01", "kp-02", "kp-03", "kp-04", "kp-05", "kp-06", "kp-07",
           "kp-08", "kp-09", "kp-10", "kp-13", "kp-14"}


def _acts_at(counts: Any, layer: str) -> dict[str, int]:
    return {c.code: c.acts for c in getattr(counts, layer)}


def _small_world(archive: Archive) -> None:
    """Three acts: public and restricted at Musan county, internal at Hyesan (a city)."""
    person = {"type": "person", "kind": "individual", "roles": ["victim"],
              "description": "Fictional test person (가상)."}

    def name(text: str) -> list[dict[str, str]]:
        return [{"name": text, "system": "hangul"}]
    add_records(archive, DEMO_ACTOR, [
        {**person, "ref": "p1", "level": "public", "names": name("가상 하나")},
        {**person, "ref": "p2", "level": "restricted", "names": name("가상 둘")},
        {**person, "ref": "p3", "level": "internal", "names": name("가상 셋")},
        {"type": "event", "ref": "e1", "level": "public", "title": "가상 사건 1"},
        {"type": "event", "ref": "e2", "level": "restricted", "title": "가상 사건 2"},
        {"type": "event", "ref": "e3", "level": "internal", "title": "가상 사건 3"},
        {"type": "act", "level": "public", "event": "e1", "act_type": "torture",
         "victim": "p1", "date": "2019-05", "place": "kp-09-musan"},
        {"type": "act", "level": "restricted", "event": "e2", "act_type": "torture",
         "victim": "p2", "date": "2019-06", "place": "kp-09-musan"},
        {"type": "act", "level": "internal", "event": "e3", "act_type": "forced_labour",
         "victim": "p3", "date": "2020", "place": "kp-10-hyesan"},
    ])


def test_each_reader_gets_the_grain_the_policy_allows(archive: Archive) -> None:
    _small_world(archive)
    editor = map_counts(archive, EDITOR, None, 5)
    assert _acts_at(editor, "counties") == {"kp-09-musan": 2, "kp-10-hyesan": 1}
    assert _acts_at(editor, "provinces") == {"kp-09": 2, "kp-10": 1}
    # An analyst sees the restricted act, but only at its province.
    analyst = map_counts(archive, ANALYST, None, 5)
    assert _acts_at(analyst, "counties") == {"kp-09-musan": 1, "kp-10-hyesan": 1}
    assert _acts_at(analyst, "provinces") == {"kp-09": 2, "kp-10": 1}
    viewer = map_counts(archive, VIEWER, None, 5)
    assert _acts_at(viewer, "counties") == {"kp-09-musan": 1, "kp-10-hyesan": 1}
    assert _acts_at(viewer, "provinces") == {"kp-09": 1, "kp-10": 1}
    # The public: provinces only, and under k nothing at all — no shape, no zero.
    assert _acts_at(map_counts(archive, ANON, None, 1), "provinces") == {"kp-09": 1}
    public = map_counts(archive, ANON, None, 5)
    assert public.provinces == [] and public.counties == []
    doc = geojson(public, "province")
    assert doc["features"] == [] and doc["suppressed_below"] == 5
    assert geojson(map_counts(archive, ANON, None, 1), "county")["features"] == []
    staff_doc = geojson(editor, "county")
    assert {f["id"] for f in staff_doc["features"]} == {"kp-09-musan", "kp-10-hyesan"}
    # Counties are drawn on their shipped shapes, with the shapes' licence.
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon")
               for f in staff_doc["features"])
    assert "CC BY 3.0 IGO" in staff_doc["attribution"]["licence"]
    assert len(geojson(analyst, "outline")["features"]) == 179
    # The public: no county feature, count, shape or outline, even where a province is drawn.
    for reader in (map_counts(archive, ANON, None, 1), public):
        for layer in ("county", "outline"):
            doc = geojson(reader, layer)
            assert doc["features"] == [] and "attribution" not in doc
    provinces = geojson(editor, "province")["features"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in provinces)


def test_every_shape_is_a_gazetteer_region_with_its_licence() -> None:
    doc = boundaries()
    codes = {f["properties"]["code"] for f in doc["features"]}
    assert codes == REGIONS - {"kp", "kr", "kp-14"}
    assert "OpenStreetMap" in doc["attribution"]["credit"]
    assert "Natural Earth" in doc["attribution"]["credit"]
    licence = doc["attribution"]["licence"]
    assert "ODbL" in licence and "public domain" in licence
    assert all(a["licence_short"] and a["covers"] and a["covers_ko"]
               for a in doc["attribution"]["sources"])
    # China and Russia are drawn as countries (the finest unit abroad), and only near the
    # border: the shipped part stays in a box around North Korea.
    for feature in doc["features"]:
        if feature["properties"]["code"] in ("cn", "ru"):
            assert feature["properties"]["kind"] == "country"
            points = [pt for poly in feature["geometry"]["coordinates"] for ring in poly
                      for pt in ring]
            assert all(121 <= x <= 134 and 37 <= y <= 45 for x, y in points)
    assert all(f["properties"]["name_ko"] and f["properties"]["name_en"]
               for f in doc["features"])


def test_county_shapes_are_the_gazetteers_counties_with_their_licence() -> None:
    doc = county_boundaries()
    gazetteer = {p["code"]: p for p in yaml.safe_load(
        (resources.files("sillok") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")
    )["places"] if p["kind"] in ("county", "city")}
    features = doc["features"]
    assert len(features) == 179  # geoBoundaries PRK ADM2 (data/boundaries/README.md)
    coded = [f["properties"] for f in features if f["properties"]["code"]]
    # Every gazetteer county and city has exactly one shape, in its own province.
    assert sorted(p["code"] for p in coded) == sorted(gazetteer)
    for props in coded:
        place = gazetteer[props["code"]]
        assert (props["parent"], props["kind"], props["name_ko"]) == (
            place["parent"], place["kind"], place["ko"])
    assert all(f["properties"]["parent"] in REGIONS and f["geometry"]["type"] in (
        "Polygon", "MultiPolygon") for f in features)
    assert "CC BY 3.0 IGO" in doc["attribution"]["licence"]
    assert "World Food Programme" in doc["attribution"]["credit"]
    # Not part of the public base map, and small enough to send to a staff browser.
    assert not {f["properties"]["code"] for f in boundaries()["features"]} & set(gazetteer)
    shipped = resources.files("sillok") / "data" / "boundaries" / "kp-adm2.geojson"
    assert len(shipped.read_bytes()) < 400_000


def test_counties_over_http_only_for_a_county_grain(archive: Archive) -> None:
    """The public's map, page and API carry no county (not even an outline) where staff get
    the shapes, the outlines and the county licence; on SQLite and PostgreSQL."""
    _small_world(archive)
    settings = replace(archive.settings, min_cell=1)
    with https_client(settings) as anon:
        assert anon.get("/map/data.geojson").json()["features"]  # kp-09 is drawn...
        for layer in ("county", "outline"):
            doc = anon.get(f"/map/data.geojson?layer={layer}").json()
            assert doc["features"] == [] and doc["grain"] == "province"  # ...no county is
            assert anon.get("/api/v1/map", params={"layer": layer}).json()["features"] == []
        page = anon.get("/map?lang=en").text
        assert '"counties": false' in page and "CC BY 3.0 IGO" not in page
        assert "kp-09-musan" not in anon.get("/map/boundaries.geojson").text
    with signed_in(settings, "editor") as staff:
        counties = staff.get("/map/data.geojson?layer=county").json()
        shaped = {f["id"]: f["geometry"]["type"] for f in counties["features"]}
        assert shaped == {"kp-09-musan": "Polygon", "kp-10-hyesan": "Polygon"}
        outlines = staff.get("/map/data.geojson?layer=outline").json()["features"]
        assert len(outlines) == 179 and all("acts" not in f["properties"] for f in outlines)
        page = staff.get("/map?lang=ko").text
        assert '"counties": true' in page and "CC BY 3.0 IGO" in page


@pytest.fixture
def many(demo80_settings: Settings) -> Iterator[Archive]:
    """The hand-written demo and 80 generated events, with k = 3 so that some public cells
    are drawn and some are not."""
    archive = Archive.open(replace(demo80_settings, min_cell=3))
    yield archive
    archive.close()


ACTS = ["torture", "forced_repatriation", "detention", "forced_labour", "arrest_abroad",
        "punishment_foreign_media", "execution_public", "denial_of_food"]
filters = st.fixed_dictionaries({}, optional={
    "act": st.sampled_from(ACTS), "from": st.integers(1998, 2026).map(str),
    "to": st.integers(1998, 2026).map(str)})


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flt=filters)
def test_public_geojson_is_provinces_over_k_and_the_statistics_numbers(
        many: Archive, flt: dict[str, str]) -> None:
    k = 3
    public = map_counts(many, ANON, flt, k)
    for layer in ("province", "county", "facility", "outline"):
        doc = geojson(public, layer)
        for feature in doc["features"]:
            props = feature["properties"]
            assert layer not in ("county", "outline"), "the public never gets a county"
            if layer == "province":
                assert props["code"] in REGIONS and props["kind"] == "province"
                if props["victims"] is None:  # added up from narrower types: acts only
                    assert props["acts"] > 0 and props["events"] is None
                else:
                    assert props["victims"] >= k and props["acts"] >= props["victims"]
            else:
                assert "acts" not in props  # where a facility is, not what happened there
    table = count_acts(many, ANON, ["province"], flt, min_cell=k)
    shown = {r["province"]: r["acts"] for r in table.rows if not r.get("suppressed")}
    assert _acts_at(public, "provinces") == {c: n for c, n in shown.items() if c in REGIONS}
    # Staff see at least as much, and finer.
    staff = map_counts(many, EDITOR, flt, k)
    for code, n in _acts_at(public, "provinces").items():
        assert _acts_at(staff, "provinces")[code] >= n
    if not flt:
        assert staff.counties


def test_map_pages_and_geojson_over_http(many: Archive) -> None:
    with TestClient(create_app(many.settings)) as client:
        ko = client.get("/map?lang=ko")
        en = client.get("/map?lang=en&act=torture")
        assert ko.status_code == en.status_code == 200
        assert "인권침해 지도" in ko.text and "Map of documented violations" in en.text
        assert "OpenStreetMap" in en.text and "ODbL" in en.text
        assert 'href="/map/data.geojson?act=torture"' in en.text  # lang is not a filter
        data = client.get("/map/data.geojson?act=torture")
        assert data.headers["content-type"].startswith("application/geo+json")
        assert data.headers["cache-control"] == "private, no-store"
        doc = data.json()
        assert doc["grain"] == "province" and doc["filter"] == "act:torture"
        assert client.get("/map/data.geojson?layer=county").json()["features"] == []
        assert client.get("/map/data.geojson?layer=tiles").status_code == 404
        refused = client.get("/map?filter=sex:female&lang=en")
        assert refused.status_code == 200 and "for staff" in refused.text
        assert client.get("/map/data.geojson?filter=sex:female").status_code == 400
        api = client.get("/api/v1/map", params={"filter": "act:torture"})
        assert api.status_code == 200 and api.json()["features"] == doc["features"]
        shapes = client.get("/map/boundaries.geojson").json()
        assert len(shapes["features"]) == 13  # 11 provinces, China and Russia



def test_staff_map_leaves_out_acts_withheld_from_statistics(archive: Archive) -> None:
    _small_world(archive)
    source = make_source(archive, level="internal")
    act_id = next(item["id"] for item in archive.list_records(ADMIN, "act", limit=10).items
                  if item["level"] == "internal")
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "act", "id": act_id},
                                       "quote": "탈북민 34명"})
    assert _acts_at(map_counts(archive, EDITOR, None, 5), "counties")["kp-10-hyesan"] == 1
    consent.record(archive, ADMIN, "source", source, {"statistics": "refused"})
    assert "kp-10-hyesan" not in _acts_at(map_counts(archive, EDITOR, None, 5), "counties")
