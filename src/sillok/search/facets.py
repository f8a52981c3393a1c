"""Facets with counts, computed with the very WHERE clause of the results — the same permission
scope — so that nothing the actor may not see is ever counted.

Per record: type, language, kind (a source's kind, an act's type, …), year; act type and
source kind on their own; province and facility type through the places a record points to
(an act's place and facility, an event's places, a person's place of origin, a place itself).
A place counts only if the actor may see that place too. A record counts once per value,
however many of its places share it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from sillok.stats.counts import _province_map

# Facet name → the SQL expression it groups by (fixed strings, never user input).
RECORD_FACETS = {
    "type": "si.record_type",
    "lang": "si.language",
    "kind": "si.kind",
    "act_type": "CASE WHEN si.record_type = 'act' THEN si.kind END",
    "source_kind": "CASE WHEN si.record_type = 'source' THEN si.kind END",
}

# Each record → the places it points to, as (hit id, place id) pairs.
PLACE_LINKS = """
    SELECT h.id AS hid, a.place_id AS place_id FROM hits h
      JOIN acts a ON h.record_type = 'act' AND a.id = h.record_id
    UNION ALL SELECT h.id, a.facility_id FROM hits h
      JOIN acts a ON h.record_type = 'act' AND a.id = h.record_id
    UNION ALL SELECT h.id, ep.place_id FROM hits h
      JOIN event_places ep ON h.record_type = 'event' AND ep.event_id = h.record_id
    UNION ALL SELECT h.id, p.origin_place_id FROM hits h
      JOIN persons p ON h.record_type = 'person' AND p.id = h.record_id
    UNION ALL SELECT h.id, h.record_id FROM hits h WHERE h.record_type = 'place'
"""


def _run(session: Session, sql: str, params: dict[str, Any]) -> dict[str, int]:
    stmt = text(sql).bindparams(bindparam("levels", expanding=True))
    return {str(value): int(n) for value, n in session.execute(stmt, params)
            if value is not None}


def facets(session: Session, base: str, year: str, params: dict[str, Any]
           ) -> dict[str, dict[str, int]]:
    """``base`` is the results' ``FROM … WHERE …`` (with ``:levels`` among its parameters)."""
    out: dict[str, dict[str, int]] = {}
    for name, expr in {**RECORD_FACETS, "year": year}.items():
        out[name] = _run(session, f"SELECT {expr} AS value, count(*) {base} "
                                  f"GROUP BY {expr} ORDER BY count(*) DESC", params)
    # Only fixed SQL and the results' own WHERE are put together here; every value is bound.
    hits = f"WITH hits AS (SELECT si.id, si.record_type, si.record_id {base}), " \
           f"links AS ({PLACE_LINKS}) "
    visible_place = ("JOIN places pl ON pl.id = l.place_id AND pl.level IN :levels "
                     "AND pl.retracted_at IS NULL")
    out["facility_type"] = _run(
        session, f"{hits} SELECT pl.facility_type, count(DISTINCT l.hid) FROM links l "  # noqa: S608
                 f"{visible_place} WHERE pl.facility_type IS NOT NULL "
                 "GROUP BY pl.facility_type ORDER BY count(DISTINCT l.hid) DESC", params)
    provinces = _province_map(session)
    if not provinces:
        out["province"] = {}
        return out
    # The gazetteer is small (hundreds of places): its roll-up to provinces goes into the
    # query as a CASE, as in the statistics, so that a record is counted once per province.
    cases = " ".join(f"WHEN {int(pid)} THEN :pv{i}" for i, pid in enumerate(provinces))
    codes = {f"pv{i}": code for i, code in enumerate(provinces.values())}
    province = f"CASE l.place_id {cases} END"
    out["province"] = _run(
        session, f"{hits} SELECT {province} AS province, count(DISTINCT l.hid) FROM links l "  # noqa: S608
                 f"{visible_place} GROUP BY 1 "
                 "ORDER BY count(DISTINCT l.hid) DESC", {**params, **codes})
    return out
