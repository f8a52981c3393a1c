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

import ahocorasick
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sillok.db import models as m

TERM_VOCABULARIES = ("act_type", "facility_type")
ORG_VOCABULARIES = ("agency",)
# What may follow a short Hangul name or term: particles (북한으로, 심양까지) and the verb
# endings that make a noun a verb (북송됐다, 송환하다), but not another syllable of a word.
PARTICLES = tuple("은는이가을를에의도로와과만께서랑으까부처보되됐돼하했당시")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Nouns written joined to a place's name that leave it the place: 청진역 (Chongjin station),
# 원산항 (Wonsan port), 회령교화소, 혜산시장 — not another word that starts alike (한국은행).
PLACE_HEADS = ("역", "역전", "항", "항구", "부두", "포구", "공항", "세관", "시장", "장마당",
               "교화소", "관리소", "집결소", "구류장", "단련대", "보위부", "안전부", "보안서",
               "탄광", "광산", "공장", "공단", "기업소", "농장", "병원", "학교")


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
            same = self.by_alias.setdefault(key, []) if key else []
            if key and all((e.kind, e.value) != (entry.kind, entry.value) for e in same):
                same.append(entry)
        for key, found in self.by_alias.items():
            # A facility's name (관리소, holding centre) is also a synonym of the act of
            # detention there: the text names the facility, so that is the suggestion.
            if any(e.value[:1] == (("vocabulary", "facility_type"),) for e in found):
                self.by_alias[key] = [e for e in found
                                      if e.value[:1] != (("vocabulary", "act_type"),)]
        # Aho–Corasick: every alias found in one pass over the text, however many there are.
        self.automaton = ahocorasick.Automaton()
        for key in self.by_alias:
            self.automaton.add_word(key, key)
        if self.by_alias:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        norm = unicodedata.normalize("NFKC", text)
        lower = norm.lower()
        if len(lower) != len(text):  # offsets must stay the caller's: fall back to the raw text
            norm, lower = text, text.lower()
            if len(lower) != len(text):
                return []
        if not self.by_alias:
            return []
        spans: list[tuple[int, int, str]] = []
        for last, key in self.automaton.iter(lower):
            start, end = last - len(key) + 1, last + 1
            if _bounded(norm, start, end, norm[start:end], self.by_alias[key][0]):
                spans.append((start, end, key))
        # Leftmost, then longest, across kinds: "North Korea" and not "Korea" inside it; a
        # place inside an agency's or a facility's name (중국 공안, Workers' Party of Korea,
        # 안전부 구류장) is part of that name, not a mention of the place.
        spans.sort(key=lambda s: (s[0], s[0] - s[1]))
        hits: list[Hit] = []
        taken_until = 0
        for start, end, key in spans:
            if start < taken_until:
                continue
            taken_until = end
            found = norm[start:end]
            for entry in self.by_alias[key]:
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
        return not (syllables <= 2 and HANGUL.match(after) and after not in PARTICLES
                    and not (entry.kind == "place" and text.startswith(PLACE_HEADS, end)))
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


SESSION_KEY = "sillok.extract.lexicon"
_cache: dict[tuple[str, object], Lexicon] = {}
_cache_lock = threading.Lock()


def lexicon_for(session: Session) -> Lexicon:
    """The lexicon of this archive, rebuilt only when its terms or places change (checked once
    per transaction: a batch of sources shares one)."""
    if SESSION_KEY in session.info:
        cached: Lexicon = session.info[SESSION_KEY]
        return cached
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
        session.info[SESSION_KEY] = _cache[key]
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
            if alias.rstrip().endswith(")") and "(" in alias:
                # "Ministry of State Security (MSS)" is also written without its bracket; a
                # bracket in the middle ("안전부(보안서) 구류장") belongs to the name.
                entries.append(Entry(kind, value, alias[:alias.rindex("(")].strip()))
    # Public records only: a suggestion must not reveal a restricted place to whoever reads it.
    places = session.execute(select(m.Place).where(m.Place.retracted_at.is_(None),
                                                   m.Place.level == "public")).scalars()
    for place in places:
        value = (("code", place.code),)
        for alias in [place.name_en, place.name_ko, *(n.name for n in place.names)]:
            entries.append(Entry("place", value, alias))
    return [e for e in entries if len(_key(e.alias)) >= 2]
