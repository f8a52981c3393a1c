"""Reading a page by OCR again is a durable job (issue 23): the request only queues it, a
worker reads it, a worker killed mid-reading loses no job (another takes it once its claim has
run out), and a page is never replaced twice. Both backends; OCR itself is faked here (its
real run through a job is in tests/test_ocr.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.accounts.accounts import disable
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db.types import utcnow
from sillok.ingest import ocr, ocr_jobs
from sillok.ingest.pipeline import Ingestor, Options
from sillok.security.policy import Actor, Role
from tests import files
from tests.auth_helpers import client, make_user, signed_in
from tests.conftest import ADMIN


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fake OCR that says which thread read; no Tesseract needed."""
    calls: list[str] = []

    def fake(image: Any, page: int = 1, psm: int | None = None,
             steps: tuple[str, ...] = ocr.STEPS, deadline: float | None = None) -> ocr.OcrPage:
        calls.append(threading.current_thread().name)
        return ocr.OcrPage(page=page, text=f"[가상] {page}쪽을 다시 읽은 글", psm=psm or 6,
                           words=[(0, 4, 91.0), (5, 8, 40.0)], mean_confidence=65.5,
                           preprocess=list(steps), engine="fake")

    monkeypatch.setattr(ocr, "read", fake)
    monkeypatch.setattr(ocr, "available", lambda: True)
    return calls


@pytest.fixture
def source(archive: Archive, reads: list[str]) -> int:
    data = files.korean_pdf([[(20, 30, "[가상] 첫 쪽")], [(20, 30, "[가상] 둘째 쪽")]])
    outcome = Ingestor(archive, ADMIN, Options(level="internal")).ingest_bytes(data, "two.pdf")
    assert outcome.source_id
    reads.clear()
    return outcome.source_id


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    c = signed_in(settings, "editor", username="ocr-queuer")
    yield c
    c.close()


def _text(archive: Archive, source: int) -> str:
    return str(archive.get(ADMIN, "source", source)["fields"]["text"])


def _readings(archive: Archive, source: int) -> int:
    from sillok.ingest.ocr_store import confidence_view

    with archive.sessions() as session:
        return sum(p["readings"] for p in confidence_view(session, ADMIN, source)["pages"])


def test_the_request_queues_the_reading_and_the_page_follows_it(
        archive: Archive, source: int, staff: TestClient, reads: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    kicks: list[Archive] = []
    monkeypatch.setattr(ocr_jobs, "kick", kicks.append)  # no worker: see the queued state
    got = staff.post(f"/staff/sources/{source}/ocr", data={"page": "2", "psm": "4"})
    assert got.status_code == 303 and got.headers["location"].endswith("?ocr=queued#ocr")
    assert reads == [] and len(kicks) == 1  # answered without reading anything
    again = staff.post(f"/staff/sources/{source}/ocr", data={"page": "2", "psm": "4"})
    assert again.status_code == 303
    (job,) = ocr_jobs.jobs_of_source(archive, ADMIN, source)  # one job for the same page
    assert job["status"] == "queued" and job["page"] == 2 and job["by"] == "ocr-queuer"
    page = staff.get(f"/staff/sources/{source}?ocr=queued&lang=en").text
    assert f'hx-get="/staff/sources/{source}/ocr/jobs"' in page and "waiting" in page
    assert "queued to be read again" in page
    polled = staff.get(f"/staff/sources/{source}/ocr/jobs?lang=ko",
                       headers={"HX-Request": "true"})
    assert "HX-Redirect" not in polled.headers and "대기 중" in polled.text
    # a worker takes it: the page's text is replaced once, and the poll sends the page home
    assert ocr_jobs.drain(archive, "test-worker") == 1 and len(reads) == 1
    assert _text(archive, source).endswith("[가상] 2쪽을 다시 읽은 글")
    (job,) = ocr_jobs.jobs_of_source(archive, ADMIN, source)
    assert job["status"] == "done" and job["confidence"] == 65.5 and job["attempts"] == 1
    polled = staff.get(f"/staff/sources/{source}/ocr/jobs?lang=en",
                       headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == f"/staff/sources/{source}?ocr=read#ocr"
    assert "hx-get" not in polled.text and "confidence 66%" in polled.text
    # what cannot be read is refused at once, before anything is queued
    assert staff.post(f"/staff/sources/{source}/ocr", data={"page": "3"}).status_code == 422
    assert staff.post(f"/staff/sources/{source}/ocr", data={"psm": "9"}).status_code == 422
    assert len(ocr_jobs.jobs_of_source(archive, ADMIN, source)) == 1


def test_a_worker_killed_mid_reading_loses_no_job(archive: Archive, source: int,
                                                  reads: list[str]) -> None:
    job_id = ocr_jobs.enqueue(archive, ADMIN, source, 1, None)
    # a worker claims the job and is killed while it reads: nothing of it was written
    assert ocr_jobs.claim(archive, "killed") == job_id
    before = _text(archive, source)
    # its claim holds: no other worker may take the job yet
    assert ocr_jobs.claim(archive, "second") is None and ocr_jobs.drain(archive, "second") == 0
    # once the claim has run out, another worker takes it and reads the page
    later = utcnow() + ocr_jobs.LEASE + timedelta(seconds=1)
    assert ocr_jobs.claim(archive, "second", now=later) == job_id
    assert ocr_jobs.run_claimed(archive, job_id, "second") == "done"
    after = _text(archive, source)
    assert after != before and after.startswith("[가상] 1쪽을 다시 읽은 글")
    readings = _readings(archive, source)
    # the first worker, not dead after all but late, may not write: the page changes once
    assert ocr_jobs.run_claimed(archive, job_id, "killed") == "lost"
    assert _text(archive, source) == after and _readings(archive, source) == readings
    (job,) = ocr_jobs.jobs_of_source(archive, ADMIN, source)
    assert job["status"] == "done" and job["attempts"] == 2


def test_a_job_that_kills_every_worker_is_given_up(archive: Archive, source: int) -> None:
    job_id = ocr_jobs.enqueue(archive, ADMIN, source, 2, 6)
    now = utcnow()
    for attempt in range(ocr_jobs.MAX_ATTEMPTS):
        assert ocr_jobs.claim(archive, f"dies-{attempt}", now=now) == job_id
        now += ocr_jobs.LEASE + timedelta(seconds=1)
    assert ocr_jobs.claim(archive, "next", now=now) is None
    (job,) = ocr_jobs.jobs_of_source(archive, ADMIN, source)
    assert job["status"] == "failed" and "3 attempts" in job["message"]


def test_a_reading_that_became_impossible_fails_with_its_reason(
        archive: Archive, source: int, settings: Settings, staff: TestClient,
        reads: list[str]) -> None:
    job_id = ocr_jobs.enqueue(archive, ADMIN, source, 1, None)
    event = archive.create(ADMIN, "event", {"level": "internal", "title": "[가상] 사건"})
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "event", "id": event},
                                       "start": 5, "end": 7})
    assert ocr_jobs.claim(archive, "w") == job_id
    assert ocr_jobs.run_claimed(archive, job_id, "w") == "failed"
    (job,) = ocr_jobs.jobs_of_source(archive, ADMIN, source)
    assert job["status"] == "failed" and "evidence" in job["message"]
    polled = staff.get(f"/staff/sources/{source}/ocr/jobs", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"].endswith("?ocr=failed#ocr")
    assert "evidence" in polled.text
    # a job of an account disabled since it asked is refused too
    make_user(settings, "leaver", "editor")
    ocr_jobs.enqueue(archive, Actor("leaver", Role.editor), source, 2, None)
    disable(archive, ADMIN, "leaver")
    ocr_jobs.drain(archive, "w")
    job = ocr_jobs.jobs_of_source(archive, ADMIN, source)[0]
    assert job["status"] == "failed" and "disabled" in job["message"], job


def test_jobs_left_by_a_stopped_server_are_run_at_the_next_start(
        archive: Archive, source: int, settings: Settings, reads: list[str]) -> None:
    ocr_jobs.enqueue(archive, ADMIN, source, 2, None)
    with client(settings):  # the start (lifespan) takes up the queue; not failed as stale
        assert ocr_jobs.wait_idle(archive, 30)
    assert reads == ["ocr-jobs"]  # read by the server's worker thread, not by a request
    assert ocr_jobs.jobs_of_source(archive, ADMIN, source)[0]["status"] == "done"


def test_sillok_jobs_run_is_a_worker_of_its_own(archive: Archive, source: int,
                                                cli_env: dict[str, str], runner: CliRunner,
                                                reads: list[str]) -> None:
    ocr_jobs.enqueue(archive, ADMIN, source, 1, None)
    ocr_jobs.enqueue(archive, ADMIN, source, 2, 4)
    out = runner.invoke(app, ["jobs", "run"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert "2 job(s) run; 0 still queued" in out.output and len(reads) == 2
    assert [j["status"] for j in ocr_jobs.jobs_of_source(archive, ADMIN, source)] == ["done"] * 2
