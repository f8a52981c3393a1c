"""The names found in a source, for an editor to review before it goes public
(search/span_review.py): each proposed span with the words around it, accepted or rejected
with a reason, and the manual redaction marks beside them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.search.span_review import decide, name_spans, public_preview
from sillok.web.staff_routes import Staff


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    def render(request: Request, source_id: int, actor: Any) -> HTMLResponse:
        rec = archive.get(actor, "source", source_id)
        spans = name_spans(archive, actor, source_id)
        name = "_names.html" if request.headers.get("hx-request") else "names.html"
        return templates.TemplateResponse(request, name, {
            "rec": rec, "spans": spans, "preview": public_preview(archive, actor, source_id),
            "open": sum(1 for s in spans if s["status"] == "proposed")})

    @r.get("/sources/{source_id}/names", response_class=HTMLResponse)
    def names(request: Request, actor: Staff, source_id: int) -> HTMLResponse:
        return render(request, source_id, actor)

    @r.post("/sources/{source_id}/names")
    def decide_name(request: Request, actor: Staff, source_id: int,
                    field: Annotated[str, Form()], start: Annotated[int, Form()],
                    end: Annotated[int, Form()], decision: Annotated[str, Form()],
                    reason: Annotated[str, Form()] = "") -> Response:
        decide(archive, actor, source_id, field, start, end, decision, reason)
        if request.headers.get("hx-request"):
            return render(request, source_id, actor)
        return RedirectResponse(f"/staff/sources/{source_id}/names#span-{field}-{start}",
                                status_code=303)

    return r
