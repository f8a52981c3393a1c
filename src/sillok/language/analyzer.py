"""One analyzer for every backend: text → index terms.

- Unicode NFKC (full-width forms, compatibility jamo) and lower case.
- Korean runs: Kiwi morphemes with content tags (nouns, verb and adjective stems, roots,
  foreign words, numbers), so 탈북민들이 yields 탈북민; plus the character bigrams of each
  Korean word, so that a name Kiwi does not know (한가람) still matches its parts.
- Latin runs: lower-cased words stemmed with Snowball English (repatriation ~ repatriated).
- Numbers are kept as they are.

The same function analyses documents and queries, which is what makes them meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer

RUN = re.compile(r"[\uac00-\ud7a3]+|[a-z]+(?:'[a-z]+)?|[0-9]+|[\u4e00-\u9fff]+")
HANGUL = re.compile(r"[\uac00-\ud7a3]+")
CONTENT_TAGS = ("NNG", "NNP", "NR", "XR", "SL", "SH", "SN", "VV", "VA", "MAG")
MAX_CHARS = 200_000  # beyond this a single text is analysed in pieces


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    # Loading the model takes about a second; do it once per process, on first use.
    from kiwipiepy import Kiwi

    return Kiwi()


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(word: str) -> list[str]:
    if len(word) < 2:
        return [word]
    return [word[i:i + 2] for i in range(len(word) - 1)]


def korean_morphemes(text: str) -> list[str]:
    out: list[str] = []
    for start in range(0, len(text), MAX_CHARS):
        for token in _kiwi().tokenize(text[start:start + MAX_CHARS]):
            if token.tag.startswith(CONTENT_TAGS) and HANGUL.fullmatch(token.form):
                out.append(token.form)
    return out


def analyse(text: str) -> list[str]:
    """Index terms of ``text`` in order (duplicates kept: frequencies matter to ranking)."""
    norm = normalise(text)
    terms: list[str] = []
    stem = _stemmer().stemWord
    has_korean = False
    for run in RUN.findall(norm):
        first = run[0]
        if "\uac00" <= first <= "\ud7a3":
            has_korean = True
            terms.extend(bigrams(run))
        elif "a" <= first <= "z":
            terms.append(stem(run.replace("'", "")))
        else:
            terms.append(run)
    if has_korean:
        terms.extend(korean_morphemes(norm))
    return terms


def analyse_word(word: str) -> tuple[list[str], list[str]]:
    """A query word as (morpheme terms, bigram/other terms): a document matches the word if
    it has every term of either list."""
    norm = normalise(word)
    if not HANGUL.search(norm):
        return [], analyse(word)
    morphemes = korean_morphemes(norm)
    grams: list[str] = []
    for run in RUN.findall(norm):
        if "\uac00" <= run[0] <= "\ud7a3":
            grams.extend(bigrams(run))
        else:
            grams.extend(analyse(run))
    return morphemes, grams
