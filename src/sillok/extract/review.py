"""Reviewing a source's suggestions: what accepting one would make (a short event title built
from the violation, place and year named in its sentence — "강제송환 — 온성, 2019" — not the
whole sentence), existing records it may belong to instead, and undoing a decision.

Similar records are read through the policy (only what the reviewer may see)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.kinds import KINDS
from sillok.archive.service import Archive
from sillok.archive.views import label as record_label
from sillok.db import models as m
from sillok.errors import Conflict, NotFound
from sillok.extract.dates import date_text
from sillok.extract.store import as_dict, suggestions_of
from sillok.language.name_search import score
from sillok.security.policy import Actor, may_see, require_write, visible_filter

SENTENCE_END = re.compile(r"[.!?。]\s|[다요]\.\s|\n")
TITLE_WORDS = 8  # a title made from the sentence itself, when it names nothing to build from
SIMILAR = 5


def visible_suggestion(session: Session, actor: Actor, suggestion_id: int
                       ) -> tuple[m.Suggestion, m.Source]:
    """A suggestion and its source, if the actor may see the source (a suggestion is a
    passage of it, exactly as confidential)."""
    s = session.get(m.Suggestion, suggestion_id)
    source = None if s is None else session.get(m.Source, s.source_id)
    if s is None or source is None or not may_see(actor, source):
        raise NotFound(f"suggestion #{suggestion_id} not found")
    return s, source


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = SENTENCE_END.search(text, end)
    return left, right_match.end() if right_match else len(text)


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence around a passage."""
    left, right = sentence_bounds(text, start, end)
    return " ".join(text[left:right].split())


def _date_text(value: dict[str, Any]) -> str:
    return date_text(date.fromisoformat(str(value["start"])), str(value.get("precision")))


def propose_event(session: Session, source: m.Source, s: m.Suggestion) -> dict[str, Any]:
    """The event accepting a date or count suggestion makes: a short title from what its
    sentence names (violation — place, year), its date and places."""
    left, right = sentence_bounds(source.text, s.start, s.end)
    around = session.execute(select(m.Suggestion).where(
        m.Suggestion.source_id == source.id, m.Suggestion.start >= left,
        m.Suggestion.end <= right).order_by(m.Suggestion.start)).scalars().all()
    ko = source.language != "en"
    act: m.Term | None = None
    places: list[m.Place] = []
    when: dict[str, Any] | None = None
    if s.kind == "date":
        when = s.value
    for other in around:
        value = other.value or {}
        if other.kind == "term" and value.get("vocabulary") == "act_type" and act is None:
            act = session.execute(select(m.Term).where(
                m.Term.vocabulary == "act_type", m.Term.code == value.get("code"))
            ).scalar_one_or_none()
        elif other.kind == "place" and value.get("code"):
            place = session.execute(select(m.Place).where(m.Place.code == value["code"])
                                    ).scalar_one_or_none()
            if place is not None and place.code not in [p.code for p in places]:
                places.append(place)
        elif other.kind == "date" and when is None:
            when = other.value
    year = str(when["start"])[:4] if when and when.get("start") else ""
    where = ", ".join(p for p in [(places[0].name_ko if ko else places[0].name_en)
                                  if places else "", year] if p)
    head = (act.label_ko if ko else act.label_en) if act is not None else ""
    if head and where:
        title = f"{head} — {where}"
    elif head or where:
        title = f"{head or s.text.strip()} — {where}" if where else head
    else:
        words = sentence_of(source.text, s.start, s.end).split()
        title = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
    return {"title": title[:300], "date": _date_text(when) if when else None,
            "places": [p.code for p in places], "act_type": act.code if act else None}


def similar_events(session: Session, actor: Actor, proposed: dict[str, Any]
                   ) -> list[dict[str, Any]]:
    """Events the reviewer may see that may already be this one: the same title, or the same
    year with a place or violation in common."""
    query = select(m.Event).where(visible_filter(m.Event, actor), m.Event.retracted_at.is_(None))
    year = (proposed.get("date") or "")[:4]
    found: dict[int, m.Event] = {}
    for e in session.execute(query.where(m.Event.title == proposed["title"]).limit(SIMILAR)
                             ).scalars():
        found[e.id] = e
    if year.isdigit():
        first, last = date(int(year), 1, 1), date(int(year), 12, 31)
        in_year = query.where(m.Event.date_start <= last,
                              (m.Event.date_end.is_(None) & (m.Event.date_start >= first))
                              | (m.Event.date_end >= first))
        shares = []
        if proposed.get("places"):
            shares.append(m.Event.places.any(m.Place.code.in_(proposed["places"])))
        if proposed.get("act_type"):
            shares.append(m.Event.acts.any(m.Act.act_type == proposed["act_type"]))
        for condition in shares:
            for e in session.execute(in_year.where(condition).limit(SIMILAR)).scalars():
                found.setdefault(e.id, e)
    return [{"type": "event", "id": e.id, "label": e.title} for e in list(found.values())
            [:SIMILAR]]


def similar_persons(session: Session, actor: Actor, name: str) -> list[dict[str, Any]]:
    """Persons the reviewer may see with this name in any spelling (name keys)."""
    rows = session.execute(select(m.Person).where(
        visible_filter(m.Person, actor), m.Person.retracted_at.is_(None),
        m.Person.merged_into_id.is_(None)).order_by(m.Person.id.desc()).limit(20_000)
    ).scalars()
    out = []
    for p in rows:
        names = [n.name for n in p.names]
        if names and score(name, names) >= 1 and name.strip():
            out.append({"type": "person", "id": p.id, "label": " / ".join(names)})
        if len(out) >= SIMILAR:
            break
    return out


def undo(archive: Archive, actor: Actor, suggestion_id: int) -> dict[str, Any]:
    """Put a decided suggestion back in the queue: an accept's evidence link is retracted,
    and so is the record it created (never one it only linked to); a dismissal is
    forgotten. Returns what was undone."""
    require_write(actor)
    with archive.transaction() as session:
        s, _source = visible_suggestion(session, actor, suggestion_id)
        if s.status == "open":
            raise Conflict(f"suggestion #{suggestion_id} is not decided")
        status, record_type, record_id = s.status, s.record_type, s.record_id
        created, evidence = bool(s.created_record), s.evidence_id
    reason = f"undone: suggestion #{suggestion_id} was accepted by mistake"
    if status == "accepted":
        if evidence:
            archive.retract(actor, "evidence", evidence, reason)
        if created and record_type and record_id:
            archive.retract(actor, record_type, record_id, reason)
    with archive.transaction() as session:
        s = session.get_one(m.Suggestion, suggestion_id)
        where = {"source": s.source_id, "kind": s.kind, "start": s.start, "end": s.end}
        record_change(session, actor=actor.name, action="undo", record_type="suggestion",
                      record_id=s.id, before={**where, "status": s.status},
                      after={**where, "status": "open"})
        s.status, s.record_type, s.record_id = "open", None, None
        s.created_record, s.evidence_id, s.reason = False, None, None
        s.decided_by, s.decided_at = None, None
    return {"status": status, "record": {"type": record_type, "id": record_id},
            "created": created, "evidence": evidence}


def queue(archive: Archive, actor: Actor, source_id: int) -> list[dict[str, Any]]:
    """The open suggestions of a source, each with what accepting it would do: the record it
    names, or the one it would create (title, date, places; name) and similar ones."""
    with archive.transaction() as session:
        rows = suggestions_of(session, actor, source_id)
        source = session.get_one(m.Source, source_id)
        out = []
        for row in rows:
            s = session.get_one(m.Suggestion, row["id"])
            item: dict[str, Any] = {**as_dict(s), "sentence": sentence_of(
                source.text, s.start, s.end), "proposal": None, "similar": []}
            if s.kind in ("date", "count"):
                item["proposal"] = propose_event(session, source, s)
                item["similar"] = similar_events(session, actor, item["proposal"])
            elif s.kind in ("person", "organisation") and not s.value.get("vocabulary"):
                name = str(s.value.get("name") or s.text)
                item["proposal"] = {"name": name}
                item["similar"] = similar_persons(session, actor, name)
            out.append(item)
        return out


def decision(archive: Archive, actor: Actor, suggestion_id: int) -> dict[str, Any]:
    """A suggestion as it stands, with the label of its record, for the message after a
    decision."""
    with archive.transaction() as session:
        s, _source = visible_suggestion(session, actor, suggestion_id)
        out = {**as_dict(s), "created": bool(s.created_record), "reason": s.reason,
               "label": None}
        if s.record_type and s.record_id:
            obj = session.get(KINDS[s.record_type].model, s.record_id)
            if obj is not None and may_see(actor, obj):
                out["label"] = record_label(session, actor, s.record_type, obj)
        return out
