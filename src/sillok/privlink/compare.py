"""How far two organisations' lists overlap, from their encodings files alone.

Every encoding of one file is compared with every encoding of the other by the Dice coefficient
(anonlink's vectorised comparison); pairs at or above the threshold are candidates. A candidate
is then set aside as a likely chance match when the lists themselves say its score is common
between different persons (the *chance check*, :func:`chance_partners`): each list holds each
person once, so the records of a list that score as high with one end of the pair as the pair
scores with each other are namesakes, and their number, scaled to the size of the other list,
is how many partners that high the end would find there by chance. Namesakes grow with the
lists while each person's records do not, so a fixed threshold finds more false pairs the longer
the lists are; this check grows with them. The rest is matched one-to-one, best pair first
(anonlink's greedy solver). The report gives counts only: persons in each list, persons in both,
and the same per act type and year. A count below ``min_cell`` is withheld (``None``), so that a
report cannot point at the one person of a small cell.
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

# Set from bench/encodings.py (seeds 7 and 11, 5,000 and 20,000 persons): the Dice score above
# which two encodings may be the same person (bench/README.md gives the overlap it finds against
# the overlap found with names). With the chance check it does not depend on the lists' size.
DEFAULT_THRESHOLD = 0.84
DEFAULT_MIN_CELL = 5
# A pair is set aside when more than this many chance partners as close are expected for its
# ends (the mean of the two ends' estimates): at most half a one, so that a pair kept is likelier
# the person than a namesake when about half of each list is in the other.
MAX_CHANCE_PARTNERS = 0.5


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


def chance_partners(close: Sequence[Sequence[float]], record: int, score: float,
                    other_size: int) -> float:
    """How many records of a list of ``other_size`` persons would score ``score`` or more with
    ``record`` by chance, estimated from its own list (``close``: :func:`_close_scores`): the
    share of its list that does, times the size of the other list."""
    row = close[record]
    at_least = len(row) - bisect_left(row, score - 1e-12)
    return at_least * other_size / max(len(close) - 1, 1)


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
        close_a, close_b = _close_scores(left, threshold), _close_scores(right, threshold)
        sims, (set_a, set_b), (rec_a, rec_b) = candidates
        keep: list[int] = []
        for n, (sim, i, j) in enumerate(zip(sims, rec_a, rec_b, strict=True)):
            expected = (chance_partners(close_a, i, sim, len(b))
                        + chance_partners(close_b, j, sim, len(a))) / 2
            if expected <= MAX_CHANCE_PARTNERS:
                keep.append(n)
        set_aside = len(sims) - len(keep)
        candidates = (array("d", (sims[n] for n in keep)),
                      (array("I", (set_a[n] for n in keep)), array("I", (set_b[n] for n in keep))),
                      (array("I", (rec_a[n] for n in keep)), array("I", (rec_b[n] for n in keep))))
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
