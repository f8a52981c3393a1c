"""OCR in the workspace: read a page of a scanned source again with other settings, or put a
corrected text in its place (ingest/ocr_store.py). Both keep the earlier reading in history and
go back to the source's page, where each page's confidence and its doubtful words are shown.

A reading again is a job (ingest/ocr_jobs.py): the request queues it and answers at once; the
source's page follows the job (htmx polling of its list of jobs) and reloads when it is done."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.ingest import ocr, ocr_jobs, ocr_store
from sillok.web.staff_routes import Staff


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    @r.post("/sources/{source_id}/ocr", response_model=None)
    def read_again(actor: Staff, source_id: int, page: Annotated[int, Form()] = 1,
                   psm: Annotated[str, Form()] = "auto",
                   steps: Annotated[list[str] | None, Form()] = None) -> Response:
        mode: int | None = None
        if psm != "auto":
            if not psm.isdigit():
                raise Invalid({"psm": "choose a page segmentation mode or auto"})
            mode = int(psm)
        chosen = tuple(s for s in ocr.STEPS if s in (steps or []))
        ocr_jobs.enqueue(archive, actor, source_id, page, mode, chosen)
        ocr_jobs.kick(archive)
        return RedirectResponse(f"/staff/sources/{source_id}?ocr=queued#ocr", status_code=303)

    @r.get("/sources/{source_id}/ocr/jobs", response_class=HTMLResponse)
    def jobs(request: Request, actor: Staff, source_id: int) -> HTMLResponse:
        listed = ocr_jobs.jobs_of_source(archive, actor, source_id)
        page = templates.TemplateResponse(request, "_ocr_jobs.html", {
            "ocr_jobs": listed, "source_id": source_id})
        if request.headers.get("hx-request") and listed and not any(
                j["status"] in ocr_jobs.PENDING for j in listed):
            # The page polled because a reading was waiting: it has ended, so the page's text
            # and confidence are new; load it again (it polls no more, nothing waits).
            done = "read" if listed[0]["status"] == "done" else "failed"
            page.headers["HX-Redirect"] = f"/staff/sources/{source_id}?ocr={done}#ocr"
        return page

    @r.post("/sources/{source_id}/ocr/correction")
    def correct(actor: Staff, source_id: int, text: Annotated[str, Form()],
                page: Annotated[int, Form()] = 1) -> Response:
        ocr_store.correct(archive, actor, source_id, page, text)
        return RedirectResponse(f"/staff/sources/{source_id}?ocr=corrected#ocr",
                                status_code=303)

    return r
