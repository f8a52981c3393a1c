"""How alike two Korean content morphemes are in meaning, from Kiwi's own model.

Kiwi's default model (CoNg, kiwipiepy ≥ 0.21) holds an embedding of each of its commoner
morphemes, learnt from the contexts they appear in; ``Kiwi.morpheme_similarity`` is the cosine
of two (체포 and 연행 0.72, 화장실 and 욕실 0.73). The ranking (search/rank.py) uses it to give a
question's word some credit in a record that says the same thing in another word. The
analyser's Kiwi is used: no second model is loaded.

Distributional similarity pairs opposites as readily as synonyms (좁다 and 넓다 0.82, 작다 and
크다 0.71): only nouns are compared (``TAGS``), where it mostly finds the same thing named
otherwise.

The index holds forms without tags, so a form is looked up in a table of the model's nouns,
built once per process from the model's morphemes (0.2 s, in ``analyzer.warm_up`` or for the
first question that needs it). Kiwi answers a pair of ids in about a microsecond (a pair of
forms takes 300 µs); what a question's word was compared with is kept (``near``), since a
question compares its missing words with every distinct noun of thirty records.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import Any

from sillok.language.analyzer import HANGUL, kiwi

TAGS = ("NNG", "NNP")


@lru_cache(maxsize=1)
def _table() -> dict[str, int]:
    """Form → id of the model's nouns that have an embedding (the first sense of a form)."""
    k = kiwi()
    if not str(getattr(k, "model_type", "")).startswith("cong"):
        return {}
    try:
        # Embeddings cover the first ids (the commoner morphemes); the rest give NaN.
        low, high = 0, 1
        while _embedded(k, high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if _embedded(k, middle) else (low, middle)
        table: dict[str, int] = {}
        for i in range(low + 1):
            m = k.morpheme(i)
            if (m.tag in TAGS and len(m.form) > 1 and m.form not in table
                    and HANGUL.fullmatch(m.form)):
                table[m.form] = i
        return table
    except Exception:  # another kiwipiepy: no similarity, never a failed search
        return {}


def _embedded(k: Any, i: int) -> bool:
    try:
        return not math.isnan(k.morpheme_similarity(i, i))
    except Exception:  # past the last morpheme
        return False


def available() -> bool:
    """Whether the process's Kiwi has a model with morpheme embeddings (builds the table)."""
    return bool(_table())


def morpheme_id(form: str) -> int | None:
    """The model's id of the noun ``form``; None for a form it has no embedding of (a bigram
    that is no word, a verb stem, a rare word, a noun of one syllable)."""
    return _table().get(form)


def noun_ids(forms: list[str]) -> frozenset[int]:
    """The ids of those of ``forms`` that are nouns of the model (a record's terms)."""
    table = _table()
    return frozenset(table[f] for f in table.keys() & forms)


# Per morpheme (the question's), the ids it has been compared with and, of those, the ones at
# least KEPT similar: a question asked again, or another with the same word, compares only
# the nouns of records it has not seen, in set operations rather than a loop.
KEPT = 0.5
LIMIT = 2_000_000  # ids remembered in all; past it, everything is forgotten
_seen: dict[int, set[int]] = {}
_close: dict[int, dict[int, float]] = {}
_size = 0
# The web server searches in threads: one question's comparisons at a time, so that a thread
# never reads a word's kept ids while another adds to them.
_lock = threading.Lock()


def near(form: str, ids: set[int] | frozenset[int], floor: float) -> list[tuple[float, int]]:
    """The ids among ``ids`` at least ``floor`` (≥ KEPT) similar to the noun ``form``, most
    similar first (empty if the model does not know ``form``)."""
    own = morpheme_id(form)
    if own is None:
        return []
    with _lock:
        return _near(own, ids, floor)


def _near(own: int, ids: set[int] | frozenset[int], floor: float) -> list[tuple[float, int]]:
    global _size
    seen = _seen.setdefault(own, set())
    close = _close.setdefault(own, {})
    new = ids - seen
    if new:
        if _size + len(new) > LIMIT:
            _seen.clear()
            _close.clear()
            _size = 0
            seen = _seen[own] = set()
            close = _close[own] = {}
            new = set(ids)
        similar = kiwi().morpheme_similarity
        for i in new:
            value = similar(own, i)
            if value >= KEPT and i != own:
                close[i] = value
        seen |= new
        _size += len(new)
    return sorted(((close[i], i) for i in close.keys() & ids if close[i] >= floor),
                  reverse=True)
