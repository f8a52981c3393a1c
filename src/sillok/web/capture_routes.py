"""The workspace's capture form: the same capture as ``sillok capture`` (capture/service.py),
for an editor who has a page open in the browser and wants it kept as evidence now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.capture.service import capture_url
from sillok.errors import Invalid, SillokError
from sillok.search.upkeep import after_bulk_write
from sillok.web.staff_routes import Staff

LEVELS = ("internal", "restricted", "public")


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    # A plain (not async) route: FastAPI runs it in a worker thread while the page is
    # fetched, rendered and ingested, so the server keeps answering others meanwhile.
    @r.post("/capture", response_model=None)
    def capture(request: Request, actor: Staff, url: Annotated[str, Form()],
                level: Annotated[str, Form()] = "internal",
                render: Annotated[bool, Form()] = False) -> Response:
        if level not in LEVELS:
            raise Invalid({"level": "choose public, internal or restricted"})
        try:
            result = capture_url(archive, actor, url.strip(), level=level, render=render)
        except SillokError as exc:
            return templates.TemplateResponse(
                request, "upload.html", {"capture_error": exc.message, "capture_url": url},
                status_code=400)
        after_bulk_write(archive.engine, changed=1)
        return RedirectResponse(f"/staff/sources/{result.source_id}?captured={result.status}",
                                status_code=303)

    return r

