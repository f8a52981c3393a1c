"""Simulated populations of known size, to check that estimates and intervals find it.

Every person has a latent class; each list finds a person of class k with its own
probability. One class gives independent, homogeneous lists (the log-linear independence
model is then true); several classes give heterogeneous capture, the case that biases simple
estimates and that LCMCR models. ``dependence`` adds a direct link between the first two lists:
someone on list 1 is that much more likely (odds ratio) to be on list 2 too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sillok.estimate.overlap import OverlapTable


@dataclass(frozen=True)
class Scenario:
    size: int
    capture: tuple[tuple[float, ...], ...]  # per class, the chance each list finds a person
    weights: tuple[float, ...] = (1.0,)
    dependence: float = 1.0  # odds ratio between lists 1 and 2 (1: independent)

    @property
    def n_lists(self) -> int:
        return len(self.capture[0])


def homogeneous(size: int, probs: Sequence[float]) -> Scenario:
    return Scenario(size, (tuple(probs),))


def heterogeneous(size: int, n_lists: int = 4) -> Scenario:
    """Two classes: most people harder to find, three in ten easy for every list."""
    hard = tuple(0.15 + 0.05 * j for j in range(n_lists))
    easy = tuple(0.5 + 0.05 * j for j in range(n_lists))
    return Scenario(size, (hard, easy), (0.7, 0.3))


def draw(scenario: Scenario, rng: np.random.Generator,
         names: Sequence[str] | None = None) -> OverlapTable:
    """One population's overlap table (people on no list are not in it, as in life)."""
    n_lists = scenario.n_lists
    capture = np.asarray(scenario.capture)
    weights = np.asarray(scenario.weights) / np.sum(scenario.weights)
    cls = rng.choice(len(weights), size=scenario.size, p=weights)
    p = capture[cls]  # (size, L)
    found = rng.random(p.shape) < p
    if scenario.dependence != 1.0 and n_lists >= 2:
        odds = p[:, 1] / (1.0 - p[:, 1])
        boosted = np.where(found[:, 0], odds * scenario.dependence, odds)
        found[:, 1] = rng.random(scenario.size) < boosted / (1.0 + boosted)
    cell = (found.astype(np.int64) << np.arange(n_lists, dtype=np.int64)).sum(axis=1)
    counts = np.bincount(cell, minlength=2 ** n_lists)[1:].astype(np.int64)
    lists = tuple(names) if names else tuple(f"list{j + 1}" for j in range(n_lists))
    return OverlapTable(lists, counts)
