"""Filters for counts, written in the search bar's language (search/query.py).

``place:ryanggang act:forced_repatriation from:2015`` means the same here as in the search bar,
for the records counted (acts):

- ``type:`` the record type: only ``acts`` (or ``act``) is counted here.
- ``year:`` ``from:`` ``to:`` the year the act began.
- ``place:`` a place by code or any of its names in any script (``kp-10``, ``ryanggang``,
  ``양강도``); the places inside it count too (a province includes its cities, counties and
  facilities), matched on the act's place or facility.
- ``act:`` an act type by code or label; narrower types count too (``detention`` includes
  ``detention_kyohwaso``).
- ``kind:`` what search indexes as an act's kind, its act type (as ``act:``); a source kind
  (``testimony``, ``news_report`` …) selects acts documented by such a source.
- ``facility:`` a facility type (``kyohwaso``) or one facility (code or name).
- ``lang:`` acts documented by a source in that language (``ko``, ``en``).
- ``level:`` the act's confidentiality level (within what the actor may see).
- ``sources:N`` acts with at least N independent sources, counted as the actor may know them
  (archive/corroboration.py, docs/corroboration.md).
- Statistics only: ``agency:`` (a perpetrator agency), ``sex:`` (the victim's),
  ``province:`` (the province code of the act's place, as in the breakdown).

Several values of one key are alternatives: ``act:torture,forced_labour``. Free words, OR and
-exclusion have no meaning for a count and are refused with a reason, as are names that match
nothing — a silently ignored filter would publish a wrong number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from sillok.archive.corroboration import acts_with_support, id_in
from sillok.db import models as m
from sillok.errors import Invalid, Said
from sillok.search.query import FILTER_KEYS, parse
from sillok.security.policy import Actor, visible_filter, visible_levels

# The search language's keys, then those only statistics have.
STATS_ONLY = ("place", "act", "facility", "agency", "sex", "province")
KEYS = tuple(dict.fromkeys((*FILTER_KEYS, *STATS_ONLY)))
# Earlier KEY=VALUE names of `sillok stats acts --filter`, still understood.
ALIASES = {"act_type": "act", "facility_type": "facility"}
RECORD_TYPES = ("act", "acts")
_NOT_NAME = re.compile(r"[\s\-_.'’·]+")


def _norm(text: str) -> str:
    """A name as compared: case and spacing/hyphens do not matter (Ryanggang-do = ryanggangdo)."""
    return _NOT_NAME.sub("", text).casefold()


norm_name = _norm  # the same comparison, for the public base cube's place names


Filters = dict[str, tuple[str, ...]]
# A vocabulary as a visitor names it, in a refusal of a filter value.
VOCABULARY_EN = {"act_type": "type of violation", "agency": "agency", "sex": "sex",
                 "source_kind": "kind of source", "facility_type": "type of facility"}
VOCABULARY_KO = {"act_type": "침해 유형", "agency": "기관", "sex": "성별",
                 "source_kind": "자료 유형", "facility_type": "시설 유형"}


def parse_filters(spec: str | Mapping[str, str] | None) -> Filters:
    """``key:value …`` text (the search language) or a mapping of keys to values → each key's
    alternatives. Raises :class:`Invalid` naming the first thing that is not a filter."""
    if spec is None:
        return {}
    pairs: list[tuple[str, str]]
    if isinstance(spec, str):
        pairs = _parse_text(spec)
    else:
        pairs = [(k.strip().lower(), str(v)) for k, v in spec.items()]
    out: Filters = {}
    for key, value in pairs:
        key = ALIASES.get(key, key)
        if key not in KEYS:
            raise Invalid({f"filter.{key}": Said(
                "filter.unknown_key", f"unknown filter (filters: {', '.join(KEYS)})",
                f"알 수 없는 필터입니다 (필터: {', '.join(KEYS)})")})
        values = tuple(v.strip() for v in value.split(",") if v.strip())
        if not values:
            raise Invalid({f"filter.{key}": Said("filter.no_value", "needs a value",
                                                 "값이 필요합니다")})
        out[key] = values
    return out


def _parse_text(text: str) -> list[tuple[str, str]]:
    # The search parser knows quoting, length limits and the shared keys; the keys only
    # statistics have come back from it as plain words of the form key:value.
    q = parse(text)
    if "OR" in text.split():
        raise Invalid({"filter": "OR is not supported in a count; give alternatives with "
                                 "commas (act:torture,forced_labour)"})
    pairs = list(q.filters.items())
    for word in q.excluded:
        raise Invalid({"filter": f"'-{word}': exclusion is not supported in a count"})
    for clause in q.clauses:
        if len(clause) > 1:
            raise Invalid({"filter": "OR is not supported in a count; give alternatives with "
                                     "commas (act:torture,forced_labour)"})
        key, sep, value = clause[0].partition(":")
        if not sep or not value:
            raise Invalid({"filter": f"'{clause[0]}' is not a filter: write key:value with a "
                                     f"key from {', '.join(KEYS)}"})
        # A quoted value (province:"kp-10") comes back with its quotes: the search parser
        # unquotes the values of its own keys only.
        pairs.append((key.lower(), " ".join(value.strip('"').split())))
    return pairs


def as_text(filters: Filters) -> str:
    """The filters as the search language, e.g. for a link or a heading."""
    return " ".join(f"{k}:{','.join(v)}" for k, v in filters.items())


@dataclass
class Resolved:
    """Filters turned into codes and ids, ready to become WHERE clauses."""

    years: tuple[int | None, int | None] = (None, None)
    place_ids: set[int] | None = None
    act_types: set[str] | None = None
    facility_types: set[str] | None = None
    facility_ids: set[int] | None = None
    agencies: set[str] | None = None
    sexes: set[str] | None = None
    levels: set[str] | None = None
    provinces: set[str] | None = None
    languages: set[str] | None = None
    source_kinds: set[str] | None = None
    supported: set[int] | None = None  # sources:N — the acts that have N independent sources
    dialect: str = "sqlite"
    needs: set[str] = field(default_factory=set)  # joins needed: "facility", "agency"


def resolve(session: Session, actor: Actor, filters: Filters) -> Resolved:
    r = Resolved(dialect=session.get_bind().dialect.name)
    lo, hi = None, None
    for key in ("year", "from", "to"):
        for value in filters.get(key, ()):
            if not (value.isdigit() and len(value) == 4):
                raise Invalid({f"filter.{key}": Said(
                    "filter.not_a_year", f"'{value[:20]}' is not a year (write one such as 2019)",
                    f"'{value[:20]}'은(는) 연도가 아닙니다 (2019처럼 쓰세요)")})
    if "year" in filters:
        lo = hi = int(filters["year"][0])
    if "from" in filters:
        lo = max(lo or 0, int(filters["from"][0]))
    if "to" in filters:
        hi = min(hi or 9999, int(filters["to"][0]))
    r.years = (lo, hi)
    for value in filters.get("type", ()):
        if value.lower() not in RECORD_TYPES:
            raise Invalid({"filter.type": f"statistics count acts, not '{value}' "
                                          f"(for the kind of act write act:…)"})
    if "place" in filters:
        r.place_ids = place_ids(session, actor, filters["place"], "place")
    if "act" in filters:
        r.act_types = term_codes(session, actor, "act_type", filters["act"], "act")
    if "kind" in filters:
        source_kinds = _codes(session, actor, "source_kind")
        as_source = {v for v in filters["kind"] if _norm(v) in source_kinds}
        rest = tuple(v for v in filters["kind"] if v not in as_source)
        if as_source:
            r.source_kinds = {source_kinds[_norm(v)] for v in as_source}
        if rest:
            kinds = term_codes(session, actor, "act_type", rest, "kind")
            r.act_types = kinds if r.act_types is None else r.act_types & kinds
    if "facility" in filters:
        r.facility_types, r.facility_ids = facilities(session, actor, filters["facility"])
        if r.facility_types is not None:
            r.needs.add("facility")
    if "agency" in filters:
        r.agencies = term_codes(session, actor, "agency", filters["agency"], "agency")
        r.needs.add("agency")
    if "sex" in filters:
        r.sexes = term_codes(session, actor, "sex", filters["sex"], "sex")
    if "level" in filters:
        levels = {v.lower() for v in filters["level"]}
        bad = levels - set(m.LEVELS)
        if bad:
            raise Invalid({"filter.level": f"'{sorted(bad)[0]}' is not one of: "
                                           f"{', '.join(m.LEVELS)}"})
        r.levels = levels & set(visible_levels(actor))
    if "province" in filters:
        r.provinces = set(filters["province"])
    if "lang" in filters:
        r.languages = {v.lower() for v in filters["lang"]}
    if "sources" in filters:
        r.supported = acts_with_support(session, actor, support_minimum(filters["sources"][0]))
    return r


MAX_SOURCES = 100


def support_minimum(value: str) -> int:
    """The N of ``sources:N``: a whole number from 1 to MAX_SOURCES."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_SOURCES:
        raise Invalid({"filter.sources": f"'{value}' is not a number of sources (1 to "
                                         f"{MAX_SOURCES}): sources:2 means two or more "
                                         f"independent sources"})
    return int(value)


def conditions(r: Resolved, actor: Actor, cols: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """WHERE clauses on the counting query; ``cols`` holds the act, victim and facility
    entities and the computed year and province columns. Every value is bound."""
    act, victim, facility = cols["act"], cols["victim"], cols["facility"]
    year = cols["year"]
    out: list[ColumnElement[bool]] = []
    lo, hi = r.years
    if lo is not None:
        out.append(year >= lo)
    if hi is not None:
        out.append(year <= hi)
    if r.place_ids is not None:
        out.append(or_(act.place_id.in_(r.place_ids), act.facility_id.in_(r.place_ids)))
    if r.act_types is not None:
        out.append(act.act_type.in_(r.act_types))
    if r.facility_types is not None:
        out.append(facility.facility_type.in_(r.facility_types))
    if r.facility_ids is not None:
        out.append(act.facility_id.in_(r.facility_ids))
    if r.agencies is not None:
        out.append(cols["agency"].in_(r.agencies))
    if r.sexes is not None:
        out.append(victim.sex.in_(r.sexes))
    if r.levels is not None:
        out.append(act.level.in_(r.levels))
    if r.provinces is not None:
        out.append(cols["province"].in_(r.provinces))
    if r.languages is not None:
        out.append(_documented(act, actor, m.Source.language.in_(r.languages)))
    if r.source_kinds is not None:
        out.append(_documented(act, actor, m.Source.kind.in_(r.source_kinds)))
    if r.supported is not None:
        out.append(id_in(act.id, r.supported, r.dialect))
    return out


def with_joins(stmt: Any, r: Resolved, actor: Actor, act: Any, facility: Any) -> Any:
    """``stmt`` with the joins its filters need: the act's facility (``facility:`` by type) and
    its involvements the actor may see (``agency:``)."""
    if "facility" in r.needs:
        stmt = stmt.outerjoin(facility, facility.id == act.facility_id)
    if "agency" in r.needs:
        stmt = stmt.outerjoin(m.Involvement, (m.Involvement.act_id == act.id)
                              & m.Involvement.retracted_at.is_(None)
                              & visible_filter(m.Involvement, actor))
    return stmt


def _documented(act: Any, actor: Actor, source_clause: ColumnElement[bool]
                ) -> ColumnElement[bool]:
    """The act (or its event) has evidence, visible to the actor, from a source the actor may
    see and that satisfies ``source_clause``: hidden sources never shape a public count."""
    ev, src = m.Evidence, m.Source
    return exists(select(ev.id).join(src, src.id == ev.source_id).where(
        or_(and_(ev.record_type == "act", ev.record_id == act.id),
            and_(ev.record_type == "event", ev.record_id == act.event_id)),
        ev.retracted_at.is_(None), visible_filter(ev, actor),
        src.retracted_at.is_(None), visible_filter(src, actor), source_clause))


def facilities(session: Session, actor: Actor, values: Iterable[str]
               ) -> tuple[set[str] | None, set[int] | None]:
    """``facility:`` values → the facility types named (code, label or synonym) and the ids of
    the facilities named (code or name); None for a kind not named. Search (search/filters.py)
    reads the filter the same way."""
    types: list[str] = []
    places: list[str] = []
    known = _codes(session, actor, "facility_type")
    for value in values:
        (types if _norm(value) in known or _label_match(session, actor, "facility_type",
                                                        value) else places).append(value)
    return (term_codes(session, actor, "facility_type", types, "facility") if types else None,
            place_ids(session, actor, places, "facility") if places else None)


def place_ids(session: Session, actor: Actor, values: Iterable[str], key: str) -> set[int]:
    """The ids of the places named, and of every place inside them, among those the actor
    may see (a hidden place is neither matched nor walked through)."""
    rows = session.execute(select(m.Place.id, m.Place.parent_id, m.Place.code, m.Place.name_en,
                                  m.Place.name_ko).where(visible_filter(m.Place, actor),
                                                         m.Place.retracted_at.is_(None))).all()
    names: dict[str, set[int]] = {}
    children: dict[int, list[int]] = {}
    for pid, parent, code, en, ko in rows:
        for name in (code, en, ko):
            names.setdefault(_norm(name), set()).add(pid)
        if parent is not None:
            children.setdefault(parent, []).append(pid)
    visible = {row[0] for row in rows}
    for pid, name in session.execute(select(m.PlaceName.place_id, m.PlaceName.name)):
        if pid in visible:
            names.setdefault(_norm(name), set()).add(pid)
    return _named_with_narrower(names, children, values, lambda value: Invalid({
        f"filter.{key}": Said(
            "filter.unknown_place", f"no place '{value[:40]}' in the gazetteer (a code such as "
            f"kp-10 or a name such as Ryanggang)",
            f"지명 사전에 '{value[:40]}'(이)라는 곳이 없습니다 (kp-10 같은 코드나 양강도 같은 "
            f"이름을 쓰세요)")}))


K = TypeVar("K")


def _named_with_narrower(names: dict[str, set[K]], children: dict[K, list[K]],
                         values: Iterable[str], unknown: Callable[[str], Invalid]) -> set[K]:
    """What ``values`` name (through ``names``, normalised), and everything under it in
    ``children`` (a province's counties, a broader term's narrower ones)."""
    found: set[K] = set()
    for value in values:
        named = names.get(_norm(value))
        if not named:
            raise unknown(value)
        found |= named
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _vocabulary(session: Session, actor: Actor, vocabulary: str) -> list[m.Term]:
    return list(session.execute(select(m.Term).where(
        m.Term.vocabulary == vocabulary, visible_filter(m.Term, actor),
        m.Term.retracted_at.is_(None))).scalars())


def _codes(session: Session, actor: Actor, vocabulary: str) -> dict[str, str]:
    return {_norm(t.code): t.code for t in _vocabulary(session, actor, vocabulary)}


def _label_match(session: Session, actor: Actor, vocabulary: str, value: str) -> bool:
    want = _norm(value)
    return any(want in {_norm(x) for x in (t.label_en, t.label_ko, *t.synonyms_en,
                                           *t.synonyms_ko)}
               for t in _vocabulary(session, actor, vocabulary))


def term_codes(session: Session, actor: Actor, vocabulary: str, values: Iterable[str],
           key: str) -> set[str]:
    """The codes named (by code, label or synonym) and every narrower code under them."""
    terms = _vocabulary(session, actor, vocabulary)
    names: dict[str, set[str]] = {}
    children: dict[str, list[str]] = {}
    for t in terms:
        for name in (t.code, t.label_en, t.label_ko, *t.synonyms_en, *t.synonyms_ko):
            names.setdefault(_norm(str(name)), set()).add(t.code)
        if t.parent_code:
            children.setdefault(t.parent_code, []).append(t.code)
    return _named_with_narrower(names, children, values, lambda value: Invalid(
        {f"filter.{key}": Said(
            "filter.unknown_term", f"'{value[:40]}' is not a known "
            f"{VOCABULARY_EN.get(vocabulary, 'term')}",
            f"'{value[:40]}'은(는) 알려진 "
            f"{VOCABULARY_KO.get(vocabulary, '용어')}이(가) 아닙니다")}))
