"""What a record is related to, both ways, as the reader may see it (issue 18 point 6): a
person's acts (as victim and as perpetrator), events, evidence, relations and places; an
event's acts, persons and sources; a place's events, those in its sub-places included.

Every list is read through the policy (``visible_filter``, ``may_see_relation``), retracted
records left out; a place the reader may not see is shown as the nearest one they may.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.kinds import Kind
from sillok.archive.views import evidence_of, label, pointers, ref_view, shown_place
from sillok.archive.withheld import withheld_sources
from sillok.db import models as m
from sillok.security.policy import Actor, may_see_relation, visible_filter

# A relation reads "A is the <kind> of B". On A's page B is shown as INVERSE[kind] (A is B's
# parent: B is the child), on B's page A as <kind>. Who witnessed what happened to B is
# "witness_of" on B's page; on the witness's page B is the one they "witnessed".
INVERSE = {"parent": "child", "child": "parent", "sibling": "sibling", "spouse": "spouse",
           "witness_of": "witnessed", "other": "other"}


def related(kind: Kind, obj: Any, session: Session, actor: Actor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if kind.name in ("event", "act", "person", "involvement", "place", "source", "relation"):
        out["evidence"] = evidence_of(session, actor, kind.name, obj.id)
        withheld = withheld_sources(session, actor, kind.name, obj.id)
        if withheld:
            # Sources cited as withheld (archive/withheld.py): that they exist, nothing else.
            out["withheld_sources"] = withheld
    if kind.name == "event":
        out["acts"] = pointers(session, actor, "act", m.Act.event_id == obj.id, m.Act)
        out["persons"] = _event_persons(session, actor, obj.id)
        out["sources"] = _event_sources(session, actor, obj.id)
    if kind.name == "person":
        out.update(_person(session, actor, obj))
    if kind.name == "act":
        out["involvements"] = pointers(
            session, actor, "involvement", m.Involvement.act_id == obj.id, m.Involvement)
    if kind.name == "place":
        within = _within(session, obj.id)
        out["events"] = pointers(session, actor, "event",
                                 m.Event.places.any(m.Place.id.in_(within)), m.Event)
        out["places"] = pointers(session, actor, "place", m.Place.parent_id == obj.id,
                                 m.Place)
    return out


def _live(model: Any, actor: Actor) -> list[Any]:
    return [visible_filter(model, actor), model.retracted_at.is_(None)]


def _person(session: Session, actor: Actor, person: m.Person) -> dict[str, Any]:
    pid = person.id
    as_perpetrator = select(m.Involvement.act_id).where(
        m.Involvement.perpetrator_id == pid, *_live(m.Involvement, actor))
    acts_victim = pointers(session, actor, "act", m.Act.victim_id == pid, m.Act)
    acts_perpetrator = pointers(session, actor, "act", m.Act.id.in_(as_perpetrator), m.Act)
    their_acts = select(m.Act.event_id).where(
        (m.Act.victim_id == pid) | m.Act.id.in_(as_perpetrator), *_live(m.Act, actor))
    events = pointers(session, actor, "event", m.Event.id.in_(their_acts), m.Event)
    return {
        "acts_as_victim": acts_victim,
        "acts_as_perpetrator": acts_perpetrator,
        "involvements": pointers(session, actor, "involvement",
                                 m.Involvement.perpetrator_id == pid, m.Involvement),
        "events": events,
        "relations": relations_of(session, actor, pid),
        "places": _person_places(session, actor, person, [a["id"] for a in acts_victim
                                                          + acts_perpetrator],
                                 [e["id"] for e in events]),
    }


def relations_of(session: Session, actor: Actor, person_id: int) -> list[dict[str, Any]]:
    """The person's relations either way, each with the other person and what they are to
    this person (``as``): only those the reader may see with both their persons."""
    rows = session.execute(
        select(m.Relation).where((m.Relation.person_a_id == person_id)
                                 | (m.Relation.person_b_id == person_id),
                                 *_live(m.Relation, actor)).order_by(m.Relation.id)
    ).scalars()
    out = []
    for r in rows:
        if not may_see_relation(actor, r, r.person_a, r.person_b):
            continue
        forward = r.person_a_id == person_id
        other = r.person_b_id if forward else r.person_a_id
        out.append({"type": "relation", "id": r.id, "label": label(session, actor,
                                                                   "relation", r),
                    "as": INVERSE.get(r.kind, "other") if forward else r.kind,
                    "person": ref_view(session, actor, "person", other),
                    "level": r.level})
    return out


def _person_places(session: Session, actor: Actor, person: m.Person, act_ids: list[int],
                   event_ids: list[int]) -> list[dict[str, Any]]:
    """Origin, and where their acts and events happened, each as the reader may see it."""
    ids: list[int | None] = [person.origin_place_id]
    if act_ids:
        for place_id, facility_id in session.execute(
                select(m.Act.place_id, m.Act.facility_id).where(m.Act.id.in_(act_ids))):
            ids += [place_id, facility_id]
    if event_ids:
        ids += list(session.execute(
            select(m.event_places.c.place_id).where(m.event_places.c.event_id.in_(event_ids))
        ).scalars())
    codes: dict[str, None] = {}
    for place_id in dict.fromkeys(i for i in ids if i is not None):
        place = session.get(m.Place, place_id)
        code = shown_place(session, actor, place.code) if place else None
        if code is not None:
            codes[code] = None
    places = session.execute(select(m.Place).where(m.Place.code.in_(codes))).scalars()
    by_code = {p.code: p for p in places}
    return [{"type": "place", "id": by_code[c].id, "code": c,
             "label": label(session, actor, "place", by_code[c])} for c in codes]


def _event_persons(session: Session, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    """Victims and perpetrators of the event's acts, each once, with their roles."""
    acts = select(m.Act.id).where(m.Act.event_id == event_id, *_live(m.Act, actor))
    roles: dict[int, list[str]] = {}
    for victim in session.execute(select(m.Act.victim_id).where(m.Act.id.in_(acts))).scalars():
        roles.setdefault(victim, []).append("victim")
    for perpetrator in session.execute(select(m.Involvement.perpetrator_id).where(
            m.Involvement.act_id.in_(acts), *_live(m.Involvement, actor))).scalars():
        roles.setdefault(perpetrator, []).append("perpetrator")
    out = []
    for person_id, person_roles in roles.items():
        ref = ref_view(session, actor, "person", person_id)
        if ref["id"] is not None:
            out.append({**ref, "roles": list(dict.fromkeys(person_roles))})
    return sorted(out, key=lambda p: p["id"])


def _event_sources(session: Session, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    """The sources of the event's evidence and of its acts' evidence, each once."""
    acts = select(m.Act.id).where(m.Act.event_id == event_id, *_live(m.Act, actor))
    about = (((m.Evidence.record_type == "event") & (m.Evidence.record_id == event_id))
             | ((m.Evidence.record_type == "act") & m.Evidence.record_id.in_(acts)))
    used = select(m.Evidence.source_id).where(about, *_live(m.Evidence, actor))
    return pointers(session, actor, "source", m.Source.id.in_(used), m.Source)


def _within(session: Session, place_id: int) -> list[int]:
    """The place and every place inside it, at any depth (a county's villages and camps)."""
    children: dict[int | None, list[int]] = {}
    for pid, parent in session.execute(select(m.Place.id, m.Place.parent_id).where(
            m.Place.parent_id.is_not(None))):
        children.setdefault(parent, []).append(pid)
    out, todo = [place_id], [place_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.append(child)
                todo.append(child)
    return out
