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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sillok.archive.service import Archive
from sillok.archive.views import label as record_label
from sillok.db import models as m
from sillok.errors import NotFound
from sillok.language.names import hangul_keys, initial_form, latin_keys
from sillok.security.policy import Actor, visible_filter, visible_levels

KINDS = ("person", "place", "facility", "term", "source", "event", "act", "record")
# Rows read at most per kind for one lookup: a picker answers as the coder types, so a
# lookup over a very large archive looks at the newest records first.
SCAN = 20_000
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[^\s,·/()]+")


@dataclass(frozen=True)
class Choice:
    """One option: ``value`` is what the form sends (an id, ``type:id`` or a place or term
    code), ``label`` what the coder reads, ``detail`` what tells like names apart."""

    value: str
    label: str
    detail: str
    level: str
    score: int


def name_keys(text: str) -> list[str]:
    """The name key of each syllable of ``text`` (any script), each in its word-initial form
    so that given-name-first and surname-first spellings meet."""
    keys: list[str] = []
    for word in WORD.findall(text):
        found = hangul_keys(word) if HANGUL.search(word) else latin_keys(word)
        # Both key functions end a word of several syllables with the whole word's key.
        syllables = found[:-1] if len(found) > 1 else found
        keys.extend(initial_form(k) for k in syllables if k)
    return keys


def score(query: str, names: Iterable[str]) -> int:
    """How well ``query`` names one of ``names``: 4 the same text, 3 a name starting with
    it, 2 a name containing it, 1 the same name keys (another spelling), 0 no match."""
    typed = query.casefold().strip()
    if not typed:
        return 1
    typed_keys = name_keys(query)
    best = 0
    for name in names:
        folded = name.casefold()
        if folded == typed:
            return 4
        if folded.startswith(typed):
            best = max(best, 3)
        elif typed in folded:
            best = max(best, 2)
        elif best < 1 and typed_keys and _keys_match(typed_keys, name_keys(name)):
            best = 1
    return best


def _keys_match(typed: Sequence[str], name: Sequence[str]) -> bool:
    """Every typed syllable is one of the name's; the last may be half typed."""
    have = set(name)
    *whole, last = typed
    return all(k in have for k in whole) and (
        last in have or (len(last) > 1 and any(k.startswith(last) for k in have)))


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
