"""What goes into an encoding: a person's name keys, sex and birth year as tokens per field.

Names become the search module's name keys first (language/names.py), one key per syllable, so
that 김영희, Kim Young-hee, Gim Yeong-hui and Young-hee Kim all come to the same few keys before
anything is hashed; no second romanization is made here. The name's tokens are the bigrams of
each syllable key, marked at both ends (kim → ^k ki im m$): they do not depend on the order of
the syllables (Western order, given name first) or on spacing, and a syllable that the keys
spell two ways (희 is hoe, Hee is hi) costs only its own few bigrams.

The birth year gives the year, its decade and two overlapping two-year bins, so that years one
apart still share tokens; sex is one token. A field that is unknown gives no tokens (it neither
agrees nor disagrees).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sillok.language.names import hangul_keys, initial_form, latin_keys

Fields = dict[str, list[str]]
VOWELS = "aeiouwy"
SEXES = ("female", "male")  # the sex vocabulary's codes; "unknown" is no token


def _has_hangul(text: str) -> bool:
    return any(0xAC00 <= ord(ch) <= 0xD7A3 for ch in text)


def syllable_keys(name: str) -> list[str]:
    """The name's keys, one per syllable (the whole-word keys names.py adds are left out),
    each read as at the start of a word: a given name written first (Ryong-ho Sin) reads its
    ㄹ as the North's word-initial ㄹ, while 신룡호 has it inside the word."""
    text = unicodedata.normalize("NFKC", name)
    keys = hangul_keys(text) if _has_hangul(text) else latin_keys(text)
    return [initial_form(k) for k in (keys[:-1] if len(keys) > 1 else keys)]


def name_key(name: str) -> str:
    """One comparable key of a whole name (for a comparison in the clear, as in the bench)."""
    return "".join(sorted(syllable_keys(name)))


def name_tokens(names: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for name in names:
        for key in syllable_keys(name):
            marked = f"^{key}$"
            out.update(marked[i:i + 2] for i in range(len(marked) - 1))
            # The consonants alone: the romanizations disagree mostly on vowels (Hee, Hui).
            out.add("c:" + "".join(ch for ch in key if ch not in VOWELS))
    return sorted(out)


def birth_tokens(year: int | None) -> list[str]:
    if year is None:
        return []
    return [f"y{year}", f"d{year // 10}", f"b{year // 2}", f"o{(year + 1) // 2}"]


def syllable_tokens(names: Iterable[str]) -> list[str]:
    """Each syllable key with its count so far in the name (윤연 is yon, yon: yon1 and yon2),
    so that a name of one syllable twice is not taken for a name of that syllable once."""
    out: set[str] = set()
    for name in names:
        seen: dict[str, int] = {}
        for key in syllable_keys(name):
            seen[key] = seen.get(key, 0) + 1
            out.add(f"{key}{seen[key]}")
    return sorted(out)


def person_fields(names: Iterable[str], sex: str | None, birth_year: int | None) -> Fields:
    names = list(names)
    return {"name": name_tokens(names), "syllable": syllable_tokens(names),
            "sex": [sex] if sex in SEXES else [],
            "birth": birth_tokens(birth_year)}
