"""Acts coded twice: the same act from two sources, proposed for merge as persons are.

Two acts the actor may see are a candidate pair when they have the same victim (the same
person, or two persons merged into one) and the same act type, their fuzzy dates overlap (or
one is unknown), and their places are near by the gazetteer hierarchy: the same place, or
places in the same province (or one unknown). The pair's score counts what agrees beyond
that: dates known on both sides and overlapping, the same place, evidence from different
sources (the same act told twice, not one source coded twice). It is a rule's score between 0
and 1, not a trained probability: too few acts are coded twice in an archive to estimate one.
Pairs an editor said are different (decisions.py) and acts merged away are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.linkage.decisions import decisions
from sillok.linkage.gazetteer import Gazetteer
from sillok.linkage.pairs import Pair
from sillok.linkage.records import gazetteer_of
from sillok.security.policy import Actor, visible_filter

BASE = 0.5  # same victim and act type, nothing against
DATES, PLACE, PROVINCE, SOURCES = 0.2, 0.2, 0.1, 0.1


@dataclass
class _Act:
    id: int
    victim: int
    act_type: str
    start: date | None
    end: date | None
    place: str | None
    sources: frozenset[int]


def _acts(session: Session, actor: Actor) -> list[_Act]:
    victims = dict(session.execute(select(m.Person.id, m.Person.merged_into_id)).all())
    codes = dict(session.execute(select(m.Place.id, m.Place.code)).all())
    sources: dict[int, set[int]] = defaultdict(set)
    for act_id, source_id in session.execute(select(
            m.Evidence.record_id, m.Evidence.source_id).join(
            m.Source, m.Source.id == m.Evidence.source_id).where(
            m.Evidence.record_type == "act", visible_filter(m.Evidence, actor),
            visible_filter(m.Source, actor), m.Evidence.retracted_at.is_(None))):
        sources[act_id].add(source_id)
    rows = session.execute(select(
        m.Act.id, m.Act.victim_id, m.Act.act_type, m.Act.date_start, m.Act.date_end,
        m.Act.place_id).where(visible_filter(m.Act, actor), m.Act.retracted_at.is_(None),
                              m.Act.merged_into_id.is_(None)).order_by(m.Act.id))
    return [_Act(i, victims.get(v) or v, t, s, e, codes.get(p) if p else None,
                 frozenset(sources.get(i, ()))) for i, v, t, s, e, p in rows]


def _score(x: _Act, y: _Act, places: Gazetteer) -> tuple[float, list[str]] | None:
    """The pair's score and reasons, or None when something speaks against one act."""
    reasons = ["same victim", "same act type"]
    score = BASE
    if x.start and y.start:
        if (x.end or x.start) < y.start or (y.end or y.start) < x.start:
            return None
        score += DATES
        reasons.append("dates overlap")
    if x.place and y.place:
        if x.place == y.place:
            score += PLACE
            reasons.append("same place")
        elif places.province_of(x.place) and \
                places.province_of(x.place) == places.province_of(y.place):
            score += PROVINCE
            reasons.append("places in the same province")
        else:
            return None
    if x.sources and y.sources and not x.sources & y.sources:
        score += SOURCES
        reasons.append("told in different sources")
    return min(score, 1.0), reasons


def find_act_duplicates(archive: Archive, actor: Actor, min_score: float = 0.5
                        ) -> list[Pair]:
    """Candidate pairs of acts coded twice, best first."""
    with archive.transaction() as session:
        acts = _acts(session, actor)
        places = gazetteer_of(session)
        different = {k for k, d in decisions(session, "act").items() if d == "different"}
    groups: dict[tuple[int, str], list[_Act]] = defaultdict(list)
    for act in acts:
        groups[(act.victim, act.act_type)].append(act)
    pairs = []
    for group in groups.values():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                found = _score(x, y, places)
                if found and found[0] >= min_score and (x.id, y.id) not in different:
                    pairs.append(Pair(x.id, y.id, found[0], found[1]))
    pairs.sort(key=lambda p: (-p.probability, p.a, p.b))
    return pairs
