"""The staff workspace: dashboard, upload → ingest job with live progress, and the source
workspace where suggestions are reviewed and a passage becomes an event with its evidence.

Every route requires a signed-in editor or admin; every change goes through the archive
services (validation, audit, search index) as that person.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from sillok.archive.redactions import add_mark, list_marks, remove_mark
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.extract.store import suggestions_of
from sillok.ingest import ocr_jobs
from sillok.ingest.jobs import job_view, recent_jobs, start_ingest_job
from sillok.ingest.ocr_store import confidence_view
from sillok.ingest.pipeline import Options
from sillok.security.policy import Actor, may_write
from sillok.web.assign_panel import assign_context
from sillok.web.deps import page_actor
from sillok.web.edit_forms import FORMS as EDITABLE
from sillok.web.evidence_marks import with_evidence
from sillok.web.evidence_panels import panels
from sillok.web.original_view import original_kind
from sillok.web.passage_records import add_evidence, passage_choices, seen_source
from sillok.web.publish_panel import Typed, panel_context

MAX_UPLOAD_FILES = 500
RECORD_TYPES = ("source", "event", "act", "person", "place", "term", "involvement", "evidence",
                "relation")


def staff_actor(request: Request) -> Actor:
    actor = page_actor(request)
    if actor.role.value == "anonymous":
        raise NotSignedIn(str(request.url.path))
    if not may_write(actor):
        raise Forbidden("the workspace is for editors and admins")
    return actor


Staff = Annotated[Actor, Depends(staff_actor)]


class NotSignedIn(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @r.get("", response_class=HTMLResponse)
    def dashboard(request: Request, actor: Staff) -> HTMLResponse:
        recent = archive.list_records(actor, "source", limit=10, newest_first=True).items
        with archive.sessions() as session:
            queues = session.execute(
                select(m.Suggestion.source_id, func.count()).where(m.Suggestion.status == "open")
                .group_by(m.Suggestion.source_id).order_by(m.Suggestion.source_id.desc())
                .limit(20)).all()
            near = session.execute(select(m.SourceLink).where(
                m.SourceLink.status == "open").order_by(m.SourceLink.id.desc()).limit(20)
            ).scalars().all()
            near_rows = [{"source": n.source_id, "other": n.other_id, "score": n.score}
                         for n in near]
        return render(request, "staff.html", {
            "recent": recent, "queues": queues, "near": near_rows,
            "jobs": recent_jobs(archive, actor)})

    @r.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request, _actor: Staff) -> HTMLResponse:
        return render(request, "upload.html", {})

    @r.post("/upload")
    async def upload(actor: Staff, files: Annotated[list[UploadFile], File()],
                     kind: Annotated[str, Form()] = "",
                     level: Annotated[str, Form()] = "internal") -> Response:
        if level not in ("public", "internal", "restricted"):
            raise Invalid({"level": "choose public, internal or restricted"})
        if not files or len(files) > MAX_UPLOAD_FILES:
            raise Invalid({"files": f"choose 1 to {MAX_UPLOAD_FILES} files"})
        limit = archive.settings.max_file_bytes
        received: list[tuple[str | None, bytes]] = []
        for upload_file in files:
            # Read one byte past the limit: enough to know a file is too large.
            data = await upload_file.read(limit + 1)
            received.append((upload_file.filename, data))
        options = Options(kind=kind or None, level=level, received_via="upload")
        job_id = start_ingest_job(archive, actor, received, options)
        return RedirectResponse(f"/staff/jobs/{job_id}", status_code=303)

    @r.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job(request: Request, actor: Staff, job_id: int) -> HTMLResponse:
        view = job_view(archive, actor, job_id)
        if view is None:
            raise NotFound(f"job #{job_id} not found")
        name = "_job.html" if request.headers.get("hx-request") else "job.html"
        return render(request, name, {"job": view})

    @r.get("/sources/{source_id}", response_class=HTMLResponse)
    def workspace(request: Request, actor: Staff, source_id: int) -> HTMLResponse:
        rec = archive.get(actor, "source", source_id)
        with archive.transaction() as session:
            suggestions = suggestions_of(session, actor, source_id)
            ocr = confidence_view(session, actor, source_id)
        marks = list_marks(archive, actor, source_id)
        places = archive.list_records(actor, "place", limit=1000).items
        act_types = archive.list_records(actor, "term", {"vocabulary": "act_type"},
                                         limit=200).items
        evidence = rec["related"].get("evidence", [])
        return render(request, "workspace.html", {
            "rec": rec, "suggestions": suggestions, "places": places, "act_types": act_types,
            "marks": marks, "source_id": source_id, **passage_choices(archive, actor),
            **panels(archive, actor, "source", source_id),
            "evidence": evidence, "numbers": {e["id"]: i + 1 for i, e in enumerate(evidence)},
            "original": original_kind(rec["fields"]), "ocr": ocr,
            "ocr_jobs": ocr_jobs.jobs_of_source(archive, actor, source_id),
            "ocr_done": request.query_params.get("ocr"),
            "segments": with_evidence(_doubtful(_redacted(
                _segments(rec["fields"]["text"], suggestions, rec["fields"].get("pages") or []),
                [(mark["start"], mark["end"]) for mark in marks]), ocr["low"]), evidence)})

    @r.get("/records/{type_name}/{record_id}", response_class=HTMLResponse)
    def staff_record(request: Request, actor: Staff, type_name: str,
                     record_id: int) -> HTMLResponse:
        if type_name not in RECORD_TYPES:
            raise NotFound(f"no records of type {type_name}")
        rec = archive.get(actor, type_name, record_id)
        history = archive.history(actor, type_name, record_id)
        extra: dict[str, Any] = {}
        if type_name == "person" and not rec["retracted"]:
            # The relation form's list of how two persons may be related.
            extra = {"relation_kinds": archive.list_records(
                         actor, "term", {"vocabulary": "relation_kind"}).items}
        return render(request, "staff_record.html", {
            "rec": rec, "type_name": type_name, "history": history,
            "saved": request.query_params.get("saved") == "1",
            "level_saved": request.query_params.get("saved") == "level",
            "assign_saved": request.query_params.get("saved") == "assign",
            **assign_context(archive, actor, type_name, record_id),
            **panel_context(archive, actor, type_name, record_id,
                            Typed(level=request.query_params.get("publish") or "")),
            "editable": type_name in EDITABLE, **panels(archive, actor, type_name, record_id),
            **extra})

    @r.post("/records/{type_name}/{record_id}/retract")
    def retract(actor: Staff, type_name: str, record_id: int,
                reason: Annotated[str, Form()]) -> Response:
        if type_name not in RECORD_TYPES:
            raise NotFound(f"no records of type {type_name}")
        if not reason.strip():
            raise Invalid({"reason": "say why the record is retracted"})
        archive.retract(actor, type_name, record_id, reason.strip())
        return RedirectResponse(f"/staff/records/{type_name}/{record_id}", status_code=303)

    @r.post("/sources/{source_id}/redactions")
    def redact(actor: Staff, source_id: int, start: Annotated[int, Form()],
               end: Annotated[int, Form()], reason: Annotated[str, Form()]) -> Response:
        add_mark(archive, actor, source_id, start, end, reason)
        return RedirectResponse(f"/staff/sources/{source_id}#redactions", status_code=303)

    @r.post("/sources/{source_id}/redactions/{mark_id}/remove")
    def unredact(actor: Staff, source_id: int, mark_id: int) -> Response:
        remove_mark(archive, actor, mark_id, source_id)
        return RedirectResponse(f"/staff/sources/{source_id}#redactions", status_code=303)

    @r.post("/sources/{source_id}/events")
    def code_event(actor: Staff, source_id: int, title: Annotated[str, Form()],
                   start: Annotated[int, Form()], end: Annotated[int, Form()],
                   quote: Annotated[str, Form()], date: Annotated[str, Form()] = "",
                   place: Annotated[str, Form()] = "",
                   level: Annotated[str, Form()] = "internal") -> Response:
        with archive.transaction() as session:
            source = seen_source(session, actor, source_id)
            # An event to be public resting on a source the public may not read is made at the
            # source's level and handed to the guided publishing (web/publish_routes.py): the
            # editor chooses how the public sees the source, instead of being refused.
            guided = level == "public" and source.level != "public"
            data: dict[str, Any] = {"level": source.level if guided else level,
                                    "title": title.strip() or quote[:200]}
            if date.strip():
                data["date"] = date.strip()
            if place.strip():
                # The field offers "code — name" choices; the code is what is stored.
                data["places"] = [place.split("—")[0].strip()]
            event_id = archive.create(actor, "event", data, session=session)
            # The quote is taken from the source text at these offsets, not from the browser.
            add_evidence(archive, actor, session, source, ("event", event_id), level,
                         (start, end), "")
        if guided:
            return RedirectResponse(f"/staff/records/event/{event_id}?publish=public#publish",
                                    status_code=303)
        # The coder goes on in the workspace, where the new event shows its passage (a public
        # page would not, while the source is not public).
        return RedirectResponse(f"/staff/records/event/{event_id}", status_code=303)

    return r


def _segments(text: str, suggestions: list[dict[str, Any]],
              pages: list[int]) -> list[dict[str, Any]]:
    """The text cut into plain runs, suggestion spans and page markers, for the template (which
    escapes every piece). Offsets are kept so that a selection maps back to the text."""
    marks = sorted((s for s in suggestions if s["status"] == "open"),
                   key=lambda s: (s["start"], -s["end"]))
    cuts: list[dict[str, Any]] = []
    position = 0
    page_starts = {p: i + 1 for i, p in enumerate(pages)} if len(pages) > 1 else {}
    for s in marks:
        if s["start"] < position:
            continue
        _plain(cuts, text, position, s["start"], page_starts)
        cuts.append({"kind": s["kind"], "text": text[s["start"]:s["end"]], "start": s["start"],
                     "suggestion": s["id"]})
        position = s["end"]
    _plain(cuts, text, position, len(text), page_starts)
    return cuts


def _redacted(cuts: list[dict[str, Any]], spans: list[tuple[int, int]]
              ) -> list[dict[str, Any]]:
    """Plain runs cut again where a passage is marked for redaction, so the coder sees which
    words the public does not (suggestion spans are left whole)."""
    if not spans:
        return cuts
    out: list[dict[str, Any]] = []
    for cut in cuts:
        start, text = cut["start"], cut["text"]
        if cut["kind"] is not None or not text:
            out.append(cut)
            continue
        end, position = start + len(text), start
        for s, e in sorted(spans):
            s, e = max(s, position), min(e, end)
            if s >= e:
                continue
            if s > position:
                out.append({"kind": None, "text": text[position - start:s - start],
                            "start": position})
            out.append({"kind": "redacted", "text": text[s - start:e - start], "start": s})
            position = e
        if position < end:
            out.append({"kind": None, "text": text[position - start:], "start": position})
    return out


def _doubtful(cuts: list[dict[str, Any]], words: list[tuple[int, int, float]]
              ) -> list[dict[str, Any]]:
    """Plain runs cut again at the words OCR read with low confidence, each marked with its
    confidence (suggestion spans and redactions are left as they are)."""
    if not words:
        return cuts
    out: list[dict[str, Any]] = []
    for cut in cuts:
        start, text = cut["start"], cut["text"]
        if cut["kind"] is not None or not text:
            out.append(cut)
            continue
        end, position = start + len(text), start
        for s, e, confidence in words:
            s, e = max(s, position), min(e, end)
            if s >= e:
                continue
            if s > position:
                out.append({"kind": None, "text": text[position - start:s - start],
                            "start": position})
            out.append({"kind": "ocr-low", "text": text[s - start:e - start], "start": s,
                        "confidence": round(confidence)})
            position = e
        if position < end:
            out.append({"kind": None, "text": text[position - start:], "start": position})
    return out


def _plain(cuts: list[dict[str, Any]], text: str, start: int, end: int,
           page_starts: dict[int, int]) -> None:
    breaks = sorted(p for p in page_starts if start <= p < end)
    for point in [*breaks, end]:
        if point > start:
            cuts.append({"kind": None, "text": text[start:point], "start": start})
        if point in page_starts and point < end:
            cuts.append({"kind": "page", "page": page_starts[point], "start": point, "text": ""})
        start = point


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
