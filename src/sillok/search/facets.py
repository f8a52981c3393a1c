"""Totals and facets with counts, computed over the very matches of the results — the same
permission scope — so that nothing the actor may not see is ever counted.

Per record: type, language, kind (a source's kind, an act's type, …), year; act type and
source kind on their own; province and facility type through the places a record points to
(an act's place and facility, an event's places, a person's place of origin, a place itself).
A place counts only if the actor may see that place too. A record counts once per value,
however many of its places share it.

Cost. The total and every per-record facet come from one grouping of the matches by (type,
language, kind, year) together, summed up here: the combinations are few. All of it is part of
the results' own statement (onepass.py), so the full-text match is evaluated once. Counting
stops at ``cap`` matches in scope: beyond it the total and every count are lower bounds ("at
least"), and the result says so (``capped``). Counting means reading every match's entry; the
cap keeps a search for the commonest words from reading most of the archive, while the order
of the results is still decided over all matches.
"""

# ruff: noqa: S608 - the statements here are put together from fixed SQL and the results'
# own WHERE (service.py); every value, the user's words included, is a bound parameter.
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from sillok.search.cache import IndexCache
from sillok.stats.counts import _province_map

# The facets of the record itself: type, language, kind (any type's), an act's type (its
# kind), a source's kind, year.
RECORD_FACETS = ("type", "lang", "kind", "act_type", "source_kind", "year")
PLACE_TYPES = "('act', 'event', 'person', 'place')"

# Each record type → the places it points to: (record type, table, its column holding the
# record's id, its column holding a place id). The facets count by them and the ``place:`` and
# ``facility:`` filters select by them (search/filters.py), so the two always agree; a place
# record points to itself.
LINKS = (("act", "acts", "id", "place_id"), ("act", "acts", "id", "facility_id"),
         ("event", "event_places", "event_id", "place_id"),
         ("person", "persons", "id", "origin_place_id"))

# Each hit → the places it points to, as (hit id, place id) pairs.
PLACE_LINKS = " UNION ALL ".join(
    [f"SELECT h.id AS hid, t.{col} AS place_id FROM hits h JOIN {table} t "
     f"ON h.record_type = '{kind}' AND t.{key} = h.record_id" for kind, table, key, col in LINKS]
    + ["SELECT h.id, h.record_id FROM hits h WHERE h.record_type = 'place'"])
VISIBLE_PLACE = ("JOIN places pl ON pl.id = l.place_id AND pl.level IN :levels "
                 "AND pl.retracted_at IS NULL")

# Parts of the results' statement (onepass.py): the same columns in every part —
# part, id, n, score, t1…t4, pos — the counting parts fill n and t1…t4.
COUNT_PART = 1
FACILITY_PART = 2
PROVINCE_PART = 3
NULL_TEXT = "CAST(NULL AS TEXT)"
NO_POS = "CAST(NULL AS BIGINT)"


@dataclass
class Counts:
    total: int
    capped: bool  # counting stopped at the cap: the total and the counts are lower bounds
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # The highest entry id among the matches counted (None: not known). On PostgreSQL the
    # matches are counted as the index's bitmap gives them, in the table's order, so when the
    # count stops at the cap this tells how far into the index the cap's matches reach (a
    # single clause's frequency is estimated from it: service.py).
    reach: int | None = None


def ctes(facets: bool) -> list[str]:
    """Common table expressions the counting parts need beyond ``scoped`` (the matches in
    scope, at most the cap): the hits that point to places, and their links."""
    if not facets:
        return []
    # Materialised: the links read the hits five times.
    return [f"hits AS MATERIALIZED (SELECT id, record_type, record_id FROM scoped "
            f"WHERE record_type IN {PLACE_TYPES})", f"links AS ({PLACE_LINKS})"]


def parts(session: Session, cache: IndexCache, facets: bool
          ) -> tuple[list[str], dict[str, Any]]:
    """The counting parts of the statement, and the parameters they add."""
    out = [f"SELECT {COUNT_PART}, max(id), count(*), NULL, record_type, language, kind, "
           f"CAST(y AS TEXT), {NO_POS} FROM scoped GROUP BY record_type, language, kind, y"]
    if not facets:
        return out, {}
    out.append(f"SELECT {FACILITY_PART}, NULL, count(DISTINCT l.hid), NULL, pl.facility_type, "
               f"{NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {NO_POS} FROM links l {VISIBLE_PLACE} "
               "WHERE pl.facility_type IS NOT NULL GROUP BY pl.facility_type")
    # The gazetteer changes seldom: its roll-up to provinces is kept with the index's
    # generation (a place's edit rewrites its entry), and at most a minute.
    provinces = cache.get(("provinces",), lambda: _province_map(session), max_age=60.0)
    if not provinces:
        return out, {}
    # The gazetteer is small (hundreds of places): its roll-up to provinces goes into the
    # query as a CASE, as in the statistics, so that a record is counted once per province.
    cases = " ".join(f"WHEN {int(pid)} THEN :pv{i}" for i, pid in enumerate(provinces))
    codes = {f"pv{i}": code for i, code in enumerate(provinces.values())}
    out.append(f"SELECT {PROVINCE_PART}, NULL, count(DISTINCT hid), NULL, province, "
               f"{NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {NO_POS} FROM (SELECT l.hid AS hid, "
               f"CASE l.place_id {cases} END AS province FROM links l {VISIBLE_PLACE}) AS lp "
               "WHERE province IS NOT NULL GROUP BY province")
    return out, codes


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def read(rows: Iterable[Any], cap: int, facets: bool) -> Counts:
    """The counting parts' rows → the total and, if ``facets``, the facets."""
    sums = _Sums()
    for part, reach, n, _score, t1, t2, t3, t4, _pos in rows:
        n = int(n)
        if part == COUNT_PART:
            sums.total += n
            if reach is not None:
                sums.reach = max(sums.reach or 0, int(reach))
            sums.add("type", t1, n)
            sums.add("lang", t2, n)
            sums.record_kind(t1, t3, n)
            sums.add("year", t4, n)
        else:
            sums.place(part, t1, n)
    return sums.counts(cap, facets)


def from_index(buckets: Iterable[dict[str, Any]], rows: Iterable[Any], cap: int) -> Counts:
    """The total and facets from an aggregation of the embedded index's matches
    (tantivy_search.py: per record type, its languages, kinds and years), and the place
    parts' rows (facility type, province) counted in the database."""
    sums = _Sums()
    for by_type in buckets:
        kind, n = str(by_type["key"]), int(by_type["doc_count"])
        sums.total += n
        sums.add("type", kind, n)
        for b in by_type["lang"]["buckets"]:
            sums.add("lang", b["key"], int(b["doc_count"]))
        for b in by_type["kind"]["buckets"]:
            sums.record_kind(kind, b["key"], int(b["doc_count"]))
        for b in by_type["year"]["buckets"]:
            sums.add("year", int(b["key"]), int(b["doc_count"]))
    for part, _id, n, _score, t1, *_rest in rows:
        sums.place(part, t1, int(n))
    return sums.counts(cap, True)


class _Sums:
    """Counts per facet value, summed from parts."""

    def __init__(self) -> None:
        self.total = 0
        self.reach: int | None = None
        self.sums: dict[str, dict[str, int]] = {
            name: {} for name in (*RECORD_FACETS, "facility_type", "province")}

    def add(self, name: str, value: Any, n: int) -> None:
        if value is not None:
            self.sums[name][str(value)] = self.sums[name].get(str(value), 0) + n

    def record_kind(self, record_type: Any, kind: Any, n: int) -> None:
        """A record's kind, and its act type or source kind."""
        self.add("kind", kind, n)
        self.add("act_type", kind if record_type == "act" else None, n)
        self.add("source_kind", kind if record_type == "source" else None, n)

    def place(self, part: int, value: Any, n: int) -> None:
        if part == FACILITY_PART:
            self.add("facility_type", value, n)
        elif part == PROVINCE_PART:
            self.add("province", value, n)

    def counts(self, cap: int, facets: bool) -> Counts:
        return Counts(self.total, self.total >= cap,
                      {name: _ordered(c) for name, c in self.sums.items()} if facets else {},
                      self.reach)
