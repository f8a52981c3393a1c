"""Scores of a linkage against the truth of an evaluation set: pairwise precision, recall and
F1 over the pairs put in one cluster, and cluster F1 (a cluster counts when it is exactly a
true person's records)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sillok.linkage.pairs import Linkage
from sillok.linkage.records import LinkRecord


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float
    pairs_scored: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in vars(self).items()}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(groups: Iterable[Sequence[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a, b in itertools.combinations(sorted(g), 2)}


def _groups(assignment: Mapping[int, object]) -> list[list[int]]:
    out: dict[object, list[int]] = {}
    for rid, cluster in assignment.items():
        out.setdefault(cluster, []).append(rid)
    return list(out.values())


def score(records: Sequence[LinkRecord], linkage: Linkage) -> Scores:
    """Pairwise scores over the clustered pairs (the pairs a merge would join), and cluster
    scores."""
    truth = _groups({r.id: r.cluster for r in records})
    found = _groups(linkage.clusters)
    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    true_sets = {frozenset(g) for g in truth}
    found_sets = {frozenset(g) for g in found}
    exact = len(true_sets & found_sets)
    c_precision, c_recall = exact / len(found_sets), exact / len(true_sets)
    return Scores(precision, recall, _f1(precision, recall), c_precision, c_recall,
                  _f1(c_precision, c_recall), linkage.scored)


def evaluate(records: Sequence[LinkRecord], seed: int = 1) -> dict[str, Scores]:
    """The Korean model and splink's defaults, trained and scored on the same records."""
    from sillok.linkage.model import link  # splink: loaded when linking, not at start-up

    if any(r.cluster is None for r in records):
        raise ValueError("every evaluation record needs its true cluster")
    return {
        "korean": score(records, link(records, seed=seed)),
        "baseline": score(records, link(records, baseline=True, seed=seed)),
    }
