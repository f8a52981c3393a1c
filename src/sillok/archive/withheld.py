"""Withheld sources: a public record citing a source the public may not read (issue 18 point 5).

An editor publishing a record that rests on an internal or restricted source may cite it as a
*withheld source*. The evidence keeps its level, so every way out (pages, API, exports,
search) keeps hiding the source, its title and the quoted words; a reader who may not see any
of that evidence is told only that the record rests on a source withheld from them — one
entry per such source, with no id, label, date or quote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.security.policy import Actor, may_see

WITHHELD_SOURCE = "[withheld source]"


def cited_withheld(session: Session, type_name: str, record_id: int) -> set[int]:
    """The sources a record cites as withheld (for the staff's publishing panel)."""
    return set(session.execute(select(m.WithheldCitation.source_id).where(
        m.WithheldCitation.record_type == type_name,
        m.WithheldCitation.record_id == record_id)).scalars())


def withheld_sources(session: Session, actor: Actor, type_name: str,
                     record_id: int) -> list[dict[str, Any]]:
    """What ``actor`` is shown of the record's withheld citations: one entry per cited source
    of which they may see no evidence of this record (evidence not retracted), and nothing
    else about it. A reader who sees the evidence reads it instead."""
    cited = cited_withheld(session, type_name, record_id)
    if not cited:
        return []
    rows = session.execute(select(m.Evidence).where(
        m.Evidence.record_type == type_name, m.Evidence.record_id == record_id,
        m.Evidence.source_id.in_(sorted(cited)), m.Evidence.retracted_at.is_(None))).scalars()
    seen: dict[int, bool] = {}
    for evidence in rows:
        seen[evidence.source_id] = seen.get(evidence.source_id, False) or may_see(actor,
                                                                                  evidence)
    hidden = sum(1 for visible in seen.values() if not visible)
    return [{"withheld": True,
             "source": {"type": "source", "id": None, "label": WITHHELD_SOURCE}}
            for _ in range(hidden)]


def cite_withheld(session: Session, actor: Actor, type_name: str, record_id: int,
                  source_id: int, reason: str) -> bool:
    """Cite ``source_id`` on the record as withheld; False if it is already. Audited on the
    source's history (which only those who may see the source read)."""
    if source_id in cited_withheld(session, type_name, record_id):
        return False
    session.add(m.WithheldCitation(record_type=type_name, record_id=record_id,
                                   source_id=source_id, created_by=actor.name,
                                   created_at=utcnow()))
    session.flush()
    record_change(session, actor=actor.name, action="cite-withheld", record_type="source",
                  record_id=source_id, reason=reason,
                  after={"record": {"type": type_name, "id": record_id}})
    return True
