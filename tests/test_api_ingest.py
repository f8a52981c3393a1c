"""Ingest by upload through the API: a background job with progress and every file's outcome;
file names are data; only writers upload, and only a job's owner (or an admin) sees it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.config import Settings
from tests import files
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ADMIN, ANALYST, EDITOR, VIEWER

API = "/api/v1"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _wait(client: TestClient, url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(url, headers=as_(EDITOR)).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def test_upload_waits_for_outcomes(client: TestClient, settings: Settings) -> None:
    answer = client.post(f"{API}/ingest", params={"wait": True}, headers=as_(EDITOR),
                         data={"kind": "testimony", "level": "restricted"},
                         files=[("files", ("증언 1.txt", files.LONG_KO.encode("euc-kr"))),
                                ("files", ("../../escape.txt", files.KO.encode())),
                                ("files", ("copy.txt", files.LONG_KO.encode("euc-kr")))])
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert job["status"] == "done" and job["total"] == job["done"] == 3
    first, odd, copy = job["outcomes"]
    assert first["status"] == "ingested" and first["file"] == "증언 1.txt"
    assert odd["file"] == "../../escape.txt" and odd["status"] == "ingested"
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == first["source_id"]
    # The odd name was recorded, never used as a path.
    assert not list(settings.data_dir.parent.rglob("escape.txt"))
    source = client.get(f"{API}/sources/{first['source_id']}", headers=as_(EDITOR)).json()
    assert source["level"] == "restricted" and source["fields"]["kind"] == "testimony"
    assert_error(client.get(f"{API}/sources/{first['source_id']}"), 404)


def test_background_job_and_who_sees_it(client: TestClient) -> None:
    answer = client.post(f"{API}/ingest", headers=as_(EDITOR), data={"level": "public"},
                         files=[("files", ("report.txt", files.KO.encode()))])
    assert answer.status_code == 202, answer.text
    url = answer.headers["location"]
    assert url == f"{API}/jobs/{answer.json()['id']}"
    job = _wait(client, url)
    assert job["status"] == "done" and job["outcomes"][0]["status"] == "ingested"
    assert job["outcomes"][0]["line"].startswith("ingested as #")
    assert client.get(url, headers=as_(ADMIN)).status_code == 200
    for other in (None, VIEWER, ANALYST):
        assert_error(client.get(url, headers=as_(other) if other else {}), 404)
    mine = client.get(f"{API}/jobs", headers=as_(EDITOR)).json()
    assert [j["id"] for j in mine] == [job["id"]]
    assert client.get(f"{API}/jobs").json() == []
    assert_error(client.get(f"{API}/jobs/999999", headers=as_(EDITOR)), 404)


def test_only_writers_upload(client: TestClient) -> None:
    upload = [("files", ("a.txt", b"[Fictional] text"))]
    assert_error(client.post(f"{API}/ingest", files=upload), 401)
    for reader in (VIEWER, ANALYST):
        assert_error(client.post(f"{API}/ingest", files=upload, headers=as_(reader)), 403)
    assert_error(client.post(f"{API}/ingest", headers=as_(EDITOR), data={"level": "secret"},
                             files=upload), 422, "level")
    assert_error(client.post(f"{API}/ingest", headers=as_(EDITOR)), 422, "files")


def test_a_stopping_server_lets_an_accepted_upload_finish(settings: Settings) -> None:
    with api_client(settings) as c:  # leaving the block stops the application (lifespan)
        answer = c.post(f"{API}/ingest", headers=as_(EDITOR), data={"level": "public"},
                        files=[("files", (f"report{i}.txt", f"{files.KO} {i}".encode()))
                               for i in range(4)])
        assert answer.status_code == 202, answer.text
        url = answer.headers["location"]
    with api_client(settings) as c:
        job = c.get(url, headers=as_(EDITOR)).json()
    assert job["status"] == "done" and job["done"] == 4, job
