"""Coding from the text (issue 18 point 3): a passage selected in the source workspace (mouse
or keyboard) becomes evidence of an existing event, act or person chosen from a list, or of
a new act, in a new or an existing event, with a new or an existing victim — chosen with
the pickers (web/pick_routes.py), no id typed.

Each evidence keeps the passage's character offsets; its quote is read from the source text
at those offsets, never from the browser. Everything one form makes is made in one
transaction, through the archive services (validation, audit, index).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sillok.archive.resolve import MODELS
from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.security.policy import Actor, may_see
from sillok.web import i18n
from sillok.web.passage_records import add_evidence, no_passage, offsets, seen_source
from sillok.web.staff_routes import RECORD_TYPES, Staff, _hangul

Text = Annotated[str, Form(max_length=500)]


def _record(value: str) -> tuple[str, int] | None:
    """``event:12`` as the record picker gives it."""
    kind, _, ident = value.strip().partition(":")
    if kind not in RECORD_TYPES or not ident.isdigit():
        return None
    return kind, int(ident)


def _level_of(session: Session, actor: Actor, record: tuple[str, int]) -> str:
    obj = session.get(MODELS[record[0]], record[1])
    if obj is None or not may_see(actor, obj) or obj.retracted_at is not None:
        raise Invalid({"record": i18n.gettext("Choose a record from the list.")})
    return str(obj.level)


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/staff/sources")

    @r.post("/{source_id}/link")
    def link_passage(actor: Staff, source_id: int, record: Text = "", start: Text = "",
                     end: Text = "", connection: Text = "", back: Text = "") -> Response:
        """The passage as evidence of a record chosen from the list (``type:id``); back in
        the workspace at the new highlight, or on the record's page."""
        target, passage = _record(record), offsets(start, end)
        if passage is None:
            raise Invalid({"passage": no_passage()})
        if target is None:
            raise Invalid({"record": i18n.gettext("Choose a record from the list.")})
        with archive.transaction() as session:
            source = seen_source(session, actor, source_id)
            level = _level_of(session, actor, target)
            evidence = add_evidence(archive, actor, session, source, target, level, passage,
                                    connection)
        if back:
            return RedirectResponse(f"/staff/sources/{source_id}#evidence-{evidence}",
                                    status_code=303)
        return RedirectResponse(f"/staff/records/{target[0]}/{target[1]}", status_code=303)

    @r.post("/{source_id}/acts")
    def code_act(actor: Staff, source_id: int, act_type: Text = "", start: Text = "",
                 end: Text = "", event: Text = "", event_title: Text = "",
                 victim: Text = "", victim_name: Text = "", date: Text = "",
                 connection: Text = "", level: Text = "internal") -> Response:
        """An act (who suffered what, in which event) with the passage as its evidence. The
        event is one chosen in the picker or a new one titled ``event_title``; the victim one
        chosen (or ``person:ID``) or a new person named here."""
        passage = offsets(start, end)
        # The pickers send an id (or ``person:ID``); nothing chosen, a new one is made.
        event_id = int(event) if event.strip().isdigit() else None
        victim_id = int(victim) if victim.strip().isdigit() else (_record(victim) or ("", None))[1]
        errors = {}
        if passage is None:
            errors["passage"] = no_passage()
        if event_id is None and not event_title.strip():
            errors["event"] = i18n.gettext("Choose an event, or a new one with its title.")
        if victim_id is None and not victim_name.strip():
            errors["victim"] = i18n.gettext("Choose the victim from the list, or name a new "
                                            "person.")
        if not act_type:
            errors["act_type"] = i18n.gettext("Choose a violation.")
        if errors:
            raise Invalid(errors)
        assert passage is not None
        with archive.transaction() as session:
            source = seen_source(session, actor, source_id)
            if event_id is None:
                event_id = archive.create(actor, "event", {
                    "level": level, "title": event_title.strip()[:500]}, session=session)
                add_evidence(archive, actor, session, source, ("event", event_id), level,
                             passage, "")
            if victim_id is None:
                # A person named in a passage is as confidential as the act, at least.
                victim_id = archive.create(actor, "person", {
                    "level": level, "names": [{"name": victim_name.strip(),
                                               "system": "hangul" if _hangul(victim_name)
                                               else "alias"}]}, session=session)
            data: dict[str, Any] = {"level": level, "event": event_id, "act_type": act_type,
                                    "victim": victim_id}
            if date.strip():
                data["date"] = date.strip()
            act_id = archive.create(actor, "act", data, session=session)
            add_evidence(archive, actor, session, source, ("act", act_id), level, passage,
                         connection)
        return RedirectResponse(f"/staff/records/act/{act_id}", status_code=303)

    return r
