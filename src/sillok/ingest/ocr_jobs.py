"""Reading a page by OCR again, as a durable job (issue 23): the staff request only checks what
it can at once and writes a job row, and a worker reads the page.

OCR of one page takes seconds to two minutes, too long to hold a web request (and a worker
thread of the server) for. The request commits a ``jobs`` row (kind ``ocr``, status ``queued``)
before it answers, so an acknowledged reading is on disk whatever happens to the process. A
worker claims a job by a conditional update (status queued, or running with its lease run out),
which at most one worker wins; it reads the page and writes the new text, the reading and the
job's ``done`` in one transaction, and only while it still holds the claim. So:

- a process killed before the claim leaves the job queued: the next worker takes it;
- one killed mid-reading leaves it ``running`` with a lease: once the lease (well past the
  longest an OCR may take) has run out, another worker claims it again and reads it from the
  start; nothing of the lost attempt was written;
- a worker too slow past its lease loses the claim; of two workers, only the one holding it
  writes (the other's transaction is rolled back), so a page is never replaced twice;
- a job whose attempts all died (a page that kills the process) is failed after MAX_ATTEMPTS.

The workers: a thread of each server process, started when a reading is queued and when the
server starts (jobs a killed process left), and ``sillok jobs run`` for a separate worker.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Forbidden, SillokError
from sillok.ingest import ocr, ocr_store
from sillok.security.policy import Actor, parse_role, require_write

KIND = "ocr"
OCR_SECONDS = 120.0  # one page, every layout mode tried (ocr.read's deadline)
# A claim outlives the longest reading by far (rendering, pre-processing and the write are
# seconds): a live worker never loses its job to the lease, a dead one's job waits this long.
LEASE = timedelta(seconds=4 * OCR_SECONDS)
MAX_ATTEMPTS = 3
PENDING = ("queued", "running")


def _changed(session: Session, statement: Update) -> int:
    """How many rows a conditional update changed (the claim and its checks rest on it)."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount or 0)


class _LostClaim(Exception):
    """Another worker holds the job now; this one's reading is not written."""


def worker_name() -> str:
    """A name for one worker's claims: host, process and a random part (a pid is reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


# -- queueing ---------------------------------------------------------------------------------
def enqueue(archive: Archive, actor: Actor, source_id: int, page: int, psm: int | None,
            steps: tuple[str, ...] = ocr.STEPS) -> int:
    """Queue a reading of page ``page`` again; the job is committed when this returns. The same
    page asked for again while a reading of it waits gives that job, not a second one."""
    ocr_store.check_request(archive, actor, source_id, page, psm, steps)
    request = {"source": source_id, "page": page, "psm": psm, "steps": list(steps),
               "role": actor.role.value, "read_only": actor.read_only}
    with archive.transaction() as session:
        waiting = session.execute(select(m.Job).where(
            m.Job.kind == KIND, m.Job.source_id == source_id, m.Job.status == "queued")
        ).scalars()
        for job in waiting:
            if (job.result or {}).get("page") == page:
                return int(job.id)
        job = m.Job(kind=KIND, status="queued", total=1, done=0, created_by=actor.name,
                    source_id=source_id, result=request)
        session.add(job)
        session.flush()
        return int(job.id)


def jobs_of_source(archive: Archive, actor: Actor, source_id: int, limit: int = 5
                   ) -> list[dict[str, Any]]:
    """The source's latest OCR jobs, for its page (to whoever may see the source)."""
    with archive.sessions() as session:
        ocr_store.visible_source(session, actor, source_id)
        jobs = session.execute(select(m.Job).where(m.Job.kind == KIND,
                                                   m.Job.source_id == source_id)
                               .order_by(m.Job.id.desc()).limit(limit)).scalars()
        return [_view(job) for job in jobs]


def _view(job: m.Job) -> dict[str, Any]:
    request = job.result or {}
    return {"id": job.id, "status": job.status, "page": request.get("page"),
            "psm": request.get("psm"), "confidence": request.get("confidence"),
            "by": job.created_by, "message": job.message, "attempts": job.attempts,
            "at": job.updated_at.isoformat()}


# -- claiming and running ---------------------------------------------------------------------
def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(m.Job.kind == KIND, m.Job.attempts < MAX_ATTEMPTS, or_(
        m.Job.status == "queued",
        and_(m.Job.status == "running", m.Job.lease_until < now)))


def give_up(archive: Archive, now: datetime | None = None) -> int:
    """Fail the jobs whose every attempt died (their last lease ran out); how many."""
    now = now or utcnow()
    with archive.transaction() as session:
        got = _changed(session, update(m.Job).where(
            m.Job.kind == KIND, m.Job.status == "running", m.Job.lease_until < now,
            m.Job.attempts >= MAX_ATTEMPTS).values(
                status="failed", lease_until=None, updated_at=now,
                message=f"given up: {MAX_ATTEMPTS} attempts ended without a result"))
        return got


def claim(archive: Archive, worker: str, now: datetime | None = None) -> int | None:
    """Claim the oldest job a worker may take; its id, or None when there is none."""
    now = now or utcnow()
    give_up(archive, now)
    with archive.transaction() as session:
        candidates = list(session.execute(select(m.Job.id).where(_claimable(now))
                                          .order_by(m.Job.id).limit(10)).scalars())
        for job_id in candidates:
            # The same condition again, in the update itself: of two workers, one wins.
            got = _changed(session, update(m.Job).where(m.Job.id == job_id, _claimable(now))
                                  .values(status="running", attempts=m.Job.attempts + 1,
                                          lease_until=now + LEASE, claimed_by=worker,
                                          updated_at=now))
            if got == 1:
                return int(job_id)
    return None


def run_claimed(archive: Archive, job_id: int, worker: str) -> str:
    """Read the page of a job this worker claimed; the job's status afterwards as this worker
    left it ("done", "failed", or "lost" when another worker holds it now)."""
    with archive.sessions() as session:
        job = session.get_one(m.Job, job_id)
        request = dict(job.result or {})
        try:
            actor = _actor(session, job.created_by, request)
        except SillokError as exc:
            return _fail(archive, job_id, worker, exc.message)

    def finish(session: Session, reading: dict[str, Any]) -> None:
        got = _changed(session, update(m.Job).where(
            m.Job.id == job_id, m.Job.status == "running", m.Job.claimed_by == worker
        ).values(status="done", done=1, lease_until=None, updated_at=utcnow(), message="",
                 result={**request, "confidence": reading.get("mean_confidence"),
                         "psm_used": reading.get("psm")}))
        if got != 1:
            raise _LostClaim

    try:
        psm = request.get("psm")
        ocr_store.read_again(archive, actor, int(request["source"]), int(request["page"]),
                             int(psm) if psm is not None else None,
                             tuple(request.get("steps") or ()),
                             deadline=time.monotonic() + OCR_SECONDS, on_written=finish)
    except _LostClaim:
        return "lost"
    except SillokError as exc:
        return _fail(archive, job_id, worker, exc.message)
    except Exception as exc:  # Tesseract's own errors too: the job must end
        return _fail(archive, job_id, worker, (str(exc).splitlines() or [repr(exc)])[0])
    return "done"


def _actor(session: Session, name: str, request: dict[str, Any]) -> Actor:
    """Who asked, with the role their account has now (a disabled account's job is refused;
    an operator or a token without an account keeps the role it asked with)."""
    user = session.execute(select(m.User).where(m.User.username == name)).scalar_one_or_none()
    if user is not None and user.disabled:
        raise Forbidden(f"the account {name} that asked for this reading is disabled")
    role = parse_role(user.role if user is not None else str(request.get("role", "")))
    actor = Actor(name, role, read_only=bool(request.get("read_only")))
    require_write(actor)
    return actor


def _fail(archive: Archive, job_id: int, worker: str, message: str) -> str:
    with archive.transaction() as session:
        got = _changed(session, update(m.Job).where(
            m.Job.id == job_id, m.Job.status == "running", m.Job.claimed_by == worker
        ).values(status="failed", lease_until=None, updated_at=utcnow(),
                 message=message[:500]))
    return "failed" if got == 1 else "lost"


def drain(archive: Archive, worker: str, stop: threading.Event | None = None) -> int:
    """Run jobs until none is left to claim (or ``stop`` is set); how many were run."""
    count = 0
    while stop is None or not stop.is_set():
        job_id = claim(archive, worker)
        if job_id is None:
            break
        run_claimed(archive, job_id, worker)
        count += 1
    return count


def next_lease_end(archive: Archive) -> datetime | None:
    """When the first claim held by some worker runs out (a dead one's job is then free)."""
    with archive.sessions() as session:
        end: datetime | None = session.execute(select(func.min(m.Job.lease_until)).where(
            m.Job.kind == KIND, m.Job.status == "running")).scalar_one()
    return end


def pending(archive: Archive) -> int:
    with archive.sessions() as session:
        return int(session.execute(select(func.count()).select_from(m.Job).where(
            m.Job.kind == KIND, m.Job.status.in_(PENDING))).scalar_one())


# -- the worker thread of a server process ----------------------------------------------------
@dataclass
class _Worker:
    name: str = field(default_factory=worker_name)
    wake: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


_workers: dict[int, _Worker] = {}  # by id(archive): one worker thread per archive
_lock = threading.Lock()


def kick(archive: Archive) -> None:
    """Make sure this process's worker thread looks for jobs (starting it if it is not
    running): after a reading is queued, and when the server starts."""
    with _lock:
        state = _workers.setdefault(id(archive), _Worker())
        state.stop.clear()
        state.wake.set()
        if state.thread is None or not state.thread.is_alive():
            state.thread = threading.Thread(target=_loop, args=(archive, state), daemon=True,
                                            name="ocr-jobs")
            state.thread.start()


def _loop(archive: Archive, state: _Worker) -> None:
    while not state.stop.is_set():
        state.wake.clear()
        try:
            drain(archive, state.name, state.stop)
            end = next_lease_end(archive)
        except Exception:  # the database went away: the jobs wait on disk
            end = None
        with _lock:
            # Nothing queued and no claim to outlive, and no kick since the drain: stop (a
            # kick after this starts a new thread).
            if end is None and not state.wake.is_set():
                state.thread = None
                return
        wait = 1.0 if end is None else max(0.05, (end - utcnow()).total_seconds() + 0.05)
        state.wake.wait(wait)
    with _lock:
        state.thread = None


def stop_worker(archive: Archive, timeout: float) -> bool:
    """Let the worker finish the reading it is doing (within ``timeout`` seconds) and stop;
    queued jobs stay queued for the next start. False if it was still running then."""
    with _lock:
        state = _workers.pop(id(archive), None)
        thread = state.thread if state is not None else None  # the thread clears its own
    if state is None or thread is None:
        return True
    state.stop.set()
    state.wake.set()
    thread.join(timeout)
    return not thread.is_alive()


def wait_idle(archive: Archive, timeout: float) -> bool:
    """Wait until no OCR job is queued or running (tests, and scripts that queue readings)."""
    deadline = time.monotonic() + timeout
    while pending(archive):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
