"""Tables of the analysts' work: editors' answers on pairs linkage proposed (issue 20) and the
estimates an admin published (issue 21). Kept beside models.py (same metadata) so that it
stays short; re-exported there as ``models.LinkageDecision`` and ``models.PublishedEstimate``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sillok.db.models import Base
from sillok.db.types import utcnow


class LinkageDecision(Base):
    """An editor's answer on a pair that linkage proposed as one person or one act
    (linkage/decisions.py): ``different`` (not the same: never proposed again) or ``unsure``
    (kept in the queue, after the pairs nobody has looked at). A merge is not kept here: it is
    the record's own ``merged_into_id``, undone by an unmerge. Ids in ascending order."""

    __tablename__ = "linkage_decisions"
    __table_args__ = (
        CheckConstraint("record_type IN ('person', 'act')", name="record_type"),
        CheckConstraint("decision IN ('different', 'unsure')", name="decision"),
        CheckConstraint("a_id < b_id", name="ordered"),
        UniqueConstraint("record_type", "a_id", "b_id", name="uq_linkage_decisions_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(10))
    a_id: Mapped[int] = mapped_column(Integer)
    b_id: Mapped[int] = mapped_column(Integer, index=True)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublishedEstimate(Base):
    """An estimate of how many people there were (multiple systems estimation) that an admin
    put on the public statistics page: what was asked (filters, lists, method and its
    settings) and the result as computed then, shown as it is until it is unpublished
    (estimate/published.py). Never changed after publication but for its unpublication."""

    __tablename__ = "published_estimates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filter_text: Mapped[str] = mapped_column(Text, default="")
    lists_by: Mapped[str] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(12))
    # The method's settings (criterion, or the sampler's chains, draws and seed), enough to
    # compute the same estimate again with `sillok estimate --from-archive`.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # Estimate.as_dict()
    observed: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    unpublished_by: Mapped[str | None] = mapped_column(String(120), default=None)
    unpublished_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
