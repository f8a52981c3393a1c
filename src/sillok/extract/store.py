"""Suggestions kept with their source, for review: computed at ingest, listed, accepted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import NotFound
from sillok.extract.lexicon import lexicon_for
from sillok.extract.suggest import Ahead, Found, suggest
from sillok.security.policy import Actor, may_see


def store_suggestions(session: Session, source: m.Source, new: bool = False) -> int:
    """(Re)compute the open suggestions of ``source``; accepted and dismissed ones are kept.
    ``new``: the source was just created, so there is nothing to replace."""
    if new:
        return store_new_suggestions(session, [(source.id, source.text,
                                                source.published_start, None)])
    session.execute(delete(m.Suggestion).where(m.Suggestion.source_id == source.id,
                                               m.Suggestion.status == "open"))
    decided = {(s.kind, s.start, s.end) for s in session.execute(
        select(m.Suggestion).where(m.Suggestion.source_id == source.id)).scalars()}
    found = suggest(source.text, lexicon_for(session), source.published_start)
    return _insert(session, _rows(source.id, found, utcnow(), decided))


def store_new_suggestions(session: Session,
                          sources: list[tuple[int, str, date | None, Ahead | None]]) -> int:
    """The suggestions of sources just created (id, text, publication date, what the parsing
    worker found ahead), all inserted with one statement."""
    lexicon = lexicon_for(session)
    now = utcnow()
    rows = [row for source_id, text, anchor, pre in sources
            for row in _rows(source_id, suggest(text, lexicon, anchor, pre), now)]
    return _insert(session, rows)


def _rows(source_id: int, found: list[Found], now: datetime,
          decided: set[tuple[str, int, int]] | None = None) -> list[dict[str, Any]]:
    return [{"source_id": source_id, "kind": f.kind, "start": f.start, "end": f.end,
             "text": f.text[:1000], "value": f.value, "confidence": f.confidence,
             "status": "open", "created_at": now}
            for f in found if not decided or (f.kind, f.start, f.end) not in decided]


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    if rows:
        # Core executemany on the table: dozens of rows per source, no ORM work for each.
        session.execute(insert(cast(Table, m.Suggestion.__table__)), rows)
    return len(rows)


def suggestions_of(session: Session, actor: Actor, source_id: int,
                   status: str | None = "open", refresh: bool = False) -> list[dict[str, Any]]:
    """The suggestions of a source the actor may see (a suggestion is a passage of its source,
    so it is exactly as confidential as the source). Sources that were typed in or imported
    rather than ingested get theirs drawn on first request; ``refresh`` draws them again."""
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source):
        raise NotFound(f"source #{source_id} not found")
    drawn = session.execute(select(m.Suggestion.id).where(
        m.Suggestion.source_id == source_id).limit(1)).first()
    if (refresh or drawn is None) and source.text:
        store_suggestions(session, source)
        session.flush()
    query = select(m.Suggestion).where(m.Suggestion.source_id == source_id)
    if status:
        query = query.where(m.Suggestion.status == status)
    return [as_dict(s) for s in session.execute(
        query.order_by(m.Suggestion.start, m.Suggestion.kind)).scalars()]


def as_dict(s: m.Suggestion) -> dict[str, Any]:
    return {"id": s.id, "source": s.source_id, "kind": s.kind, "start": s.start, "end": s.end,
            "text": s.text, "value": s.value, "confidence": s.confidence, "status": s.status,
            "record": {"type": s.record_type, "id": s.record_id} if s.record_id else None}
