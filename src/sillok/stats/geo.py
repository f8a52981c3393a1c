"""Counts for the map: acts, victims and events by province and by county, as GeoJSON on the
shipped administrative boundaries (data/boundaries/, README there).

What a reader may see is decided by the policy module (security/policy.py ``place_grain``)
and applied here, on the server, before anything is written out:

- The public gets provinces only, cut from the protected public base cube (the same numbers
  as /stats, stats/base_cube.py): a cell hidden there (under ``k`` victims, or given away by
  one) is no feature at all — no shape, no count, no zero.
- Staff get provinces and counties with the true counts, as on the statistics page; but a
  restricted record counts at its province only for a reader who may not read protected
  identities, and a place hidden from the reader is walked through to the nearest visible one.
  Counties are drawn on the shipped county shapes (``COUNTY_FILE``), which are no part of the
  public base map and are written only for a reader whose grain is county.
- Facilities with coordinates are points; the public sees where they are, staff also how many
  acts there (of the records they may see at county grain).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import aliased

from sillok.archive.consent_rules import statistics_exclusion
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.security.policy import Actor, PlaceGrain, may_see, place_grain, visible_filter
from sillok.stats.counts import count_acts
from sillok.stats.disclosure import suppresses
from sillok.stats.filters import as_text, conditions, parse_filters, resolve, with_joins

REGION_KINDS = ("province", "special_city", "country")  # as the public base cube
COUNTY_KINDS = ("county", "city")
# The base map: North Korea's provinces, then the neighbours near the border (China and Russia
# as countries, the finest unit either reader gets abroad). README.md there: sources, licences.
BOUNDARY_FILES = ("kp-adm1.geojson", "border-adm0.geojson")
# The counties and cities (ADM2): only for readers whose grain is county (``geojson``).
COUNTY_FILE = "kp-adm2.geojson"
LAYERS = ("province", "county", "facility", "outline")


@dataclass
class Cell:
    """One drawn unit: a province (or special city, or a country abroad) or a county."""

    code: str
    kind: str  # "province" | "county"
    name_ko: str
    name_en: str
    parent: str | None
    acts: int
    victims: int | None  # None: an added-up public row (a broader type), acts only
    events: int | None


@dataclass
class MapCounts:
    grain: PlaceGrain  # the finest unit this reader gets
    k: int | None  # public cells under this many victims are left out
    filter: str
    provinces: list[Cell] = field(default_factory=list)
    counties: list[Cell] = field(default_factory=list)
    facilities: list[dict[str, Any]] = field(default_factory=list)


def _read(name: str) -> dict[str, Any]:
    folder = resources.files("sillok") / "data" / "boundaries"
    doc: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return doc


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    """The public base map (GeoJSON), each feature's ``code`` a gazetteer code: one collection
    from every file of ``BOUNDARY_FILES``, with every file's credit and licence kept. No
    county is in it (``county_boundaries``)."""
    docs = [_read(name) for name in BOUNDARY_FILES]
    sources = [doc["attribution"] for doc in docs]
    return {"type": "FeatureCollection",
            "attribution": {"credit": "; ".join(a["credit"] for a in sources),
                            "licence": "; ".join(f"{a['licence']} ({a['covers']})"
                                                 for a in sources),
                            "sources": sources},
            "features": [f for doc in docs for f in doc["features"]]}


@lru_cache(maxsize=1)
def county_boundaries() -> dict[str, Any]:
    """The shipped county and city shapes (data/boundaries/README.md, "Counties"): ``code``
    the gazetteer's, or None for a county the gazetteer does not list."""
    return _read(COUNTY_FILE)


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    """Every shipped shape with a gazetteer code, provinces and counties, by code."""
    features = [*boundaries()["features"], *county_boundaries()["features"]]
    return {f["properties"]["code"]: f["geometry"] for f in features
            if f["properties"].get("code")}


def act_types(archive: Archive, lang: str) -> list[tuple[str, str]]:
    """The public act types in vocabulary order, each with its label in ``lang`` (the map's
    filter)."""
    with archive.transaction() as session:
        rows = session.execute(select(m.Term.code, m.Term.label_en, m.Term.label_ko).where(
            m.Term.vocabulary == "act_type", m.Term.level == "public",
            m.Term.retracted_at.is_(None)).order_by(m.Term.sort_order)).all()
    return [(code, ko if lang == "ko" else en) for code, en, ko in rows]


def map_counts(archive: Archive, actor: Actor, filters: str | Mapping[str, str] | None,
               k: int) -> MapCounts:
    """What ``actor`` may see on the map with the search bar's ``filters``; raises Invalid
    (with the statistics' reasons) for a filter that cannot be answered."""
    parsed = parse_filters(filters)
    if suppresses(actor):
        return _public(archive, actor, filters, k, as_text(parsed))
    return _staff(archive, actor, parsed, as_text(parsed))


def _public(archive: Archive, actor: Actor, filters: str | Mapping[str, str] | None, k: int,
            text: str) -> MapCounts:
    table = count_acts(archive, actor, ["province"], filters, min_cell=k)
    out = MapCounts(PlaceGrain.province, k, text)
    with archive.transaction() as session:
        places = {p.code: p for p in session.execute(
            select(m.Place).where(visible_filter(m.Place, actor),
                                  m.Place.retracted_at.is_(None))).scalars()}
        out.facilities = _facilities(places.values(), None)
    for row in table.rows:
        place = places.get(str(row.get("province")))
        # Hidden by disclosure control, or (belt and braces) under k: not drawn at all. A row
        # added up from protected cells of narrower types (act:detention) has acts only, as
        # on /stats: victims and events cannot be added up.
        victims = row.get("victims")
        if place is None or row.get("suppressed") or (
                victims is None and not row.get("summed")) or (
                victims is not None and victims < k):
            continue
        events = row.get("events")
        out.provinces.append(Cell(place.code, "province", place.name_ko, place.name_en, None,
                                  int(row["acts"]), None if victims is None else int(victims),
                                  None if events is None else int(events)))
    return out


def _staff(archive: Archive, actor: Actor, parsed: dict[str, tuple[str, ...]],
           text: str) -> MapCounts:
    act, victim, facility = m.Act, aliased(m.Person), aliased(m.Place)
    out = MapCounts(PlaceGrain.county, None, text)
    with archive.transaction() as session:
        resolved = resolve(session, actor, parsed)
        every = {p.id: p for p in session.execute(select(m.Place)).scalars()}
        seen = {pid: p for pid, p in every.items()
                if may_see(actor, p) and p.retracted_at is None}
        region = {pid: _up(pid, every, seen, REGION_KINDS) for pid in every}
        county = {pid: _up(pid, every, seen, COUNTY_KINDS, stop=REGION_KINDS) for pid in every}
        year = cast(extract("year", act.date_start), Integer)
        province = case({pid: code for pid, code in
                         ((p, every[r].code) for p, r in region.items() if r is not None)}
                        or {-1: ""}, value=act.place_id, else_=None)
        cols = {"act": act, "victim": victim, "facility": facility, "year": year,
                "province": province, "agency": m.Involvement.agency}
        stmt = with_joins(select(act.id, act.level, act.place_id, act.facility_id, act.event_id,
                                 func.coalesce(victim.merged_into_id, act.victim_id)
                                 ).join(victim, victim.id == act.victim_id),
                          resolved, actor, act, facility)
        where = [visible_filter(act, actor), act.retracted_at.is_(None),
                 *conditions(resolved, actor, cols)]
        # As every count: only what witnesses allowed to be used in statistics (consent).
        unconsented = statistics_exclusion(session, act,
                                           required=archive.settings.consent_required)
        if unconsented is not None:
            where.append(unconsented)
        stmt = stmt.where(*where).distinct()
        tallies: dict[tuple[str, int], list[set[int]]] = {}
        at_facility: dict[int, list[set[int]]] = {}
        for act_id, level, place_id, facility_id, event_id, victim_key in session.execute(stmt):
            grain = place_grain(actor, level)
            where = place_id if place_id is not None else facility_id
            if grain is None or where is None:
                continue
            units = [("province", region.get(where))]
            if grain is PlaceGrain.county:
                units.append(("county", county.get(where)))
                if facility_id is not None and facility_id in seen:
                    for s, v in zip(at_facility.setdefault(facility_id, [set(), set(), set()]),
                                    (act_id, victim_key, event_id), strict=True):
                        s.add(v)
            for kind, unit in units:
                if unit is None:
                    continue
                for s, v in zip(tallies.setdefault((kind, unit), [set(), set(), set()]),
                                (act_id, victim_key, event_id), strict=True):
                    s.add(v)
        for (kind, pid), (acts, victims, events) in sorted(
                tallies.items(), key=lambda kv: (kv[0][0], every[kv[0][1]].code)):
            place = every[pid]
            parent = every.get(region.get(pid) or -1)
            cell = Cell(place.code, kind, place.name_ko, place.name_en,
                        parent.code if kind == "county" and parent else None,
                        len(acts), len(victims), len(events))
            (out.counties if kind == "county" else out.provinces).append(cell)
        out.facilities = _facilities(seen.values(), {pid: len(s[0]) for pid, s in
                                                     at_facility.items()})
    return out


def _up(pid: int, every: Mapping[int, m.Place], seen: Mapping[int, m.Place],
        kinds: tuple[str, ...], stop: tuple[str, ...] = ()) -> int | None:
    """The first place at or above ``pid`` of one of ``kinds`` that the reader may see
    (hidden places are walked through, never named); None past a place of ``stop``."""
    cursor = every.get(pid)
    while cursor is not None:
        if cursor.id in seen and cursor.kind in kinds:
            return cursor.id
        if cursor.kind in stop:
            return None
        cursor = every.get(cursor.parent_id) if cursor.parent_id else None
    return None


def _facilities(places: Any, acts: Mapping[int, int] | None) -> list[dict[str, Any]]:
    """Facilities the reader may see that have coordinates; with their acts for staff."""
    out = []
    for p in sorted(places, key=lambda p: p.code):
        if p.kind != "facility" or p.latitude is None or p.longitude is None:
            continue
        item: dict[str, Any] = {"code": p.code, "name_ko": p.name_ko, "name_en": p.name_en,
                                "facility_type": p.facility_type,
                                "coordinates": [p.longitude, p.latitude]}
        if acts is not None:
            item["acts"] = acts.get(p.id, 0)
        out.append(item)
    return out


def geojson(counts: MapCounts, layer: str) -> dict[str, Any]:
    """A FeatureCollection of ``layer``: "province" (each its shape), "county" (each its shape,
    or no geometry for a county without one), "facility" (points) or "outline" (every shipped
    county's outline, no counts). Only what ``counts`` holds — already coarsened and suppressed
    for the reader — is written, and nothing of a county for a reader whose grain is coarser
    (the public): no county feature, count, shape or outline."""
    features: list[dict[str, Any]] = []
    fine = counts.grain is PlaceGrain.county
    if layer == "facility":
        for f in counts.facilities:
            props = {k: v for k, v in f.items() if k != "coordinates"}
            features.append({"type": "Feature", "id": f["code"], "properties": props,
                             "geometry": {"type": "Point", "coordinates": f["coordinates"]}})
    elif layer == "outline":
        if fine:
            for f in county_boundaries()["features"]:
                props = {k: f["properties"][k]
                         for k in ("code", "kind", "parent", "name_en", "name_ko")}
                features.append({"type": "Feature", "properties": props,
                                 "geometry": f["geometry"]})
    elif layer == "province" or fine:
        geometry = shapes()
        for cell in counts.provinces if layer == "province" else counts.counties:
            props = {"code": cell.code, "kind": cell.kind, "name_ko": cell.name_ko,
                     "name_en": cell.name_en, "parent": cell.parent, "acts": cell.acts,
                     "victims": cell.victims, "events": cell.events}
            features.append({"type": "Feature", "id": cell.code, "properties": props,
                             "geometry": geometry.get(cell.code)})
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features,
                           "grain": counts.grain.value, "suppressed_below": counts.k,
                           "filter": counts.filter, "layer": layer}
    if fine and layer in ("county", "outline"):
        attribution = county_boundaries()["attribution"]
        doc["attribution"] = {k: attribution[k] for k in ("credit", "licence", "licence_short")}
    return doc
