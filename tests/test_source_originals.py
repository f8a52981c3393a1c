"""The original file beside the extracted text on a staff source page (issue 18 point 7):
PDFs drawn by the vendored PDF.js, images with zoom, other files downloaded; originals only for
staff allowed to see the source, never as a page of the site. Fictional files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.ingest.pipeline import Ingestor, Options
from sillok.web.original_view import original_kind
from tests import files
from tests.auth_helpers import client, signed_in
from tests.conftest import ADMIN, make_source

VENDOR = "/static/vendor/pdfjs"


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="coder") as c:
        yield c


def _ingest(archive: Archive, data: bytes, name: str, level: str = "internal") -> int:
    outcome = Ingestor(archive, ADMIN, Options(level=level)).ingest_bytes(data, name)
    assert outcome.status == "ingested" and outcome.source_id, outcome.reason
    return outcome.source_id


def test_a_pdf_beside_its_text(staff: TestClient, archive: Archive,
                               settings: Settings) -> None:
    data = files.pdf(["[Fictional testimony] Page one.", "Page two."])
    source = _ingest(archive, data, "가상 증언.pdf", level="restricted")
    page = staff.get(f"/staff/sources/{source}?lang=en")
    assert 'id="original" data-kind="pdf"' in page.text
    assert '<script type="module" src="/static/original.js">' in page.text
    # The worker comes from this site: the page's policy allows scripts from 'self' only.
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "worker-src" not in policy
    shown = staff.get(f"/staff/sources/{source}/original")
    assert shown.status_code == 200 and shown.content == data
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline;")
    assert "filename*=UTF-8''%EA%B0%80%EC%83%81" in shown.headers["content-disposition"]
    assert shown.headers["content-security-policy"].startswith("sandbox")
    assert shown.headers["cache-control"] == "no-store"
    got = staff.get(f"/staff/sources/{source}/original?download=1")
    assert got.headers["content-disposition"].startswith("attachment;")
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs", "LICENSE"):
        assert staff.get(f"{VENDOR}/{name}").status_code == 200
    assert "javascript" in staff.get(f"{VENDOR}/pdf.worker.min.mjs").headers["content-type"]
    # Nobody but staff: a viewer is refused, the public is sent to sign in.
    with signed_in(settings, "viewer") as viewer:
        assert viewer.get(f"/staff/sources/{source}/original").status_code == 403
    with client(settings) as public:
        assert public.get(f"/staff/sources/{source}/original").status_code == 303


def test_an_image_zooms_and_other_files_download(staff: TestClient, archive: Archive) -> None:
    image = _ingest(archive, files.png("가상"), "scan.png")
    page = staff.get(f"/staff/sources/{image}?lang=ko").text
    assert 'data-kind="image"' in page and 'id="zoom-in"' in page and "확대" in page
    shown = staff.get(f"/staff/sources/{image}/original")
    assert shown.headers["content-type"] == "image/png"
    html = _ingest(archive, files.html("<p>[가상 기사] 본문 <script>alert(1)</script></p>"),
                   "news.html")
    page = staff.get(f"/staff/sources/{html}?lang=en").text
    assert 'data-kind="download"' in page and 'id="original-download"' in page
    got = staff.get(f"/staff/sources/{html}/original")
    # Never a page of this site: an uploaded HTML file is only ever a download.
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    plain = make_source(archive, level="internal")
    assert staff.get(f"/staff/sources/{plain}/original").status_code == 404
    assert 'id="original"' not in staff.get(f"/staff/sources/{plain}").text


def test_kinds_of_originals() -> None:
    assert original_kind({"blob_sha256": None}) is None
    assert original_kind({"blob_sha256": "x", "media_type": "application/pdf"}) == "pdf"
    assert original_kind({"blob_sha256": "x", "media_type": "image/svg+xml"}) == "download"
    assert original_kind({"blob_sha256": "x", "media_type": "text/html; charset=utf-8"}
                         ) == "download"
