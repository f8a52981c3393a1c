"""Records as an actor may see them: references to hidden records withheld (in labels too),
a hidden place shown as the nearest place the actor may see (a safe house as its region),
protected details only for those cleared to read them, and the same rules for the snapshots
of the audit trail. Used by the CLI, the web pages and the API alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from sillok.archive.corroboration import support_counts
from sillok.archive.kinds import KINDS, Kind, PersonKind
from sillok.archive.redact import Masker, masker_for
from sillok.archive.redacted_text import redact, redact_quote, spans_by_source
from sillok.archive.resolve import MODELS
from sillok.db import models as m
from sillok.security.policy import (
    Actor,
    may_see,
    may_see_level,
    may_see_protected,
    may_see_relation,
    visible_filter,
)

WITHHELD = "[withheld]"
# What history shows in place of a protected detail's or a hidden passage's digest.
PROTECTED = "(protected)"
PREVIEW = 240
# Fields (input shape) that hold place codes.
PLACE_FIELDS = {"event": ("places",), "act": ("place", "facility"),
                "person": ("origin_place",), "place": ("parent",)}
# List filters naming another record by id or code: filter -> the record type it names.
FILTER_TARGETS = {("source", "parent"): "source", ("act", "event"): "event",
                  ("act", "victim"): "person", ("involvement", "act"): "act",
                  ("involvement", "perpetrator"): "person", ("evidence", "source"): "source",
                  ("event", "place"): "place", ("place", "parent"): "place",
                  ("act", "facility"): "place"}


def masker_of(session: Session, data_dir: Path, actor: Actor) -> Masker | None:
    """What masks names in text shown to ``actor``: nothing for those cleared for protected
    details; only real names for analysts (they read restricted persons' records, not their
    identities); every name of a restricted person for everyone else."""
    if may_see_protected(actor):
        return None
    return masker_for(session, data_dir,
                      real_names_only=may_see_level(actor, "restricted"))


# The entries of the public copies: on SQLite they have a full-text index of their own
# (search_fts_public, migration 0012), which holds no protected name at all.
PUBLIC_COPIES = ("all", "ap", "public")


def search_audiences(actor: Actor) -> tuple[str, ...]:
    """The search index entries ``actor`` reads (search/index.py AUDIENCES): the copy of each
    text made for them, so that no search can match a name they may not read."""
    if may_see_protected(actor):
        return ("all", "full", "fa")
    if may_see_level(actor, "restricted"):
        return ("all", "fa", "analyst", "ap")
    return PUBLIC_COPIES


def label(session: Session, actor: Actor, type_name: str, obj: Any) -> str:
    """A record's label without the id of a record the actor may not see."""
    if type_name == "evidence":
        target = ref_view(session, actor, obj.record_type, obj.record_id)
        shown = WITHHELD if target["id"] is None else f"{obj.record_type} #{obj.record_id}"
        return f"evidence #{obj.id}: source #{obj.source_id} → {shown}"
    if type_name == "involvement":
        act = ref_view(session, actor, "act", obj.act_id)
        shown = WITHHELD if act["id"] is None else f"act #{obj.act_id}"
        return f"involvement #{obj.id} in {shown}"
    return KINDS[type_name].label(obj)


def filter_guard(session: Session, actor: Actor, kind_name: str,
                 filters: dict[str, str]) -> list[ColumnElement[bool]]:
    """Filters that name a record the actor may not see match nothing, exactly as if it did
    not exist: ``?victim=7`` must not list the acts of a hidden victim #7 (nor count them)."""
    for key, value in filters.items():
        target = FILTER_TARGETS.get((kind_name, key))
        if target is None:
            continue
        if target == "place":
            obj = session.execute(select(m.Place).where(m.Place.code == value)
                                  ).scalar_one_or_none()
        else:
            obj = session.get(MODELS[target], int(value)) if value.isdigit() else None
        if obj is not None and not may_see(actor, obj):
            return [false()]
    if kind_name == "evidence" and "record_id" in filters and filters["record_id"].isdigit():
        types = [filters["record_type"]] if "record_type" in filters else list(KINDS)
        record_id = int(filters["record_id"])
        seen = [t for t in types if t in MODELS
                and (obj := session.get(MODELS[t], record_id)) is not None and may_see(actor, obj)]
        return [m.Evidence.record_type.in_(seen)]
    return []


def shown_place(session: Session, actor: Actor, code: str | None) -> str | None:
    """The code of the place, or of its nearest enclosing place the actor may see: a restricted
    village or safe house appears only as its region."""
    if code is None:
        return None
    place = session.execute(select(m.Place).where(m.Place.code == code)).scalar_one_or_none()
    seen: set[int] = set()
    while place is not None and not may_see(actor, place) and place.id not in seen:
        seen.add(place.id)
        place = place.parent
    return None if place is None or not may_see(actor, place) else place.code


def _places(session: Session, actor: Actor, kind_name: str, fields: dict[str, Any]) -> None:
    if may_see_level(actor, "restricted"):
        return
    for name in PLACE_FIELDS.get(kind_name, ()):
        value = fields.get(name)
        if isinstance(value, list):
            codes = (shown_place(session, actor, v) for v in value)
            fields[name] = list(dict.fromkeys(c for c in codes if c is not None))
        elif name in fields:
            fields[name] = shown_place(session, actor, value)


def ref_view(session: Session, actor: Actor, type_name: str, record_id: int | None) -> Any:
    """A pointer to another record: its label if the actor may see it, else only 'withheld'."""
    if record_id is None:
        return None
    obj = session.get(MODELS[type_name], record_id)
    if obj is None or not seen(actor, type_name, obj):
        return {"type": type_name, "id": None, "label": WITHHELD}
    return {"type": type_name, "id": record_id, "label": label(session, actor, type_name, obj)}


def seen(actor: Actor, type_name: str, obj: Any) -> bool:
    """Whether the actor may see this record (a relation: and both its persons)."""
    if type_name == "relation":
        return may_see_relation(actor, obj, obj.person_a, obj.person_b)
    return may_see(actor, obj)


def view(kind: Kind, obj: Any, session: Session, actor: Actor, *, full: bool) -> dict[str, Any]:
    if isinstance(kind, PersonKind) and not may_see_protected(actor):
        # Not even read: it may need the at-rest key, which a viewer's page must not depend on.
        fields = kind.to_input(obj, session, protected=False)
    else:
        fields = kind.to_input(obj, session)
    if not may_see_level(actor, "restricted"):
        _redact(kind.name, obj, fields, session)
    _places(session, actor, kind.name, fields)
    for field_name, target in kind.refs.items():
        fields[field_name] = ref_view(session, actor, target, fields[field_name])
    if kind.name == "evidence":
        pointer = fields["record"]
        fields["record"] = ref_view(session, actor, pointer["type"], pointer["id"])
    if kind.name == "person" and not may_see_protected(actor):
        fields.pop("protected", None)
    if kind.name == "source" and not may_see_level(actor, "restricted"):
        # A witness key links one witness's testimonies: not below restricted clearance.
        fields.pop("witness_key", None)
    if kind.name == "source" and not full and len(fields["text"]) > PREVIEW:
        fields["text"] = fields["text"][:PREVIEW] + "…"
    out: dict[str, Any] = {
        "type": kind.name,
        "id": obj.id,
        "label": label(session, actor, kind.name, obj),
        "level": obj.level,
        # The version an edit of this view is made from (archive/editing.py).
        "version": obj.version,
        "retracted": None if obj.retracted_at is None else {
            "at": obj.retracted_at.isoformat(), "by": obj.retracted_by,
            "reason": obj.retraction_reason,
        },
        "fields": fields,
    }
    if full:
        # Deferred: the related module builds on this one's pointers and labels.
        from sillok.archive.related import related

        out["related"] = related(kind, obj, session, actor)
        if kind.name == "act":
            # Counted as this actor may know it (archive/corroboration.py).
            out["independent_sources"] = support_counts(session, actor, [obj.id])[obj.id]
    return out


def pointers(session: Session, actor: Actor, type_name: str, where: Any,
              model: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(model).where(where, visible_filter(model, actor), model.retracted_at.is_(None))
        .order_by(model.id)
    ).scalars()
    return [{"type": type_name, "id": r.id, "label": label(session, actor, type_name, r)}
            for r in rows]


def evidence_of(session: Session, actor: Actor, type_name: str,
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


def audit_view(session: Session, entry: m.AuditEntry, actor: Actor) -> dict[str, Any]:
    return {
        "id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor,
        "action": entry.action, "reason": entry.reason,
        "before": _snapshot(session, actor, entry.record_type, entry.before),
        "after": _snapshot(session, actor, entry.record_type, entry.after),
    }


def _snapshot(session: Session, actor: Actor, type_name: str,
              snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """An audit snapshot under the rules of a record view. Even a keyed digest of a protected
    detail or a hidden passage is only for those cleared for the value: it still tells who
    shares a real name with whom, and whether an edit brought an old value back."""
    if not snapshot:
        return snapshot
    out = dict(snapshot)
    if out.get("protected") is not None and not may_see_protected(actor):
        out["protected"] = PROTECTED
    if out.get("passage") is not None and not may_see_level(actor, "restricted"):
        out["passage"] = PROTECTED
    if out.get("witness_key") is not None and not may_see_level(actor, "restricted"):
        out["witness_key"] = PROTECTED
    kind = KINDS.get(type_name)
    if kind is None:
        return out
    for field_name, target in kind.refs.items():
        if isinstance(out.get(field_name), int):
            shown = ref_view(session, actor, target, out[field_name])["id"]
            out[field_name] = WITHHELD if shown is None else shown
    # Evidence points at its record; a source's "cited as withheld" entry at the citing one.
    pointer = out.get("record")
    if (isinstance(pointer, dict) and pointer.get("type") in MODELS
            and ref_view(session, actor, pointer["type"], pointer.get("id"))["id"] is None):
        out["record"] = {"type": pointer["type"], "id": None}
    _places(session, actor, kind.name, out)
    return out
