"""PDF text that is right: PDFium's text (pypdfium2), word gaps made spaces, printed-twice
glyphs once, and pages whose "text" is not text read by OCR instead.

Chosen by measurement (bench/pdf_text.py, figures in bench/README.md): against pypdf and
pdfminer.six on generated Korean PDFs, PDFium alone keeps overprinted bold (each line printed
twice) single and is 5–20 times faster; what all three lost were the spaces of a Hancom-like
page, where every syllable is placed on its own and a space is only a gap. So the text is
rebuilt here from PDFium's characters and their boxes: a gap clearly wider than the line's usual
gap between letters is a space.

A page's text is not real text when many of its characters have no Unicode mapping (PDFium
says so per character), are private-use code points, replacement or control characters, or
when its Hangul is implausible (most syllables outside the 2,350 of KS X 1001, the mark of
glyph ids read as Unicode). Such a page, and a page with an image and no text (a scan), is
rendered at 300 dpi and read by Tesseract when it is installed. ``metadata["page_text"]`` says
for every page where its text came from: ``pdf``, ``ocr``, ``none`` (no text, or no real text
and no OCR to be had) or ``empty`` (nothing on it to read).
"""

from __future__ import annotations

import ctypes
import itertools
import statistics
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sillok.ingest import ocr as ocr_engine
from sillok.ingest import protection
from sillok.ingest.detect import Detected, Refused
from sillok.ingest.document import Extracted
from sillok.ingest.metadata import iso_date, title_of

OCR_DPI = 300
OCR_PAGES = 20  # pages read by OCR per file at most: the rest are marked, not read
# A gap between two letters wider than the line's usual one by this share of the letter
# height is a space (Hancom's word gaps measure 0.08–0.3 of it; letters of one word ±0.02).
SPACE_GAP = 0.05
# Two identical characters this close (share of their width) are one printed twice.
OVERPRINT = 0.3
BAD_SHARE = 0.10  # a page with more bad characters than this is not real text
IMPLAUSIBLE_HANGUL = 0.25  # share of syllables outside KS X 1001
MIN_HANGUL = 20  # fewer syllables than this say nothing either way


@cache
def common_syllables() -> frozenset[str]:
    """The 2,350 Hangul syllables of KS X 1001: nearly all of any real Korean text."""
    found = []
    for code in range(0xAC00, 0xD7A4):
        ch = chr(code)
        try:
            if len(ch.encode("euc_kr")) == 2:  # others are 8-byte jamo sequences in euc_kr
                found.append(ch)
        except UnicodeEncodeError:
            continue
    return frozenset(found)


def not_real_text(text: str) -> str | None:
    """Why a page's text is not real text, or None (page_text writes a glyph without a
    Unicode mapping as U+FFFD)."""
    letters = [ch for ch in text if not ch.isspace()]
    if not letters:
        return None
    bad = 0
    for ch in letters:
        code = ord(ch)
        if (0xE000 <= code <= 0xF8FF or code >= 0xF0000 or ch == "\ufffd"
                or (code < 0x20) or 0x7F <= code < 0xA0):
            bad += 1
    if bad / len(letters) > BAD_SHARE:
        return f"{bad} of {len(letters)} characters unmapped, private-use or control"
    hangul = [ch for ch in letters if "\uac00" <= ch <= "\ud7a3"]
    if len(hangul) >= MIN_HANGUL:
        common = common_syllables()
        rare = sum(ch not in common for ch in hangul)
        if rare / len(hangul) > IMPLAUSIBLE_HANGUL:
            return f"implausible Hangul: {rare} of {len(hangul)} syllables outside KS X 1001"
    return None


@dataclass
class _Char:
    ch: str
    left: float
    bottom: float
    right: float
    top: float


def page_text(textpage: Any, sizes: list[tuple[str, float]] | None = None) -> str:
    """The page's text rebuilt from its characters; a glyph without a Unicode mapping is
    written U+FFFD (PDFium's guess for it is a glyph id, not a character). ``sizes``, when
    given, gets each line with the median height of its letters."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    chars: list[_Char | None] = []  # None: a line break
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (0x0D, 0x02, 0xFFFE):  # \r of PDFium's \r\n, soft hyphen marks
            continue
        if code == 0x0A:
            chars.append(None)
            continue
        if 0xD800 <= code <= 0xDFFF:  # half of a pair: PDFium gives each code unit
            ch = _pair(raw, index, code)
            if ch is None:
                continue
        elif pdfium_c.FPDFText_HasUnicodeMapError(raw, index):
            ch = "\ufffd"
        else:
            ch = chr(code)
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
        chars.append(_Char(ch, rect.left, rect.bottom, rect.right, rect.top))
    return _join(chars, sizes)


def _pair(raw: Any, index: int, code: int) -> str | None:
    import pypdfium2.raw as pdfium_c

    if 0xDC00 <= code <= 0xDFFF:
        return None  # the second half, taken with the first
    low = pdfium_c.FPDFText_GetUnicode(raw, index + 1)
    if not 0xDC00 <= low <= 0xDFFF:
        return None
    return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))


def _join(chars: list[_Char | None], sizes: list[tuple[str, float]] | None = None) -> str:
    """Characters to text: PDFium's line breaks kept, overprinted duplicates dropped, and a
    space put where a gap on a line is clearly wider than that line's usual letter gap."""
    lines: list[list[_Char]] = [[]]
    for c in chars:
        if c is None:
            lines.append([])
            continue
        line = lines[-1]
        if line and c.ch == line[-1].ch and not c.ch.isspace():
            prev = line[-1]
            width = max(prev.right - prev.left, 1e-6)
            if abs(c.left - prev.left) < OVERPRINT * width and abs(c.bottom - prev.bottom) < (
                    OVERPRINT * max(prev.top - prev.bottom, 1e-6)):
                continue  # the same glyph printed again over itself (bold by overprinting)
        line.append(c)
    texts = [_line_text(line) for line in lines]
    if sizes is not None:
        for text, line in zip(texts, lines, strict=True):
            heights = [c.top - c.bottom for c in line if not c.ch.isspace()]
            if text.strip() and heights:
                sizes.append((text.strip(), statistics.median(heights)))
    return "\n".join(texts).strip()


def _line_text(line: list[_Char]) -> str:
    if not line:
        return ""
    gaps: list[float] = []
    for a, b in itertools.pairwise(line):
        if not a.ch.isspace() and not b.ch.isspace() and _same_line(a, b):
            gaps.append(b.left - a.right)
    usual = statistics.median(gaps) if gaps else 0.0
    out = [line[0].ch]
    for a, b in itertools.pairwise(line):
        if (not a.ch.isspace() and not b.ch.isspace() and _same_line(a, b)
                and b.left - a.right - usual > SPACE_GAP * max(a.top - a.bottom,
                                                               b.top - b.bottom)):
            out.append(" ")
        out.append(b.ch)
    return "".join(out)


def _same_line(a: _Char, b: _Char) -> bool:
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    height = min(a.top - a.bottom, b.top - b.bottom)
    return height > 0 and overlap > 0.5 * height and b.left > a.left


def pdf(d: Detected, data: bytes, ocr: bool = True,
        ocr_seconds: float = 30.0) -> Extracted:
    """``ocr_seconds``: how long OCR may take in all (the worker gives half the file's time
    limit), so that a long scan is kept with its first pages read and the rest marked, rather
    than failed whole at the time limit."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            return Extracted("pdf", d.media_type, refused=protection.LOCKED)
        raise Refused(f"damaged PDF ({exc})") from None
    try:
        texts: list[str] = []
        sources: list[str] = []
        reasons: dict[int, str] = {}
        ocr_todo: list[int] = []
        sizes: list[tuple[str, float]] = []  # the first page with text: its lines' type size
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            try:
                text = page_text(textpage, sizes if not sizes else None)
            finally:
                textpage.close()
            reason = not_real_text(text)
            if reason is not None:
                reasons[number + 1] = reason
                texts.append("")
                sources.append("none")
                ocr_todo.append(number)
            elif not text:
                scanned = _has_image(page)
                texts.append("")
                sources.append("none" if scanned else "empty")
                if scanned:
                    ocr_todo.append(number)
            else:
                texts.append(text)
                sources.append("pdf")
            page.close()
        metadata: dict[str, Any] = {"page_count": len(texts), "page_text": sources}
        if reasons:
            metadata["not_text"] = {str(k): v for k, v in reasons.items()}
        readings: list[dict[str, Any]] = []
        if ocr_todo and ocr and ocr_engine.available():
            done = _ocr_pages(document, ocr_todo[:OCR_PAGES], texts, sources, metadata,
                              time.monotonic() + ocr_seconds, readings)
            if len(ocr_todo) > done:
                metadata["ocr_skipped"] = [n + 1 for n in ocr_todo[done:]]
        info = _info(document)
    finally:
        document.close()
    parts: list[str] = []
    pages: list[int] = []
    position = 0
    for page_text_ in texts:
        # Every page gets an offset, even an empty one, so page N is always pages[N-1].
        pages.append(position)
        parts.append(page_text_)
        position += len(page_text_) + 2
    text = "\n\n".join(parts)
    large = _largest(sizes)
    created = _pdf_date(info.get("CreationDate"))
    metadata["created"] = created
    published = iso_date(created)
    if published:
        metadata["date_source"] = "PDF properties: CreationDate"
    title, title_from = title_of(info.get("Title"), text, pages, preferred=large)
    if title_from:
        metadata["title_source"] = title_from
    author = (info.get("Author") or "").strip() or None
    return Extracted("pdf", d.media_type, text=text, title=title, published=published,
                     author=author, pages=pages, needs_ocr="none" in sources,
                     metadata=metadata, ocr=readings)


def _largest(sizes: list[tuple[str, float]]) -> list[str]:
    """The lines set clearly larger than the page's body text (a fifth larger than the median
    line), largest first: where a title is."""
    if len(sizes) < 2:
        return []
    body = statistics.median(h for _t, h in sizes)
    big = [(h, i, t) for i, (t, h) in enumerate(sizes) if h > 1.2 * body]
    return [t for _h, _i, t in sorted(big, key=lambda x: (-x[0], x[1]))]


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def _ocr_pages(document: Any, numbers: list[int], texts: list[str], sources: list[str],
               metadata: dict[str, Any], deadline: float,
               readings: list[dict[str, Any]]) -> int:
    """OCR the pages in order until the deadline; returns how many were tried. Each page's
    reading (words, confidences, settings) goes to ``readings``, its mean confidence to
    ``metadata["ocr_confidence"]``."""
    import pytesseract

    tried = 0
    for number in numbers:
        remaining = deadline - time.monotonic()
        if remaining <= 1:
            break
        tried += 1
        page = document[number]
        try:
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            got = ocr_engine.read(image, page=number + 1, deadline=deadline)
        except (RuntimeError, pytesseract.TesseractError) as exc:
            metadata.setdefault("ocr_error", str(exc)[:200])
            continue
        finally:
            page.close()
        texts[number] = got.text
        sources[number] = "ocr"
        readings.append(got.as_dict())
        if got.mean_confidence is not None:
            metadata.setdefault("ocr_confidence", {})[str(number + 1)] = got.mean_confidence
    if "ocr" in sources:
        metadata["ocr"] = f"tesseract {ocr_engine.LANGUAGES}"
    return tried


def _info(document: Any) -> dict[str, str]:
    try:
        found = document.get_metadata_dict(skip_empty=True)
    except Exception:  # a damaged info dictionary costs the metadata, not the text
        return {}
    return {str(k): str(v) for k, v in found.items()}


def _pdf_date(value: str | None) -> str | None:
    """PDF dates are written D:YYYYMMDDHHmmSS…; the day is what is kept."""
    if not value:
        return None
    digits = value[2:] if value.startswith("D:") else value
    try:
        return datetime.strptime(digits[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return None
