"""Choosing a record by typing part of its name (the workspace's pickers): persons in any
script or spelling (박철수 = Park Cheol-su = Pak Chol Su, or a pseudonym), places and
facilities of the gazetteer in any spelling with the place they lie in, vocabulary terms by
their Korean or English label, sources, events and acts by title or number.

Only records the actor may see are offered (policy.visible_filter), never retracted ones or
persons merged into another. A name matches when its text contains what was typed, or when
every syllable typed has the same name key (language/names.py) as a syllable of the name:
one coarse alphabet for Hangul and every romanization, so "Onsong" finds 온성군.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sillok.archive.service import Archive
from sillok.archive.views import label as record_label
from sillok.db import models as m
from sillok.errors import NotFound
from sillok.language.name_search import score
from sillok.security.policy import Actor, visible_filter, visible_levels

KINDS = ("person", "place", "facility", "term", "source", "event", "act", "record")
# Rows read at most per kind for one lookup: a picker answers as the coder types, so a
# lookup over a very large archive looks at the newest records first.
SCAN = 20_000


@dataclass(frozen=True)
class Choice:
    """One option: ``value`` is what the form sends (an id, ``type:id`` or a place or term
    code), ``label`` what the coder reads, ``detail`` what tells like names apart."""

    value: str
    label: str
    detail: str
    level: str
    score: int


def pick(archive: Archive, actor: Actor, kind: str, query: str, *, lang: str = "en",
         vocabulary: str | None = None, limit: int = 10) -> list[Choice]:
    """The records of ``kind`` that ``query`` names, best first, at most ``limit``."""
    if kind not in KINDS:
        raise NotFound(f"no picker for {kind}")
    query = query.strip()[:200]
    with archive.sessions() as session:
        if kind == "record":
            found = [c for k in ("person", "event", "act", "place", "source")
                     for c in _choices(session, actor, k, query, lang, None, typed=True)]
        else:
            found = _choices(session, actor, kind, query, lang, vocabulary)
    found.sort(key=lambda c: (-c.score, c.label))
    return found[:limit]


def _choices(session: Session, actor: Actor, kind: str, query: str, lang: str,
             vocabulary: str | None, typed: bool = False) -> list[Choice]:
    number = query.lstrip("#").isdigit()
    out: list[Choice] = []
    for obj, names, label, detail, value in _candidates(session, actor, kind, lang, vocabulary):
        points = 5 if number and str(obj.id) == query.lstrip("#") else score(query, names)
        if points:
            shown = f"{kind}:{value}" if typed else value
            out.append(Choice(shown, label, detail, obj.level, points))
    return out


Candidate = tuple[Any, list[str], str, str, str]


def _candidates(session: Session, actor: Actor, kind: str, lang: str,
                vocabulary: str | None) -> Iterable[Candidate]:
    """Each visible record of ``kind``: (record, the names it answers to, label, detail,
    the value the form sends)."""
    ko = lang == "ko"
    if kind == "person":
        rows = session.execute(_visible(m.Person, actor).where(m.Person.merged_into_id.is_(None))
                               .options(selectinload(m.Person.names))).scalars()
        for p in rows:
            names = [n.name for n in p.names]
            yield p, names, " / ".join(names) or f"#{p.id}", f"#{p.id}", str(p.id)
    elif kind in ("place", "facility"):
        places = session.execute(_visible(m.Place, actor).options(
            selectinload(m.Place.names))).scalars().all()
        by_id = {p.id: p for p in places}
        for p in places:
            if kind == "facility" and not (p.facility_type or p.kind == "facility"):
                continue
            names = [p.name_ko, p.name_en, p.code, *(n.name for n in p.names)]
            yield p, names, place_line(p, by_id, ko), p.code, p.code
    elif kind == "term":
        query = _visible(m.Term, actor)
        if vocabulary:
            query = query.where(m.Term.vocabulary == vocabulary)
        for t in session.execute(query).scalars():
            names = [t.label_ko, t.label_en, t.code, *t.synonyms_ko, *t.synonyms_en]
            first, second = (t.label_ko, t.label_en) if ko else (t.label_en, t.label_ko)
            yield t, names, f"{first} / {second}", f"{t.vocabulary}:{t.code}", t.code
    elif kind in ("source", "event", "act"):
        model = {"source": m.Source, "event": m.Event, "act": m.Act}[kind]
        for obj in session.execute(_visible(model, actor)).scalars():
            shown = record_label(session, actor, kind, obj)
            names = [shown, getattr(obj, "title", "") or getattr(obj, "act_type", "")]
            yield obj, names, shown, f"#{obj.id}", str(obj.id)


def _visible(model: Any, actor: Actor) -> Any:
    return (select(model).where(visible_filter(model, actor), model.retracted_at.is_(None))
            .order_by(model.id.desc()).limit(SCAN))


def place_line(place: m.Place, by_id: dict[int, m.Place], ko: bool) -> str:
    """"온성군, 함경북도" / "Onsong County, North Hamgyong": the place and the one it lies in
    (only a parent the reader may see is in ``by_id``)."""
    def name(p: m.Place) -> str:
        return p.name_ko if ko else p.name_en
    parent = by_id.get(p_id) if (p_id := place.parent_id) is not None else None
    return f"{name(place)}, {name(parent)}" if parent is not None else name(place)


def label_of(archive: Archive, actor: Actor, kind: str, value: str, *, lang: str = "en"
             ) -> str:
    """What a picker shows for a value already chosen (a form opened again): the record's
    label, or the value itself when it names nothing the actor may see."""
    value = value.strip()
    if not value:
        return ""
    if kind == "record":
        kind, _, value = value.partition(":")
    if kind not in KINDS:
        return value
    for choice in _exact(archive, actor, kind, value, lang):
        return choice
    return value


def _exact(archive: Archive, actor: Actor, kind: str, value: str, lang: str) -> list[str]:
    with archive.sessions() as session:
        if kind in ("place", "facility"):
            place = session.execute(_visible(m.Place, actor).where(m.Place.code == value)
                                    ).scalar_one_or_none()
            if place is None:
                return []
            parent = session.get(m.Place, place.parent_id) if place.parent_id else None
            by_id = {parent.id: parent} if parent is not None and \
                parent.level in visible_levels(actor) else {}
            return [place_line(place, by_id, lang == "ko")]
        if kind == "term" or not value.isdigit():
            return []
        model: Any = {"person": m.Person, "source": m.Source, "event": m.Event,
                      "act": m.Act}[kind]
        obj = session.execute(_visible(model, actor).where(model.id == int(value))
                              ).scalar_one_or_none()
        if obj is None:
            return []
        if kind == "person":
            return [" / ".join(n.name for n in obj.names) or f"#{obj.id}"]
        return [record_label(session, actor, kind, obj)]
