"""The review queue: the pairs linkage proposes, as an editor goes through them.

The pairs are those of ``sillok persons duplicates`` (duplicates.py), among the persons the
editor may see, without the pairs an editor said are not the same; pairs someone was unsure
of come after the others. Scoring trains the model on the archive (seconds), so the pairs
are kept between page loads while no record changed: a merge, "not the same" or "unsure"
only takes pairs out of (or moves them in) the kept list, while any other change to the
archive — an unmerge among them — has them scored again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.dates import render
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.linkage import decisions as answers
from sillok.linkage.act_pairs import find_act_duplicates
from sillok.linkage.decisions import decisions
from sillok.linkage.duplicates import find_duplicates
from sillok.linkage.merge import MODELS as MERGEABLE
from sillok.linkage.merge import unmerge
from sillok.linkage.pairs import Pair
from sillok.security.policy import Actor, visible_filter, visible_levels

# Answers that do not change what linkage reads: the pairs kept stay right after them.
KEEPS_PAIRS = ("merge", "different", "unsure", "reconsider", "view")
RECENT = 15


@dataclass
class Candidate:
    record_type: str
    a: int
    b: int
    probability: float
    reasons: list[str] = field(default_factory=list)
    decision: str | None = None  # "unsure" when an editor was; undecided pairs have None


_lock = threading.Lock()
_kept: dict[tuple[Any, ...], tuple[int, list[Pair]]] = {}


def _changed_at(session: Session) -> int:
    """The last audit entry that may change what linkage reads (every change is audited)."""
    last = session.scalars(select(m.AuditEntry.id).where(
        m.AuditEntry.action.not_in(KEEPS_PAIRS)).order_by(m.AuditEntry.id.desc()).limit(1)
    ).first()
    return int(last or 0)


def kept_pairs(archive: Archive, actor: Actor, key: str,
               score: Callable[[], list[Pair]]) -> list[Pair]:
    """``score()`` again only when the archive changed since it was last run for readers of
    the same levels (``key`` tells person pairs from act pairs)."""
    cache_key = (id(archive), key, tuple(visible_levels(actor)))
    with archive.sessions() as session:
        stamp = _changed_at(session)
    with _lock:
        found = _kept.get(cache_key)
        if found is not None and found[0] == stamp:
            return found[1]
    pairs = score()
    with _lock:
        _kept[cache_key] = (stamp, pairs)
    return pairs


def open_candidates(session: Session, record_type: str, pairs: list[Pair],
                    merged: set[int]) -> list[Candidate]:
    """The pairs still to answer: none an editor said are different, none with a record
    merged away since; unsure ones last."""
    answered = decisions(session, record_type)
    out = []
    for p in pairs:
        key = (min(p.a, p.b), max(p.a, p.b))
        decision = answered.get(key)
        if decision == "different" or p.a in merged or p.b in merged:
            continue
        out.append(Candidate(record_type, key[0], key[1], p.probability, p.reasons, decision))
    out.sort(key=lambda c: (c.decision is not None, -c.probability, c.a, c.b))
    return out


def person_candidates(archive: Archive, actor: Actor, min_probability: float = 0.9
                      ) -> list[Candidate]:
    pairs = kept_pairs(archive, actor, f"person:{min_probability}",
                       lambda: find_duplicates(archive, actor, min_probability,
                                               exclude_different=False))
    with archive.sessions() as session:
        merged = set(session.scalars(select(m.Person.id).where(
            m.Person.merged_into_id.is_not(None))))
        return open_candidates(session, "person", pairs, merged)


def act_candidates(archive: Archive, actor: Actor, min_score: float = 0.5
                   ) -> list[Candidate]:
    """The pairs of ``sillok acts duplicates`` still to answer."""
    pairs = kept_pairs(archive, actor, f"act:{min_score}",
                       lambda: find_act_duplicates(archive, actor, min_score))
    with archive.sessions() as session:
        merged = set(session.scalars(select(m.Act.id).where(m.Act.merged_into_id.is_not(None))))
        return open_candidates(session, "act", pairs, merged)


def act_card(archive: Archive, actor: Actor, act_id: int) -> dict[str, Any]:
    """What an editor compares of an act coded twice: type, date, place, victim, event and
    the sources of it and of the acts merged into it, as the editor may see them."""
    rec = archive.get(actor, "act", act_id)
    fields = rec["fields"]
    with archive.sessions() as session:
        merged = list(session.scalars(select(m.Act.id).where(
            m.Act.merged_into_id == act_id, visible_filter(m.Act, actor))))
        sources = _sources(session, actor, [("act", i) for i in (act_id, *merged)])
    return {"id": act_id, "label": rec["label"], "level": rec["level"],
            "act_type": fields.get("act_type"), "date": fields.get("date"),
            "place": fields.get("place"), "victim": fields.get("victim"),
            "event": fields.get("event"), "sources": sources, "merged": merged}


def person_card(archive: Archive, actor: Actor, person_id: int) -> dict[str, Any]:
    """What an editor compares of a person, side by side with another: names in every
    script (those of the records merged into it too), sex, birth year, origin, acts and
    sources — only what the editor may see, and no protected detail."""
    rec = archive.get(actor, "person", person_id)
    fields = rec["fields"]
    with archive.sessions() as session:
        merged = session.execute(select(m.Person).where(
            m.Person.merged_into_id == person_id, visible_filter(m.Person, actor),
            m.Person.retracted_at.is_(None)).order_by(m.Person.id)).scalars().all()
        names = [{"name": n["name"], "system": n.get("system")} for n in fields["names"]]
        for other in merged:
            names += [{"name": n.name, "system": n.system} for n in other.names]
        victims = [person_id, *(p.id for p in merged)]
        acts = session.execute(select(m.Act).where(
            m.Act.victim_id.in_(victims), visible_filter(m.Act, actor),
            m.Act.retracted_at.is_(None)).order_by(m.Act.id)).scalars().all()
        act_rows = [{"id": a.id, "act_type": a.act_type,
                     "date": render(a.date_start, a.date_end, a.date_precision,
                                    a.date_estimate)} for a in acts]
        sources = _sources(session, actor, [("person", v) for v in victims]
                           + [("act", a.id) for a in acts])
    return {"id": person_id, "label": rec["label"], "level": rec["level"], "names": names,
            "sex": fields.get("sex"), "birth_year": fields.get("birth_year"),
            "birth_year_estimate": fields.get("birth_year_estimate"),
            "origin": fields.get("origin_place"), "acts": act_rows, "sources": sources,
            "merged": [p.id for p in merged]}


def _sources(session: Session, actor: Actor, records: list[tuple[str, int]]
             ) -> list[dict[str, Any]]:
    """The sources the editor may see that are evidence for any of ``records``."""
    found: dict[int, str] = {}
    for record_type in {t for t, _ in records}:
        ids = [i for t, i in records if t == record_type]
        rows = session.execute(select(m.Source.id, m.Source.title).join(
            m.Evidence, m.Evidence.source_id == m.Source.id).where(
            m.Evidence.record_type == record_type, m.Evidence.record_id.in_(ids),
            visible_filter(m.Evidence, actor), visible_filter(m.Source, actor),
            m.Evidence.retracted_at.is_(None), m.Source.retracted_at.is_(None)))
        found.update({sid: title for sid, title in rows})
    return [{"id": sid, "title": found[sid]} for sid in sorted(found)]


def recent_answers(archive: Archive, actor: Actor, record_type: str = "person"
                   ) -> list[dict[str, Any]]:
    """The latest merges and answers on pairs of ``record_type``, each still in force, with
    what undoes it: an unmerge, or taking the answer back."""
    model = MERGEABLE[record_type]
    with archive.sessions() as session:
        entries = session.execute(select(m.AuditEntry).where(
            m.AuditEntry.record_type == record_type,
            m.AuditEntry.action.in_(("merge", "different", "unsure")))
            .order_by(m.AuditEntry.id.desc()).limit(RECENT * 4)).scalars().all()
        answered = decisions(session, record_type)
        ids = {e.record_id for e in entries if e.record_id is not None}
        persons = {p.id: p for p in session.scalars(select(model).where(
            model.id.in_(ids), visible_filter(model, actor)))}
        out: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for e in entries:
            after = e.after or {}
            person = persons.get(e.record_id or 0)
            if person is None:
                continue
            if e.action == "merge" and "merged_into" in after:
                into = after["merged_into"]
                if person.merged_into_id == into and (person.id, into) not in seen:
                    seen.add((person.id, into))
                    out.append({"action": "merge", "a": into, "b": person.id, "at": e.at})
            elif e.action in ("different", "unsure") and "pair" in after:
                key = answers.ordered(person.id, int(after["pair"]))
                if answered.get(key) == e.action and key not in seen and key[0] == person.id:
                    seen.add(key)
                    out.append({"action": e.action, "a": key[0], "b": key[1], "at": e.at})
            if len(out) >= RECENT:
                break
        return out


def undo_answer(archive: Archive, actor: Actor, record_type: str, a: int, b: int,
                reason: str | None = None) -> None:
    """Undo the answer on records ``a`` and ``b``: an unmerge of ``b`` when it is merged into
    ``a``, else the answer taken back."""
    with archive.sessions() as session:
        other = session.get(MERGEABLE[record_type], b)
        merged = other is not None and other.merged_into_id == a
    if merged:
        unmerge(archive, actor, b, reason=reason, record_type=record_type)
    else:
        answers.forget(archive, actor, record_type, a, b, reason=reason)
