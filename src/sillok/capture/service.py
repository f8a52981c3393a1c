"""``sillok capture URL``: fetch a page, keep the exchange as WARC, a screenshot, a trusted
timestamp and the page's text as a source; a later capture of a changed page is a new source
that names the one before it, an unchanged page adds the capture to the same source.

Where things are kept: the WARC, the screenshot (and, with ``render``, the DOM after scripts)
are blobs of the archive (encrypted at rest like every original); the source holds the text,
and ``extra.captures`` lists each capture with its time, URLs, HTTP status and headers, the
SHA-256 of every stored file and the timestamp token. ``sillok verify`` re-checks them all."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.capture.timestamp import load_roots, request_stamp
from sillok.capture.warc import Fetched, fetch
from sillok.db import models as m
from sillok.errors import SillokError
from sillok.ingest.pipeline import Ingestor, Options
from sillok.security.policy import Actor, require_write

SCREEN = (1280, 2000)
BROWSER_SECONDS = 60


@dataclass
class CaptureResult:
    url: str
    source_id: int
    status: str  # new, new_version, unchanged
    previous: int | None = None
    capture: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _chromium(configured: str | None) -> str | None:
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


def _browser(binary: str, url: str, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="sillok-chromium-") as profile:
        # The URL is one argument after the options, never through a shell.
        return subprocess.run(  # noqa: S603
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", f"--user-data-dir={profile}", *args, url],
            capture_output=True, timeout=BROWSER_SECONDS, check=False)


def screenshot(binary: str, url: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="sillok-shot-") as tmp:
        target = Path(tmp) / "page.png"
        run = _browser(binary, url, [f"--window-size={SCREEN[0]},{SCREEN[1]}",
                                     f"--screenshot={target}"])
        if not target.exists():
            raise SillokError(f"no screenshot ({run.stderr.decode(errors='replace')[-200:]})")
        return target.read_bytes()


def rendered_dom(binary: str, url: str) -> bytes:
    run = _browser(binary, url, ["--dump-dom", "--virtual-time-budget=5000"])
    if run.returncode != 0 or not run.stdout.strip():
        raise SillokError("the browser rendered nothing")
    return run.stdout


def _file_name(url: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", url.split("://", 1)[-1]).strip("-")[:80]
    return f"{stem or 'page'}.html"


def _store(archive: Archive, files: dict[str, tuple[bytes, str]]) -> dict[str, str]:
    """Each file as a blob (bytes on disk first, then its row); name -> SHA-256."""
    store = BlobStore(archive.settings.blob_dir)
    digests = {name: store.put(data) for name, (data, _type) in files.items()}
    with archive.transaction() as session:
        for name, digest in digests.items():
            if session.get(m.Blob, digest) is None:
                data, media_type = files[name]
                session.add(m.Blob(sha256=digest, size=len(data), media_type=media_type))
    return digests


def _previous(archive: Archive, url: str, exclude: int) -> int | None:
    with archive.transaction() as session:
        return session.scalar(
            select(m.Source.id).where(m.Source.origin == url, m.Source.id != exclude,
                                      m.Source.kind == "web_capture")
            .order_by(m.Source.id.desc()).limit(1))


def capture_url(archive: Archive, actor: Actor, url: str, *, level: str = "internal",
                render: bool = False) -> CaptureResult:
    require_write(actor)
    settings = archive.settings
    page: Fetched = fetch(url, max_bytes=settings.max_file_bytes)
    if page.status >= 400:
        raise SillokError(f"{url}: the server answered {page.status}; nothing captured")
    notes: list[str] = []
    files: dict[str, tuple[bytes, str]] = {"warc": (page.warc, "application/warc")}
    browser = _chromium(settings.chromium)
    html = page.body
    if browser is None:
        notes.append("no screenshot: Chromium not found (SILLOK_CHROMIUM)")
    else:
        try:
            files["screenshot"] = (screenshot(browser, page.final_url), "image/png")
        except (SillokError, OSError, subprocess.TimeoutExpired) as exc:
            notes.append(f"no screenshot: {exc}")
        if render:
            try:
                html = rendered_dom(browser, page.final_url)
                files["dom"] = (html, "text/html")
            except (SillokError, OSError, subprocess.TimeoutExpired) as exc:
                notes.append(f"not rendered, text from the page as fetched: {exc}")
    stamp = None
    if settings.tsa_url:
        stamp = request_stamp(settings.tsa_url, page.warc, load_roots(settings.tsa_cert))
    else:
        notes.append("no trusted timestamp: SILLOK_TSA_URL is not set")
    digests = _store(archive, files)
    record: dict[str, Any] = {
        "url": page.url, "final_url": page.final_url, "status": page.status,
        "fetched_at": page.fetched_at.isoformat(), "headers": page.headers,
        "body_sha256": hashlib.sha256(page.body).hexdigest(),
        "files": {name: {"sha256": digest, "media_type": files[name][1],
                         "size": len(files[name][0])} for name, digest in digests.items()},
        "timestamp": stamp.as_json() if stamp else None, "by": actor.name,
    }
    outcome = Ingestor(archive, actor, Options(kind="web_capture", level=level, origin=url,
                                               suggest=True, received_via="download")).ingest_bytes(
        html, _file_name(page.final_url), display=url, origin=url)
    if outcome.status == "failed" or (outcome.source_id is None
                                      and outcome.duplicate_of is None):
        raise SillokError(f"{url}: {outcome.reason or 'no text could be read'} (the WARC "
                          f"{digests['warc'][:12]}… is kept in the blob store)")
    if outcome.status == "duplicate":
        source_id, status, previous = int(outcome.duplicate_of or 0), "unchanged", None
    else:
        source_id = int(outcome.source_id or 0)
        previous = _previous(archive, url, source_id)
        status = "new" if previous is None else "new_version"
    shown = archive.get(actor, "source", source_id)["fields"]
    extra = dict(shown.get("extra") or {})
    extra["captures"] = [*extra.get("captures", []), record]
    if previous is not None:
        extra["previous_version"] = previous
    archive.update(actor, "source", source_id, {"extra": extra}, action="capture")
    return CaptureResult(url, source_id, status, previous, record, notes)
