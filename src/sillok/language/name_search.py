"""Whether a typed name names a record: by its text, or by name keys (language/names.py), one
coarse alphabet for Hangul and every romanization, so that 박철수 = Park Cheol-su = Pak Chol
Su and Onsong = 온성군. Used by the workspace's pickers and the review of suggestions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sillok.language.names import hangul_keys, initial_form, latin_keys

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[^\s,·/()]+")


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
