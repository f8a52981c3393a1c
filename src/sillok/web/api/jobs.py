"""Ingest by upload and the jobs that do it.

``POST /ingest`` takes files as multipart form data and starts a background job
(ingest/jobs.py: the bytes are spooled under numbers, the Ingestor reads them in chunks and
records progress and every file's outcome in the job row). The answer is 202 with the job;
``GET /jobs/{id}`` follows it. ``?wait=true`` answers only when the job has finished, with
every outcome (handy for scripts and small batches).

An uploaded file's name is data: it is recorded and shown, never used as a path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.ingest.jobs import job_view, recent_jobs, start_ingest_job
from sillok.ingest.pipeline import Options
from sillok.web.api.deps import Reader, RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES

MAX_UPLOAD_FILES = 500  # as the staff upload page
MAX_NAME = 255


class OutcomeOut(BaseModel):
    file: str = Field(description="The uploaded file's name, as sent.")
    status: Literal["ingested", "duplicate", "near_duplicate", "failed"]
    line: str = Field(description="The outcome as one line to read.")
    source_id: int | None
    duplicate_of: int | None
    near_duplicate_of: list[int]
    reason: str | None
    media_type: str | None
    sha256: str | None
    size: int | None
    sources: list[int] = Field(description="Every source created (rows, attachments).")
    needs_ocr: bool
    notes: list[str]
    refused: str | None = Field(None, description="Why the text of this real document "
                                "cannot be read (a password, 배포용 문서, HWP 3): the original "
                                "is kept as a source without text.")
    refused_parts: list[tuple[str, str]] = Field(
        default_factory=list, description="Attachments kept without text: (name, reason).")


class JobOut(BaseModel):
    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    total: int | None
    done: int
    message: str
    created_by: str
    created_at: str
    outcomes: list[OutcomeOut]


def _name(filename: str | None, number: int) -> str:
    # NUL cannot be stored by PostgreSQL; an empty or absent name gets a number.
    name = (filename or "").replace("\x00", "")[:MAX_NAME]
    return name or f"file {number + 1}"


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES, tags=["ingest"])

    @r.post("/ingest", response_model=JobOut, status_code=202, operation_id="ingest",
            summary="Upload files to ingest as sources (a background job)",
            responses={200: {"model": JobOut, "description": "With wait=true: the job, "
                                                            "finished, with every outcome"}})
    async def ingest(
        actor: Writer, request: Request, response: Response,
        files: Annotated[list[UploadFile], File(description="One or more files.")],
        kind: Annotated[str | None, Form(max_length=80, description="Source kind of every "
                                         "file (default: from the file type).")] = None,
        level: Annotated[Literal["public", "internal", "restricted"], Form()] = "internal",
        language: Annotated[Literal["auto", "ko", "en", "mixed"], Form()] = "auto",
        wait: Annotated[bool, Query(description="Answer when the job is done.")] = False,
    ) -> dict[str, Any]:
        if not files or len(files) > MAX_UPLOAD_FILES:
            raise Invalid({"files": f"send 1 to {MAX_UPLOAD_FILES} files"})
        limit = archive.settings.max_file_bytes
        received: list[tuple[str | None, bytes]] = []
        for number, upload in enumerate(files):
            # One byte past the limit is enough for the ingestor to refuse the file as too
            # large, without holding all of it.
            received.append((_name(upload.filename, number), await upload.read(limit + 1)))
        options = Options(kind=kind or None, level=level, language=language,
                          received_via="api")
        job_id = await run_in_threadpool(start_ingest_job, archive, actor, received, options,
                                         wait)
        view = job_view(archive, actor, job_id)
        assert view is not None  # the caller made it
        root = request.scope.get("root_path", "").rstrip("/")
        response.headers["Location"] = f"{root}/jobs/{job_id}"
        if wait:
            response.status_code = 200
        return view

    @r.get("/jobs", response_model=list[JobOut], operation_id="list_jobs",
           summary="The caller's recent jobs (every job for an admin)")
    def list_jobs(actor: Reader) -> list[dict[str, Any]]:
        return recent_jobs(archive, actor)

    @r.get("/jobs/{job_id}", response_model=JobOut, operation_id="get_job",
           summary="A job's progress and outcomes")
    def get_job(actor: Reader, job_id: RecordId) -> dict[str, Any]:
        # Only its owner and admins see a job; anyone else is told it does not exist.
        view = job_view(archive, actor, job_id)
        if view is None:
            raise NotFound(f"job #{job_id} not found")
        return view

    return r
