"""What a linkage run gives back: scored pairs and clusters.

Apart from model.py, which loads splink, duckdb and pyarrow (a second or more of start-up),
so that the review queue, merging and the commands that only show pairs start without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Pair:
    a: int
    b: int
    probability: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Linkage:
    pairs: list[Pair]
    clusters: dict[int, int]  # record id → id of its cluster's representative
    scored: int  # pairs the blocking rules let through
