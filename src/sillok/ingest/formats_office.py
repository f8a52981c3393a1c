"""Binary documents: Word, HWPX and HWP 5, and images (with OCR); PDF is in formats_pdf."""

from __future__ import annotations

import io
import time
import warnings
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from sillok.ingest import hwp_distribution, ocr, protection
from sillok.ingest.detect import Detected, Refused
from sillok.ingest.document import Extracted, join_blocks
from sillok.ingest.guards import Limits, check_zip, check_zip_xml
from sillok.ingest.metadata import heading, iso_date, title_of

OCR_SECONDS = 120  # for one image, all the modes tried (ocr.read)


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
    styled = [p.text for p in document.paragraphs
              if p.text.strip() and _heading_style(p)]
    title, title_from = title_of(core.title, text, preferred=styled[:1])
    return Extracted("docx", d.media_type, text=text, title=title,
                     author=(core.author or "").strip() or None, paragraphs=offsets,
                     **_dated({"title_source": title_from}, core.created,
                              "Word properties: created"))


def _heading_style(paragraph: Any) -> bool:
    try:
        name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return False
    return name == "title" or name.startswith("heading") or name.startswith("제목")


def _dated(metadata: dict[str, Any], when: Any, said_by: str) -> dict[str, Any]:
    """``published`` and ``metadata`` for a document whose properties date it."""
    day = iso_date(when)
    metadata = {k: v for k, v in metadata.items() if v}
    if day:
        metadata["created"] = day
        metadata["date_source"] = said_by
    return {"published": day, "metadata": metadata}


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
    return Extracted("hwpx", d.media_type, text=text, title=heading(text),
                     paragraphs=offsets)


def hwp5(d: Detected, data: bytes) -> Extracted:
    metadata: dict[str, Any] = {}
    try:
        raw = _hwp5_text(data)
    except _Distribution:
        # 배포용 문서: the key is in the file, the text is read like any other (see
        # hwp_distribution); a file that does not decrypt is kept without text, by name.
        try:
            raw = _hwp5_text(hwp_distribution.unlock(data))
        except hwp_distribution.Undecryptable as exc:
            return Extracted("hwp5", d.media_type, refused=protection.DISTRIBUTION_DAMAGED,
                             metadata={"distribution_error": str(exc)})
        metadata["protection"] = protection.DISTRIBUTION_READ
    text, offsets = join_blocks(raw.split("\n"))
    if not text:
        raise Refused("no text read from this HWP 5 file: convert it to HWPX or PDF")
    props = _hwp_summary(data)
    title, title_from = title_of(props.get("title"), text)
    dated = _dated({"title_source": title_from, **metadata}, props.get("created"),
                   "HWP properties: created")
    return Extracted("hwp5", d.media_type, text=text, title=title, paragraphs=offsets,
                     author=props.get("author"), **dated)


class _Distribution(Exception):
    """python-hwpx declined the file as a distribution document (배포용 문서)."""


def _hwp5_text(data: bytes) -> str:
    from hwpx import HwpxDocument

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = HwpxDocument.open(io.BytesIO(data))
            return str(document.text.plain())
    except Exception as exc:  # any parser failure is this file's failure
        if getattr(exc, "code", None) == "hwp5-distribution":
            raise _Distribution from None
        raise Refused(f"could not read this HWP 5 file ({type(exc).__name__}): "
                      "convert it to HWPX or PDF in Hancom Office and ingest that") from None


def _hwp_summary(data: bytes) -> dict[str, Any]:
    """Title, author and creation time from an HWP 5 file's summary information stream."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = "\x05HwpSummaryInformation"
            if not ole.exists(stream):
                return {}
            props = property_set(ole.openstream(stream).read())
    except Exception:  # a damaged summary costs the properties, not the text
        return {}
    out: dict[str, Any] = {}
    for key, pid in (("title", 2), ("author", 4)):
        value = props.get(pid)
        if isinstance(value, str) and value.strip("\x00 ").strip():
            out[key] = value.strip("\x00 ").strip()
    if isinstance(props.get(12), datetime):
        out["created"] = props[12]
    return out


VT_LPSTR, VT_LPWSTR, VT_FILETIME = 0x1E, 0x1F, 0x40
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def property_set(stream: bytes) -> dict[int, Any]:
    """The strings and times of the first section of an OLE property set stream ([MS-OLEPS]).

    Read here, not with olefile's getproperties: olefile 0.47 reads a VT_LPWSTR's length from
    the string's own first characters, so every title and author Hancom writes (UTF-16) came
    out as that string followed by the properties after it."""
    def u32(at: int) -> int:
        if at < 0 or at + 4 > len(stream):
            raise ValueError("property set cut short")
        return int.from_bytes(stream[at:at + 4], "little")

    if stream[:2] != b"\xfe\xff" or u32(24) < 1:
        raise ValueError("not a property set stream")
    section = u32(28 + 16)
    out: dict[int, Any] = {}
    for number in range(min(u32(section + 4), 256)):
        pid, offset = u32(section + 8 + 8 * number), u32(section + 12 + 8 * number)
        at = section + offset
        kind = u32(at) & 0xFFFF
        if kind == VT_LPWSTR:
            count = u32(at + 4)  # characters, with the closing NUL
            out[pid] = stream[at + 8:at + 8 + 2 * count].decode("utf-16-le", "replace")
        elif kind == VT_LPSTR:
            count = u32(at + 4)  # bytes, in the code page of the set (Korean: CP949)
            out[pid] = stream[at + 8:at + 8 + count].decode("cp949", "replace")
        elif kind == VT_FILETIME:
            ticks = u32(at + 4) | (u32(at + 8) << 32)
            if ticks:
                out[pid] = (FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
                            ).replace(tzinfo=None)
    return {pid: v.split("\x00")[0] if isinstance(v, str) else v for pid, v in out.items()}
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
    readings: list[dict[str, Any]] = []
    if ocr.available():
        import pytesseract

        try:
            got = ocr.read(img, deadline=time.monotonic() + OCR_SECONDS)
            text, needs_ocr = got.text, False
            readings.append(got.as_dict())
            metadata["ocr"] = f"tesseract {ocr.LANGUAGES}"
            if got.mean_confidence is not None:
                metadata["ocr_confidence"] = {"1": got.mean_confidence}
        except (RuntimeError, pytesseract.TesseractError) as exc:
            metadata["ocr_error"] = str(exc)[:200]
    return Extracted("image", d.media_type, text=text, title=heading(text),
                     metadata=metadata, needs_ocr=needs_ocr, ocr=readings)


def _exif_date(value: Any) -> str | None:
    # EXIF writes "YYYY:MM:DD HH:MM:SS".
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.strptime(value[:10], "%Y:%m:%d").date().isoformat()
    except ValueError:
        return None
