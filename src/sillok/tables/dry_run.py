"""The steps every import of another system's records shares — the table import
(tables/importing.py) and the Uwazi import (exchange/uwazi_import.py):

- a *plan*: the records it would create (in the bulk format of archive/bulk.py, with refs local
  to the import) and a report per item (a row, an entity) of what it creates, mapped, keeps for
  review and refuses;
- an *origin record* whose text has one line per item, so every imported record can cite the
  line it came from;
- a *dry run* that writes nothing but a proposed mapping (never over an officer's edited one);
- a *real run* that writes the whole plan in one transaction through the archive service (so
  the policy, the audit chain and the search index apply), or nothing at all when any item is
  refused.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.orm import Session

from sillok.archive.bulk import BulkResult, add_records
from sillok.archive.service import Archive
from sillok.errors import Invalid, Said
from sillok.security.policy import Actor
from sillok.tables import cells
from sillok.tables.notes import Note, Word

LEVELS = ("public", "internal", "restricted")
MAX_REASONS = 25
ORIGIN = "origin"  # the ref of the origin record in every plan

# A plan's records name only records of earlier types, so in this order each type is one
# run of records that add_records inserts in batches instead of one at a time.
TYPE_ORDER = ("source", "person", "relation", "event", "act", "involvement", "evidence")


def in_type_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    return sorted(records, key=lambda rec: order.get(str(rec.get("type")), len(order)))


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise Invalid({"level": f"one of {', '.join(LEVELS)}"})


@dataclass(kw_only=True)
class ItemReport(ABC):
    """What one item (a row, an entity) becomes. A subclass names the item (``where``)."""

    creates: list[str] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    @abstractmethod
    def where(self) -> str:
        """The item's name in a report: "row 3", "entity abc"."""

    @property
    def status(self) -> str:
        return "refused" if self.refused else "ok"

    def lists(self) -> dict[str, Any]:
        return {"status": self.status, "creates": self.creates, "mapped": self.mapped,
                "review": self.review, "refused": self.refused}


R = TypeVar("R", bound=ItemReport)


@dataclass(kw_only=True)
class PlanBase(ABC, Generic[R]):
    """The records an import would create and its items' reports (``items``)."""

    unit: ClassVar[str] = "items"  # what the items are called, plural: "rows", "entities"
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    @abstractmethod
    def items(self) -> list[R]:
        """Every item's report, in the import's order."""

    @property
    def refused(self) -> list[R]:
        return [r for r in self.items if r.refused]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rec in self.records:
            out[rec["type"]] = out.get(rec["type"], 0) + 1
        return out


@dataclass
class Lookups:
    """The vocabularies and the gazetteer that values are read against."""

    act_types: cells.Vocabulary
    sexes: cells.Vocabulary
    source_kinds: cells.Vocabulary
    places: cells.Places

    @classmethod
    def load(cls, session: Session) -> Lookups:
        return cls(cells.Vocabulary.load(session, "act_type"),
                   cells.Vocabulary.load(session, "sex"),
                   cells.Vocabulary.load(session, "source_kind"), cells.Places.load(session))

    def sex(self, texts: list[str]) -> str | None:
        """The sex code of the first of ``texts`` (a value's labels) that names one."""
        return next((c for t in texts if (c := self.sexes.code(t) or cells.SEX_SHORT.get(
            t.strip().casefold()))), None)

    def place(self, texts: list[str]) -> tuple[str | None, str | None]:
        """(code, None) for the first of ``texts`` (a value's labels) that names one place;
        else (None, why the first does not)."""
        first: tuple[str | None, str | None] = (None, None)
        for i, text in enumerate(texts):
            code, why = self.places.find(text)
            if code:
                return code, None
            if i == 0:
                first = (None, why)
        return first


@dataclass
class OriginLines:
    """The origin record's text, one line per item, and each item's character span in it."""

    lines: list[str] = field(default_factory=list)
    spans: dict[Any, tuple[int, int]] = field(default_factory=dict)
    _offset: int = 0

    def add(self, key: Any, line: str) -> None:
        self.spans[key] = (self._offset, self._offset + len(line))
        self.lines.append(line)
        self._offset += len(line) + 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def cite(self, key: Any, record: str, level: str) -> dict[str, Any]:
        """An evidence record tying ``record`` to the line of item ``key``."""
        start, end = self.spans[key]
        return {"type": "evidence", "level": level, "source": ORIGIN, "record": record,
                "start": start, "end": end}


P = TypeVar("P", bound=PlanBase[Any])


@dataclass
class Outcome(Generic[P]):
    plan: P
    mapping_written: Path | None = None
    result: BulkResult | None = None


def finish(archive: Archive, actor: Actor, outcome: Outcome[P], *, name: str, dry_run: bool,
           mapping_file: Path | None, proposed: Path, write_mapping: Callable[[Path], None],
           before: Callable[[], Callable[[Session], None]] | None = None) -> Outcome[P]:
    """The dry run (propose a mapping) or the real run of a built plan. ``name`` names the
    import in errors; ``before`` runs once nothing is refused and gives what add_records runs
    first in its transaction (e.g. the rows of fetched originals)."""
    if dry_run:
        # An officer's edited mapping is never overwritten by a new proposal.
        if mapping_file is None and not proposed.exists():
            write_mapping(proposed)
            outcome.mapping_written = proposed
        return outcome
    plan = outcome.plan
    if plan.refused:
        reasons = {r.where: Said.joined(r.refused) for r in plan.refused[:MAX_REASONS]}
        if len(plan.refused) > MAX_REASONS:
            reasons["…"] = Note("more_items", count=len(plan.refused) - MAX_REASONS,
                                unit=Word(plan.unit))
        raise Invalid(reasons, Note("refused_items", name=name, unit=Word(plan.unit),
                                    count=len(plan.refused)))
    hook = before() if before is not None else None
    try:
        outcome.result = add_records(archive, actor, in_type_order(plan.records),
                                     action="import", before=hook)
    except Invalid as exc:
        raise Invalid(exc.errors, Note("nothing_imported", name=name)) from None
    return outcome
