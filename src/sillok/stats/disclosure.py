"""Disclosure control for public counts: small cells are hidden (primary suppression), and so
are enough other cells that no hidden one can be worked out from what is published
(complementary, or secondary, suppression).

A table of counts by dimensions d1…dn leaves Sillok with all its margins: the one-way tables
on /stats are the margins of the two-way tables on /data, and every one-way table shares the
grand total. So a table is treated as its *extended cube*: every cell keyed by one value per
dimension, where a dimension may also be :data:`TOTAL` (summed over). Each *line* of the cube
(all cells that differ only in one dimension, plus the cell with :data:`TOTAL` there) is an
equation: the cells add up to the total.

The method (iterative, line by line — the usual first approximation of the hypercube method,
with an exact audit behind it):

1. Primary suppression: a cell (or total) with fewer than ``k`` victims.
2. Cells equal by construction are hidden together: a line with a single cell makes that cell
   and its total the very same acts (e.g. an act type seen in one year only).
3. In every line, margins first: if exactly one of its entries (cells or total) is hidden,
   hide the smallest published cell of the line too (preferring cells whose hiding keeps the
   margins shown); repeat until no line changes.
4. Every cell is at least 1 (empty cells are not listed), so a line whose hidden cells add up
   to exactly their number gives each one away as 1: hide another cell of 2 or more there.
5. Audit: the whole system of line equations is solved exactly (sparse elimination modulo a
   large prime, see :func:`determined`); while any hidden cell is still determined by it,
   hide the smallest published cell of a line through it and go back to 3. (A complement that
   can be worked out protects nothing, so this asks more than "no small cell can be worked
   out".)

Every public table is cut from one cube protected here, the public base cube of act type ×
year × region (stats/base_cube.py), so all public tables hide the same cells and none can be
played against another.

Limits, also stated in docs/policy.md: protection is against exact recovery (and the all-ones
case), not against narrow intervals — the full answer is linear programming on every cell
(e.g. tau-argus), which a documentation centre's tables rarely need. Victims and events are
distinct counts, not sums, so for them the equations are only bounds; the same cells are
hidden in all three measures. This module protects the cube it is given and cannot see
across requests: tables drawn with different filters by fresh queries could be differenced
(a province minus one of its counties), which is why the public gets none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sillok.security.policy import CLEARANCE, Actor, Level

MEASURES = ("acts", "victims", "events")
SENSITIVE = "victims"  # the measure a cell is judged small by: people, not incidents
# How a hidden cell is written in text. One mark for every hidden cell: telling the small
# ones ("<5") from their complements (5 or more) would narrow both down again.
MARK = "x"
# How a count that is not added up is written: in a public table cut with a filter, a row that
# spans several cells adds up their acts, but victims and events (each counted once) do not
# add up across cells and are not shown there.
NOT_ADDED = "–"

Key = tuple[Any, ...]
Counts = Mapping[str, int]


class _Total:
    """The coordinate of a margin: this dimension is summed over."""

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Final = _Total()


def suppresses(actor: Actor) -> bool:
    """Whether counts shown to ``actor`` go through disclosure control: everyone who may see
    only public records (the anonymous public); staff with clearance see the true numbers."""
    return CLEARANCE[actor.role] == Level.public


@dataclass(frozen=True)
class Line:
    total: Key
    cells: tuple[Key, ...]


def level(key: Key) -> int:
    """How many dimensions of the key are values rather than :data:`TOTAL`."""
    return sum(1 for c in key if c is not TOTAL)


def lines(keys: Iterable[Key]) -> list[Line]:
    """Every line through the given cells: cells that differ in one dimension, and their
    total over that dimension."""
    groups: dict[tuple[int, Key], list[Key]] = {}
    for key in keys:
        for d, coord in enumerate(key):
            if coord is not TOTAL:
                total = (*key[:d], TOTAL, *key[d + 1:])
                groups.setdefault((d, total), []).append(key)
    return [Line(total, tuple(sorted(cells, key=order_key)))
            for (_d, total), cells in sorted(groups.items(), key=lambda g: (g[0][0],
                                                                            order_key(g[0][1])))]


def order_key(key: Key) -> tuple[tuple[int, str], ...]:
    """A total order on keys mixing None, numbers and codes, so that both backends (whose
    row orders differ) make the same choices."""
    return tuple((0, "") if c is TOTAL else (1, "") if c is None
                 else (2, f"{c:012d}") if isinstance(c, int) else (3, str(c)) for c in key)


def protect(cells: Mapping[Key, Counts], k: int) -> tuple[set[Key], set[Key]]:
    """The cells to hide and, among them, the primary (small) ones.

    ``cells`` holds every non-empty cell of the extended cube (margins included, as computed
    from the records); a key absent from it is an empty cell, which is published as such.
    """
    keys = sorted(cells, key=order_key)
    all_lines = sorted(lines(keys), key=lambda ln: level(ln.cells[0]))
    same = _alike(keys, all_lines)

    def cost(key: Key) -> tuple[int, int, int, tuple[tuple[int, str], ...]]:
        # Hiding a cell hides everything equal to it; keep margins (fewer dimensions) shown
        # where possible, then lose as little as possible.
        return (-min(level(x) for x in same[key]), cells[key][SENSITIVE], cells[key]["acts"],
                order_key(key))

    primary = {key for key in keys if cells[key][SENSITIVE] < k}
    hidden = set(primary)

    def hide(key: Key) -> None:
        hidden.update(same[key])

    while True:
        _close_lines(all_lines, hidden, cells, cost, hide)
        exposed = determined(keys, hidden)
        if not exposed:
            return hidden, primary
        before = len(hidden)
        for key in sorted(exposed, key=order_key):
            candidates = [c for ln in all_lines if key == ln.total or key in ln.cells
                          for c in ln.cells if c not in hidden]
            if candidates:
                hide(min(candidates, key=cost))
        if len(hidden) == before:
            # Nothing left to hide beside those cells: hide the finest table, and if even
            # that is hidden, everything. Never reached on tables seen so far; it keeps the
            # promise anyway.
            finest = [key for key in keys if level(key) == len(keys[0])]
            hidden.update(finest if not set(finest) <= hidden else keys)


def _alike(keys: list[Key], all_lines: list[Line]) -> dict[Key, list[Key]]:
    """For each cell, every cell equal to it by construction: a line with one cell only
    makes that cell and its total the same acts (and so the same counts), so that hiding one
    and showing the other would hide nothing. Such cells are hidden together."""
    parent = {key: key for key in keys}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for ln in all_lines:
        if len(ln.cells) == 1:
            a, b = find(ln.cells[0]), find(ln.total)
            if a != b:
                parent[max(a, b, key=order_key)] = min(a, b, key=order_key)
    groups: dict[Key, list[Key]] = {}
    for key in keys:
        groups.setdefault(find(key), []).append(key)
    return {key: groups[find(key)] for key in keys}


def _close_lines(all_lines: list[Line], hidden: set[Key], cells: Mapping[Key, Counts],
                 cost: Callable[[Key], Any], hide: Callable[[Key], None]) -> None:
    """Steps 3 and 4: until stable, no line with a single hidden entry, no line whose
    hidden cells must all be 1."""
    changed = True
    while changed:
        changed = False
        for ln in all_lines:
            open_cells = [c for c in ln.cells if c not in hidden]
            if not open_cells:
                continue
            n_hidden = sum(1 for c in ln.cells if c in hidden) + (ln.total in hidden)
            if n_hidden == 1:
                hide(min(open_cells, key=cost))
                changed = True
                continue
            if ln.total in hidden or n_hidden == 0:
                continue
            ones = [m for m in MEASURES if _all_ones(ln, hidden, cells, m)]
            if ones:
                big = [c for c in open_cells if min(cells[c][m] for m in ones) >= 2]
                if big:
                    hide(min(big, key=cost))
                    changed = True


def _all_ones(ln: Line, hidden: set[Key], cells: Mapping[Key, Counts], measure: str) -> bool:
    rest = cells[ln.total][measure] - sum(cells[c][measure] for c in ln.cells
                                          if c not in hidden)
    return rest == sum(1 for c in ln.cells if c in hidden)


def determined(keys: Iterable[Key], hidden: set[Key]) -> set[Key]:
    """The hidden cells whose value follows exactly from the published ones through the line
    equations among ``keys`` (each line: its cells add up to its total).

    The published cells are constants, so only the hidden ones are unknowns. The equations
    are brought to reduced row echelon form, exactly, in arithmetic modulo the prime
    2^61 − 1: an unknown is determined when its row there holds nothing else. Each line holds
    a few cells, so the rows are kept sparse and the shortest go first (rational elimination
    took 26 s on a cube of 2,263 cells and margins, a dense floating-point null space 4 s on
    another of 2,434 under load; this takes a fraction of a second). Modulo a prime the rank
    can only fall short of the rational rank when the prime divides a minor of the 0/±1
    matrix — with a prime this large, a chance far below one in a billion.
    """
    keys = list(keys)
    unknown = sorted((key for key in keys if key in hidden), key=order_key)
    if not unknown:
        return set()
    index = {key: i for i, key in enumerate(unknown)}
    rows: list[dict[int, int]] = []
    for ln in lines(keys):
        row = {index[c]: 1 for c in ln.cells if c in index}
        if ln.total in index:
            row[index[ln.total]] = _P - 1
        if row:
            rows.append(row)
    rows.sort(key=len)
    pivots: dict[int, dict[int, int]] = {}  # pivot column → its row, pivot coefficient 1
    holders: dict[int, set[int]] = {}  # column → the pivot columns whose rows hold it
    for row in rows:
        for col in [c for c in row if c in pivots]:  # pivot rows hold no other pivot
            _subtract(row, pivots[col], row[col])
        if not row:
            continue
        col = min(row, key=lambda c: (len(holders.get(c, ())), c))
        inverse = pow(row[col], _P - 2, _P)
        row = {c: v * inverse % _P for c, v in row.items()}
        for other in list(holders.pop(col, ())):
            prow = pivots[other]
            before = set(prow)
            _subtract(prow, row, prow[col])
            for c in set(prow) - before:
                holders.setdefault(c, set()).add(other)
            for c in before - set(prow) - {col}:
                holders[c].discard(other)
        pivots[col] = row
        for c in row:
            if c != col:
                holders.setdefault(c, set()).add(col)
    return {unknown[col] for col, prow in pivots.items() if len(prow) == 1}


_P = (1 << 61) - 1  # a Mersenne prime: the field the equations are solved in


def _subtract(row: dict[int, int], other: dict[int, int], factor: int) -> None:
    """row −= factor × other, modulo the prime; zeros are dropped."""
    for c, v in other.items():
        value = (row.get(c, 0) - factor * v) % _P
        if value:
            row[c] = value
        else:
            row.pop(c, None)
