"""Who documented whom: the overlap table of the archive's own lists, for multiple systems
estimation (`sillok estimate --from-archive`).

People are the victims of the acts that match the filters (the same filters, joins and
permission scope as `sillok stats acts`), each counted once: merged duplicates are one person.
A *list* is a group of sources — by source kind (testimony, NGO report, UN report, news…) or by
origin (the organisation or collection a source came from). A victim is on a list when a
source of that group holds evidence, visible to the actor, of one of their acts or of the
person themself; evidence tied only to an event does not say which of its victims a source
knew of, so it does not count.

Estimates are for staff: an actor whose counts are subject to small-cell suppression (the
public) gets no overlap table at all, since its cells are people documented by exactly one
combination of sources, typically a handful.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select
from sqlalchemy.orm import Session, aliased

from sillok.archive.consent_rules import statistics_exclusion
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid
from sillok.security.policy import Actor, visible_filter
from sillok.stats.counts import _province_map
from sillok.stats.disclosure import suppresses
from sillok.stats.filters import conditions, parse_filters, resolve

LIST_KEYS = ("kind", "origin")
MAX_LISTS = 15


@dataclass(frozen=True)
class Restatement:
    """``sources`` of the ``of`` sources of list ``restating`` restate a source of list
    ``restated`` (directly or through other restatements)."""

    restating: str
    restated: str
    sources: int
    of: int


@dataclass
class Overlaps:
    """People by the combination of lists that documented them."""

    lists: list[str]
    patterns: dict[tuple[int, ...], int]
    persons: int  # victims matching the filters, on a list or not
    filters: dict[str, list[str]] = field(default_factory=dict)
    lists_by: str = "kind"
    restated: list[Restatement] = field(default_factory=list)

    @property
    def on_no_list(self) -> int:
        """Victims in the archive whose documentation comes from none of the lists."""
        return self.persons - sum(self.patterns.values())


def victim_overlaps(archive: Archive, actor: Actor,
                    filters: str | Mapping[str, str] | None = None, lists_by: str = "kind",
                    lists: Sequence[str] | None = None) -> Overlaps:
    if suppresses(actor):
        raise Forbidden("estimates from the archive are for staff (viewer or above): an "
                        "overlap table's cells are small groups of people")
    if lists_by not in LIST_KEYS:
        raise Invalid({"lists_by": f"'{lists_by}' is not one of: {', '.join(LIST_KEYS)}"})
    parsed = parse_filters(filters)
    act, victim, facility = m.Act, aliased(m.Person), aliased(m.Place)
    year = cast(extract("year", act.date_start), Integer)
    with archive.transaction() as session:
        resolved = resolve(session, actor, parsed)
        province = case(_province_map(session) or {-1: ""}, value=act.place_id, else_=None)
        columns = {"year": year, "province": province, "agency": m.Involvement.agency,
                   "act": act, "victim": victim, "facility": facility}
        where = [visible_filter(act, actor), act.retracted_at.is_(None),
                 *conditions(resolved, actor, columns)]
        unconsented = statistics_exclusion(session, act,
                                           required=archive.settings.consent_required)
        if unconsented is not None:
            where.append(unconsented)
        # A person and the records merged into it are one victim (linkage/merge.py).
        acts = select(act.id, act.victim_id,
                      func.coalesce(victim.merged_into_id, act.victim_id).label("root")
                      ).select_from(act).join(victim, victim.id == act.victim_id)
        if "facility" in resolved.needs:
            acts = acts.outerjoin(facility, facility.id == act.facility_id)
        if "agency" in resolved.needs:
            acts = acts.outerjoin(m.Involvement, (m.Involvement.act_id == act.id)
                                  & m.Involvement.retracted_at.is_(None)
                                  & visible_filter(m.Involvement, actor))
        acts = acts.where(*where).distinct()
        chosen = acts.subquery()
        victim_of, root_of = {}, {}
        for act_id, victim_id, root in session.execute(acts):
            victim_of[act_id], root_of[victim_id] = root, root
        ev, src = m.Evidence, m.Source
        group = src.kind if lists_by == "kind" else src.origin
        rows = session.execute(
            select(ev.record_type, ev.record_id, group, src.id)
            .join(src, src.id == ev.source_id)
            .where(or_(and_(ev.record_type == "act", ev.record_id.in_(select(chosen.c.id))),
                       and_(ev.record_type == "person",
                            ev.record_id.in_(select(chosen.c.victim_id)))),
                   ev.retracted_at.is_(None), visible_filter(ev, actor),
                   src.retracted_at.is_(None), visible_filter(src, actor),
                   group.is_not(None), group != "")
            .distinct()).all()
        persons = set(victim_of.values())
        on: dict[int, set[str]] = {}
        sources_of: dict[str, set[int]] = {}
        for record_type, record_id, name, source_id in rows:
            person = (victim_of if record_type == "act" else root_of).get(record_id)
            if person in persons:
                on.setdefault(person, set()).add(str(name).strip())
                sources_of.setdefault(str(name).strip(), set()).add(source_id)
        found = sorted({name for names in on.values() for name in names})
        found = _chosen(found, lists, lists_by)
        restated = _restatements(session, actor, group, sources_of, found)
    patterns: dict[tuple[int, ...], int] = {}
    for names in on.values():
        pattern = tuple(int(name in names) for name in found)
        if any(pattern):
            patterns[pattern] = patterns.get(pattern, 0) + 1
    return Overlaps(found, patterns, len(persons), {k: list(v) for k, v in parsed.items()},
                    lists_by, restated)


def _chosen(found: list[str], lists: Sequence[str] | None, lists_by: str) -> list[str]:
    """The lists asked for (any case), each of which must document someone; all by default."""
    if lists:
        wanted = [w.strip() for w in lists if w.strip()]
        by_lower = {name.lower(): name for name in found}
        missing = [w for w in wanted if w.lower() not in by_lower]
        if missing:
            raise Invalid({"lists": f"no victim matching the filters is documented by "
                                    f"'{missing[0]}' (lists here: {', '.join(found) or 'none'})"})
        found = [by_lower[w.lower()] for w in wanted]
    if len(found) > MAX_LISTS:
        raise Invalid({"lists": f"{len(found)} {lists_by} groups document these victims; "
                                f"choose at most {MAX_LISTS} with --lists"})
    return found


def _restatements(session: Session, actor: Actor, group: Any,
                  sources_of: Mapping[str, set[int]], lists: list[str]
                  ) -> list[Restatement]:
    """Which list's sources restate a source of another list (``based_on``, followed to its
    end, as the actor may see the chain): such lists are not independent, whatever their
    overlap looks like."""
    src = m.Source
    chosen = set(lists)
    # Each source's group and what it is based on, fetched a step of the chains at a time.
    known: dict[int, tuple[str, int | None]] = {}
    todo = {s for name in lists for s in sources_of.get(name, ())}
    tried: set[int] = set()
    while todo:
        tried |= todo
        found = session.execute(
            select(src.id, group, src.based_on_id)
            .where(src.id.in_(sorted(todo)), src.retracted_at.is_(None),
                   visible_filter(src, actor))).all()
        for sid, name, based_on in found:
            known[sid] = (str(name or "").strip(), based_on)
        todo = {b for _, b in known.values() if b is not None} - tried
    out: list[Restatement] = []
    for name in lists:
        restating: dict[str, int] = {}
        for sid in sources_of.get(name, ()):
            reached: set[str] = set()
            cursor, walked = known.get(sid, ("", None))[1], {sid}
            while cursor is not None and cursor in known and cursor not in walked:
                walked.add(cursor)
                reached.add(known[cursor][0])
                cursor = known[cursor][1]
            for other in (reached & chosen) - {name}:
                restating[other] = restating.get(other, 0) + 1
        out += [Restatement(name, other, n, len(sources_of[name]))
                for other, n in sorted(restating.items())]
    return out
