"""Redaction marks: coders (editors, administrators) mark passages of a source that readers
without restricted clearance must not see; every mark and its removal is audited.

The passage itself never goes into the audit trail (only its digest), for the same reason as
protected details: the trail must not become a second copy of what was hidden.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.digests import digest, digest_key
from sillok.archive.redacted_text import REDACTED
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.search.index import index_record
from sillok.security.policy import Actor, may_see, may_see_level, require_write

TAG = re.compile(r"</?mark>")
STAND_IN = "\ue000"


def _source(session: Session, actor: Actor, source_id: int) -> m.Source:
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source):
        raise NotFound(f"no source #{source_id}")
    return source


def _digest(archive: Archive, session: Session, passage: str) -> str:
    return digest(passage, digest_key(session, archive.settings.data_dir))


def add_mark(archive: Archive, actor: Actor, source_id: int, start: int, end: int,
             reason: str) -> int:
    """Mark characters ``start..end`` of a source's text; returns the mark's id."""
    require_write(actor)
    reason = (reason or "").strip()
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        errors = {}
        if not 0 <= start < end <= len(source.text):
            errors["start"] = (f"give 0 <= start < end <= {len(source.text)} (the length of "
                               f"source #{source_id}'s text)")
        if not reason:
            errors["reason"] = "a redaction needs a reason"
        if errors:
            raise Invalid(errors)
        mark = m.RedactionMark(source_id=source_id, start_offset=start, end_offset=end,
                               reason=reason, created_by=actor.name)
        session.add(mark)
        session.flush()
        # Re-indexed in this transaction: from the commit on, search no longer finds it.
        index_record(session, "source", source)
        record_change(session, actor=actor.name, action="redact", record_type="source",
                      record_id=source_id, reason=reason,
                      after={"mark": mark.id, "start": start, "end": end,
                             "passage": _digest(archive, session, source.text[start:end])})
        return int(mark.id)


def list_marks(archive: Archive, actor: Actor, source_id: int) -> list[dict[str, Any]]:
    """The marks of a source with their passages: for readers who may see what is hidden."""
    if not may_see_level(actor, "restricted"):
        raise Forbidden("only readers with restricted clearance see redaction marks")
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        rows = session.execute(select(m.RedactionMark).where(
            m.RedactionMark.source_id == source_id).order_by(m.RedactionMark.start_offset,
                                                             m.RedactionMark.id)).scalars()
        return [{"id": r.id, "source": source_id, "start": r.start_offset,
                 "end": r.end_offset, "passage": source.text[r.start_offset:r.end_offset],
                 "reason": r.reason, "by": r.created_by, "at": r.created_at.isoformat()}
                for r in rows]


def remove_mark(archive: Archive, actor: Actor, mark_id: int, source_id: int | None = None
                ) -> None:
    require_write(actor)
    with archive.transaction() as session:
        mark = session.get(m.RedactionMark, mark_id)
        if mark is None or (source_id is not None and mark.source_id != source_id):
            raise NotFound(f"no redaction mark #{mark_id}")
        source = _source(session, actor, mark.source_id)
        record_change(session, actor=actor.name, action="unredact", record_type="source",
                      record_id=source.id,
                      before={"mark": mark.id, "start": mark.start_offset,
                              "end": mark.end_offset, "reason": mark.reason,
                              "passage": _digest(archive, session,
                                                 source.text[mark.start_offset:
                                                             mark.end_offset])})
        session.delete(mark)
        session.flush()
        index_record(session, "source", source)


def localise(text: str, label: str) -> str:
    """The placeholder in the reader's language (pages pass their translation of it)."""
    return text.replace(REDACTED, label) if label != REDACTED else text

