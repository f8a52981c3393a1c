"""The OCR readings of a source's pages (db table ``ocr_readings``): kept at ingest, shown to
staff with their confidence, and replaced page by page when staff read a page again with other
settings or type a corrected text. Readings are only ever added: the OCR output stays in
history, and the source's own change is in its audit trail (before and after).

A page's words are marked from its latest OCR reading only while the source's text still holds
that reading's text at that page (an edit of the text in between leaves the marks out rather
than misplaced).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Conflict, Invalid, NotFound
from sillok.extract.store import store_suggestions
from sillok.ingest import ocr
from sillok.security.policy import Actor, may_see, require_write

MAX_TEXT = 200_000  # characters of one page's corrected text
PAGE_DPI = 300


def store_readings(session: Session, source_id: int, readings: list[dict[str, Any]],
                   actor: str) -> None:
    """The OCR readings a parser made (ocr.OcrPage.as_dict), kept with the new source."""
    if not readings:
        return
    now = utcnow()
    session.execute(insert(m.OcrReading), [{
        "source_id": source_id, "page": int(r["page"]), "kind": "ocr",
        "engine": (r.get("engine") or None), "psm": r.get("psm"),
        "preprocess": list(r.get("preprocess") or []),
        "mean_confidence": r.get("mean_confidence"), "words": list(r.get("words") or []),
        "text": r.get("text") or "", "created_by": actor, "created_at": now,
    } for r in readings])


def page_bounds(text: str, pages: list[int] | None) -> list[tuple[int, int]]:
    """Where each page's text starts and ends (pages are joined by a blank line)."""
    starts = list(pages or [0]) or [0]
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 2 if i + 1 < len(starts) else len(text)
        out.append((start, max(start, end)))
    return out


def _latest(session: Session, source_id: int) -> dict[int, m.OcrReading]:
    newest = (select(func.max(m.OcrReading.id)).where(m.OcrReading.source_id == source_id)
              .group_by(m.OcrReading.page))
    rows = session.execute(select(m.OcrReading).where(m.OcrReading.id.in_(newest))).scalars()
    return {int(r.page): r for r in rows}


def confidence_view(session: Session, actor: Actor, source_id: int) -> dict[str, Any]:
    """Per page, how its current text was read (OCR with its mean confidence, or a
    correction), the words of low confidence as offsets in the source's text, and how many
    readings each page has had."""
    source = visible_source(session, actor, source_id)
    latest = _latest(session, source_id)
    counts = {int(page): int(n) for page, n in session.execute(
        select(m.OcrReading.page, func.count()).where(m.OcrReading.source_id == source_id)
        .group_by(m.OcrReading.page)).all()}
    bounds = page_bounds(source.text, source.pages)
    pages: list[dict[str, Any]] = []
    low: list[tuple[int, int, float]] = []
    for number, reading in sorted(latest.items()):
        start, end = bounds[number - 1] if number <= len(bounds) else (0, 0)
        current = number <= len(bounds) and source.text[start:end] == reading.text
        pages.append({
            "page": number, "kind": reading.kind, "current": current,
            "confidence": (round(reading.mean_confidence)
                           if reading.mean_confidence is not None else None),
            "psm": reading.psm, "preprocess": reading.preprocess, "by": reading.created_by,
            "at": reading.created_at.isoformat(), "readings": int(counts.get(number, 1)),
            "low": len(ocr.low_words(reading.words)) if reading.kind == "ocr" else 0,
        })
        if current and reading.kind == "ocr":
            low.extend((start + s, start + e, c) for s, e, c in ocr.low_words(reading.words))
    return {"pages": pages, "low": sorted(low), "modes": list(ocr.MODES),
            "limit": round(ocr.LOW_WORD), "page_count": len(bounds)}


def check_request(archive: Archive, actor: Actor, source_id: int, page: int, psm: int | None,
                  steps: tuple[str, ...] = ocr.STEPS) -> None:
    """Refuse at once what a reading of page ``page`` again could never do (the request that
    queues it is answered before any OCR runs: ingest/ocr_jobs.py)."""
    require_write(actor)
    if psm is not None and psm not in ocr.MODES:
        raise Invalid({"psm": f"choose one of {', '.join(map(str, ocr.MODES))}"})
    unknown = set(steps) - set(ocr.STEPS)
    if unknown:
        raise Invalid({"steps": f"unknown step {sorted(unknown)[0]}"})
    if not ocr.available():
        raise Conflict("OCR is not installed on this server (tesseract-ocr, tesseract-ocr-kor)")
    with archive.sessions() as session:
        source = visible_source(session, actor, source_id)
        if not source.blob_sha256:
            raise Conflict(f"source #{source_id} has no original file to read")
        media_type = (source.media_type or "").split(";")[0].strip().lower()
        if media_type != "application/pdf" and not media_type.startswith("image/"):
            raise Conflict("only a PDF or an image can be read by OCR")
        count = len(page_bounds(source.text, source.pages))
        if not 1 <= page <= count:
            raise Invalid({"page": f"the source has pages 1 to {count}"})


def read_again(archive: Archive, actor: Actor, source_id: int, page: int, psm: int | None,
               steps: tuple[str, ...] = ocr.STEPS, *, deadline: float | None = None,
               on_written: Callable[[Session, dict[str, Any]], None] | None = None
               ) -> dict[str, Any]:
    """Read one page of a source's original (a PDF or an image) by OCR again, with the mode
    ``psm`` (None: chosen as at ingest) and the pre-processing ``steps``; the page's text is
    replaced by the new reading. ``deadline`` (time.monotonic()) bounds the OCR;
    ``on_written`` runs in the transaction that replaces the page, so that a job is marked
    done with it or not at all (and may refuse the write by raising)."""
    check_request(archive, actor, source_id, page, psm, steps)
    with archive.transaction() as session:
        source = visible_source(session, actor, source_id)
        media_type = (source.media_type or "").split(";")[0].strip().lower()
        data = BlobStore(archive.settings.blob_dir).get(source.blob_sha256 or "")
    image = _page_image(data, media_type, page)
    try:
        got = ocr.read(image, page=page, psm=psm, steps=steps, deadline=deadline)
    except RuntimeError as exc:  # Tesseract's own timeout
        raise Conflict(f"OCR did not finish: {exc}") from None
    reading = got.as_dict()
    with archive.transaction() as session:
        source = visible_source(session, actor, source_id)
        _replace_page(archive, actor, session, source, page, got.text, "ocr",
                      got.mean_confidence)
        store_readings(session, source_id, [reading], actor.name)
        if on_written is not None:
            on_written(session, reading)
    return reading


def correct(archive: Archive, actor: Actor, source_id: int, page: int, text: str
            ) -> None:
    """Replace one page's text with a corrected text typed or pasted by staff."""
    require_write(actor)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise Invalid({"text": "give the page's corrected text"})
    if len(text) > MAX_TEXT:
        raise Invalid({"text": f"a page's text is at most {MAX_TEXT:,} characters"})
    with archive.transaction() as session:
        source = visible_source(session, actor, source_id)
        _replace_page(archive, actor, session, source, page, text, "correction", None)
        session.add(m.OcrReading(source_id=source_id, page=page, kind="correction", text=text,
                                 created_by=actor.name, preprocess=[], words=[]))


def visible_source(session: Session, actor: Actor, source_id: int) -> m.Source:
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source) or source.retracted_at is not None:
        raise NotFound(f"source #{source_id} not found")
    return source


def _page_image(data: bytes, media_type: str, page: int) -> Any:
    from PIL import Image

    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise Conflict(f"the PDF cannot be opened ({exc})") from None
        try:
            if not 1 <= page <= len(document):
                raise Invalid({"page": f"the PDF has pages 1 to {len(document)}"})
            pdf_page = document[page - 1]
            try:
                return pdf_page.render(scale=PAGE_DPI / 72, grayscale=True).to_pil()
            finally:
                pdf_page.close()
        finally:
            document.close()
    if media_type.startswith("image/"):
        if page != 1:
            raise Invalid({"page": "an image has one page"})
        try:
            img = Image.open(io.BytesIO(data))
            img.load()
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise Conflict(f"the image cannot be opened ({exc})") from None
        return img
    raise Conflict("only a PDF or an image can be read by OCR")


def _replace_page(archive: Archive, actor: Actor, session: Session, source: m.Source,
                  page: int, new: str, origin: str, confidence: float | None) -> None:
    """The source's text with page ``page`` replaced (later pages' offsets moved), through the
    archive (validated, indexed, audited with the text before), and its open suggestions
    drawn again. Refused while evidence, a redaction or a reviewed name span points at or
    after the page: their offsets would no longer say what they quote."""
    bounds = page_bounds(source.text, source.pages)
    if not 1 <= page <= len(bounds):
        raise Invalid({"page": f"the source has pages 1 to {len(bounds)}"})
    start, end = bounds[page - 1]
    _refuse_anchored(session, source.id, start)
    text = source.text[:start] + new + source.text[end:]
    delta = len(new) - (end - start)
    pages = ([p if i < page else p + delta for i, p in enumerate(source.pages)]
             if source.pages else None)
    extra = dict(source.extra or {})
    meta = dict(extra.get("metadata") or {})
    origins = list(meta.get("page_text") or [])
    if page <= len(origins):
        origins[page - 1] = "ocr" if origin == "ocr" else "typed"
        meta["page_text"] = origins
        extra["needs_ocr"] = "none" in origins
    elif origin == "correction" or new:
        extra["needs_ocr"] = False
    scores = {k: v for k, v in dict(meta.get("ocr_confidence") or {}).items()
              if k != str(page)}
    if confidence is not None:
        scores[str(page)] = confidence
    meta["ocr_confidence"] = scores
    extra["metadata"] = meta
    archive.update(actor, "source", source.id, {"text": text, "pages": pages, "extra": extra},
                   session=session)
    session.flush()
    store_suggestions(session, source)


def _refuse_anchored(session: Session, source_id: int, start: int) -> None:
    anchored = [
        ("evidence", select(func.count()).select_from(m.Evidence).where(
            m.Evidence.source_id == source_id, m.Evidence.retracted_at.is_(None),
            m.Evidence.end_offset > start)),
        ("redaction", select(func.count()).select_from(m.RedactionMark).where(
            m.RedactionMark.source_id == source_id, m.RedactionMark.end_offset > start)),
        ("reviewed name span", select(func.count()).select_from(m.NameSpanReview).where(
            m.NameSpanReview.source_id == source_id, m.NameSpanReview.end_offset > start)),
    ]
    for what, query in anchored:
        if session.execute(query).scalar_one():
            raise Conflict(f"a {what} points into this page or after it: its offsets would "
                           "no longer hold; remove it first, or correct the text before coding")
