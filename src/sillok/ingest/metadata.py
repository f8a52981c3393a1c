"""Titles and dates from what a file says about itself (issue 23, point 5).

A title comes from the document's properties when they hold a real one (not "Microsoft Word -
문서1.docx", "제목 없음" or a file name), else from the first real heading of the text: never a
running header or footer (a line that opens or closes several pages alike), a page number
("- 1 -", "1 / 12", "Page 3", "3쪽"), a date alone or a line of punctuation.

A date says where it came from (``extra.metadata.date_source``): the document's properties, a
web page's structured data (JSON-LD ``datePublished``, then ``<meta>`` publication tags, then a
``<time>`` element), or, last, the page extractor's guess from the page's text and address.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

MAX_TITLE = 200
PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-–—~]?\s*\d{1,4}\s*[-–—~]?                       # - 1 -, 12, ~3~
      | \(?\s*\d{1,4}\s*\)?                              # (3)
      | \d{1,4}\s*(?:/|of|중)\s*\d{1,4}                   # 1 / 12, 1 of 12
      | (?:page|p\.|pp\.|페이지)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?
      | \d{1,4}\s*(?:쪽|페이지|면)
      | -?\s*[ivxlcdm]{1,6}\s*-?                          # roman page numbers
    )\s*$""", re.IGNORECASE | re.VERBOSE)
DATE_ALONE = re.compile(
    r"^\s*(?:\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]?\s*(?:\d{1,2}\s*[.일]?)?"
    r"|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},?\s+\d{4})\s*\.?\s*$")
JUNK_TITLE = re.compile(
    r"""^\s*(?:
        microsoft\s+(?:word|powerpoint|excel)\s*-.*      # Word's print-to-PDF title
      | (?:untitled|document|문서|제목\s*없음|새\s*문서|noname|slide)\s*\d*
      | .*\.(?:docx?|hwpx?|pdf|rtf|txt|odt|xlsx?|pptx?|html?)
      | [\W\d_]*                                          # digits and punctuation only
    )\s*$""", re.IGNORECASE | re.VERBOSE)
LETTER = re.compile(r"[^\W\d_]")


def junk_title(title: str | None) -> bool:
    """True for what editors leave in a file's title property without meaning it."""
    if not title or not title.strip():
        return True
    title = " ".join(title.split())
    return bool(JUNK_TITLE.match(title) or PAGE_NUMBER.match(title))


def not_a_heading(line: str) -> bool:
    line = line.strip()
    if len(LETTER.findall(line)) < 2:
        return True
    return bool(PAGE_NUMBER.match(line) or DATE_ALONE.match(line))


def running_lines(pages: list[str]) -> set[str]:
    """Lines that open or close at least two pages (and, with three pages or more, a third
    of them) alike, digits aside: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        edges = {_shape(ln) for ln in lines[:2] + lines[-2:]}
        seen.update(edges)
    need = max(2, len(pages) // 3)
    return {shape for shape, n in seen.items() if n >= need}


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def heading(text: str, pages: list[int] | None = None,
            preferred: list[str] | None = None) -> str | None:
    """The first real heading: ``preferred`` lines first (a Word heading style, the largest
    type on a PDF's first page), then the text's first line that is neither a page number, a
    date alone, nor a running header or footer. Cut to a title's length."""
    page_texts = _split_pages(text, pages)
    running = running_lines(page_texts)
    for line in preferred or []:
        if not not_a_heading(line) and _shape(line.strip()) not in running:
            return _cut(line)
    for line in text.splitlines():
        if line.strip() and not not_a_heading(line) and _shape(line.strip()) not in running:
            return _cut(line)
    return None


def title_of(properties: str | None, text: str, pages: list[int] | None = None,
             preferred: list[str] | None = None) -> tuple[str | None, str | None]:
    """The title and where it came from: ``properties`` (unless junk), else a heading."""
    if properties and not junk_title(properties):
        return _cut(properties), "properties"
    found = heading(text, pages, preferred)
    return found, ("heading" if found else None)


def _cut(line: str) -> str:
    line = " ".join(line.split())
    return line if len(line) <= MAX_TITLE else line[:MAX_TITLE - 1].rstrip() + "…"


def _split_pages(text: str, pages: list[int] | None) -> list[str]:
    if not pages or len(pages) < 2:
        return [text]
    bounds = [*pages[1:], len(text) + 2]
    return [text[start:end - 2] for start, end in zip(pages, bounds, strict=True)]


# -- dates ------------------------------------------------------------------------------------
def iso_date(value: Any) -> str | None:
    """A date (ISO 8601, a datetime, or the first 10 characters of a timestamp) as YYYY-MM-DD,
    or None for anything else; years before 1900 or in the future are taken as wrong."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        got = value
    elif isinstance(value, str):
        text = value.strip()
        match = re.match(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text)
        if not match:
            return None
        try:
            got = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    else:
        return None
    if not 1900 <= got.year <= date.today().year + 1:
        return None
    return got.isoformat()


PUBLISHED_KEYS = ("datePublished", "dateCreated", "uploadDate")
META_DATES = (
    ("property", "article:published_time"), ("property", "og:published_time"),
    ("itemprop", "datePublished"), ("name", "article:published_time"),
    ("name", "pubdate"), ("name", "publishdate"), ("name", "date"),
    ("name", "dc.date.issued"), ("name", "dcterms.issued"), ("name", "dc.date"),
    ("name", "citation_publication_date"), ("name", "sailthru.date"),
)


class _Tags(HTMLParser):
    """What structured data says in a page: JSON-LD scripts, ``<meta>`` and ``<time>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.metas: list[dict[str, str]] = []
        self.times: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k.lower(): v or "" for k, v in attrs}
        if tag == "script" and found.get("type", "").strip().lower() == "application/ld+json":
            self._in_json = True
            self.scripts.append("")
        elif tag == "meta":
            self.metas.append(found)
        elif tag == "time" and found.get("datetime") and (
                "pubdate" in found or found.get("itemprop") == "datePublished"):
            self.times.append(found["datetime"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.scripts[-1] += data


def structured_date(html: str) -> tuple[str | None, str | None]:
    """A web page's publication date from its structured data, and which: JSON-LD first,
    then ``<meta>`` tags, then a ``<time>`` element with ``pubdate`` or ``itemprop``."""
    tags = _Tags()
    try:
        tags.feed(html)
        tags.close()
    except (AssertionError, ValueError):  # markup HTMLParser gives up on
        pass
    for script in tags.scripts:
        for found, key in _json_ld_dates(script):
            day = iso_date(found)
            if day:
                return day, f"JSON-LD {key}"
    for attribute, name in META_DATES:
        for meta in tags.metas:
            if meta.get(attribute, "").strip().lower() == name.lower():
                day = iso_date(meta.get("content"))
                if day:
                    return day, f"<meta {attribute}={name}>"
    for value in tags.times:
        day = iso_date(value)
        if day:
            return day, "<time datetime>"
    return None, None


def _json_ld_dates(raw: str) -> list[tuple[str, str]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    out: list[tuple[str, str]] = []
    stack: list[Any] = [data]
    while stack and len(out) < 20:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key in PUBLISHED_KEYS:
                if isinstance(item.get(key), str):
                    out.append((item[key], key))
            stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity",
                                                              "mainEntityOfPage"))
    # the article's own date before a page's creation date
    return sorted(out, key=lambda pair: PUBLISHED_KEYS.index(pair[1]))
