"""Text families: plain text, Markdown, HTML pages and tables of many short sources (e-mail is
in formats_email)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sillok.ingest.detect import Detected, Refused
from sillok.ingest.document import (
    Extracted,
    join_blocks,
    paragraph_offsets,
)
from sillok.ingest.guards import Limits, check_html_depth
from sillok.ingest.metadata import heading, iso_date, structured_date, title_of

# Column names understood without a mapping, in English and Korean.
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "본문", "내용"),
    "title": ("title", "headline", "제목"),
    "published": ("published", "date", "날짜", "일자", "발행일"),
    "language": ("language", "lang", "언어"),
    "origin": ("origin", "url", "source", "출처"),
    "kind": ("kind", "type", "유형"),
}


def plain(d: Detected) -> Extracted:
    text = (d.text or "").replace("\r\n", "\n")
    title = heading(text)
    if d.family == "markdown":
        for line in text.splitlines():
            if line.startswith("#"):
                title = line.lstrip("#").strip() or title
                break
    return Extracted(d.family, d.media_type, text=text, title=title, encoding=d.encoding,
                     paragraphs=paragraph_offsets(text))


def html(d: Detected, limits: Limits) -> Extracted:
    import trafilatura
    from trafilatura.settings import Document

    source = d.text or ""
    check_html_depth(source, limits)
    doc = trafilatura.bare_extraction(source, with_metadata=True, include_comments=False,
                                      include_tables=True, favor_precision=True)
    if not isinstance(doc, Document) or not (doc.text or "").strip():
        raise Refused("no main text found in the HTML page")
    text, offsets = join_blocks((doc.text or "").split("\n"))
    metadata: dict[str, Any] = {k: v for k, v in (("sitename", doc.sitename),
                                                  ("url", doc.url)) if v}
    # The page's structured data says when it was published; the extractor's own date, drawn
    # from the text and the address too, is only the fallback (it took a date in a sidebar).
    published, said_by = structured_date(source)
    if published is None and iso_date(doc.date):
        published, said_by = iso_date(doc.date), "page text or address (trafilatura)"
    if said_by:
        metadata["date_source"] = said_by
    title, title_from = title_of(doc.title, text)
    if title_from:
        metadata["title_source"] = "page title" if title_from == "properties" else title_from
    return Extracted("html", "text/html", text=text, title=title, encoding=d.encoding,
                     published=published, author=doc.author, paragraphs=offsets,
                     metadata=metadata)


def table(d: Detected, mapping: dict[str, str]) -> Extracted:
    """Each row (CSV) or line (JSON lines) becomes one short source."""
    text = d.text or ""
    records: list[dict[str, Any]]
    if d.family == "jsonl":
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",\t;")
        records = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    columns = _columns(list(records[0].keys()) if records else [], mapping)
    if "text" not in columns:
        raise Refused("no text column: name one with --map text=COLUMN")
    rows: list[dict[str, Any]] = []
    for number, record in enumerate(records, start=1):
        row: dict[str, Any] = {f: _cell(record.get(c)) for f, c in columns.items()}
        row["row"] = number
        rows.append(row)
    return Extracted(d.family, d.media_type, encoding=d.encoding, rows=rows,
                     metadata={"columns": columns})


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    lower = {h.strip().lower(): h for h in header}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lower:
                found[field] = lower[name]
                break
    for field, column in mapping.items():
        if column not in header:
            raise Refused(f"--map {field}={column}: no such column (columns: {', '.join(header)})")
        found[field] = column
    return found


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.strip() or None
