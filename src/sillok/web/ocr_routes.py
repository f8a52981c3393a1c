"""OCR in the workspace: read a page of a scanned source again with other settings, or put a
corrected text in its place (ingest/ocr_store.py). Both keep the earlier reading in history and
go back to the source's page, where each page's confidence and its doubtful words are shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.ingest import ocr, ocr_store
from sillok.web.staff_routes import Staff


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/staff")

    # Plain (not async): FastAPI runs OCR, seconds of work, in a worker thread.
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
        ocr_store.read_again(archive, actor, source_id, page, mode, chosen)
        return RedirectResponse(f"/staff/sources/{source_id}?ocr=read#ocr", status_code=303)

    @r.post("/sources/{source_id}/ocr/correction")
    def correct(actor: Staff, source_id: int, text: Annotated[str, Form()],
                page: Annotated[int, Form()] = 1) -> Response:
        ocr_store.correct(archive, actor, source_id, page, text)
        return RedirectResponse(f"/staff/sources/{source_id}?ocr=corrected#ocr",
                                status_code=303)

    return r
