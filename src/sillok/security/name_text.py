"""Text as the name matcher reads it: folded the way somebody varying a name would vary it,
with every folded letter mapped back to the characters it came from.

A name can be written so that plain string search misses it while a reader still sees the
name: fullwidth letters (Ｐａｒｋ), decomposed Hangul (NFD jamo, or compatibility jamo typed
one by one), a zero-width space or a soft hyphen inside it, Cyrillic letters that look Latin,
any case ('İ' included, whose lower case is two characters), and separators between its
syllables or parts (박 철수, 박-철수, 박·철수, 박.철.수, Chul-soo, PARK, Chul Soo, park.chulsoo
in an address). ``fold`` undoes all of that and keeps, for each letter it yields, where in the
original it starts and ends, so a match is replaced in the original exactly and nothing beside
it.

Hangul syllables are also read through the initial sound law (두음법칙), so the North's and the
South's spellings of one name meet: an initial ㄹ is read as ㄴ, and ㄴ before i or y as ㅇ
(리/니/이, 류/유, 로/노, 량/양). The mapping keeps one syllable for one syllable.

A Chinese character (Hanja, or a simplified one in a Chinese document) is read as the Hangul
syllable it is read as in Korean (朴哲洙 as 박철수; data/hanja/readings.tsv, from Unicode's
Unihan): one letter for one character. A character read several ways (金: 김, 금) gives its
first reading (personal names' first) and keeps the others as ``alternatives``, which
``variants`` puts in its place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

# Gaps between letters. JOIN: nothing a reader sees as a break (zero-width characters, soft
# hyphen, apostrophes and combining marks left over); a name may run through one anywhere.
# SOFT: what people put between the syllables or parts of a name. HARD: anything else — a
# name never runs across a full stop, a digit or a line of another script. A dot with a letter
# on each side (박.철.수, Pak.Chol.Su, park.chulsoo@…) is SOFT: it ends no sentence there.
NONE, JOIN, SOFT, HARD = 0, 1, 2, 3

_JOINERS = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e\u061c\u200e\u200f"
               "'’‘`ʼ´ʻ\u02bd")
_SOFT = set("-‐‑‒–—―−﹘﹣·・･‧•∙⋅ㆍ᛫_,/")

# Letters of other scripts that read as Latin ones (Раrk with a Cyrillic Р and а). Not the
# whole confusables table: the letters of these scripts that pass for the Latin alphabet.
_LOOKALIKE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "z", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ո": "n", "ս": "u",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ı": "i", "ȷ": "j",
})

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
_L0, _V0, _T0 = 0x1100, 0x1161, 0x11A7
# A leading consonant (choseong) read as the final (jongseong) it spells, for compatibility
# jamo typed one by one (ㅂㅏㄱ): NFKC gives each a leading form.
_LEAD_AS_TAIL = {0: 1, 1: 2, 2: 4, 3: 7, 5: 8, 6: 16, 7: 17, 9: 19, 10: 20, 11: 21, 12: 22,
                 14: 23, 15: 24, 16: 25, 17: 26, 18: 27}
IOTIZED = {2, 3, 6, 7, 12, 17, 20}  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ


def canonical_syllable(ch: str) -> str:
    """The syllable as the initial sound law reads it: ㄹ as ㄴ, ㄴ before i/y as ㅇ."""
    code = ord(ch) - SYLLABLE_FIRST
    if not 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST:
        return ch
    initial, rest = divmod(code, 588)
    medial = rest // 28
    if initial == 5:  # ㄹ
        initial = 2
    if initial == 2 and medial in IOTIZED:  # ㄴ
        initial = 11
    return chr(SYLLABLE_FIRST + initial * 588 + rest)


# The same mapping for a whole text at once (str.translate runs in C).
_CANONICAL = {c: canonical_syllable(chr(c)) for c in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1)
              if canonical_syllable(chr(c)) != chr(c)}


def canonical_hangul(text: str) -> str:
    return text.translate(_CANONICAL)


def is_hangul(ch: str) -> bool:
    return SYLLABLE_FIRST <= ord(ch) <= SYLLABLE_LAST


@dataclass
class Folded:
    """Letters only: Hangul syllables (canonical) and Latin a–z. ``start[i]``..``end[i]`` is
    where letter i came from in the original; ``gap[i]`` the strongest gap before it."""

    letters: str = ""
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    gap: bytearray = field(default_factory=bytearray)
    # Letters read from a Chinese character with several readings: position -> readings.
    alternatives: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def variants(self) -> Iterator[Folded]:
        """The text again with the other readings of its Chinese characters: the k-th has
        each such character's k-th reading (its last, if it has fewer), so every reading of
        every character is read once."""
        most = max((len(r) for r in self.alternatives.values()), default=1)
        for k in range(1, most):
            letters = list(self.letters)
            for position, readings in self.alternatives.items():
                letters[position] = readings[min(k, len(readings) - 1)]
            yield Folded("".join(letters), self.start, self.end, self.gap)

    def gap_inside(self, i: int, j: int) -> int:
        """The strongest gap between letters i..j-1 (none for a single letter)."""
        return max(self.gap[i + 1:j], default=NONE)

    def __len__(self) -> int:
        return len(self.letters)


# A text of ASCII and Hangul syllables needs none of the slow path's work: letters are found
# by the regex engine, a run at a time.
_PLAIN = re.compile(r"[\x00-\x7f\uac00-\ud7a3\u00b7\u2019\u3000]*")
_RUN = re.compile(r"[A-Za-z]+|[\uac00-\ud7a3]+")


def fold(text: str) -> Folded:
    if _PLAIN.fullmatch(text):
        return _fold_plain(text)
    return _fold_any(text)


def _gap_of(between: str) -> int:
    strongest = NONE
    for ch in between:
        kind = _gap_char(ch)
        if kind > strongest:
            strongest = kind
            if kind == HARD:
                break
    return strongest


def _gap_char(ch: str) -> int:
    if ch in _JOINERS:
        return JOIN
    if ch in _SOFT or ch.isspace():
        return SOFT
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return JOIN
    return HARD


def _fold_plain(text: str) -> Folded:
    out = Folded()
    # One character for one: case and the initial sound law change no offset here.
    plain = canonical_hangul(text.lower())
    letters: list[str] = []
    last = 0
    for run in _RUN.finditer(plain):
        s, e = run.span()
        letters.append(run.group(0))
        between = plain[last:s]
        out.gap.append(SOFT if between in (" ", ".") else _gap_of(between) if s else HARD)
        out.gap.extend(bytes(e - s - 1))
        out.start.extend(range(s, e))
        out.end.extend(range(s + 1, e + 1))
        last = e
    out.letters = "".join(letters)
    return out


def _fold_any(text: str) -> Folded:
    out = Folded()
    hanja = hanja_readings()
    letters: list[str] = []
    pending = HARD  # the gap before the next letter

    def emit(ch: str, s: int, e: int) -> None:
        nonlocal pending
        letters.append(ch)
        out.start.append(s)
        out.end.append(e)
        out.gap.append(pending)
        pending = NONE

    jamo: list[tuple[int, int]] = []  # (code point, original index) of a syllable in parts

    def flush_jamo() -> None:
        nonlocal pending
        for ch, s, e in _compose(jamo):
            if ch is None:
                pending = max(pending, HARD)
            else:
                emit(ch, s, e)
        jamo.clear()

    for i, raw in enumerate(text):
        for ch in unicodedata.normalize("NFKC", raw):
            code = ord(ch)
            if 0x1100 <= code <= 0x11FF:
                jamo.append((code, i))
                continue
            if jamo:
                flush_jamo()
            if is_hangul(ch):
                emit(canonical_syllable(ch), i, i + 1)
                continue
            readings = hanja.get(ch)
            if readings:
                if len(readings) > 1:
                    out.alternatives[len(letters)] = readings
                emit(readings[0], i, i + 1)
                continue
            kind = _gap_char(ch)
            if ch == "." and _inner_dot(text, i):
                kind = SOFT
            if kind != HARD:
                pending = max(pending, kind)
                continue
            for low in ch.casefold().translate(_LOOKALIKE):
                for part in unicodedata.normalize("NFD", low):
                    if "a" <= part <= "z":
                        emit(part, i, i + 1)
                    elif unicodedata.category(part) in ("Mn", "Me"):
                        continue  # the dot of 'İ', a breve, an acute
                    else:
                        pending = HARD
    if jamo:
        flush_jamo()
    out.letters = "".join(letters)
    return out


@cache
def hanja_readings() -> dict[str, tuple[str, ...]]:
    """Each Chinese character's Korean readings, canonical (scripts/make_hanja_readings.py)."""
    text = (resources.files("sillok") / "data" / "hanja" / "readings.tsv").read_text("utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            char, readings = line.split("\t")
            table[char] = tuple(readings.split())
    return table


def _inner_dot(text: str, i: int) -> bool:
    """A dot with a letter on each side, an invisible character or two between them aside
    (Guk\u200b.gyeong)."""
    j, k = i - 1, i + 1
    while j >= 0 and _gap_char(text[j]) == JOIN:
        j -= 1
    while k < len(text) and _gap_char(text[k]) == JOIN:
        k += 1
    return j >= 0 and k < len(text) and text[j].isalpha() and text[k].isalpha()


def _compose(jamo: list[tuple[int, int]]) -> list[tuple[str | None, int, int]]:
    """Conjoining jamo (from NFD text or compatibility jamo) composed into syllables, each
    with the original range it came from; a lone jamo that makes no syllable is a break."""
    out: list[tuple[str | None, int, int]] = []
    i, n = 0, len(jamo)
    while i < n:
        code, s = jamo[i]
        lead = code - _L0
        if 0 <= lead < 19 and i + 1 < n and 0 <= jamo[i + 1][0] - _V0 < 21:
            vowel = jamo[i + 1][0] - _V0
            tail, used = 0, 2
            if i + 2 < n:
                nxt = jamo[i + 2][0]
                follows_vowel = i + 3 < n and 0 <= jamo[i + 3][0] - _V0 < 21
                if 0 < nxt - _T0 < 28:
                    tail, used = nxt - _T0, 3
                elif 0 <= nxt - _L0 < 19 and not follows_vowel and nxt - _L0 in _LEAD_AS_TAIL:
                    tail, used = _LEAD_AS_TAIL[nxt - _L0], 3
            syllable = chr(SYLLABLE_FIRST + (lead * 21 + vowel) * 28 + tail)
            out.append((canonical_syllable(syllable), s, jamo[i + used - 1][1] + 1))
            i += used
        else:
            out.append((None, s, s + 1))
            i += 1
    return out
