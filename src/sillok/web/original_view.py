"""How the workspace shows a source's original file (web/original_routes.py serves it), and
the OCR confidence stored with its text."""

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


def ocr_confidence(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """Per page, the OCR engine's mean confidence (0–100) where the ingest stored one
    (``metadata.ocr_confidence``: page number → confidence)."""
    meta = ((fields.get("extra") or {}).get("metadata") or {})
    stored = meta.get("ocr_confidence") or {}
    if not isinstance(stored, dict):
        return []
    out = []
    for page, value in stored.items():
        if str(page).isdigit() and isinstance(value, int | float):
            out.append({"page": int(page), "confidence": round(float(value))})
    return sorted(out, key=lambda p: p["page"])
