"""Finding the archive's own words in a text: every gazetteer name (Hangul, RR, MR/DPRK,
Chinese), every label and synonym of the violation vocabularies, every agency.

All aliases go into one regular expression, longest first, so "North Korea" wins over "Korea"
and 북조선 over 조선. Korean aliases must not start inside a longer Hangul word (탈북한 is not
북한); short ones (two syllables or less) must also be followed by a particle or a non-Hangul
character, so 조선족 is not 조선. Latin aliases need word boundaries; a place name must be
capitalised in the text as in the gazetteer, and an acronym (MSS, ROK) written exactly so.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sillok.db import models as m

TERM_VOCABULARIES = ("act_type", "facility_type")
ORG_VOCABULARIES = ("agency",)
PARTICLES = tuple("은는이가을를에의도로와과만께서랑")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Entry:
    kind: str  # place, term, organisation
    value: tuple[tuple[str, str], ...]  # e.g. (("code", "ryanggang"),)
    alias: str


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    text: str
    value: dict[str, str]
    confidence: float


class Lexicon:
    def __init__(self, entries: list[Entry]) -> None:
        self.by_alias: dict[str, list[Entry]] = {}
        for entry in entries:
            key = _key(entry.alias)
            if key and entry not in self.by_alias.setdefault(key, []):
                self.by_alias[key].append(entry)
        aliases = sorted(self.by_alias, key=lambda a: (-len(a), a))
        self.pattern = re.compile("|".join(re.escape(a) for a in aliases) or r"(?!x)x",
                                  re.IGNORECASE)

    def find(self, text: str) -> list[Hit]:
        norm = unicodedata.normalize("NFKC", text)
        if len(norm) != len(text):  # offsets must stay the caller's: fall back to the raw text
            norm = text
        hits: list[Hit] = []
        for match in self.pattern.finditer(norm):
            start, end = match.span()
            found = match.group(0)
            entries = self.by_alias.get(_key(found), [])
            if not entries or not _bounded(norm, start, end, found, entries[0]):
                continue
            for entry in entries:
                hits.append(Hit(entry.kind, start, end, text[start:end], dict(entry.value),
                                _confidence(entry, found)))
        return hits


def _key(alias: str) -> str:
    return unicodedata.normalize("NFKC", alias).strip().lower()


def _bounded(text: str, start: int, end: int, found: str, entry: Entry) -> bool:
    alias = entry.alias
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if HANGUL.match(found[0]):
        if HANGUL.match(before):
            return False
        syllables = len(HANGUL.findall(found))
        return not (syllables <= 2 and HANGUL.match(after) and after not in PARTICLES)
    if before.isalnum() or (after.isalnum() and not (after == "s" and _plural_ok(text, end))):
        return False
    if alias.isupper() and len(alias) <= 6:
        return found == alias  # acronyms: MSS, DPRK, ROK — not "mss" or "rok"
    # A place's name must be capitalised in the text too (China, not china); vocabulary
    # labels are only sentence-cased (Forced repatriation = forced repatriation).
    return not (entry.kind == "place" and alias[:1].isupper() and not found[:1].isupper())


def _plural_ok(text: str, end: int) -> bool:
    # "public executions": the plural of an English term is the term.
    return end + 1 >= len(text) or not text[end + 1].isalnum()


def _confidence(entry: Entry, found: str) -> float:
    if entry.kind == "organisation" and found.islower():
        return 0.6  # "police", "state security": generic words, often somebody else's
    if HANGUL.match(found[0]) and len(found) <= 2:
        return 0.8
    return 0.95


_cache: dict[tuple[str, object], Lexicon] = {}
_cache_lock = threading.Lock()


def lexicon_for(session: Session) -> Lexicon:
    """The lexicon of this archive, rebuilt only when its terms or places change."""
    version = (
        session.execute(select(func.count(), func.max(m.Term.updated_at))).one(),
        session.execute(select(func.count(), func.max(m.Place.updated_at))).one(),
        session.execute(select(func.count()).select_from(m.PlaceName)).scalar_one(),
    )
    key = (str(session.get_bind().engine.url), repr(version))
    with _cache_lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = Lexicon(_entries(session))
        return _cache[key]


def _entries(session: Session) -> list[Entry]:
    entries: list[Entry] = []
    value: tuple[tuple[str, str], ...]
    terms = session.execute(select(m.Term).where(
        m.Term.vocabulary.in_(TERM_VOCABULARIES + ORG_VOCABULARIES),
        m.Term.retracted_at.is_(None), m.Term.code != "other",
        m.Term.level == "public")).scalars()
    for term in terms:
        kind = "organisation" if term.vocabulary in ORG_VOCABULARIES else "term"
        value = (("vocabulary", term.vocabulary), ("code", term.code))
        for alias in [term.label_en, term.label_ko, *term.synonyms_en, *term.synonyms_ko]:
            entries.append(Entry(kind, value, alias))
            if "(" in alias:  # "Ministry of State Security (MSS)" is also written without
                entries.append(Entry(kind, value, alias.split("(")[0].strip()))
    # Public records only: a suggestion must not reveal a restricted place to whoever reads it.
    places = session.execute(select(m.Place).where(m.Place.retracted_at.is_(None),
                                                   m.Place.level == "public")).scalars()
    for place in places:
        value = (("code", place.code),)
        for alias in [place.name_en, place.name_ko, *(n.name for n in place.names)]:
            entries.append(Entry("place", value, alias))
    return [e for e in entries if len(_key(e.alias)) >= 2]
