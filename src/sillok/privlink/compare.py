"""How far two organisations' lists overlap, from their encodings files alone.

Every encoding of one file is compared with every encoding of the other by the Dice coefficient
(anonlink's vectorised comparison); pairs at or above the threshold are candidates. A candidate
is then set aside as a likely chance match when the lists themselves say that a score that high
is common for that name (the *chance check*, :func:`chance_pairs`): each list holds each person
once, so the other records scoring as high with either end of the pair, in its own list and in
the other, are namesakes. Their number gives how common such a partner is; times the size of
both lists, how many pairs that close the comparison finds by chance; the pair is set aside
when that is more than the persons the lists share (the overlap the threshold alone finds).
Namesakes grow with the lists while each person's records do not, so a fixed threshold finds
more false pairs the longer the lists are; this check grows with them. The rest is matched
one-to-one, best pair first (anonlink's greedy solver). The report gives counts only: persons in
each list, persons in both, and the same per act type and year. A count below ``min_cell`` is
withheld (``None``), so that a report cannot point at the one person of a small cell.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bitarray import bitarray

from sillok.errors import Invalid
from sillok.privlink.encodings import EncodingsFile

# Set from bench/encodings.py (seeds 7 and 11; 5,000, 20,000 and 50,000 persons, and lists of
# 12,000 against 2,000 and 10,000 against 10,000): the Dice score above which two encodings may be
# the same person (bench/README.md gives the overlap it finds against the overlap found with
# names). With the chance check it does not depend on the lists' size.
DEFAULT_THRESHOLD = 0.86
DEFAULT_MIN_CELL = 5
# The chance check's estimate of the shared persons is refined at most this many times (it
# settles in two or three on the bench's lists).
MAX_ROUNDS = 20


def _bits(clks: Sequence[bytes]) -> list[bitarray]:
    out = []
    for clk in clks:
        ba = bitarray(endian="big")
        ba.frombytes(clk)
        out.append(ba)
    return out


def _candidates(a: Sequence[bitarray], b: Sequence[bitarray], threshold: float) -> Any:
    import anonlink  # loads pkg_resources (about a second): only comparing pays it

    return anonlink.candidate_generation.find_candidate_pairs(
        [a, b], anonlink.similarities.dice_coefficient_accelerated, threshold)


def _close_scores(clks: Sequence[bitarray], threshold: float) -> list[list[float]]:
    """For each record of one list, the scores at or above ``threshold`` it has with the other
    records of that list, sorted."""
    scores: list[list[float]] = [[] for _ in clks]
    sims, _, (left, right) = _candidates(clks, clks, threshold)
    seen: set[tuple[int, int]] = set()
    for sim, i, j in zip(sims, left, right, strict=True):
        pair = (i, j) if i < j else (j, i)
        if i != j and pair not in seen:  # each unordered pair once, a record not with itself
            seen.add(pair)
            scores[i].append(sim)
            scores[j].append(sim)
    for row in scores:
        row.sort()
    return scores


def _at_least(row: Sequence[float], score: float) -> int:
    return len(row) - bisect_left(row, score - 1e-12)


def chance_pairs(namesakes: int, a_size: int, b_size: int) -> float:
    """How many pairs as close as a candidate's the comparison finds by chance, for a name that
    ``namesakes`` records show to be that common: the records other than the pair's two ends
    scoring as high with either end, counted in a's list and in b's (within each list and
    across), each list from both ends. Their share of the records they were drawn from is how
    likely a record is to be such a partner; times every pair of the two lists, how many such
    pairs there are."""
    share = namesakes / (2 * max(a_size - 1 + b_size - 1, 1))
    return share * a_size * b_size


def _chance_check(left: Sequence[bitarray], right: Sequence[bitarray], candidates: Any,
                  threshold: float) -> tuple[Any, int]:
    """The candidates without those the chance check sets aside, and how many it set aside.

    The persons the lists share are first taken as what the threshold alone finds (too many),
    then as what the check leaves, until that no longer changes: fewer shared persons make a
    chance pair likelier, so each round sets aside at least what the last did."""
    import anonlink

    sims, (set_a, set_b), (rec_a, rec_b) = candidates
    close_a, close_b = _close_scores(left, threshold), _close_scores(right, threshold)
    across_a: list[list[float]] = [[] for _ in left]  # each record of A: its scores with B
    across_b: list[list[float]] = [[] for _ in right]
    for sim, i, j in zip(sims, rec_a, rec_b, strict=True):
        across_a[i].append(sim)
        across_b[j].append(sim)
    for row in (*across_a, *across_b):
        row.sort()
    chance = [chance_pairs(_at_least(close_a[i], sim) + _at_least(close_b[j], sim)
                           + _at_least(across_a[i], sim) - 1 + _at_least(across_b[j], sim) - 1,
                           len(left), len(right))
              for sim, i, j in zip(sims, rec_a, rec_b, strict=True)]
    kept = candidates
    shared = len(anonlink.solving.greedy_solve(candidates))
    for _ in range(MAX_ROUNDS):
        keep = [n for n, expected in enumerate(chance) if expected <= shared]
        kept = (array("d", (sims[n] for n in keep)),
                (array("I", (set_a[n] for n in keep)), array("I", (set_b[n] for n in keep))),
                (array("I", (rec_a[n] for n in keep)), array("I", (rec_b[n] for n in keep))))
        found = len(anonlink.solving.greedy_solve(kept)) if keep else 0
        if found >= shared:
            break
        shared = found
    return kept, len(sims) - len(kept[0])


@dataclass(frozen=True)
class Matching:
    pairs: list[tuple[int, int]]  # one-to-one (index in a, index in b)
    set_aside: int  # candidate pairs the chance check set aside


def match(a: Sequence[bytes], b: Sequence[bytes], threshold: float,
          chance_check: bool = True) -> Matching:
    """One-to-one pairs (index in ``a``, index in ``b``) at or above ``threshold``, without the
    pairs the chance check sets aside (module docstring) unless ``chance_check`` is off."""
    if not a or not b:
        return Matching([], 0)
    import anonlink

    left, right = _bits(a), _bits(b)
    candidates = _candidates(left, right, threshold)
    set_aside = 0
    if chance_check:
        candidates, set_aside = _chance_check(left, right, candidates, threshold)
    groups = anonlink.solving.greedy_solve(candidates)
    pairs: list[tuple[int, int]] = []
    for group in groups:
        ends = dict(group)  # dataset index → record index
        pairs.append((int(ends[0]), int(ends[1])))
    return Matching(sorted(pairs), set_aside)


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
    chance_check: bool = True
    set_aside: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"a": {"organisation": self.a_name, "persons": self.a_persons},
                "b": {"organisation": self.b_name, "persons": self.b_persons},
                "shared": self._cell(self.shared), "threshold": self.threshold,
                "chance_check": self.chance_check, "set_aside_as_chance": self.set_aside,
                "suppressed_below": self.min_cell, "by_act": self.by_act}

    def _cell(self, value: int) -> int | None:
        return None if 0 < value < self.min_cell else value


def compare(a: EncodingsFile, b: EncodingsFile, threshold: float = DEFAULT_THRESHOLD,
            min_cell: int = DEFAULT_MIN_CELL, chance_check: bool = True) -> Overlap:
    if not 0.0 < threshold <= 1.0:
        raise Invalid({"threshold": "between 0 and 1"})
    if min_cell < 1:
        raise Invalid({"min_cell": "at least 1"})
    if a.scheme != b.scheme:
        raise Invalid({"scheme": f"the two files were encoded with different schemes "
                                 f"({a.scheme.label()} and {b.scheme.label()}); both "
                                 "organisations must export with the same Sillok scheme"})
    if a.check != b.check:
        raise Invalid({"secret": "the two files were encoded with different secrets"})
    matching = match(a.clks, b.clks, threshold, chance_check)
    pairs = matching.pairs
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
                   min_cell=min_cell, by_act=by_act, chance_check=chance_check,
                   set_aside=matching.set_aside)
