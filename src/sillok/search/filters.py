"""The search bar's filters → WHERE conditions on ``search_index si``, every value bound.

- ``type:`` ``lang:`` ``level:`` ``kind:`` — the entry's own columns.
- ``year:`` ``from:`` ``to:`` — the record's (first) date.
- ``place:`` — a place by code or any of its names in any script (``kp-10``, ``양강도``,
  ``Ryanggang``, ``Yanggang``); a province covers its cities, counties and facilities.
- ``act:`` — acts of a type, by code, label or synonym in Korean or English (``강제북송``,
  ``forced repatriation``); narrower types count too.
- ``facility:`` — a facility type (``kyohwaso``, ``교화소``) or one facility (code or name).
- ``sources:N`` — acts with at least N independent sources, as the reader may know them
  (archive/corroboration.py; docs/corroboration.md).

Names are read exactly as the statistics read them (stats/filters.py): one vocabulary, one
gazetteer, one meaning of ``place:ryanggang`` everywhere. A record is in a place or facility
through the same links the facets count by (facets.LINKS): an act's place and facility, an
event's places, a person's place of origin, a place itself — so a facet's count and the
results of its filter agree. Only places and terms the actor may see are matched; a hidden
place is neither matched nor walked through.

Several values of one key are alternatives (``act:torture,forced_labour``). A value that names
nothing makes the search match nothing, with a note saying why — an ignored filter would show
results the user excluded.
"""

# ruff: noqa: S608 - conditions put together from fixed SQL (facets.LINKS); every value, the
# names the user typed and the ids they resolve to, is a bound parameter.
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, TextClause, bindparam, select, text
from sqlalchemy.orm import Session

from sillok.archive.corroboration import acts_with_support, ids_sql
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.search.cache import IndexCache
from sillok.search.facets import LINKS
from sillok.search.query import Query
from sillok.security.policy import Actor, visible_filter, visible_levels
from sillok.stats import filters as names

TYPES = {"sources": "source", "events": "event", "acts": "act", "persons": "person",
         "places": "place", "terms": "term"}


@dataclass
class Scope:
    """Conditions on ``si`` with their parameters; ``empty`` when no record can match."""

    where: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    empty: bool = False


@lru_cache(maxsize=512)
def bound(sql: str) -> TextClause:
    """A statement whose list parameters (levels, place ids, codes) expand to IN lists.

    Kept per SQL text (statements are immutable; their values come at execution): a search's
    statements differ only by their shape, and building the first pass's (a hundred
    parameters, found in the text by a regular expression) took 0.15 ms each time."""
    stmt = text(sql)
    expanding: list[BindParameter[Any]] = [bindparam(name, expanding=True)
                                           for name in LISTS if f":{name}" in sql]
    return stmt.bindparams(*expanding) if expanding else stmt


LISTS = ("levels", "audiences", "f_places", "f_facilities", "f_acts", "window")


def linked(param: str) -> str:
    """Records that point to a place in ``:param`` (facets.LINKS), or are one."""
    parts = [f"(si.record_type = '{kind}' AND EXISTS (SELECT 1 FROM {table} t "
             f"WHERE t.{key} = si.record_id AND t.{col} IN :{param}))"
             for kind, table, key, col in LINKS]
    parts.append(f"(si.record_type = 'place' AND si.record_id IN :{param})")
    return "(" + " OR ".join(parts) + ")"


def scope(session: Session, cache: IndexCache, actor: Actor, q: Query) -> Scope:
    s = Scope()
    f = q.filters
    if "type" in f:
        kind = TYPES.get(f["type"].lower(), f["type"].lower())
        if kind not in TYPES.values():
            s.notes.append(f"type: '{f['type']}' is not one of {', '.join(TYPES)}")
            s.empty = True
        s.where.append("si.record_type = :f_type")
        s.params["f_type"] = kind
    if "lang" in f:
        s.where.append("si.language = :f_lang")
        s.params["f_lang"] = f["lang"].lower()
    if "level" in f:
        s.where.append("si.level = :f_level")
        s.params["f_level"] = f["level"].lower()
    if "kind" in f:
        s.where.append("si.kind = :f_kind")
        s.params["f_kind"] = f["kind"]
    _years(s, f)
    levels = tuple(visible_levels(actor))
    if "place" in f:
        _named(s, cache, ("place", levels, f["place"]), lambda v: names.place_ids(
            session, actor, v, "place"), "f_places", linked("f_places"))
    if "facility" in f:
        _named(s, cache, ("facility", levels, f["facility"]), lambda v: _facility_ids(
            session, actor, v), "f_facilities", linked("f_facilities"))
    if "act" in f:
        _named(s, cache, ("act", levels, f["act"]), lambda v: names.term_codes(
            session, actor, "act_type", v, "act"), "f_acts",
               "(si.record_type = 'act' AND si.kind IN :f_acts)")
    if "sources" in f:
        _supported(s, session, actor, f["sources"])
    return s


def _supported(s: Scope, session: Session, actor: Actor, value: str) -> None:
    """``sources:N``: not kept in the index cache, as evidence is not indexed."""
    try:
        minimum = names.support_minimum(value)
    except Invalid as exc:
        s.notes.append("; ".join(exc.errors.values()))
        s.empty = True
        return
    found = sorted(acts_with_support(session, actor, minimum))
    if not found:
        s.empty = True
        return
    dialect = session.get_bind().dialect.name
    s.where.append(f"(si.record_type = 'act' AND si.record_id IN {ids_sql(dialect)})")
    s.params["f_supported"] = json.dumps(found)


def _years(s: Scope, f: dict[str, str]) -> None:
    years: dict[str, int] = {}
    for key in ("year", "from", "to"):
        if key in f:
            if f[key].isdigit() and len(f[key]) == 4:
                years[key] = int(f[key])
            else:
                s.notes.append(f"{key}: '{f[key]}' is not a year (YYYY); ignored")
    if "year" in years:
        years["from"] = max(years.get("from", 0), years["year"])
        years["to"] = min(years.get("to", 9999), years["year"])
    if "from" in years:
        s.where.append("si.date_start >= :f_from")
        s.params["f_from"] = date(years["from"], 1, 1)
    if "to" in years:
        s.where.append("si.date_start <= :f_to")
        s.params["f_to"] = date(years["to"], 12, 31)


def _facility_ids(session: Session, actor: Actor, values: tuple[str, ...]) -> set[int]:
    """The facilities named, and every facility of the types named, that the actor may see."""
    types, ids = names.facilities(session, actor, values)
    found = set(ids or ())
    if types:
        found |= set(session.execute(select(m.Place.id).where(
            m.Place.facility_type.in_(types), visible_filter(m.Place, actor),
            m.Place.retracted_at.is_(None))).scalars())
    return found


def _named(s: Scope, cache: IndexCache, key: tuple[str, tuple[str, ...], str],
           resolve: Callable[[tuple[str, ...]], set[Any]], param: str, condition: str) -> None:
    """Resolve a filter's names (kept per index generation: the gazetteer and vocabularies
    are indexed, so editing them changes it) into a bound list, or a note if they name
    nothing."""
    values = tuple(v.strip() for v in key[2].split(",") if v.strip())

    def compute() -> tuple[list[Any], str | None]:
        try:
            return sorted(resolve(values)), None
        except Invalid as exc:
            return [], "; ".join(exc.errors.values())

    found, problem = cache.get(("filter", *key), compute)
    if problem or not found:
        s.notes.append(f"{key[0]}: {problem or 'nothing matches ' + key[2]}")
        s.empty = True
        return
    s.where.append(condition)
    s.params[param] = found
