"""The overlap table: how many people appear on exactly each combination of lists.

This is the aggregated capture-pattern format that R's Rcapture (``dfreq=TRUE``) and LCMCR
(``tabular=TRUE``) read: one 0/1 column per list and a column of counts, one row per pattern::

    osce,hrw,aba,count
    1,0,0,1210
    0,1,0,452
    1,1,0,55
    ...

Patterns are kept in one canonical order: pattern number ``p`` (1 … 2^L − 1) has list ``j`` in
it when bit ``j`` of ``p`` is set. The all-zero pattern (people on no list) is the one MSE
estimates, so it is never part of the data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from sillok.errors import Invalid, SillokError

MAX_LISTS = 15  # 2^15 − 1 cells; past that no method here is sensible anyway
COUNT_COLUMNS = ("count", "freq", "frequency", "n")  # Rcapture / LCMCR spellings


@dataclass(frozen=True)
class OverlapTable:
    """Counts of people by capture pattern over ``lists`` (canonical order, zeros kept)."""

    lists: tuple[str, ...]
    counts: NDArray[np.int64]  # length 2^L − 1: counts[p − 1] is pattern number p

    def __post_init__(self) -> None:
        if len(self.counts) != 2 ** len(self.lists) - 1:
            raise ValueError("counts must have one entry per non-empty pattern")

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        """People on at least one list: the documented count, a floor for the total."""
        return int(self.counts.sum())

    def patterns(self) -> NDArray[np.int8]:
        """The 0/1 matrix of patterns, one row per cell in canonical order."""
        return pattern_matrix(self.n_lists)

    def list_sizes(self) -> dict[str, int]:
        pats = self.patterns()
        return {name: int(self.counts[pats[:, j] == 1].sum()) for j, name in enumerate(self.lists)}

    def overlap(self, i: int, j: int) -> int:
        """People on both list ``i`` and list ``j`` (whatever else they are on)."""
        pats = self.patterns()
        return int(self.counts[(pats[:, i] == 1) & (pats[:, j] == 1)].sum())

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """(pattern, count) for every pattern with people, as a person would write them."""
        pats = self.patterns()
        return [(tuple(int(x) for x in pats[p]), int(c))
                for p, c in enumerate(self.counts) if c > 0]

    def as_dict(self) -> dict[str, object]:
        return {"lists": list(self.lists),
                "patterns": [{"pattern": list(p), "count": c} for p, c in self.rows()]}


def pattern_matrix(n_lists: int) -> NDArray[np.int8]:
    cells = np.arange(1, 2 ** n_lists, dtype=np.int64)
    bits = (cells[:, None] >> np.arange(n_lists, dtype=np.int64)[None, :]) & 1
    return bits.astype(np.int8)


def from_patterns(lists: Sequence[str], rows: Iterable[tuple[Sequence[int], int]]) -> OverlapTable:
    """A table from (pattern, count) pairs; repeated patterns are added up."""
    n = len(lists)
    _check_lists(lists)
    counts = np.zeros(2 ** n - 1, dtype=np.int64)
    for pattern, count in rows:
        if len(pattern) != n:
            raise Invalid({"pattern": f"{list(pattern)} has {len(pattern)} entries, "
                                      f"not one per list ({n})"})
        if any(x not in (0, 1) for x in pattern):
            raise Invalid({"pattern": f"{list(pattern)} holds something other than 0 and 1"})
        if count < 0:
            raise Invalid({"count": f"{count} is negative"})
        cell = sum(1 << j for j, x in enumerate(pattern) if x)
        if cell == 0:
            if count:
                raise Invalid({"pattern": "0 in every list counts people on no list, which is "
                                          "what is being estimated; leave that row out"})
            continue
        counts[cell - 1] += count
    table = OverlapTable(tuple(lists), counts)
    if table.observed == 0:
        raise Invalid({"count": "no one is on any list"})
    return table


def read_overlap_csv(path: Path) -> OverlapTable:
    """Read an overlap table from a CSV file; any fault is one :class:`Invalid` naming the line.

    The header names the lists and one count column (``count``, or ``Freq`` as R writes it).
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise SillokError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise SillokError(f"{path} is not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as exc:
        raise SillokError(f"cannot read {path}: {exc.strerror}") from None
    return parse_overlap_csv(text, str(path))


def parse_overlap_csv(text: str, where: str = "CSV") -> OverlapTable:
    try:
        sample = text[:4096]
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        if sample.strip():
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
        reader = list(csv.reader(text.splitlines(), dialect))
    except csv.Error as exc:
        raise Invalid({"file": f"not readable as CSV ({exc})"}, where) from None
    rows = [(i + 1, r) for i, r in enumerate(reader) if any(cell.strip() for cell in r)]
    if not rows:
        raise Invalid({"file": "is empty; it needs a header with one column per list and a "
                               "count column"}, where)
    header = [h.strip() for h in rows[0][1]]
    lowered = [h.lower() for h in header]
    count_at = [i for i, h in enumerate(lowered) if h in COUNT_COLUMNS]
    if not count_at:
        raise Invalid({"header": "no 'count' column (one 0/1 column per list and a column "
                                 "named count)"}, where)
    if len(count_at) > 1:
        raise Invalid({"header": "more than one count column: "
                                 + ", ".join(header[i] for i in count_at)}, where)
    ci = count_at[0]
    list_at = [i for i in range(len(header)) if i != ci]
    names = [header[i] for i in list_at]
    if any(not name for name in names):
        raise Invalid({"header": "a list column has no name"}, where)
    try:
        _check_lists(names)
    except Invalid as exc:
        raise Invalid(exc.errors, where) from None
    parsed: list[tuple[tuple[int, ...], int]] = []
    for line, raw in rows[1:]:
        cells = [c.strip() for c in raw]
        if len(cells) != len(header):
            raise Invalid({f"line {line}": f"has {len(cells)} fields, the header {len(header)}"},
                          where)
        pattern: list[int] = []
        for i in list_at:
            if cells[i] not in ("0", "1"):
                raise Invalid({f"line {line}": f"'{cells[i]}' in column '{header[i]}' is not "
                                               "0 or 1"}, where)
            pattern.append(int(cells[i]))
        count = _whole(cells[ci])
        if count is None:
            raise Invalid({f"line {line}": f"count '{cells[ci]}' is not a whole number ≥ 0"},
                          where)
        if count and not any(pattern):
            raise Invalid({f"line {line}": "0 in every list counts people on no list, which "
                                           "is what is being estimated; leave that row out"},
                          where)
        parsed.append((tuple(pattern), count))
    if not parsed:
        raise Invalid({"file": "has a header but no rows"}, where)
    try:
        return from_patterns(names, parsed)
    except Invalid as exc:
        raise Invalid(exc.errors, where) from None


def write_overlap_csv(table: OverlapTable) -> str:
    lines = [",".join([*table.lists, "count"])]
    lines += [",".join([*(str(x) for x in p), str(c)]) for p, c in table.rows()]
    return "\n".join(lines) + "\n"


def _check_lists(names: Sequence[str]) -> None:
    if len(names) < 2:
        raise Invalid({"lists": f"{len(names)} list column(s); at least 2 are needed (3 or "
                                "more for a trustworthy estimate)"})
    if len(names) > MAX_LISTS:
        raise Invalid({"lists": f"{len(names)} lists; at most {MAX_LISTS} are supported "
                                "(merge the smallest ones)"})
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise Invalid({"lists": f"'{name}' appears twice in the header"})
        seen.add(name.lower())


def _whole(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not np.isfinite(value) or value < 0 or value != int(value) or value > 10**12:
        return None
    return int(value)
