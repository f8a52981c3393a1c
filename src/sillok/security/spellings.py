"""Every Latin spelling of a Hangul syllable that a name is likely to be written in.

Generated from the jamo, not listed name by name: each initial, vowel and final has the
spellings the systems and habits give it — Revised Romanization (Cheol), McCune–Reischauer
without its marks (Ch'ŏl → chol), Yale's other letters (Swunca, Choy: linguists' system),
the DPRK's spellings (Ri, Rodong), and the South's everyday ones (Chul, Soo, Young,
Hee, Lee, Park) — and a syllable's spellings are every combination.
Over-generating is the safe side here: a spelling no one uses only costs a little matching,
while a missing one lets a name through. Facts: shared/reference/nk-facts.md §4.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from sillok.security.name_text import SYLLABLE_FIRST, canonical_syllable

INITIAL = [
    ("g", "k", "gh"), ("kk", "gg", "k", "g"), ("n",), ("d", "t"), ("tt", "dd", "t", "d"),
    ("r", "l", "rh"), ("m",), ("b", "p"), ("pp", "bb", "p", "b"), ("s", "sh"),
    ("ss", "s", "sh"), ("",), ("j", "ch", "dj", "z"), ("jj", "tch", "ch", "j"),
    ("ch", "chh", "c", "j", "tch"), ("k", "kh"), ("t", "th"), ("p", "ph", "f"), ("h", "wh"),
]
MEDIAL = [
    ("a", "ah"), ("ae", "ai", "e", "ay"), ("ya", "yah"), ("yae", "yai", "ye"),
    ("eo", "o", "u", "uh", "eu"), ("e", "ei", "ae"), ("yeo", "yo", "you", "yu", "yeu", "yuh"),
    ("ye", "yei"), ("o", "oh"), ("wa", "wah", "oa"), ("wae", "wai", "we"),
    ("oe", "oi", "we", "oy", "wi"), ("yo", "yoh", "yoo"), ("u", "oo", "ou"),
    ("wo", "weo", "wu", "uo", "wou"), ("we", "wei"), ("wi", "wee", "ui"),
    ("yu", "yoo", "you", "yew"), ("eu", "u", "e", "ue"),
    ("ui", "eui", "ee", "i", "ei", "eu"), ("i", "ee", "ie"),
]
FINAL = [
    ("",), ("k", "g", "ck"), ("k", "kk", "g"), ("k",), ("n", "nn"), ("n",), ("n",), ("t", "d"),
    ("l", "r", "ll"), ("k", "l"), ("m", "l"), ("l", "p"), ("l",), ("l",), ("p", "l"), ("l",),
    ("m",), ("p", "b"), ("p",), ("t", "s"), ("t", "ss"), ("ng",), ("t", "j"), ("t",), ("k",),
    ("t",), ("p",), ("t", "h"),
]
# Spellings that no rule above makes, as passports and newspapers write these syllables.
EXTRA = {
    "박": ("park", "bahk", "pahk"), "이": ("yi", "rhie", "rie"), "허": ("hur", "her"),
    "황": ("whang",), "최": ("choy",), "우": ("woo", "wu"), "욱": ("wook",), "운": ("woon",),
    "웅": ("woong",), "김": ("ghim",), "노": ("roh", "rho"), "엄": ("uhm",),
}
# Yale's letters where no system above has them (ㅈ c, ㅜ wu, ㅢ uy …), kept apart from the
# tables above: the linkage evaluation set draws its spellings from those (linkage/evalset.py),
# and a generator of test data should not change with the matcher. Not Yale's ㅓ "e" and ㅕ
# "ye" (철 chel, 영 yeng): with 5,000 protected names ㅓ as "e" made "use", "see", "these",
# "whose" and "chosen" names in ordinary English (139 more spans over docs/*.md), and ㅕ as
# "ye" (ㅖ's spelling too) cost person linkage 0.001 of F1 on seeds 7 and held-out 5 (more
# readings of each romanized name). Telling a name from an English word needs more than
# spellings.
YALE_INITIAL = {12: ("c",), 13: ("cc",)}
YALE_MEDIAL = {3: ("yay",), 5: ("ey",), 7: ("yey",), 10: ("way",),
               13: ("wu",), 14: ("we",), 15: ("wey",), 19: ("uy",)}
YALE_FINAL = {22: ("c",), 23: ("ch",), 24: ("kh",), 25: ("th",), 26: ("ph",), 27: ("h",)}
_WOO = 13  # ㅜ: after a silent initial also written with a w (Woo, Wook)


def _variants(syllable: str) -> set[str]:
    """The syllables that read as this canonical one (이 ← 리, 니): each has its own
    spellings (Ri, Lee, Ni)."""
    code = ord(syllable) - SYLLABLE_FIRST
    initial, rest = divmod(code, 588)
    found = {syllable}
    if initial in (11, 2):  # ㅇ or ㄴ: may be written ㄴ or ㄹ
        for other in (2, 5):
            candidate = chr(SYLLABLE_FIRST + other * 588 + rest)
            if canonical_syllable(candidate) == syllable:
                found.add(candidate)
    return found


@lru_cache(maxsize=20_000)
def spelling_costs(syllable: str) -> dict[str, int]:
    """The Latin spellings of a canonical Hangul syllable, each with how far it is from the
    usual one: the sum of the positions of its initial, vowel and final in the tables above
    (Revised Romanization's letters first), one more for a spelling of a variant (리 for 이)
    or one of the extras. Readings of a romanized name are ordered by it, likeliest first;
    the set of spellings, and so what the name matcher finds, does not depend on it."""
    out: dict[str, int] = {}

    def add(spelling: str, cost: int) -> None:
        if spelling and cost < out.get(spelling, cost + 1):
            out[spelling] = cost

    for variant in sorted(_variants(syllable), key=lambda v: v != syllable):
        extra = 0 if variant == syllable else 1
        code = ord(variant) - SYLLABLE_FIRST
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        vowels = MEDIAL[medial] + YALE_MEDIAL.get(medial, ())
        if initial == 11 and medial == _WOO:
            vowels = (*vowels, "woo", "wu")
        if initial == 11 and medial == 20:
            vowels = (*vowels, "yi")
        initials = INITIAL[initial] + YALE_INITIAL.get(initial, ())
        finals = FINAL[final] + YALE_FINAL.get(final, ())
        for (i, a), (j, b), (k, c) in product(enumerate(initials), enumerate(vowels),
                                              enumerate(finals)):
            add(a + b + c, extra + i + j + k)
        for spelling in EXTRA.get(variant, ()):
            add(spelling, extra + 1)
    return out


def spellings(syllable: str) -> frozenset[str]:
    """The Latin spellings (lower case a–z) of a canonical Hangul syllable."""
    return frozenset(spelling_costs(syllable))


# Finals that names use (none, ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ): a name known only in Latin letters is read
# back into syllables with these, or "Gil" would also be 길's six look-alikes with ㄺ, ㄻ …
NAME_FINALS = frozenset({0, 1, 4, 8, 16, 17, 19, 21})


def name_syllables() -> list[str]:
    """Every canonical Hangul syllable a name may have."""
    return sorted({canonical_syllable(chr(c)) for c in range(SYLLABLE_FIRST, 0xD7A4)
                   if (c - SYLLABLE_FIRST) % 28 in NAME_FINALS})
