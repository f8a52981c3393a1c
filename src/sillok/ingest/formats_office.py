"""Binary documents: Word, HWPX and HWP 5, and images (with OCR); PDF is in formats_pdf."""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from datetime import datetime
from typing import Any

from sillok.ingest import protection
from sillok.ingest.detect import Detected, Refused
from sillok.ingest.document import Extracted, first_line, join_blocks
from sillok.ingest.guards import Limits, check_zip, check_zip_xml

OCR_LANGUAGES = "kor+eng"
# One uniform block of text: on short or single-column scans Tesseract's automatic layout
# analysis (psm 3) loses the Hangul of a mixed line that psm 6 reads (checked on tesseract 5).
OCR_CONFIG = "--psm 6"


def docx(d: Detected, data: bytes, limits: Limits) -> Extracted:
    check_zip(data, limits)
    check_zip_xml(data)
    import docx as python_docx

    try:
        document = python_docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise Refused(f"damaged Word document ({exc})") from None
    blocks = [p.text for p in document.paragraphs]
    for tbl in document.tables:
        for row in tbl.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    text, offsets = join_blocks(blocks)
    core = document.core_properties
    created = core.created.date().isoformat() if core.created else None
    return Extracted("docx", d.media_type, text=text,
                     title=(core.title or "").strip() or first_line(text),
                     author=(core.author or "").strip() or None, paragraphs=offsets,
                     metadata={"created": created})


def hwpx(d: Detected, data: bytes, limits: Limits) -> Extracted:
    check_zip(data, limits)
    if protection.hwpx_encrypted(data):
        return Extracted("hwpx", d.media_type, refused=protection.LOCKED)
    check_zip_xml(data)
    from hwpx import TextExtractor

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            raw = TextExtractor(archive).extract_text()
    except Exception as exc:  # any parser failure is this file's failure
        raise Refused(f"damaged HWPX document ({type(exc).__name__}: {exc})") from None
    text, offsets = join_blocks(raw.split("\n"))
    return Extracted("hwpx", d.media_type, text=text, title=first_line(text),
                     paragraphs=offsets)


def hwp5(d: Detected, data: bytes) -> Extracted:
    from hwpx import HwpxDocument

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = HwpxDocument.open(io.BytesIO(data))
            raw = document.text.plain()
    except Exception as exc:  # any parser failure is this file's failure
        raise Refused(f"could not read this HWP 5 file ({type(exc).__name__}): "
                      "convert it to HWPX or PDF in Hancom Office and ingest that") from None
    text, offsets = join_blocks(str(raw).split("\n"))
    if not text:
        raise Refused("no text read from this HWP 5 file: convert it to HWPX or PDF")
    return Extracted("hwp5", d.media_type, text=text, title=first_line(text),
                     paragraphs=offsets)


def image(d: Detected, data: bytes) -> Extracted:
    from PIL import ExifTags, Image

    warnings.simplefilter("error", Image.DecompressionBombWarning)
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused(f"image too large to decode safely ({exc})") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise Refused(f"damaged image ({exc})") from None
    metadata: dict[str, Any] = {"width": img.width, "height": img.height, "format": img.format}
    for tag, value in img.getexif().items():
        name = ExifTags.TAGS.get(tag, str(tag))
        if isinstance(value, str | int | float):
            metadata[f"exif_{name}"] = value
    metadata["taken"] = _exif_date(metadata.get("exif_DateTime"))
    text, needs_ocr = "", True
    if shutil.which("tesseract"):
        import pytesseract

        try:
            text = pytesseract.image_to_string(img, lang=OCR_LANGUAGES, config=OCR_CONFIG,
                                               timeout=120).strip()
            needs_ocr = False
            metadata["ocr"] = f"tesseract {OCR_LANGUAGES}"
        except (RuntimeError, pytesseract.TesseractError) as exc:
            metadata["ocr_error"] = str(exc)[:200]
    return Extracted("image", d.media_type, text=text, title=first_line(text),
                     metadata=metadata, needs_ocr=needs_ocr)


def _exif_date(value: Any) -> str | None:
    # EXIF writes "YYYY:MM:DD HH:MM:SS".
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.strptime(value[:10], "%Y:%m:%d").date().isoformat()
    except ValueError:
        return None
