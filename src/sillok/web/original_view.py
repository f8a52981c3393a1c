"""How the workspace shows a source's original file (web/original_routes.py serves it); the
OCR confidence of its pages comes from ingest/ocr_store.py."""

from __future__ import annotations

from typing import Any

# Shown in the page (drawn by PDF.js, or an <img>); everything else is only downloaded.
PDF = "application/pdf"
IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def original_kind(fields: dict[str, Any]) -> str | None:
    """How the workspace shows a source's original: ``pdf``, ``image``, ``download``, or None
    when it has none."""
    if not fields.get("blob_sha256"):
        return None
    media_type = (fields.get("media_type") or "").split(";")[0].strip().lower()
    if media_type == PDF:
        return "pdf"
    if media_type in IMAGES:
        return "image"
    return "download"
