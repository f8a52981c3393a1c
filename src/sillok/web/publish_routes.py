"""Raising or lowering a record's level in the workspace, publishing it guided, and previewing
exactly what the public will see (issue 18 point 5; archive/publishing.py).

The panel on every record page (templates/_publish.html) is updated in place with htmx: the
level asked for, then — when the record is to be public and rests on sources the public may not
read — a choice per source (cite it as a withheld source, or cite its redacted public copy after
reviewing the copy's redaction spans), a required reason, and the change. The preview renders
the record's public page with the public site's own renderer (web/pages.py public_page), as the
public's actor, from the archive as it will be: the change made in a transaction that is rolled
back (archive/publishing.py preview).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.publishing import change_level, plan, preview
from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound, StaleVersion
from sillok.search.span_review import accept_reviewed
from sillok.security.policy import Actor
from sillok.web.edit_routes import Posted
from sillok.web.error_pages import error_page
from sillok.web.pages import PAGED, public_page, public_url
from sillok.web.publish_panel import Typed, panel_context, typed_from
from sillok.web.staff_routes import RECORD_TYPES, Staff


def _known(type_name: str) -> None:
    if type_name not in RECORD_TYPES:
        raise NotFound(f"no records of type {type_name}")


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/records")

    def panel(request: Request, actor: Actor, type_name: str, record_id: int,
              typed: Typed | None = None, errors: dict[str, str] | None = None,
              status: int = 200) -> HTMLResponse:
        """The panel alone for htmx (errors as 200: htmx swaps only those), else a page."""
        context = panel_context(archive, actor, type_name, record_id, typed, errors)
        if request.headers.get("hx-request"):
            return templates.TemplateResponse(request, "_publish.html", context)
        return templates.TemplateResponse(request, "publish.html", context, status_code=status)

    @r.get("/{type_name}/{record_id}/level", response_class=HTMLResponse)
    def level_panel(request: Request, actor: Staff, type_name: str, record_id: int,
                    level: str = "") -> HTMLResponse:
        _known(type_name)
        return panel(request, actor, type_name, record_id, Typed(level=level))

    @r.post("/{type_name}/{record_id}/level", response_model=None)
    def set_level(request: Request, actor: Staff, type_name: str, record_id: int,
                  form: Posted) -> Response:
        _known(type_name)
        typed = typed_from(form)
        try:
            outcome = change_level(
                archive, actor, type_name, record_id, typed.level, typed.reason,
                version=int(typed.version) if typed.version.isdigit() else None,
                choices=typed.choices, reviewed=typed.reviewed)
        except StaleVersion as stale:
            return panel(request, actor, type_name, record_id, Typed(level=typed.level,
                         reason=typed.reason, choices=typed.choices),
                         {"version": str(stale)}, status=409)
        except Invalid as exc:
            return panel(request, actor, type_name, record_id, typed, exc.errors, status=422)
        accept_reviewed(archive, actor, type_name, record_id, outcome, typed.reviewed)
        url = f"/staff/records/{type_name}/{record_id}?saved=level#publish"
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    @r.post("/{type_name}/{record_id}/preview", response_class=HTMLResponse)
    def preview_page(request: Request, actor: Staff, type_name: str, record_id: int,
                     form: Posted) -> HTMLResponse:
        _known(type_name)
        typed = typed_from(form)
        if type_name not in PAGED:
            raise NotFound(f"a {type_name} has no public page of its own")
        record, _resting = plan(archive, actor, type_name, record_id)
        level = typed.level or record["level"]
        bar: dict[str, Any] = {"publish_preview": {
            "type_name": type_name, "record_id": record_id, "before": record["level"],
            "level": level, "typed": typed, "version": typed.version or record["version"]},
            "public_path": public_url(type_name, record_id)}
        try:
            with preview(archive, actor, type_name, record_id, level, typed.choices) as future:
                try:
                    return public_page(future, templates, request, Actor.anonymous(),
                                       type_name, record_id, bar)
                except NotFound:
                    # Not public: the public's answer is the page of a missing record.
                    return error_page(templates, request, 404, extra=bar, status_code=200)
        except Invalid as exc:
            return panel(request, actor, type_name, record_id, typed, exc.errors, status=422)

    return r
