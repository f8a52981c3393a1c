"""The one public base cube: every count the public sees is cut from it.

Acts, victims and events of the public records by act type × year × public region (a province,
a special city or, abroad, a country), with every margin (row, column and grand totals), are
counted once and protected once (stats/disclosure.py: primary suppression of cells under
``k`` victims, then complementary suppression checked by an exact audit of the whole cube).
Every public table on every door (/stats, /data and its downloads, the JSON API, ``sillok
stats`` as the public, the public export) is an aggregation cut from this cube, never a fresh
query with filters of its own. So two published tables can only ever be combinations of the
same published cells: differencing them (2019–2020 minus 2020, a total minus its shown cells,
two filters that differ by one value) gives nothing that the cube itself does not publish,
and the cube's audit proves that no hidden cell follows from what it publishes.

What the cube cannot answer is refused for the public with a message in Korean and English:
breakdowns or filters by sex, age, facility, agency, a place below its public region, the
language or kind of the sources, or how many independent sources an act has (sources:N).
Staff with clearance keep the full query (stats/counts.py).

A place that the public may not see (a village, a safe house), or that lies below a region,
counts at the nearest public region above it, and only there.

The cube is kept per archive and ``k`` until the archive changes (the newest audit entry and
the number of acts, read in the same transaction as the counts).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import Session, aliased

from sillok.archive.consent_rules import statistics_exclusion
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.security.policy import Actor, visible_filter
from sillok.stats.disclosure import MEASURES, TOTAL, Key, order_key, protect
from sillok.stats.filters import Filters, norm_name, resolve

PUBLIC = Actor.anonymous()
DIMENSIONS = ("type", "year", "province")
# What a public place counts at: the first of these, going up from the act's place, that the
# public may see. A foreign region (a border prefecture) is not one: it rolls up to its country.
REGION_KINDS = ("province", "special_city", "country")
# Filters the cube answers, and those it does not.
ANSWERED = ("type", "year", "from", "to", "act", "kind", "place", "province", "level")


def _refusal(what_ko: str, what_en: str) -> str:
    return (f"공개 통계는 행위 유형·연도·도(지역)별 집계만 제공하며, 다음은 직원 전용입니다: "
            f"{what_ko}. / Public statistics give counts by act type, year and province "
            f"(region) only; {what_en} is for staff.")


REFUSED_DIMENSIONS = {
    "facility_type": ("시설 유형별 집계", "a breakdown by facility type"),
    "agency": ("기관별 집계", "a breakdown by agency"),
    "sex": ("성별 집계", "a breakdown by sex"),
    "age_group": ("연령대별 집계", "a breakdown by age group"),
}
REFUSED_FILTERS = {
    "sex": ("성별 필터(sex:)", "the sex: filter"),
    "agency": ("기관 필터(agency:)", "the agency: filter"),
    "facility": ("시설 필터(facility:)", "the facility: filter"),
    "lang": ("출처 언어 필터(lang:)", "the lang: filter (sources' language)"),
    "kind": ("출처 종류 필터(kind:)", "the kind: filter on sources"),
    "place": ("도(지역)보다 작은 장소 필터(place:)", "a place: filter below province level"),
    "sources": ("독립 출처 수 필터(sources:)", "the sources: filter (independent sources)"),
}


def refuse(key: str, table: Mapping[str, tuple[str, str]]) -> Invalid:
    ko, en = table[key]
    return Invalid({f"filter.{key}" if table is REFUSED_FILTERS else "by": _refusal(ko, en)})


@dataclass(frozen=True)
class BaseCube:
    """Every non-empty cell of type × year × region and of its margins, and those hidden."""

    k: int
    cells: Mapping[Key, Mapping[str, int]]
    hidden: frozenset[Key]


# ------------------------------------------------------------------ building and keeping it

_lock = threading.Lock()
_kept: dict[tuple[str, int, bool], tuple[tuple[Any, ...], BaseCube]] = {}


def public_cube(archive: Archive, k: int) -> BaseCube:
    """The protected cube of ``archive`` for a threshold of ``k`` victims."""
    place = (archive.engine.url.render_as_string(hide_password=True), k,
             archive.settings.consent_required)
    with _lock, archive.transaction() as session:
        stamp = tuple(session.execute(select(
            select(func.max(m.AuditEntry.id)).scalar_subquery(),
            select(func.count(m.Act.id)).scalar_subquery(),
            select(func.max(m.Act.id)).scalar_subquery())).one())
        kept = _kept.get(place)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        cells = count_cube(session, archive.settings.consent_required)
        hidden, _primary = protect(cells, k)
        cube = BaseCube(k, cells, frozenset(hidden))
        if len(_kept) > 16:  # one per archive a process serves; tests open many
            _kept.clear()
        _kept[place] = (stamp, cube)
        return cube


def public_regions(session: Session) -> dict[int, str]:
    """Each place id → the code of the public region it counts at (none: not counted by
    place). Restricted and retracted places are walked through, never named."""
    places = {p.id: p for p in session.execute(select(m.Place)).scalars()}
    out: dict[int, str] = {}
    for pid, place in places.items():
        cursor: m.Place | None = place
        while cursor is not None and not (cursor.kind in REGION_KINDS
                                          and cursor.level == "public"
                                          and cursor.retracted_at is None):
            cursor = places.get(cursor.parent_id) if cursor.parent_id else None
        if cursor is not None:
            out[pid] = cursor.code
    return out


def count_cube(session: Session, consent_required: bool = False
               ) -> dict[Key, dict[str, int]]:
    """The cube's cells and margins, each counted by the database (distinct victims and events
    do not add up): 8 grouped queries over the public acts that witnesses allowed to be used
    in statistics."""
    act, victim = m.Act, aliased(m.Person)
    # An act merged into another coding of the same act counts once (linkage/merge.py).
    where = [visible_filter(act, PUBLIC), act.retracted_at.is_(None),
             act.merged_into_id.is_(None)]
    unconsented = statistics_exclusion(session, act, required=consent_required)
    if unconsented is not None:
        where.append(unconsented)
    regions = public_regions(session)
    columns: dict[str, Any] = {
        "type": act.act_type,
        "year": cast(extract("year", act.date_start), Integer),
        "province": case(regions or {-1: ""}, value=act.place_id, else_=None),
    }
    cells: dict[Key, dict[str, int]] = {}
    for mask in range(2 ** len(DIMENSIONS)):
        kept = [d for i, d in enumerate(DIMENSIONS) if not mask >> i & 1]
        stmt = select(
            *[columns[d].label(d) for d in kept],
            func.count(act.id.distinct()).label("acts"),
            # A person and the records merged into it are one victim (linkage/merge.py).
            func.count(func.coalesce(victim.merged_into_id, act.victim_id).distinct())
            .label("victims"),
            func.count(act.event_id.distinct()).label("events"),
        ).select_from(act).join(victim, victim.id == act.victim_id).where(*where)
        if kept:
            stmt = stmt.group_by(*[columns[d] for d in kept])
        for row in session.execute(stmt):
            values = row._mapping
            if not values["acts"]:
                continue  # the grand total of nothing
            key = tuple(values[d] if d in kept else TOTAL for d in DIMENSIONS)
            cells[key] = {name: int(values[name]) for name in MEASURES}
    return cells


# ------------------------------------------------------------------ what a request selects

Selection = dict[str, frozenset[Any] | None]  # per dimension: the values kept, None for all


def public_selection(session: Session, filters: Filters) -> Selection:
    """The public's filters as a choice of values per dimension of the cube; refuses (with a
    reason in Korean and English) every filter the cube cannot answer."""
    for key in filters:
        if key not in ANSWERED:  # a filter the cube ignored would publish a wrong number
            raise refuse(key, REFUSED_FILTERS)
    resolved = resolve(session, PUBLIC, filters)  # the same checks and messages as for staff
    if resolved.source_kinds is not None:
        raise refuse("kind", REFUSED_FILTERS)
    sel: Selection = dict.fromkeys(DIMENSIONS)
    if resolved.act_types is not None:
        sel["type"] = frozenset(resolved.act_types)
    lo, hi = resolved.years
    if lo is not None or hi is not None:
        sel["year"] = frozenset(range(lo or 0, (hi or 9999) + 1)) if (lo or 0) <= (hi or 9999) \
            else frozenset()
    regions: frozenset[str] | None = None
    if resolved.provinces is not None:
        regions = frozenset(resolved.provinces)
    if "place" in filters:
        named = _named_regions(session, filters["place"])
        regions = named if regions is None else regions & named
    sel["province"] = regions
    if resolved.levels is not None and "public" not in resolved.levels:
        sel["type"] = frozenset()  # the public sees public records only: nothing is left
    return sel


def _named_regions(session: Session, values: tuple[str, ...]) -> frozenset[str]:
    """The public regions named by ``place:`` values, or lying inside the places named (a
    country); a place below a region cannot be answered and is refused."""
    rows = session.execute(select(m.Place).where(visible_filter(m.Place, PUBLIC),
                                                 m.Place.retracted_at.is_(None))).scalars().all()
    names: dict[str, set[int]] = {}
    for place in rows:
        for name in (place.code, place.name_en, place.name_ko):
            names.setdefault(norm_name(name), set()).add(place.id)
    for pid, name in session.execute(select(m.PlaceName.place_id, m.PlaceName.name)):
        names.setdefault(norm_name(name), set()).add(pid)
    by_id = {p.id: p for p in rows}
    regions = {p.id: p.code for p in rows if p.kind in REGION_KINDS}
    out: set[str] = set()
    for value in values:
        ids = {pid for pid in names.get(norm_name(value), ()) if pid in by_id}
        if not ids:
            raise Invalid({"filter.place": f"no place '{value}' in the gazetteer (a code such as "
                                           f"kp-10 or a name such as Ryanggang)"})
        for pid in ids:
            inside = {code for rid, code in regions.items() if _within(rid, pid, by_id)}
            if not inside:
                raise refuse("place", REFUSED_FILTERS)
            out |= inside
    return frozenset(out)


def _within(pid: int, ancestor: int, by_id: Mapping[int, m.Place]) -> bool:
    cursor: int | None = pid
    while cursor is not None:
        if cursor == ancestor:
            return True
        place = by_id.get(cursor)
        cursor = place.parent_id if place is not None else None
    return False


def refuse_dimensions(by: list[str]) -> None:
    for d in by:
        if d in REFUSED_DIMENSIONS:
            raise refuse(d, REFUSED_DIMENSIONS)


# ------------------------------------------------------------------ cutting a table from it


@dataclass
class Cut:
    """A table cut from the cube: each key (one value or TOTAL per dimension of ``by``) with
    its counts, or None where hidden; ``summed`` holds the keys whose acts were added up from
    several published cells (victims and events cannot be added: they are None there)."""

    cells: dict[Key, dict[str, int | None] | None]
    summed: set[Key]


def cut(cube: BaseCube, by: list[str], sel: Selection) -> Cut:
    """The table by ``by`` of the cells that ``sel`` keeps.

    A key of the table that is one cell of the cube is that cell, hidden or not. A key that
    covers several non-empty cells of the cube (a filter with several values on a dimension
    the table adds up) publishes only what the published cells give: their acts added up when
    none of them is hidden, and otherwise nothing."""
    values: dict[str, set[Any]] = {d: set() for d in DIMENSIONS}
    for key in cube.cells:
        for d, c in zip(DIMENSIONS, key, strict=True):
            if c is not TOTAL:
                values[d].add(c)
    # A selection that keeps every value is no selection: the cube's own margin answers it.
    sel = {d: None if s is not None and values[d] <= s else s for d, s in sel.items()}
    parts: dict[Key, list[Key]] = {}
    for key in cube.cells:
        targets: list[tuple[Any, ...]] = [()]
        ok = True
        for d, c in zip(DIMENSIONS, key, strict=True):
            s = sel[d]
            if s is None:
                if d not in by and c is not TOTAL:
                    ok = False
                    break
                choices: tuple[Any, ...] = (c,)
            else:
                if c is TOTAL or c not in s:
                    ok = False
                    break
                choices = (c, TOTAL)
            if d in by:
                targets = [(*t, choice) for t in targets for choice in choices]
        if not ok:
            continue
        for t in targets:
            table_key = tuple(t[by_index] for by_index in _order(by))
            parts.setdefault(table_key, []).append(key)
    out = Cut({}, set())
    for table_key, keys in sorted(parts.items(), key=lambda kv: order_key(kv[0])):
        if len(keys) == 1:
            (only,) = keys
            out.cells[table_key] = None if only in cube.hidden else dict(cube.cells[only])
        elif any(key in cube.hidden for key in keys):
            out.cells[table_key] = None
        else:
            out.cells[table_key] = {"acts": sum(cube.cells[key]["acts"] for key in keys),
                                    "victims": None, "events": None}
            out.summed.add(table_key)
    return out


def _order(by: list[str]) -> list[int]:
    """Where each dimension of ``by`` sits among the dimensions of the table as built (the
    cube's order, restricted to ``by``)."""
    built = [d for d in DIMENSIONS if d in by]
    return [built.index(d) for d in by]
