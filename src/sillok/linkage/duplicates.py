"""Candidate duplicates among the persons an actor may see."""

from __future__ import annotations

from sillok.archive.service import Archive
from sillok.linkage.model import Pair, link
from sillok.linkage.records import archive_records, gazetteer_of
from sillok.security.policy import Actor


def find_duplicates(archive: Archive, actor: Actor, min_probability: float = 0.9,
                    seed: int = 1) -> list[Pair]:
    """Pairs of visible persons that the model, trained on those persons, takes for one
    person with at least ``min_probability``; most probable first."""
    with archive.transaction() as session:
        records = archive_records(session, actor)
        gazetteer = gazetteer_of(session)
    return link(records, threshold=min_probability, seed=seed, gazetteer=gazetteer).pairs
