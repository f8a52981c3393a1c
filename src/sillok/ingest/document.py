"""What a parser hands back: plain data that crosses from the worker process to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Attachment:
    filename: str | None
    data: bytes
    content_type: str
    # attachment, inline (an image the body shows), message (a forwarded message, or one
    # message of an mbox archive)
    role: str = "attachment"
    # Links to other attachments of the same file, by their index: {"in_reply_to": 3,
    # "thread": 0} for a message of an mbox; written as those sources' ids.
    links: dict[str, int] = field(default_factory=dict)


@dataclass
class Extracted:
    family: str
    media_type: str
    text: str = ""
    title: str | None = None
    encoding: str | None = None
    published: str | None = None  # ISO date from the file's own metadata
    author: str | None = None
    # Character offsets at which each page (PDF) and each paragraph starts.
    pages: list[int] | None = None
    paragraphs: list[int] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    needs_ocr: bool = False
    # Why the text of this real document cannot be read (a password, 배포용 문서): the file is
    # kept as an original without text, and the batch lists it among its refusals.
    refused: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Pages read by OCR (ocr.OcrPage.as_dict): text, words with confidence, mean, settings;
    # kept in ocr_readings with the source.
    ocr: list[dict[str, Any]] = field(default_factory=list)


def join_blocks(blocks: list[str]) -> tuple[str, list[int]]:
    """Non-empty blocks joined by blank lines, with the offset at which each starts."""
    offsets: list[int] = []
    parts: list[str] = []
    position = 0
    for block in blocks:
        block = block.strip()
        if not block:
            continue
        if parts:
            position += 2
        offsets.append(position)
        parts.append(block)
        position += len(block)
    return "\n\n".join(parts), offsets


def paragraph_offsets(text: str) -> list[int]:
    """Where each paragraph (a run of lines after a blank line, or a line) starts."""
    offsets: list[int] = []
    position = 0
    previous_blank = True
    for line in text.splitlines(keepends=True):
        if line.strip() and previous_blank:
            offsets.append(position)
        previous_blank = not line.strip()
        position += len(line)
    return offsets


def first_line(text: str) -> str | None:
    """The first non-blank line, cut to a title's length."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None
