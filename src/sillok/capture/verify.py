"""``sillok verify`` for captures: every stored file still has its SHA-256, the WARC's
response is the page the text came from, and each timestamp token covers the WARC (and, with
``SILLOK_TSA_CERT``, is signed by a certificate chaining to that root)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from sqlalchemy import or_, select
from warcio.archiveiterator import ArchiveIterator

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.capture.timestamp import check_stamp, decode, load_roots
from sillok.db import models as m


def verify_captures(archive: Archive) -> tuple[int, list[str], list[str]]:
    """(captures checked, problems, notes)."""
    store = BlobStore(archive.settings.blob_dir)
    roots = load_roots(archive.settings.tsa_cert)
    problems: list[str] = []
    checked = 0
    with archive.transaction() as session:
        rows = session.execute(select(m.Source.id, m.Source.extra).where(or_(
            m.Source.kind == "web_capture", m.Source.origin.like("http%")))).all()
    for source_id, extra in rows:
        for n, capture in enumerate((extra or {}).get("captures", []), 1):
            checked += 1
            where = f"source #{source_id} capture {n} ({capture.get('fetched_at')})"
            problems += [f"{where}: {p}" for p in _check(store, capture, roots)]
    notes = [] if roots or not checked else [
        "timestamps checked for the bytes they cover only: set SILLOK_TSA_CERT to check "
        "their signer against the authority's root certificate"]
    return checked, problems, notes


def _check(store: BlobStore, capture: dict[str, Any], roots: list[Any]) -> list[str]:
    problems: list[str] = []
    contents: dict[str, bytes] = {}
    for name, info in (capture.get("files") or {}).items():
        try:
            data = store.get(info["sha256"])
        except (OSError, ValueError) as exc:
            problems.append(f"{name} file {info['sha256'][:12]}… unreadable ({exc})")
            continue
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            problems.append(f"{name} file does not match its SHA-256")
        contents[name] = data
    warc = contents.get("warc")
    if warc is None:
        return problems or ["no WARC recorded"]
    payloads = [record.content_stream().read()
                for record in ArchiveIterator(io.BytesIO(warc))
                if record.rec_type == "response"]
    if not payloads or hashlib.sha256(payloads[0]).hexdigest() != capture.get("body_sha256"):
        problems.append("the WARC's response is not the page recorded for this capture")
    stamp = capture.get("timestamp")
    if stamp:
        problem = check_stamp(decode(stamp), warc, roots)
        if problem:
            problems.append(problem)
    return problems
