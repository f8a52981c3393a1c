"""Records as an actor may see them: references to hidden records withheld, protected details
only for those cleared to read them. Used by the CLI's show/list and (later) the web and API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.kinds import KINDS, Kind, PersonKind
from sillok.archive.redacted_text import redact, redact_quote, spans_by_source
from sillok.archive.resolve import MODELS
from sillok.db import models as m
from sillok.security.policy import (
    Actor,
    may_see,
    may_see_level,
    may_see_protected,
    visible_filter,
)

WITHHELD = "[withheld]"
PREVIEW = 240


def ref_view(session: Session, actor: Actor, type_name: str, record_id: int | None) -> Any:
    """A pointer to another record: its label if the actor may see it, else only 'withheld'."""
    if record_id is None:
        return None
    obj = session.get(MODELS[type_name], record_id)
    if obj is None or not may_see(actor, obj):
        return {"type": type_name, "id": None, "label": WITHHELD}
    return {"type": type_name, "id": record_id, "label": KINDS[type_name].label(obj)}


def view(kind: Kind, obj: Any, session: Session, actor: Actor, *, full: bool) -> dict[str, Any]:
    if isinstance(kind, PersonKind) and not may_see_protected(actor):
        # Not even read: it may need the at-rest key, which a viewer's page must not depend on.
        fields = kind.to_input(obj, session, protected=False)
    else:
        fields = kind.to_input(obj, session)
    if not may_see_level(actor, "restricted"):
        _redact(kind.name, obj, fields, session)
    for field_name, target in kind.refs.items():
        fields[field_name] = ref_view(session, actor, target, fields[field_name])
    if kind.name == "evidence":
        pointer = fields["record"]
        fields["record"] = ref_view(session, actor, pointer["type"], pointer["id"])
    if kind.name == "person" and not may_see_protected(actor):
        fields.pop("protected", None)
    if kind.name == "source" and not full and len(fields["text"]) > PREVIEW:
        fields["text"] = fields["text"][:PREVIEW] + "…"
    out: dict[str, Any] = {
        "type": kind.name,
        "id": obj.id,
        "label": kind.label(obj),
        "level": obj.level,
        "retracted": None if obj.retracted_at is None else {
            "at": obj.retracted_at.isoformat(), "by": obj.retracted_by,
            "reason": obj.retraction_reason,
        },
        "fields": fields,
    }
    if full:
        out["related"] = _related(kind, obj, session, actor)
    return out


def _related(kind: Kind, obj: Any, session: Session, actor: Actor) -> dict[str, Any]:
    related: dict[str, Any] = {}
    if kind.name in ("event", "act", "person", "involvement", "place", "source"):
        related["evidence"] = _evidence(session, actor, kind.name, obj.id)
    if kind.name == "event":
        related["acts"] = _pointers(session, actor, "act", m.Act.event_id == obj.id, m.Act)
    if kind.name == "person":
        related["acts_as_victim"] = _pointers(session, actor, "act", m.Act.victim_id == obj.id,
                                              m.Act)
        related["involvements"] = _pointers(
            session, actor, "involvement", m.Involvement.perpetrator_id == obj.id, m.Involvement
        )
    if kind.name == "act":
        related["involvements"] = _pointers(
            session, actor, "involvement", m.Involvement.act_id == obj.id, m.Involvement
        )
    if kind.name == "place":
        related["events"] = _pointers(
            session, actor, "event", m.Event.places.any(m.Place.id == obj.id), m.Event
        )
    return related


def _pointers(session: Session, actor: Actor, type_name: str, where: Any,
              model: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(model).where(where, visible_filter(model, actor), model.retracted_at.is_(None))
        .order_by(model.id)
    ).scalars()
    return [{"type": type_name, "id": r.id, "label": KINDS[type_name].label(r)} for r in rows]


def _evidence(session: Session, actor: Actor, type_name: str,
              record_id: int) -> list[dict[str, Any]]:
    if type_name == "source":
        where = m.Evidence.source_id == record_id
    else:
        where = (m.Evidence.record_type == type_name) & (m.Evidence.record_id == record_id)
    rows = session.execute(
        select(m.Evidence).where(where, visible_filter(m.Evidence, actor),
                                 m.Evidence.retracted_at.is_(None)).order_by(m.Evidence.id)
    ).scalars().all()
    marks = ({} if may_see_level(actor, "restricted")
             else spans_by_source(session, [e.source_id for e in rows]))
    out = []
    for e in rows:
        quote = redact_quote(e.quote, e.start_offset, e.end_offset, marks.get(e.source_id, []))
        out.append({
            "id": e.id, "source": ref_view(session, actor, "source", e.source_id),
            "record": ref_view(session, actor, e.record_type, e.record_id),
            "quote": quote, "start": e.start_offset, "end": e.end_offset, "page": e.page,
            "connection": e.connection,
        })
    return out


def _redact(kind_name: str, obj: Any, fields: dict[str, Any], session: Session) -> None:
    """Marked passages of a source, in its text and in evidence quoting it, for readers without
    restricted clearance (archive/redacted_text.py)."""
    if kind_name == "source":
        spans = spans_by_source(session, [obj.id]).get(obj.id)
        if spans:
            fields["text"] = redact(fields["text"], spans)
    elif kind_name == "evidence":
        spans = spans_by_source(session, [obj.source_id]).get(obj.source_id)
        if spans:
            fields["quote"] = redact_quote(fields["quote"], obj.start_offset, obj.end_offset,
                                           spans)


def audit_view(entry: m.AuditEntry, actor: Actor) -> dict[str, Any]:
    return {
        "id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor,
        "action": entry.action, "reason": entry.reason,
        "before": entry.before, "after": entry.after,
    }
