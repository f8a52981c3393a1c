"""One analyzer for every backend: text → index terms.

- Unicode NFKC (full-width forms, compatibility jamo) and lower case.
- Korean runs: Kiwi morphemes with content tags (nouns, verb and adjective stems, roots,
  foreign words, numbers), so 탈북민들이 yields 탈북민; plus the character bigrams of each
  Korean word, so that a name Kiwi does not know (한가람) still matches its parts.
- Latin runs: lower-cased words stemmed with Snowball English (repatriation ~ repatriated).
- Numbers are kept as they are.
- Names: Korean proper nouns and capitalised Latin words also yield name keys (names.py), so
  김정은, Kim Jong Un and Gim Jeong-eun meet in the index.

The same function analyses documents and queries, which is what makes them meet.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer

from sillok.language.names import PREFIX, hangul_keys, index_terms, latin_keys

RUN = re.compile(r"[\uac00-\ud7a3]+|[a-z]+(?:'[a-z]+)?|[0-9]+|[\u4e00-\u9fff]+")
HANGUL = re.compile(r"[\uac00-\ud7a3]+")
CAPITALISED = re.compile(r"\b[A-Z][A-Za-zŎŏŬŭ’'-]*[a-zŏŭ]")
CONTENT_TAGS = ("NNG", "NNP", "NR", "XR", "SL", "SH", "SN", "VV", "VA", "MAG")
MAX_CHARS = 200_000  # beyond this a single text is analysed in pieces


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    # Loading the model takes about a second; do it once per process, on first use. Its worker
    # threads analyse a batch of texts in parallel (analyse_many).
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # The pure-Python Snowball stemmer is the slowest step of analysis; words repeat a lot.
    result: str = _stemmer().stemWord(word)
    return result


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(word: str) -> list[str]:
    if len(word) < 2:
        return [word]
    return [word[i:i + 2] for i in range(len(word) - 1)]


def _content(tokens: Any, out: list[str], names: list[str] | None) -> None:
    for token in tokens:
        if token.tag.startswith(CONTENT_TAGS) and HANGUL.fullmatch(token.form):
            out.append(token.form)
            if names is not None and token.tag == "NNP":
                names.extend(index_terms(hangul_keys(token.form)))


def korean_morphemes(text: str, names: list[str] | None = None) -> list[str]:
    """Content morphemes; proper nouns' name keys are appended to ``names`` if given."""
    out: list[str] = []
    for start in range(0, len(text), MAX_CHARS):
        _content(_kiwi().tokenize(text[start:start + MAX_CHARS]), out, names)
    return out


def latin_name_terms(text: str) -> list[str]:
    """Name keys of the capitalised Latin words of ``text`` (Kim, Jong-un, Hoeryong)."""
    out: list[str] = []
    for word in CAPITALISED.findall(unicodedata.normalize("NFKC", text)):
        out.extend(index_terms(latin_keys(word)))
    return out


def _surface(text: str, norm: str) -> tuple[list[str], bool]:
    """Bigrams, stems, numbers and Latin name keys; and whether Kiwi is needed."""
    terms: list[str] = []
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
    terms.extend(latin_name_terms(text))
    return terms, has_korean


def analyse(text: str) -> list[str]:
    """Index terms of ``text`` (duplicates kept: frequencies matter to ranking)."""
    return analyse_many([text])[0]


def analyse_many(texts: list[str]) -> list[list[str]]:
    """``analyse`` for many texts at once: Kiwi's workers take the Korean ones in parallel,
    which is what keeps a batch of records (a bulk file, an ingest) fast."""
    norms = [normalise(t) for t in texts]
    results: list[list[str]] = []
    korean: list[int] = []
    for i, (text, norm) in enumerate(zip(texts, norms, strict=True)):
        terms, has_korean = _surface(text, norm)
        results.append(terms)
        if has_korean and len(norm) <= MAX_CHARS:
            korean.append(i)
        elif has_korean:
            names: list[str] = []
            results[i].extend(korean_morphemes(norm, names) + names)
    if korean:
        batch = [norms[i] for i in korean]
        for i, tokens in zip(korean, _kiwi().tokenize(batch), strict=True):
            names = []
            morphemes: list[str] = []
            _content(tokens, morphemes, names)
            results[i].extend(morphemes + names)
    return results


def analyse_word(word: str) -> list[list[str]]:
    """A query word as alternative groups of terms: a document matches the word if it has
    every term of any one group — its morphemes, its bigrams (or stems), or its name key in
    syllables or whole."""
    norm = normalise(word)
    groups: list[list[str]] = []
    if HANGUL.search(norm):
        groups.append(korean_morphemes(norm))
        grams: list[str] = []
        for run in RUN.findall(norm):
            if "\uac00" <= run[0] <= "\ud7a3":
                grams.extend(bigrams(run))
            else:
                grams.extend(analyse(run))
        groups.append(grams)
        keys = hangul_keys("".join(HANGUL.findall(norm)))
    else:
        groups.append([t for t in analyse(word.lower()) if not t.startswith(PREFIX)])
        keys = latin_keys(word) if re.search(r"[a-z]", norm) else []
    if keys:
        syllables, whole = keys[:-1] or keys, keys[-1:]
        groups.append(index_terms(syllables))
        groups.append(index_terms(whole))
    unique: list[list[str]] = []
    for group in groups:
        if group and group not in unique:
            unique.append(group)
    return unique
