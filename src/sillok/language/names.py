"""Name keys that make one name out of its Hangul, Revised Romanization, McCune–Reischauer,
DPRK and everyday spellings: 김정은 = Kim Jong Un = Gim Jeong-eun = Kim Chŏng-ŭn;
박 = Park = Pak = Bak; 최 = Choi = Choe; 리 = 이 = Lee = Yi = Ri; 로동 = 노동; 량강 = 양강.

Both scripts are reduced to one coarse alphabet, one key per syllable: consonants that the
systems spell differently fall together (ㄱ/ㅋ/g/k → k, ㅈ/ㅊ/j/ch → j, ㄷ/ㅌ/d/t → t,
ㅂ/ㅍ/b/p → p, ㄹ/r/l → l), and so do the vowels they disagree on (ㅓ ㅗ ㅜ ㅡ, eo o u eu → o;
ㅐ ㅔ, ae e → e). A word-initial ㄹ is read as ㄴ and dropped before i/y, as South Korean
spelling does, so the North's 리/로동/량강 meet the South's 이/노동/양강. The keys are coarse on
purpose: they only add recall for names; exact terms still rank first. Facts: shared/reference
/nk-facts.md §4.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

PREFIX = "nk"  # keeps name keys apart from ordinary words in the index

INITIALS = ["k", "k", "n", "t", "t", "l", "m", "p", "p", "s", "s", "", "j", "j", "j", "k", "t",
            "p", "h"]
MEDIALS = ["a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "oe", "yo", "o", "wo",
           "we", "wi", "yo", "o", "oe", "i"]
FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
SURNAMES = {"lee": "i", "yi": "i", "rhee": "i", "ri": "i", "li": "i", "rhie": "i",
            "park": "pak", "bak": "pak", "pak": "pak", "choi": "joe", "choe": "joe",
            "chwe": "joe", "jung": "jong", "chung": "jong", "joung": "jong", "cheong": "jong",
            "yoon": "yon", "youn": "yon", "lim": "im", "yim": "im", "rim": "im",
            "kweon": "kwon", "gwon": "kwon", "shin": "sin", "oh": "o", "rho": "no", "roh": "no"}
LATIN_RULES = [
    # Woo, Woon, Wook are 우, 운, 욱 (not 워); Young and Youn are 영 and 윤 (ou as o).
    (re.compile(r"[’'`ʼ]"), ""), (re.compile(r"^w(?=oo|u)"), ""),
    (re.compile(r"eo|eu|oo|ou|u"), "o"), (re.compile(r"ae"), "e"),
    (re.compile(r"oi"), "oe"), (re.compile(r"ee"), "i"), (re.compile(r"ch|tch"), "j"),
    (re.compile(r"kh"), "k"), (re.compile(r"th"), "t"), (re.compile(r"ph|f"), "p"),
    (re.compile(r"sh"), "s"), (re.compile(r"(?<!n)g|c|q"), "k"),
    (re.compile(r"d"), "t"), (re.compile(r"b"), "p"), (re.compile(r"r"), "l"),
    (re.compile(r"z"), "j"), (re.compile(r"x"), "ks"),
]


VOWELS = "aeio"
CODAS = "knltmp"


def syllabify(key: str) -> list[str]:
    """Split a key into syllables, onset first (rodong → ro, dong; pyongyang → pyong, yang).

    Romanization hides some boundaries (Sinuiju is sin-ui-ju, split here as si-nui-ju), so the
    whole-word key is always kept beside the syllables."""
    out, i, n = [], 0, len(key)
    while i < n:
        j = i
        if key[j] not in VOWELS + "yw":
            j += 1
        if j < n and key[j] in "yw":
            j += 1
        if j < n and key[j] in VOWELS:
            j += 1
            if j < n and key[j - 1] == "o" and key[j] == "e":
                j += 1
        if key.startswith("ng", j) and (j + 2 == n or key[j + 2] not in VOWELS):
            j += 2
        elif j < n and key[j] in CODAS and (j + 1 == n or key[j + 1] not in VOWELS + "yw"):
            j += 1
        if j == i:
            j += 1
        out.append(key[i:j])
        i = j
    return out


def _finish(key: str) -> str:
    key = re.sub(r"^l", "n", key)
    return re.sub(r"^n(?=[iy])", "", key)


def initial_form(key: str) -> str:
    """A syllable's key as it reads at the start of a word (량 → yang, 로 → no, 림 → im): for
    comparing names whose syllables may come in either order (given name first or last)."""
    return _finish(key)


def hangul_keys(word: str) -> list[str]:
    """A key per syllable of a Hangul word, then the whole word's key (회령 → hoe, lyong,
    hoelyong): a romanized name may be written in syllables (Kim Jong Un) or as one word
    (Hoeryong)."""
    syllables = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        syllables.append(INITIALS[initial] + MEDIALS[medial] + FINALS[final])
    if not syllables:
        return []
    keys = [_finish(syllables[0]), *syllables[1:]]
    return [*keys, _finish("".join(syllables))] if len(keys) > 1 else keys


@lru_cache(maxsize=100_000)
def _latin_keys(word: str) -> tuple[str, ...]:
    return tuple(_compute_latin_keys(word))


def latin_keys(word: str) -> list[str]:
    """Keys of a romanized word (cached: the same capitalised words recur across texts)."""
    return list(_latin_keys(word))


def _compute_latin_keys(word: str) -> list[str]:
    """Keys of a romanized word; a hyphen separates syllables (Jong-un, Saeppyŏl-ŭp)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower())
                    if not unicodedata.combining(c))
    keys = []
    for part in re.split(r"[-\s]+", plain):
        part = re.sub(r"[^a-z’'`ʼ]", "", part)
        if not part:
            continue
        if part in SURNAMES:
            keys.append(SURNAMES[part])
            continue
        for pattern, replacement in LATIN_RULES:
            part = pattern.sub(replacement, part)
        keys.extend(syllabify(part))
    if not keys:
        return []
    keys[0] = _finish(keys[0])
    return [*keys, _finish("".join(keys))] if len(keys) > 1 else keys


def index_terms(keys: list[str]) -> list[str]:
    return [PREFIX + k for k in keys if k]


# Joins two keys into one pair term. No key holds a q: the Latin rules turn q into k, and
# Hangul keys are spelt without it.
PAIR = "q"
PAIR_BREAK = PREFIX + PAIR
# Stands before a record's pairs (language/analyzer.py): no pair is spelt so, as no key is empty.
PAIRS_MARK = PREFIX + PAIR + PAIR


def pair_terms(terms: Sequence[str]) -> list[str]:
    """One term for each two neighbouring terms of a stream of name keys: nkjong, nkun →
    nkjongqun. A name written in syllables (Kim Jong Un for 김정은) is found as the phrase of
    its syllable keys, and syllable keys are common (nkt is in nearly half of a million
    English texts); the same places are the phrase of its pairs, which are rare. Pair i
    stands for terms i and i + 1, so the pairs of a stream are a stream of their own whose
    phrases match exactly where the syllables' phrases do. A break between runs (the bare
    prefix) stays a break, spelt ``PAIR_BREAK``."""
    return [a + PAIR + b[len(PREFIX):] if PREFIX not in (a, b) else PAIR_BREAK
            for a, b in pairwise(terms)]
