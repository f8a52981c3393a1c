"""The original file of a source, for staff (issue 18 point 7): a PDF drawn page by page in
the browser (PDF.js, /static/original.js), an image with zoom, any other file (HWP, DOCX,
HTML, e-mail …) as a download beside its extracted text.

Served only to staff who may see the source (``archive.get``: a restricted source's look is
on the record as any other), never cached, and never as a page of this site: anything but a
PDF or a raster image is sent as an attachment, and every answer carries a sandboxing
Content-Security-Policy, so an uploaded HTML file or SVG cannot run in the archive's origin.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.errors import NotFound
from sillok.web.original_view import PDF, original_kind
from sillok.web.staff_routes import Staff

_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/staff/sources")

    @r.get("/{source_id}/original", response_model=None)
    def original(actor: Staff, source_id: int, download: bool = False) -> Response:
        rec = archive.get(actor, "source", source_id)
        fields = rec["fields"]
        kind = original_kind(fields)
        if kind is None:
            raise NotFound(f"source #{source_id} has no original file")
        store = BlobStore(archive.settings.blob_dir)
        path = store.path(fields["blob_sha256"])
        if not path.is_file():
            raise NotFound(f"the original of source #{source_id} is missing from the store")
        media_type = PDF if kind == "pdf" else (
            fields["media_type"] if kind == "image" else "application/octet-stream")
        name = (fields.get("original_filename") or f"source-{source_id}").rsplit("/", 1)[-1]
        inline = kind in ("pdf", "image") and not download
        # An ASCII name for old clients, the real one (Korean too) in RFC 5987 form.
        plain = _ASCII_NAME.sub("_", name) or f"source-{source_id}"
        return Response(store.get(fields["blob_sha256"]), media_type=media_type, headers={
            "content-disposition": f'{"inline" if inline else "attachment"}; '
                                   f"filename=\"{plain}\"; filename*=UTF-8''{quote(name)}",
            "cache-control": "no-store",
            "content-security-policy": "sandbox; default-src 'none'",
        })

    return r
