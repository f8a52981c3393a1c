"""How far two organisations' lists overlap, from their encodings files alone.

Every encoding of one file is compared with every encoding of the other by the Dice coefficient
(anonlink's vectorised comparison); pairs at or above the threshold are candidates, and each
record is matched at most once, best pair first (anonlink's greedy solver). The report gives
counts only: persons in each list, persons in both, and the same per act type and year. A count
below ``min_cell`` is withheld (``None``), so that a report cannot point at the one person of a
small cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bitarray import bitarray

from sillok.errors import Invalid
from sillok.privlink.encodings import EncodingsFile

# Set from bench/encodings.py: the Dice score above which two encodings are taken for the same
# person (bench/README.md gives the overlap it finds against the overlap found with names).
DEFAULT_THRESHOLD = 0.85
DEFAULT_MIN_CELL = 5


def _bits(clks: Sequence[bytes]) -> list[bitarray]:
    out = []
    for clk in clks:
        ba = bitarray(endian="big")
        ba.frombytes(clk)
        out.append(ba)
    return out


def match(a: Sequence[bytes], b: Sequence[bytes], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs (index in ``a``, index in ``b``) at or above ``threshold``."""
    if not a or not b:
        return []
    import anonlink  # loads pkg_resources (about a second): only comparing pays it

    candidates = anonlink.candidate_generation.find_candidate_pairs(
        [_bits(a), _bits(b)], anonlink.similarities.dice_coefficient_accelerated, threshold)
    groups = anonlink.solving.greedy_solve(candidates)
    pairs: list[tuple[int, int]] = []
    for group in groups:
        ends = dict(group)  # dataset index → record index
        pairs.append((int(ends[0]), int(ends[1])))
    return sorted(pairs)


@dataclass
class Overlap:
    a_name: str
    b_name: str
    a_persons: int
    b_persons: int
    shared: int
    threshold: float
    min_cell: int
    by_act: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"a": {"organisation": self.a_name, "persons": self.a_persons},
                "b": {"organisation": self.b_name, "persons": self.b_persons},
                "shared": self._cell(self.shared), "threshold": self.threshold,
                "suppressed_below": self.min_cell, "by_act": self.by_act}

    def _cell(self, value: int) -> int | None:
        return None if 0 < value < self.min_cell else value


def compare(a: EncodingsFile, b: EncodingsFile, threshold: float = DEFAULT_THRESHOLD,
            min_cell: int = DEFAULT_MIN_CELL) -> Overlap:
    if not 0.0 < threshold <= 1.0:
        raise Invalid({"threshold": "between 0 and 1"})
    if min_cell < 1:
        raise Invalid({"min_cell": "at least 1"})
    if a.scheme != b.scheme:
        raise Invalid({"scheme": "the two files were encoded with different schemes; both "
                                 "organisations must use the same settings"})
    if a.check != b.check:
        raise Invalid({"secret": "the two files were encoded with different secrets"})
    pairs = match(a.clks, b.clks, threshold)
    in_a = Counter(key for acts in a.acts for key in set(acts))
    in_b = Counter(key for acts in b.acts for key in set(acts))
    both: Counter[tuple[str, int | None]] = Counter()
    either: Counter[tuple[str, int | None]] = Counter()
    for i, j in pairs:
        left, right = set(a.acts[i]), set(b.acts[j])
        both.update(left & right)
        either.update(left | right)

    def cell(value: int) -> int | None:
        return None if 0 < value < min_cell else value

    by_act = []
    for key in sorted(set(in_a) | set(in_b), key=lambda k: (k[0], k[1] or 0)):
        values = {"a": in_a[key], "b": in_b[key], "shared": both[key],
                  "shared_any": either[key]}
        row: dict[str, Any] = {"act_type": key[0], "year": key[1]}
        row.update({name: cell(v) for name, v in values.items()})
        row["suppressed"] = any(0 < v < min_cell for v in values.values())
        by_act.append(row)
    return Overlap(a_name=a.organisation, b_name=b.organisation, a_persons=len(a.clks),
                   b_persons=len(b.clks), shared=len(pairs), threshold=threshold,
                   min_cell=min_cell, by_act=by_act)
