"""sillok capture: a page from a local server kept as WARC, screenshot, text and a timestamp
from a local RFC 3161 authority; versions; sillok verify finds tampering."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN
from tests.tsa_server import Site, serve

PAGE = ("<html><head><title>가상 보도 (fictional)</title></head><body><article>"
        "<h1>가상 보도: 온성 국경 단속 강화 (fictional)</h1>"
        "<p>[Fictional test page] {line} 이 기사는 시험을 위해 만든 가상의 글이다. "
        "국경경비대가 온성 일대의 단속을 강화했다고 가상의 소식통이 전했다.</p>"
        "<p>두 번째 문단도 시험용 가상 내용이며, 실제 인물이나 사건과 관계가 없다.</p>"
        "</article></body></html>")


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        s.pages["/news/1"] = (200, PAGE.format(line="첫 판.").encode())
        yield s


def _env(cli_env: dict[str, str], site: Site) -> dict[str, str]:
    return {**cli_env, "SILLOK_TSA_URL": site.tsa_url, "SILLOK_TSA_CERT": str(site.root_pem)}


def _capture(runner: CliRunner, env: dict[str, str], *urls: str) -> dict[str, object]:
    out = runner.invoke(app, ["capture", *urls, "--json"], env=env)
    assert out.exit_code in (0, 1), out.output
    return json.loads(out.output)


def test_capture_keeps_warc_screenshot_text_and_timestamp(
        runner: CliRunner, cli_env: dict[str, str], archive: Archive, site: Site) -> None:
    env = _env(cli_env, site)
    report = _capture(runner, env, f"{site.base}/news/1")
    [done] = report["captured"]  # type: ignore[misc]
    assert done["status"] == "new"
    source = archive.get(ADMIN, "source", done["source"])["fields"]
    assert source["kind"] == "web_capture" and "온성 일대의 단속" in source["text"]
    [capture] = source["extra"]["captures"]
    assert capture["status"] == 200 and capture["timestamp"]["tsa"] == site.tsa_url
    store = BlobStore(archive.settings.blob_dir)
    warc = store.get(capture["files"]["warc"]["sha256"])
    records = {r.rec_type: r.content_stream().read()
               for r in ArchiveIterator(io.BytesIO(warc))}
    assert records["response"] == PAGE.format(line="첫 판.").encode()
    assert "request" in records and "warcinfo" in records
    shot = store.get(capture["files"]["screenshot"]["sha256"])
    assert shot.startswith(b"\x89PNG")
    out = runner.invoke(app, ["verify", "--json"], env=env)
    verified = json.loads(out.output)
    assert out.exit_code == 0 and verified["ok"], verified["problems"]
    assert verified["checked"]["captures"] == 1


def test_changed_page_is_a_new_version_unchanged_adds_a_capture(
        runner: CliRunner, cli_env: dict[str, str], archive: Archive, site: Site) -> None:
    env = _env(cli_env, site)
    url = f"{site.base}/news/1"
    first = _capture(runner, env, url)["captured"][0]  # type: ignore[index]
    site.pages["/news/1"] = (200, PAGE.format(line="고친 판: 내용이 바뀌었다.").encode())
    second = _capture(runner, env, url)["captured"][0]  # type: ignore[index]
    assert second["status"] == "new_version" and second["previous"] == first["source"]
    third = _capture(runner, env, url)["captured"][0]  # type: ignore[index]
    assert third["status"] == "unchanged" and third["source"] == second["source"]
    kept = archive.get(ADMIN, "source", first["source"])["fields"]
    assert "첫 판" in kept["text"]  # the earlier version is not overwritten
    latest = archive.get(ADMIN, "source", second["source"])["fields"]
    assert len(latest["extra"]["captures"]) == 2


def test_verify_finds_a_changed_warc_or_token(
        runner: CliRunner, cli_env: dict[str, str], archive: Archive, site: Site) -> None:
    env = _env(cli_env, site)
    done = _capture(runner, env, f"{site.base}/news/1")["captured"][0]  # type: ignore[index]
    with archive.transaction() as session:
        extra = session.scalar(select(m.Source.extra).where(m.Source.id == done["source"]))
        token = extra["captures"][0]["timestamp"]["response"]
        forged = dict(extra)
        other = _capture_bytes_stamp(site)
        forged["captures"] = [{**extra["captures"][0],
                               "timestamp": {**extra["captures"][0]["timestamp"],
                                             "response": other}}]
        session.execute(update(m.Source).where(m.Source.id == done["source"])
                        .values(extra=forged))
    assert other != token
    out = runner.invoke(app, ["verify"], env=env)
    assert out.exit_code == 1 and "timestamp" in out.output


def _capture_bytes_stamp(site: Site) -> str:
    """A genuine token from the same authority, for other bytes."""
    from sillok.capture.timestamp import load_roots, request_stamp
    return str(request_stamp(site.tsa_url, b"other bytes", load_roots(site.root_pem))
               .as_json()["response"])


def test_a_bad_page_does_not_stop_the_batch(
        runner: CliRunner, cli_env: dict[str, str], site: Site, tmp_path: Path) -> None:
    env = {**cli_env}  # no timestamp authority configured
    report = _capture(runner, env, f"{site.base}/missing", "ftp://example.invalid/x",
                      f"{site.base}/news/1")
    failed = {f["url"]: f["error"] for f in report["failed"]}  # type: ignore[union-attr]
    assert "404" in failed[f"{site.base}/missing"]
    assert "not an http(s) address" in failed["ftp://example.invalid/x"]
    [done] = report["captured"]  # type: ignore[misc]
    assert any("SILLOK_TSA_URL" in n for n in done["notes"])


def test_workspace_capture_form(settings: Settings, archive: Archive, site: Site,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    with signed_in(settings, "viewer") as viewer:
        assert viewer.post("/staff/capture", data={"url": f"{site.base}/news/1"}
                           ).status_code == 403
    with signed_in(settings, "editor") as editor:
        assert "/staff/capture" in editor.get("/staff/upload").text
        bad = editor.post("/staff/capture", data={"url": f"{site.base}/missing"})
        assert bad.status_code == 400 and "404" in bad.text and "Traceback" not in bad.text
        done = editor.post("/staff/capture", data={"url": f"{site.base}/news/1",
                                                   "level": "internal"})
        assert done.status_code == 303, done.text
        source_id = int(done.headers["location"].split("/")[-1].split("?")[0])
        page = editor.get(done.headers["location"])
        assert page.status_code == 200
        # The workspace says what the button did and shows the capture's provenance.
        assert 'id="capture-status"' in page.text and 'id="captures"' in page.text
        warc = archive.get(ADMIN, "source", source_id)["fields"]["extra"]["captures"][0]
        assert warc["files"]["warc"]["sha256"] in page.text
        site.pages["/news/1"] = (200, PAGE.format(line="고친 판.").encode())
        monkeypatch.setattr("sillok.capture.service._chromium", lambda _: None)  # quick
        again = editor.post("/staff/capture", data={"url": f"{site.base}/news/1"})
        assert again.headers["location"].endswith("?captured=new_version")
        ko = editor.get(again.headers["location"] + "&lang=ko").text
        assert "새 판" in ko and f'href="/staff/sources/{source_id}"' in ko
        assert "웹 페이지 수집" in editor.get(f"/staff/records/source/{source_id}?lang=ko").text
    source = archive.get(ADMIN, "source", source_id)["fields"]
    assert source["kind"] == "web_capture" and "온성 일대의 단속" in source["text"]
    assert source["extra"]["captures"][0]["by"] != ADMIN.name  # the signed-in editor
