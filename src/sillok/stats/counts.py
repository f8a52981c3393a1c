"""Counts from the coded records: acts, victims and events by any combination of act type,
year, province, facility type, perpetrator agency, victim sex and age group.

Everything is counted in one grouped SQL query inside the actor's permission scope (the same
policy filter as every list), with DISTINCT so that a victim of several acts is one victim.
Cells the public sees are suppressed below the configured minimum (disclosure control).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import Session, aliased

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.security.policy import Actor, Role, visible_filter

DIMENSIONS = ("type", "year", "province", "facility_type", "agency", "sex", "age_group")
FILTERS = ("act_type", "year", "from", "to", "province", "facility_type", "agency", "sex")
AGE_GROUPS = ((0, 17, "0-17"), (18, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"),
              (60, 200, "60+"))


@dataclass
class CountTable:
    by: list[str]
    rows: list[dict[str, Any]]
    suppressed_below: int | None


def _province_map(session: Session) -> dict[int, str]:
    """Each place id → the code of the province (or special city) it lies in."""
    places = {p.id: p for p in session.execute(select(m.Place)).scalars()}
    out: dict[int, str] = {}
    for pid, place in places.items():
        cursor: m.Place | None = place
        while cursor is not None and cursor.kind not in ("province", "special_city",
                                                          "foreign_region", "country"):
            cursor = places.get(cursor.parent_id) if cursor.parent_id else None
        if cursor is not None and cursor.kind == "foreign_region":
            # Border prefectures roll up to their country for a national breakdown.
            while cursor is not None and cursor.kind != "country":
                cursor = places.get(cursor.parent_id) if cursor.parent_id else None
        if cursor is not None:
            out[pid] = cursor.code
    return out


def count_acts(archive: Archive, actor: Actor, by: list[str],
               filters: dict[str, str] | None = None, min_cell: int = 5) -> CountTable:
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or not by:
        raise Invalid({"by": f"choose from: {', '.join(DIMENSIONS)}"})
    filters = filters or {}
    bad = [f for f in filters if f not in FILTERS]
    if bad:
        raise Invalid({f"filter.{bad[0]}": f"unknown filter (filters: {', '.join(FILTERS)})"})
    act, victim, facility = m.Act, aliased(m.Person), aliased(m.Place)
    year = cast(extract("year", act.date_start), Integer)
    with archive.transaction() as session:
        provinces = _province_map(session)
        # The gazetteer is small (hundreds of places), so the place → province roll-up is a
        # CASE inside the query rather than a join on a recursive hierarchy.
        province = case(provinces or {-1: ""}, value=act.place_id, else_=None)
        age = year - victim.birth_year
        columns: dict[str, Any] = {
            "type": act.act_type,
            "year": year,
            "province": province,
            "facility_type": facility.facility_type,
            "agency": m.Involvement.agency,
            "sex": victim.sex,
            "age_group": case(
                *[((age >= lo) & (age <= hi), label) for lo, hi, label in AGE_GROUPS],
                else_=None,
            ),
        }
        stmt = select(
            *[columns[d].label(d) for d in by],
            func.count(act.id.distinct()).label("acts"),
            func.count(act.victim_id.distinct()).label("victims"),
            func.count(act.event_id.distinct()).label("events"),
        ).select_from(act).join(victim, victim.id == act.victim_id)
        need = set(by) | set(filters)
        if need & {"facility_type"}:
            stmt = stmt.outerjoin(facility, facility.id == act.facility_id)
        if need & {"agency"}:
            stmt = stmt.outerjoin(m.Involvement, (m.Involvement.act_id == act.id)
                                  & m.Involvement.retracted_at.is_(None)
                                  & visible_filter(m.Involvement, actor))
        stmt = stmt.where(visible_filter(act, actor), act.retracted_at.is_(None))
        for key, value in filters.items():
            stmt = stmt.where(_filter(key, value, columns, year))
        stmt = stmt.group_by(*[columns[d] for d in by]).order_by(*[columns[d] for d in by])
        rows = [dict(r._mapping) for r in session.execute(stmt)]
    suppress = min_cell if actor.role == Role.anonymous else None
    if suppress:
        for row in rows:
            if row["victims"] < suppress:
                row.update(acts=None, victims=None, events=None, suppressed=True)
    return CountTable(by=list(by), rows=rows, suppressed_below=suppress)


def term_labels(archive: Archive, lang: str) -> dict[str, str]:
    """Code → label in ``lang`` for the coded dimensions (act types, agencies, sexes, …)."""
    with archive.transaction() as session:
        rows = session.execute(select(m.Term.code, m.Term.label_en, m.Term.label_ko).where(
            m.Term.vocabulary.in_(("act_type", "agency", "facility_type", "sex"))))
        labels = {code: (ko if lang == "ko" else en) for code, en, ko in rows}
        for place in session.execute(select(m.Place)).scalars():
            labels[place.code] = place.name_ko if lang == "ko" else place.name_en
    return labels


def _filter(key: str, value: str, columns: dict[str, Any], year: Any) -> Any:
    try:
        if key == "year":
            return year == int(value)
        if key == "from":
            return year >= int(value)
        if key == "to":
            return year <= int(value)
    except ValueError:
        raise Invalid({f"filter.{key}": f"'{value}' is not a year"}) from None
    column = columns["type" if key == "act_type" else key]
    return column == value
