"""Limits that turn hostile files into a clean "failed: reason" instead of a hung or dead process.

The expensive parsers run in a separate worker process (see worker.py) with a time limit and an
address-space limit; the checks here run before a parser sees the bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from sillok.ingest.detect import Refused


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024
    # A zip member may expand at most this many times its compressed size, and all members
    # together at most max_unpacked_bytes: the usual zip-bomb ratios are in the thousands.
    max_zip_ratio: int = 200
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_zip_members: int = 5000
    seconds_per_file: float = 60.0
    worker_memory_bytes: int = 3 * 1024 * 1024 * 1024
    max_html_depth: int = 400
    max_attachments: int = 200
    # Attachments of attachments (a forwarded mail's PDF) are read this deep, and one file
    # makes at most max_parts sources in all (the messages of an mbox archive among them).
    max_depth: int = 4
    max_parts: int = 20_000


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs by the sizes the archive declares, before anything is unpacked.

    The declared sizes are checked again while reading (``zipfile`` stops at the declared size
    and verifies the CRC), so a lying header cannot smuggle more bytes past this check."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise Refused(f"zip with {len(members)} members (limit {limits.max_zip_members})")
        total = 0
        for info in members:
            total += info.file_size
            compressed = max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and info.file_size / compressed > limits.max_zip_ratio:
                raise Refused(f"zip bomb: {info.filename!r} expands {info.file_size // compressed}"
                              f"× (limit {limits.max_zip_ratio}×)")
        if total > limits.max_unpacked_bytes:
            raise Refused(f"zip bomb: {total} bytes unpacked (limit {limits.max_unpacked_bytes})")


def check_zip_xml(data: bytes) -> None:
    """Parse every XML member with defusedxml: entity expansion and external entities refused."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".hpf")):
                continue
            try:
                SafeET.fromstring(archive.read(info))
            except DefusedXmlException as exc:
                raise Refused(f"unsafe XML in {info.filename!r}: {type(exc).__name__}") from None
            except SafeET.ParseError as exc:
                raise Refused(f"damaged XML in {info.filename!r}: {exc}") from None


VOID = frozenset([
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr"
])
# Elements whose end tag HTML lets authors leave out: a new one closes the open one.
SELF_CLOSING_SIBLINGS = frozenset(["p", "li", "td", "th", "tr", "option", "dt", "dd"])


class _Depth(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in VOID:
            return
        if tag in SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1] == tag:
            self.stack.pop()
        self.stack.append(tag)
        if len(self.stack) > self.limit:
            raise Refused(f"HTML nested deeper than {self.limit} elements")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def check_html_depth(html: str, limits: Limits) -> None:
    """Deeply nested markup makes tree-walking extractors recurse until they fail; refuse it
    with a clear reason first."""
    parser = _Depth(limits.max_html_depth)
    parser.feed(html)
    parser.close()
