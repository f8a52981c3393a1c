"""Accepting a suggestion: the passage becomes evidence for a record, created or linked,
through the archive services (validation, audit and search index included)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Invalid, NotFound
from sillok.extract.dates import date_text
from sillok.security.policy import Actor, may_see, require_write

SENTENCE_END = re.compile(r"[.!?。]\s|[다요]\.\s|\n")


def accept(archive: Archive, actor: Actor, suggestion_id: int,
           target: tuple[str, int] | None = None) -> dict[str, Any]:
    """Accept one open suggestion; link it to ``target`` (type, id) or to the record it names
    (a gazetteer place, a vocabulary term), or create the record it proposes (a person, an
    organisation, an event for a date or a count). Returns the record and the evidence."""
    require_write(actor)
    with archive.transaction() as session:
        suggestion = session.get(m.Suggestion, suggestion_id)
        source = None if suggestion is None else session.get(m.Source, suggestion.source_id)
        if suggestion is None or source is None or not may_see(actor, source):
            raise NotFound(f"suggestion #{suggestion_id} not found")
        if suggestion.status != "open":
            raise Conflict(f"suggestion #{suggestion_id} is already {suggestion.status}")
        record_type, record_id = target or _record_for(archive, actor, session, suggestion,
                                                       source)
        evidence_id = archive.create(actor, "evidence", {
            "level": source.level, "source": source.id,
            "record": {"type": record_type, "id": record_id},
            "start": suggestion.start, "end": suggestion.end, "quote": suggestion.text,
        }, session=session)
        suggestion.status = "accepted"
        suggestion.record_type, suggestion.record_id = record_type, record_id
    return {"suggestion": suggestion_id, "record": {"type": record_type, "id": record_id},
            "evidence": evidence_id}


def dismiss(archive: Archive, actor: Actor, suggestion_id: int) -> None:
    require_write(actor)
    with archive.transaction() as session:
        suggestion = session.get(m.Suggestion, suggestion_id)
        source = None if suggestion is None else session.get(m.Source, suggestion.source_id)
        if suggestion is None or source is None or not may_see(actor, source):
            raise NotFound(f"suggestion #{suggestion_id} not found")
        before = suggestion.status
        suggestion.status = "dismissed"
        # A dismissed suggestion is a coding decision (a name or a date judged not worth
        # coding), so it is answerable like any other. The entry names the passage by source
        # and offsets, never its text: a suggested name may be a restricted person's.
        where = {"source": source.id, "kind": suggestion.kind,
                 "start": suggestion.start, "end": suggestion.end}
        record_change(session, actor=actor.name, action="dismiss", record_type="suggestion",
                      record_id=suggestion.id, before={**where, "status": before},
                      after={**where, "status": "dismissed"})


def _record_for(archive: Archive, actor: Actor, session: Session, s: m.Suggestion,
                source: m.Source) -> tuple[str, int]:
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
    level = source.level
    if s.kind in ("person", "organisation"):
        name = str(value.get("name") or s.text)
        system = "hangul" if re.search(r"[가-힣]", name) else "alias"
        person = archive.create(actor, "person", {
            "level": level, "kind": "individual" if s.kind == "person" else "organisation",
            "names": [{"name": name, "system": system}],
            "description": f"Named in source #{source.id} (accepted suggestion).",
        }, session=session)
        return "person", person
    if s.kind in ("date", "count"):
        title = _sentence(source.text, s.start, s.end)[:300] or s.text
        data: dict[str, Any] = {"level": level, "title": title,
                                "description": f"From source #{source.id}: “{title}”"}
        if s.kind == "date":
            data["date"] = _date_text(value)
        event = archive.create(actor, "event", data, session=session)
        return "event", event
    raise Invalid({"target": f"a {s.kind} suggestion needs a record to link to (--to TYPE:ID)"})


def _date_text(value: dict[str, Any]) -> str:
    return date_text(date.fromisoformat(str(value["start"])), str(value.get("precision")))


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a passage, as a working title for a new event."""
    left = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    return " ".join(text[left:right].split())
