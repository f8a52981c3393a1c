"""Candidate duplicates among the persons an actor may see."""

from __future__ import annotations

from sillok.archive.service import Archive
from sillok.linkage.decisions import decisions
from sillok.linkage.pairs import Pair
from sillok.linkage.records import archive_records, gazetteer_of
from sillok.security.policy import Actor


def find_duplicates(archive: Archive, actor: Actor, min_probability: float = 0.9,
                    seed: int = 1, exclude_different: bool = True) -> list[Pair]:
    """Pairs of visible persons that the model, trained on those persons, takes for one
    person with at least ``min_probability``; most probable first. Pairs an editor said are
    not the same person (decisions.py) are left out."""
    from sillok.linkage.model import link  # splink: loaded when linking, not at start-up

    with archive.transaction() as session:
        records = archive_records(session, actor)
        gazetteer = gazetteer_of(session)
        different = {k for k, d in decisions(session, "person").items()
                     if d == "different"} if exclude_different else set()
    pairs = link(records, threshold=min_probability, seed=seed, gazetteer=gazetteer).pairs
    return [p for p in pairs if (min(p.a, p.b), max(p.a, p.b)) not in different]
