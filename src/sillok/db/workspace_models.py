"""Tables of the staff workspace (issue 18): who a record is assigned to, each user's saved
searches (point 8), and the sources public records cite as withheld (point 5). Kept beside
models.py (same metadata) so that it stays short."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sillok.db.models import Base
from sillok.db.types import utcnow


class Assignment(Base):
    """The staff user a record is assigned to (one at a time): who is to code, check or
    publish it. Each change is also in the audit trail (action ``assign``)."""

    __tablename__ = "record_assignments"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    assignee: Mapped[str] = mapped_column(String(120), index=True)
    assigned_by: Mapped[str] = mapped_column(String(120))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearch(Base):
    """A list's query and filters saved under a name by one user, for that user only."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(120))
    record_type: Mapped[str] = mapped_column(String(20))
    # The list's parameters as the address bar holds them (q, sort, filters, view).
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WithheldCitation(Base):
    """A public record citing a source the public may not read, as "a withheld source"
    (archive/withheld.py): the evidence keeps its level; the public sees only that the
    record rests on such a source."""

    __tablename__ = "withheld_citations"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "source_id",
                                       name="uq_withheld_citations_citation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
