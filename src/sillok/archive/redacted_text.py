"""Redaction marks applied to text: what readers without restricted clearance see of a source.

A mark covers characters ``start..end`` of a source's text. Readers without restricted
clearance (the public, viewers) get the passage replaced by ``[redacted]`` (translated on
pages) wherever the source's words go out: the text, evidence quotes, search snippets, the API
and the public export. The search index holds the text with marked passages left out, so the
marked words cannot be found by anybody's search (docs/security.md). Kept free of the archive
service so the search index can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sillok.db import models as m

REDACTED = "[redacted]"
Span = tuple[int, int]


# Built once: every search result page of a reader without clearance reads the marks.
_MARKS = select(m.RedactionMark.source_id, m.RedactionMark.start_offset,
                m.RedactionMark.end_offset).where(
    m.RedactionMark.source_id.in_(bindparam("ids", expanding=True)))


def spans_by_source(session: Session, source_ids: Iterable[int]) -> dict[int, list[Span]]:
    """The marked spans of these sources, merged and in order (one query per 500 ids)."""
    ids = sorted(set(source_ids))
    found: dict[int, list[Span]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(_MARKS, {"ids": ids[start:start + 500]})
        for source_id, s, e in rows:
            found.setdefault(source_id, []).append((s, e))
    return {sid: merge(spans) for sid, spans in found.items()}


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def redact(text: str, spans: list[Span], placeholder: str = REDACTED) -> str:
    """The text with each marked span replaced by the placeholder."""
    if not spans:
        return text
    out, pos = [], 0
    for s, e in spans:
        if e <= pos or s >= len(text):
            continue
        out.append(text[pos:max(s, pos)])
        out.append(placeholder)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def for_index(text: str, spans: list[Span]) -> str:
    # A space, not nothing: the words either side must not join into a new word.
    return redact(text, spans, " ")


def redact_quote(quote: str, start: int, end: int, spans: list[Span]) -> str:
    """An evidence quote (characters ``start..end`` of its source) with marked parts replaced.
    A quote that is not exactly that slice any more is withheld whole if any mark touches it."""
    touching = [(s, e) for s, e in spans if s < end and e > start]
    if not touching:
        return quote
    if len(quote) != end - start:
        return REDACTED
    return redact(quote, [(max(s, start) - start, min(e, end) - start) for s, e in touching])


# Each hidden part of a public copy stands as one private-use character while a snippet is
# cut from it, so that no window starts or ends inside a placeholder or a pseudonym.
STAND_INS = 0xE001


def public_parts(text: str, marks: list[Span], names: list[tuple[int, int, str]]
                 ) -> tuple[str, dict[str, str]]:
    """The public copy of ``text`` — marked passages and protected names (start, end,
    pseudonym) replaced — with each replaced part as one private-use character, and what each
    character stands for (``fill`` puts them in)."""
    parts = sorted([(s, e, REDACTED) for s, e in marks] + names)
    out: list[str] = []
    shown: dict[str, str] = {}
    position = 0
    for s, e, what in parts:
        if s < position:
            # Overlapping parts (a name inside a marked passage) are hidden as one.
            if e > position:
                position = e
            continue
        out.append(text[position:s])
        ch = chr(STAND_INS + len(shown))
        shown[ch] = what
        out.append(ch)
        position = e
    out.append(text[position:])
    return "".join(out), shown


def fill(text: str, shown: dict[str, str]) -> str:
    for ch, what in shown.items():
        text = text.replace(ch, what)
    return text


def source_text(session: Session, source_id: int, text: str) -> str:
    """A source's text as readers without restricted clearance see it."""
    return redact(text, spans_by_source(session, [source_id]).get(source_id, []))
