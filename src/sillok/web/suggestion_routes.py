"""The review queue of a source's suggestions: accept into a new record with a short title
(edited first if need be) or into an existing similar one, dismiss with a reason; after each
decision the page says what was done and offers to undo it. A second accept of the same
suggestion creates nothing (extract/accept.py claims it in the database first)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.extract.accept import accept, dismiss
from sillok.extract.review import decision, queue, undo
from sillok.web import i18n
from sillok.web.passage_records import LEVELS, place_code
from sillok.web.staff_routes import Staff

Text = Annotated[str, Form(max_length=1000)]


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    @r.get("/sources/{source_id}/suggestions", response_class=HTMLResponse)
    def review(request: Request, actor: Staff, source_id: int, done: int = 0,
               undone: int = 0, again: int = 0) -> HTMLResponse:
        rec = archive.get(actor, "source", source_id)
        last = decision(archive, actor, done or undone) if (done or undone) else None
        return templates.TemplateResponse(request, "suggestions.html", {
            "rec": rec, "items": queue(archive, actor, source_id), "last": last,
            "undone": bool(undone), "again": bool(again), "levels": LEVELS})

    def back(source_id: int, **query: int) -> Response:
        shown = "&".join(f"{k}={v}" for k, v in query.items())
        return RedirectResponse(f"/staff/sources/{source_id}/suggestions?{shown}",
                                status_code=303)

    @r.post("/suggestions/{suggestion_id}/accept")
    def accept_one(actor: Staff, suggestion_id: int, into: Text = "new", title: Text = "",
                   date: Text = "", places: Text = "", name: Text = "",
                   level: Text = "") -> Response:
        """``into``: "new" or an existing record as TYPE:ID (a similar one, or a picker's)."""
        target = None
        if into.strip() and into.strip() != "new":
            kind, _, ident = into.strip().partition(":")
            if not ident.isdigit():
                raise Invalid({"into": i18n.gettext("Choose the record to add it to.")})
            target = (kind, int(ident))
        edits: dict[str, Any] = {k: v.strip() for k, v in
                                 (("title", title), ("name", name)) if v.strip()}
        if date.strip():
            edits["date"] = date.strip()
        if places.strip():
            edits["places"] = [c for c in (place_code(p) for p in places.split(",")) if c]
        if level in LEVELS:
            edits["level"] = level
        result = accept(archive, actor, suggestion_id, target, edits=edits, repeat_ok=True)
        source_id = decision(archive, actor, suggestion_id)["source"]
        return back(source_id, done=suggestion_id, again=int(result["again"]))

    @r.post("/suggestions/{suggestion_id}/dismiss")
    def dismiss_one(actor: Staff, suggestion_id: int, reason: Text = "") -> Response:
        if not reason.strip():
            raise Invalid({"reason": i18n.gettext("Say why the suggestion is dismissed.")})
        dismiss(archive, actor, suggestion_id, reason)
        return back(decision(archive, actor, suggestion_id)["source"], done=suggestion_id)

    @r.post("/suggestions/{suggestion_id}/undo")
    def undo_one(actor: Staff, suggestion_id: int) -> Response:
        undo(archive, actor, suggestion_id)
        return back(decision(archive, actor, suggestion_id)["source"], undone=suggestion_id)

    return r
