"""Counts from the coded records: acts, victims and events by any combination of act type,
year, province, facility type, perpetrator agency, victim sex and age group, with the same
filters as the search bar (stats/filters.py).

Everything is counted in grouped SQL queries inside the actor's permission scope (the same
policy filter as every list), with DISTINCT so that a victim of several acts is one victim.
A table comes with all its margins (row, column and grand totals), each counted in the
database rather than added up, so distinct counts stay distinct. Counts the public sees are
not queried here: they are cut from the one protected public base cube (stats/base_cube.py).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, TextIO

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import Session, aliased

from sillok.archive.consent_rules import statistics_exclusion
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.security.policy import Actor, visible_filter
from sillok.stats.base_cube import cut, public_cube, public_selection, refuse_dimensions
from sillok.stats.disclosure import MEASURES, TOTAL, Key, level, order_key, suppresses
from sillok.stats.filters import KEYS, Filters, as_text, conditions, parse_filters, resolve

DIMENSIONS = ("type", "year", "province", "facility_type", "agency", "sex", "age_group")
FILTERS = KEYS
AGE_GROUPS = ((0, 17, "0-17"), (18, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"),
              (60, 200, "60+"))


@dataclass
class CountTable:
    by: list[str]
    rows: list[dict[str, Any]]
    suppressed_below: int | None
    # Row, column and grand totals: each holds the dimensions it keeps and, in
    # ``total_over``, those it adds up; hidden ones like hidden rows.
    margins: list[dict[str, Any]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def filter_text(self) -> str:
        return as_text({k: tuple(v) for k, v in self.filters.items()})

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "filter": self.filter_text, "suppressed_below":
                self.suppressed_below, "rows": self.rows, "margins": self.margins}


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
               filters: str | Mapping[str, str] | None = None,
               min_cell: int = 5) -> CountTable:
    """Acts, victims and events by the dimensions ``by``, with all margins.

    ``filters`` is search-language text (``place:ryanggang from:2015``) or a mapping of the
    same keys to values. For an actor who sees only public records the table is cut from the
    public base cube (stats/base_cube.py), protected with a threshold of ``min_cell`` victims:
    hidden cells are ``None`` with ``suppressed``, and what the cube cannot answer is refused.
    """
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or not by or len(set(by)) != len(by):
        raise Invalid({"by": f"choose from: {', '.join(DIMENSIONS)} (each once)"})
    parsed = parse_filters(filters)
    if suppresses(actor):
        return _public_table(archive, by, parsed, min_cell)
    act, victim, facility = m.Act, aliased(m.Person), aliased(m.Place)
    year = cast(extract("year", act.date_start), Integer)
    with archive.transaction() as session:
        resolved = resolve(session, actor, parsed)
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
        # An act merged into another coding of the same act counts once (linkage/merge.py).
        where = [visible_filter(act, actor), act.retracted_at.is_(None),
                 act.merged_into_id.is_(None),
                 *conditions(resolved, actor, {**columns, "act": act, "victim": victim,
                                               "facility": facility})]
        # Only what witnesses allowed to be used in statistics is counted.
        unconsented = statistics_exclusion(session, act,
                                           required=archive.settings.consent_required)
        if unconsented is not None:
            where.append(unconsented)
        cells = _count_cube(session, actor, list(by), columns, where, set(by) | resolved.needs,
                            victim, facility)
    return _table(by, parsed, {key: dict(v) for key, v in cells.items()}, None)


def _public_table(archive: Archive, by: list[str], parsed: Filters, k: int) -> CountTable:
    """A public table: an aggregation cut from the protected base cube, never a query of its
    own, so that no two public tables can be played against each other."""
    refuse_dimensions(by)
    cube = public_cube(archive, k)
    with archive.transaction() as session:
        selection = public_selection(session, parsed)
    piece = cut(cube, by, selection)
    return _table(by, parsed, piece.cells, k, piece.summed)


def _table(by: list[str], parsed: Filters, cells: Mapping[Key, Mapping[str, int | None] | None],
           suppress: int | None, summed: set[Key] | None = None) -> CountTable:
    """Rows (every dimension a value) then margins, in a stable order; a hidden cell (None)
    has null counts and ``suppressed``; an added-up one says so in ``summed``."""
    rows: list[dict[str, Any]] = []
    margins: list[dict[str, Any]] = []
    for key in sorted(cells, key=lambda k: (-level(k), order_key(k))):
        out: dict[str, Any] = {d: c for d, c in zip(by, key, strict=True) if c is not TOTAL}
        value = cells[key]
        if value is None:
            out.update(dict.fromkeys(MEASURES), suppressed=True)
        else:
            out.update(value)
            if suppress is not None:
                out["suppressed"] = False
        if summed and key in summed:
            out["summed"] = True
        if level(key) == len(by):
            rows.append(out)
        else:
            out["total_over"] = [d for d, c in zip(by, key, strict=True) if c is TOTAL]
            margins.append(out)
    return CountTable(by=list(by), rows=rows, suppressed_below=suppress, margins=margins,
                      filters={k: list(v) for k, v in parsed.items()})


def _count_cube(session: Session, actor: Actor, by: list[str], columns: dict[str, Any],
                where: list[Any], need: set[str], victim: Any, facility: Any
                ) -> dict[Key, dict[str, int]]:
    """Every non-empty cell of the table by ``by`` and of all its margins.

    Each margin is counted by the database (2^n small grouped queries) rather than added up,
    because distinct victims and events do not add up across cells."""
    act = m.Act
    cells: dict[Key, dict[str, int]] = {}
    for size in range(len(by), -1, -1):
        for kept in combinations(range(len(by)), size):
            dims = [by[i] for i in kept]
            stmt = select(
                *[columns[d].label(d) for d in dims],
                func.count(act.id.distinct()).label("acts"),
                # A person and the records merged into it are one victim (linkage/merge.py).
                func.count(func.coalesce(victim.merged_into_id, act.victim_id).distinct())
                .label("victims"),
                func.count(act.event_id.distinct()).label("events"),
            ).select_from(act).join(victim, victim.id == act.victim_id)
            if "facility_type" in need or "facility" in need:
                stmt = stmt.outerjoin(facility, facility.id == act.facility_id)
            if "agency" in need:
                stmt = stmt.outerjoin(m.Involvement, (m.Involvement.act_id == act.id)
                                      & m.Involvement.retracted_at.is_(None)
                                      & visible_filter(m.Involvement, actor))
            stmt = stmt.where(*where)
            if dims:
                stmt = stmt.group_by(*[columns[d] for d in dims])
            for row in session.execute(stmt):
                values = row._mapping
                if not values["acts"]:
                    continue  # the grand total of nothing
                key = tuple(values[by[i]] if i in kept else TOTAL for i in range(len(by)))
                cells[key] = {name: int(values[name]) for name in MEASURES}
    return cells


def counts_csv_columns(table: CountTable) -> list[str]:
    return [*table.by, *MEASURES, "suppressed", "total_over"]


def write_counts_csv(table: CountTable, out: TextIO) -> None:
    """Cells, then totals (``total_over`` names the dimensions added up; empty for a cell);
    a hidden value is an empty field with ``suppressed`` true, never 0."""
    writer = csv.writer(out)
    writer.writerow(counts_csv_columns(table))
    for row in [*table.rows, *table.margins]:
        writer.writerow([*[row.get(d) for d in table.by], *[row.get(h) for h in MEASURES],
                         row.get("suppressed", ""), " ".join(row.get("total_over", []))])


def term_labels(archive: Archive, lang: str) -> dict[str, str]:
    """Code → label in ``lang`` for the coded dimensions (act types, agencies, sexes, …)."""
    with archive.transaction() as session:
        rows = session.execute(select(m.Term.code, m.Term.label_en, m.Term.label_ko).where(
            m.Term.vocabulary.in_(("act_type", "agency", "facility_type", "sex"))))
        labels = {code: (ko if lang == "ko" else en) for code, en, ko in rows}
        for place in session.execute(select(m.Place)).scalars():
            labels[place.code] = place.name_ko if lang == "ko" else place.name_en
    return labels


def filter_choices(archive: Archive, actor: Actor, lang: str) -> dict[str, list[tuple[str, str]]]:
    """What the statistics dashboard offers to filter by, as (code, label) in ``lang``: the
    provinces (and countries) counts roll up to, the types of violation and the sexes — each
    only as far as ``actor`` may see it."""
    with archive.transaction() as session:
        provinces = set(_province_map(session).values())
        places = session.execute(select(m.Place).where(
            m.Place.code.in_(provinces), visible_filter(m.Place, actor),
            m.Place.retracted_at.is_(None)).order_by(m.Place.code)).scalars()
        out: dict[str, list[tuple[str, str]]] = {
            "province": [(p.code, p.name_ko if lang == "ko" else p.name_en) for p in places]}
        for vocabulary, key in (("act_type", "act"), ("sex", "sex")):
            terms = session.execute(select(m.Term).where(
                m.Term.vocabulary == vocabulary, visible_filter(m.Term, actor),
                m.Term.retracted_at.is_(None)).order_by(m.Term.sort_order, m.Term.code)).scalars()
            out[key] = [(t.code, t.label_ko if lang == "ko" else t.label_en) for t in terms]
    return out
