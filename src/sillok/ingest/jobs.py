"""Ingest jobs: uploaded files ingested in the background, with progress anyone may watch.

The uploaded bytes are spooled to ``DATA_DIR/spool/<job>/`` (files named by number; the
original names travel as data in the job), a job row records the total, and a worker thread
ingests them in chunks, writing progress and each outcome to the job as it goes. A job whose
process died is marked failed when the application starts again (its files are still in the
spool; ingesting them again reports what was already in).
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.ingest import batch
from sillok.ingest.pipeline import Ingestor, Options, Outcome
from sillok.private_files import make_dir, write_file
from sillok.security.policy import Actor, require_write

# Job threads still running, so that a stopping server can let them finish (wait_for_jobs).
_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def spool_dir(archive: Archive, job_id: int) -> Path:
    return archive.settings.data_dir / "spool" / str(job_id)


def start_ingest_job(archive: Archive, actor: Actor, files: list[tuple[str | None, bytes]],
                     options: Options | None = None, wait: bool = False) -> int:
    """Create an ingest job for ``files`` (original name, bytes) and start it in a thread."""
    require_write(actor)
    with archive.transaction() as session:
        job = m.Job(kind="ingest", status="queued", total=len(files), created_by=actor.name,
                    result={"files": [name for name, _ in files], "outcomes": []})
        session.add(job)
        session.flush()
        job_id = int(job.id)
    folder = spool_dir(archive, job_id)
    make_dir(folder)
    for number, (_name, data) in enumerate(files):
        write_file(folder / f"{number:06d}", data)
    thread = threading.Thread(target=_tracked, args=(archive, actor, job_id, options or Options()),
                              name=f"ingest-job-{job_id}", daemon=True)
    with _running_lock:
        _running.add(thread)
    thread.start()
    if wait:
        thread.join()
    return job_id


def job_view(archive: Archive, actor: Actor, job_id: int) -> dict[str, Any] | None:
    """A job as its owner (or an admin) sees it; None for anyone else."""
    with archive.sessions() as session:
        job = session.get(m.Job, job_id)
        if job is None or (job.created_by != actor.name and actor.role.value != "admin"):
            return None
        outcomes = (job.result or {}).get("outcomes", [])
        return {"id": job.id, "kind": job.kind, "status": job.status, "total": job.total,
                "done": job.done, "message": job.message, "created_by": job.created_by,
                "created_at": job.created_at.isoformat(), "outcomes": outcomes,
                "refusals": batch.refusals(outcomes)}


def recent_jobs(archive: Archive, actor: Actor, limit: int = 10) -> list[dict[str, Any]]:
    with archive.sessions() as session:
        query = select(m.Job.id).order_by(m.Job.id.desc()).limit(limit)
        if actor.role.value != "admin":
            query = query.where(m.Job.created_by == actor.name)
        ids = list(session.execute(query).scalars())
    return [v for v in (job_view(archive, actor, i) for i in ids) if v is not None]


def wait_for_jobs(timeout: float) -> bool:
    """Let running jobs finish, for at most ``timeout`` seconds in all (a server stopping: the
    files of an upload it accepted get ingested rather than left to a restart); False if some
    are still running then (they are marked failed at the next start, fail_interrupted)."""
    with _running_lock:
        threads = list(_running)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in threads)


def _tracked(archive: Archive, actor: Actor, job_id: int, options: Options) -> None:
    try:
        _run(archive, actor, job_id, options)
    finally:
        with _running_lock:
            _running.discard(threading.current_thread())


def fail_interrupted(archive: Archive) -> None:
    """Ingest jobs left running by a process that is gone can never finish: say so. (Their
    files are not kept past the process; readings by OCR are durable: ocr_jobs.py.)"""
    with archive.transaction() as session:
        session.execute(update(m.Job).where(m.Job.kind == "ingest",
                                            m.Job.status.in_(("queued", "running")))
                        .values(status="failed", message="interrupted: the server stopped"))


def _run(archive: Archive, actor: Actor, job_id: int, options: Options) -> None:
    folder = spool_dir(archive, job_id)
    try:
        with archive.sessions() as session:
            job = session.get_one(m.Job, job_id)
            names: list[str | None] = list((job.result or {}).get("files", []))
        _set(archive, job_id, status="running")
        ingestor = Ingestor(archive, actor, options)
        outcomes: list[dict[str, Any]] = []
        paths = [(folder / f"{i:06d}", name or f"file {i + 1}") for i, name in enumerate(names)]
        for chunk in batch.chunks(paths):
            start = len(outcomes)
            done = ingestor.ingest_paths(chunk, filenames=names[start:start + len(chunk)])
            for outcome, (_path, name) in zip(done, chunk, strict=True):
                outcomes.append(_outcome(outcome, name))
            _set(archive, job_id, done=len(outcomes),
                 result={"files": names, "outcomes": outcomes})
        failed = sum(o["status"] == "failed" for o in outcomes)
        kept = sum(bool(o.get("refused")) for o in outcomes)
        _set(archive, job_id, status="done",
             message=f"{len(outcomes) - failed} in, {failed} failed"
             + (f", {kept} kept without text" if kept else ""))
    except Exception as exc:  # a job must end with a status, whatever happened
        _set(archive, job_id, status="failed", message=str(exc).splitlines()[0][:500])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _outcome(outcome: Outcome, name: str) -> dict[str, Any]:
    data = outcome.as_dict()
    data["file"] = name  # the spool file's number is no one's business
    data["line"] = outcome.line
    return data


def _set(archive: Archive, job_id: int, **values: Any) -> None:
    with archive.transaction() as session:
        session.execute(update(m.Job).where(m.Job.id == job_id).values(**values))
