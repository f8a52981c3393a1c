"""Person records as linkage reads them: names, sex, birth year, origin, events and sources.

From the archive, only the persons the actor may see, through the policy, and only their
public part (names, sex, birth year, origin): the protected part never enters linkage, so a
pair's reasons can never show it.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.linkage.gazetteer import Gazetteer
from sillok.linkage.keys import PersonKeys, person_keys
from sillok.security.policy import Actor, visible_filter


@dataclass
class LinkRecord:
    """One person record to link. ``cluster`` is the true person, in evaluation sets only."""

    id: int
    names: list[str]
    sex: str | None = None
    birth_year: int | None = None
    birth_year_estimate: bool = False
    origin: str | None = None  # gazetteer code
    events: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    cluster: str | None = None


def rows(records: list[LinkRecord], gazetteer: Gazetteer | None = None) -> list[dict[str, Any]]:
    """The columns the linkage model compares, one dict per record."""
    places = gazetteer or Gazetteer.shipped()
    keys_of = _all_keys([tuple(rec.names) for rec in records])
    out = []
    for rec in records:
        keys = keys_of[tuple(rec.names)]
        sex = (rec.sex or "").strip().lower()[:1] or None
        out.append({
            "unique_id": rec.id,
            "surnames": keys.surnames or None,
            "givens": keys.givens or None,
            "givens_sorted": keys.givens_sorted or None,
            "given_hangul": keys.hangul or None,
            "given_readings": keys.readings or None,
            "name_keys": keys.full or None,
            "name_keys_sorted": keys.full_sorted or None,
            "primary_key": keys.primary,
            "first_name": rec.names[0] if rec.names else None,
            "sex": sex if sex in ("m", "f") else None,
            "birth_year": rec.birth_year,
            "birth_year_estimate": rec.birth_year_estimate,
            "origin": rec.origin,
            "origin_province": places.province_of(rec.origin),
            "events": [str(e) for e in rec.events] or None,
            "sources": [str(s) for s in rec.sources] or None,
        })
    return out


PARALLEL_FROM = 20_000  # distinct name lists; below this, starting workers costs more


def _person_keys(names: tuple[str, ...]) -> PersonKeys:
    return person_keys(names)


def _all_keys(name_lists: list[tuple[str, ...]]) -> dict[tuple[str, ...], PersonKeys]:
    """The keys of each distinct list of names, read on every core when there are many
    (reading romanized names is most of the time of a large deduplication)."""
    unique = list(dict.fromkeys(name_lists))
    cores = os.cpu_count() or 1
    if len(unique) < PARALLEL_FROM or cores < 2:
        return {names: person_keys(names) for names in unique}
    # Spawned, not forked: a fork of a process whose DuckDB threads ran can crash.
    with ProcessPoolExecutor(cores, mp_context=get_context("spawn")) as pool:
        return dict(zip(unique, pool.map(_person_keys, unique, chunksize=2_000), strict=True))


def archive_records(session: Session, actor: Actor) -> list[LinkRecord]:
    """Every person the actor may see and that is not retracted, as linkage records; a person
    and the records merged into it are one record with all their names, events and sources
    (each of those the actor may see too)."""
    persons = session.scalars(
        select(m.Person).where(visible_filter(m.Person, actor), m.Person.retracted_at.is_(None))
        .order_by(m.Person.id)).all()
    root = {p.id: p.merged_into_id or p.id for p in persons}
    codes = dict(session.execute(select(m.Place.id, m.Place.code)).all())
    events: dict[int, set[int]] = {}
    acts = select(m.Act.victim_id, m.Act.event_id).where(
        visible_filter(m.Act, actor), m.Act.retracted_at.is_(None))
    for victim, event in session.execute(acts):
        events.setdefault(root.get(victim, victim), set()).add(event)
    sources: dict[int, set[int]] = {}
    links = select(m.Evidence.record_id, m.Evidence.source_id).join(
        m.Source, m.Source.id == m.Evidence.source_id).where(
        m.Evidence.record_type == "person", visible_filter(m.Evidence, actor),
        visible_filter(m.Source, actor), m.Evidence.retracted_at.is_(None))
    for person, source in session.execute(links):
        sources.setdefault(root.get(person, person), set()).add(source)
    names: dict[int, list[str]] = {}
    for p in persons:
        names.setdefault(root[p.id], []).extend(n.name for n in p.names)
    return [LinkRecord(p.id, names.get(p.id, []), p.sex, p.birth_year, p.birth_year_estimate,
                       codes.get(p.origin_place_id) if p.origin_place_id else None,
                       sorted(events.get(p.id, ())), sorted(sources.get(p.id, ())))
            for p in persons if p.merged_into_id is None]


def gazetteer_of(session: Session) -> Gazetteer:
    """The archive's own gazetteer hierarchy (places added after init included)."""
    rows_ = session.execute(select(m.Place.id, m.Place.code, m.Place.kind, m.Place.parent_id)
                            ).all()
    code_of = {pid: code for pid, code, _, _ in rows_}
    return Gazetteer({code: kind for _, code, kind, _ in rows_},
                     {code: code_of.get(parent) if parent else None
                      for _, code, _, parent in rows_})
