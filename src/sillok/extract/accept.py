"""Accepting a suggestion: the passage becomes evidence for a record, created or linked,
through the archive services (validation, audit and search index included)."""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Conflict, Invalid, NotFound
from sillok.extract.review import propose_event, sentence_of, visible_suggestion
from sillok.security.policy import Actor, require_write


def accept(archive: Archive, actor: Actor, suggestion_id: int,
           target: tuple[str, int] | None = None, *, edits: dict[str, Any] | None = None,
           repeat_ok: bool = False) -> dict[str, Any]:
    """Accept one open suggestion; link it to ``target`` (type, id) or to the record it names
    (a gazetteer place, a vocabulary term), or create the record it proposes (a person, an
    organisation, an event for a date or a count) with ``edits`` (title, date, places, name,
    level) over what is proposed. Returns the record and the evidence.

    The suggestion is claimed first, by one conditional UPDATE (``WHERE status = 'open'``):
    of two accepts at once, the database lets one through and the other finds it decided,
    so a second accept never makes a second record. With ``repeat_ok`` a second accept
    answers what the first did (``again``); else it is a Conflict."""
    require_write(actor)
    with archive.transaction() as session:
        claimed = cast(CursorResult[Any], session.execute(
            update(m.Suggestion).where(m.Suggestion.id == suggestion_id,
                                       m.Suggestion.status == "open")
            .values(status="accepted", decided_by=actor.name, decided_at=utcnow())
            .execution_options(synchronize_session=False))).rowcount
        suggestion, source = visible_suggestion(session, actor, suggestion_id)
        if not claimed:
            session.refresh(suggestion)
            if repeat_ok and suggestion.status == "accepted" and suggestion.record_id:
                return {**outcome(suggestion), "again": True}
            raise Conflict(f"suggestion #{suggestion_id} is already {suggestion.status}")
        created = target is None and _creates(suggestion)
        record_type, record_id = target or _record_for(archive, actor, session, suggestion,
                                                       source, edits or {})
        evidence_id = archive.create(actor, "evidence", {
            "level": source.level, "source": source.id,
            "record": {"type": record_type, "id": record_id},
            "start": suggestion.start, "end": suggestion.end, "quote": suggestion.text,
        }, session=session)
        suggestion.record_type, suggestion.record_id = record_type, record_id
        suggestion.created_record, suggestion.evidence_id = created, evidence_id
        return {**outcome(suggestion), "again": False}


def outcome(s: m.Suggestion) -> dict[str, Any]:
    """What an accepted suggestion did: its record, whether it created it, its evidence."""
    return {"suggestion": s.id, "record": {"type": s.record_type, "id": s.record_id},
            "evidence": s.evidence_id, "created": bool(s.created_record)}


def _creates(s: m.Suggestion) -> bool:
    return s.kind in ("person", "organisation", "date", "count") and \
        not s.value.get("vocabulary")


def dismiss(archive: Archive, actor: Actor, suggestion_id: int, reason: str = "") -> None:
    require_write(actor)
    with archive.transaction() as session:
        suggestion, source = visible_suggestion(session, actor, suggestion_id)
        before = suggestion.status
        if before != "open":
            raise Conflict(f"suggestion #{suggestion_id} is already {before}")
        suggestion.status = "dismissed"
        suggestion.decided_by, suggestion.decided_at = actor.name, utcnow()
        suggestion.reason = reason.strip()[:1000] or None
        # A dismissed suggestion is a coding decision (a name or a date judged not worth
        # coding), so it is answerable like any other. The entry names the passage by source
        # and offsets, never its text: a suggested name may be a restricted person's.
        where = {"source": source.id, "kind": suggestion.kind,
                 "start": suggestion.start, "end": suggestion.end}
        record_change(session, actor=actor.name, action="dismiss", record_type="suggestion",
                      record_id=suggestion.id, before={**where, "status": before},
                      after={**where, "status": "dismissed"}, reason=suggestion.reason)


def _record_for(archive: Archive, actor: Actor, session: Session, s: m.Suggestion,
                source: m.Source, edits: dict[str, Any]) -> tuple[str, int]:
    value = s.value
    if s.kind == "place":
        place = session.execute(select(m.Place.id).where(m.Place.code == value.get("code"))
                                ).scalar_one_or_none()
        if place is None:
            raise NotFound(f"place {value.get('code')!r} is no longer in the gazetteer")
        return "place", place
    if value.get("vocabulary"):
        term = session.execute(select(m.Term.id).where(
            m.Term.vocabulary == value["vocabulary"], m.Term.code == value.get("code"))
        ).scalar_one_or_none()
        if term is None:
            raise NotFound(f"term {value['vocabulary']}:{value.get('code')} not found")
        return "term", term
    level = str(edits.get("level") or source.level)
    if s.kind in ("person", "organisation"):
        name = str(edits.get("name") or value.get("name") or s.text).strip()
        system = "hangul" if re.search(r"[가-힣]", name) else "alias"
        person = archive.create(actor, "person", {
            "level": level, "kind": "individual" if s.kind == "person" else "organisation",
            "names": [{"name": name, "system": system}],
            "description": f"Named in source #{source.id} (accepted suggestion).",
        }, session=session)
        return "person", person
    if s.kind in ("date", "count"):
        proposed = propose_event(session, source, s)
        sentence = sentence_of(source.text, s.start, s.end)[:1000] or s.text
        data: dict[str, Any] = {
            "level": level, "title": str(edits.get("title") or proposed["title"]).strip(),
            "description": f"From source #{source.id}: “{sentence}”"}
        date_given = edits.get("date", proposed["date"])
        if date_given:
            data["date"] = date_given
        places = edits.get("places", proposed["places"])
        if places:
            data["places"] = places
        event = archive.create(actor, "event", data, session=session)
        return "event", event
    raise Invalid({"target": f"a {s.kind} suggestion needs a record to link to (--to TYPE:ID)"})
