"""The domain thesaurus (data/thesaurus.yaml): words in Korean and English for the same thing
(탈북민 = 탈북자 = defector …), each entry with its source.

A query's words are looked up in it by a key that forgives what a reader should not have to
get right: case, a Latin word's inflection (defectors → defector) and a Korean particle after
the word (탈북민들이, 보위부에서 → 탈북민, 보위부).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from sillok.language.analyzer import HANGUL, normalise, stem

# Particles and plural endings a Korean query word may carry after a thesaurus word: at most
# this many syllables are cut to find it (탈북민들에게: 들에게).
MAX_ENDING = 3
LATIN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Entry:
    id: str
    ko: tuple[str, ...]
    en: tuple[str, ...]
    source: str
    term: str | None = None  # vocabulary:code, when the entry is a vocabulary term's words

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.ko, *self.en)


def key(text: str) -> str:
    """The form words are compared in: lower case, Latin words by their stems."""
    out = []
    for word in normalise(text).split():
        if HANGUL.search(word):
            out.append(word)
        else:
            out.append(" ".join(stem(t) for t in LATIN.findall(word)))
    return " ".join(w for w in out if w)


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    raw = yaml.safe_load((resources.files("sillok") / "data" / "thesaurus.yaml")
                         .read_text(encoding="utf-8"))
    return tuple(Entry(e["id"], tuple(e.get("ko") or ()), tuple(e.get("en") or ()),
                       " ".join(str(e["source"]).split()), e.get("term"))
                 for e in raw["entries"])


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for entry in entries():
        for word in entry.words:
            out.setdefault(key(word), entry)
    return out


def lookup(text: str) -> Entry | None:
    """The entry ``text`` (one or more query words) is a word of, if any."""
    found = _by_key().get(key(text))
    if found is not None or " " in text.strip() or not HANGUL.fullmatch(text.strip()):
        return found
    # A Korean word with its particle (탈북민들이): a thesaurus word followed by one of
    # ENDINGS. Not any short rest: 관리소장, a camp's director, is not 관리소.
    word = text.strip()
    for cut in range(1, min(MAX_ENDING, len(word) - 2) + 1):
        ending = word[-cut:]
        if ending in ENDINGS:
            hit = _by_key().get(word[:-cut])
            if hit is not None:
                return hit
    return None


# Particles and the plural 들, alone or combined, that may follow a noun in a query.
_PARTICLES = ("이", "가", "은", "는", "을", "를", "의", "에", "에서", "에게", "로", "으로",
              "와", "과", "도", "만", "까지", "부터", "한테")
ENDINGS = frozenset((*_PARTICLES, "들", *(f"들{p}" for p in _PARTICLES)))


def equivalents(entry: Entry, typed: str) -> list[str]:
    """The entry's other words than the one typed, Korean first."""
    seen = {key(typed)}
    out = []
    for word in entry.words:
        if key(word) not in seen:
            seen.add(key(word))
            out.append(word)
    return out
