"""An estimate from the archive's own lists: the overlap table that stats/overlaps.py builds
(victims by the source kinds or origins that documented them), with what the archive knows
and the table cannot show — sources of one list that restate another's.

The overlaps are described by a protocol, not imported: the statistics service and this one
stand side by side (neither imports the other), and both doors (CLI, web) call this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sillok.errors import Invalid
from sillok.estimate import lcmcr
from sillok.estimate.cautions import restated_caution
from sillok.estimate.estimator import Method, estimate
from sillok.estimate.loglinear import Criterion
from sillok.estimate.overlap import OverlapTable, from_patterns
from sillok.estimate.result import Estimate


class Restated(Protocol):
    @property
    def restating(self) -> str: ...
    @property
    def restated(self) -> str: ...
    @property
    def sources(self) -> int: ...
    @property
    def of(self) -> int: ...


class ListOverlaps(Protocol):
    """What stats.overlaps.Overlaps holds."""

    @property
    def lists(self) -> list[str]: ...
    @property
    def patterns(self) -> dict[tuple[int, ...], int]: ...
    @property
    def persons(self) -> int: ...
    @property
    def on_no_list(self) -> int: ...
    @property
    def filters(self) -> dict[str, list[str]]: ...
    @property
    def lists_by(self) -> str: ...
    @property
    def restated(self) -> Sequence[Restated]: ...


def archive_table(lists: Sequence[str], patterns: Mapping[tuple[int, ...], int],
                  lists_by: str) -> OverlapTable:
    """The overlap table, refused with a reason when fewer than two lists document anyone."""
    if len(lists) < 2 or not patterns:
        raise Invalid({"lists": f"{len(lists)} {lists_by} group(s) document these victims; "
                                "at least 2 lists are needed"})
    return from_patterns(lists, patterns.items())


def estimate_lists(overlaps: ListOverlaps, method: Method = "loglinear", *,
                   criterion: Criterion = "bic", model: str | None = None,
                   settings: lcmcr.Settings | None = None) -> Estimate:
    table = archive_table(overlaps.lists, overlaps.patterns, overlaps.lists_by)
    result = estimate(table, method, criterion=criterion, model=model, settings=settings)
    result.details["archive"] = {"filter": overlaps.filters, "lists_by": overlaps.lists_by,
                                 "victims": overlaps.persons,
                                 "victims_on_no_list": overlaps.on_no_list}
    return result.with_cautions([restated_caution(r.restating, r.restated, r.sources, r.of)
                                 for r in overlaps.restated])
