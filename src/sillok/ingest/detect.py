"""What a file is, from its bytes — never from its name.

Binary formats are recognised by their magic bytes (``filetype``), containers by what is inside
them (a zip holding ``word/document.xml`` is Word, one whose ``mimetype`` says
``application/hwp+zip`` is HWPX, an OLE file with an HWP ``FileHeader`` is HWP 5). Anything
else must decode as text, and is then told apart by its structure: HTML, e-mail, JSON lines,
CSV, Markdown or plain text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass

import filetype

from sillok.ingest import protection
from sillok.ingest.textcodec import NotText, decode


class Refused(Exception):
    """A file that cannot be ingested; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class Detected:
    family: str  # text, markdown, html, eml, mbox, csv, jsonl, pdf, docx, hwpx, hwp5, image, …
    media_type: str
    encoding: str | None = None
    text: str | None = None  # the decoded text of text families
    # Why a real document's text cannot be read (a password, HWP 3): it is kept
    # as an original without text (see protection.py).
    refused: str | None = None


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HWPX = "application/hwp+zip"
HWP5 = "application/x-hwp"
HWP3 = "application/x-hwp-v3"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = ("image/jpeg", "image/png", "image/gif", "image/tiff", "image/webp", "image/bmp")
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
# An mbox archive: a "From " line (sender, date and time) and then a header.
MBOX_FROM = re.compile(rb"From \S+[ \t]+\S[^\r\n]*\d\d:\d\d[^\r\n]*\r?\n[A-Za-z][A-Za-z0-9-]*:")
MARKDOWN = re.compile(r"^(#{1,6} |[*-] |\d+\. |> |```)|\[[^\]]+\]\([^)]+\)", re.M)


def sniff(data: bytes) -> Detected:
    """The family and media type of ``data``; raises Refused with the type found otherwise."""
    if not data:
        raise Refused("empty file")
    if data.startswith(b"%PDF-"):
        return Detected("pdf", "application/pdf")
    if data.startswith(OLE_MAGIC):
        return _ole(data)
    if looks_like_mbox(data):
        return Detected("mbox", "application/mbox")
    if data.startswith(protection.HWP3_MAGIC):
        return Detected("hwp3", HWP3, refused=protection.HWP3)
    if data.startswith(b"PK\x03\x04"):
        return _zip(data)
    kind = filetype.guess(data)
    if kind is not None and kind.mime in IMAGES:
        return Detected("image", kind.mime)
    if kind is not None and not kind.mime.startswith("text/"):
        raise Refused(f"unsupported type {kind.mime}")
    try:
        text, encoding = decode(data)
    except NotText as exc:
        # A mail's parts may each be in their own encoding (an EUC-KR body, a UTF-8 header):
        # as a whole it is not text in any one of them, but it is a mail all the same.
        if b"\x00" not in data[:8192] and _looks_like_email(data[:8192].decode("latin-1")):
            return Detected("eml", "message/rfc822")
        raise Refused(str(exc)) from None
    if HTML_START.match(text[:4096].encode()):
        return Detected("html", "text/html", encoding, text)
    return _text_family(text, encoding)


def looks_like_mbox(data: bytes) -> bool:
    return data.startswith(b"From ") and MBOX_FROM.match(data[:2000]) is not None


def _ole(data: bytes) -> Detected:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:
        raise Refused(f"damaged OLE compound file ({exc})") from None
    with ole:
        if ole.exists("FileHeader"):
            header = ole.openstream("FileHeader").read(40)
            if header.startswith(b"HWP Document File"):
                return Detected("hwp5", HWP5, refused=protection.hwp5_refusal(header))
        if ole.exists("__properties_version1.0") and any(
                entry[0].startswith("__substg1.0_") for entry in ole.listdir()):
            return Detected("msg", "application/vnd.ms-outlook")
        if protection.ole_encrypted(ole):
            # Word, Excel or PowerPoint alike: which one is inside the encryption.
            return Detected("office-encrypted", "application/x-ole-storage",
                            refused=protection.LOCKED)
        if ole.exists("WordDocument"):
            raise Refused("unsupported type application/msword (Word 97–2003): "
                          "save it as DOCX or PDF")
    raise Refused("unsupported type application/x-ole-storage")


def _zip(data: bytes) -> Detected:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise Refused(f"damaged zip file ({exc})") from None
    if "word/document.xml" in names:
        return Detected("docx", DOCX)
    if mimetype.strip() == HWPX.encode() or "Contents/section0.xml" in names:
        return Detected("hwpx", HWPX)
    if mimetype:
        raise Refused(f"unsupported type {mimetype.decode('ascii', 'replace').strip()}")
    raise Refused("unsupported type application/zip (an archive: unpack it and ingest the folder)")


def _text_family(text: str, encoding: str) -> Detected:
    head = text.lstrip("\ufeff")[:8192]
    if _looks_like_email(head):
        return Detected("eml", "message/rfc822", encoding, text)
    if _looks_like_jsonl(text):
        return Detected("jsonl", "application/jsonl", encoding, text)
    if _looks_like_csv(text):
        return Detected("csv", "text/csv", encoding, text)
    if len(MARKDOWN.findall(head)) >= 2:
        return Detected("markdown", "text/markdown", encoding, text)
    return Detected("text", "text/plain", encoding, text)


def _looks_like_email(head: str) -> bool:
    lines = head.splitlines()
    fields = set()
    for line in lines:
        if not line.strip():
            break
        if HEADER_LINE.match(line):
            fields.add(line.split(":", 1)[0].lower())
        elif not line[:1].isspace():
            return False
    return "from" in fields and bool(fields & {"date", "subject", "mime-version", "to"})


def _looks_like_jsonl(text: str) -> bool:
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if not lines:
        return False
    try:
        return all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


TEXT_COLUMN = frozenset(("text", "body", "content", "본문", "내용"))


def _looks_like_csv(text: str) -> bool:
    # A table needs a header row naming a text column and the same column count on every row:
    # prose with commas in it fails the second test.
    sample = text[:20000]
    # Both tests need two records and a header cell naming the column: without a line break
    # or one of those names anywhere, the sniffer (a good part of parsing a text) is not run.
    lower = sample.lower()
    if ("\n" not in sample and "\r" not in sample) or not any(n in lower for n in TEXT_COLUMN):
        return False
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return False
    rows = list(csv.reader(io.StringIO(sample), dialect))
    rows = [r for r in rows if r][:50]
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    header = {cell.strip().lower() for cell in rows[0]}
    widths = {len(r) for r in rows[:-1]}  # the last sampled row may be cut
    return len(widths) == 1 and bool(header & TEXT_COLUMN)
