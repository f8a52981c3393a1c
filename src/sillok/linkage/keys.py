"""Name keys for linkage: what of a person's names two records must share to be one person.

Nothing here romanizes on its own. A name is split into surname and given name, and each part
is read through the two readers the archive already has:

- the search keys (language/names.py), coarse per-syllable keys that Hangul and every
  romanization fall onto (김 = Kim = Gim → ``kim``; 이 = 리 = Lee = Yi = Rhee → ``i``;
  박 = Park = Pak = Bak → ``pak``), which also survive a misspelt letter well enough for a
  fuzzy comparison;
- the name matcher's readings (security/name_matcher.py, security/spellings.py): the Hangul
  given names that a romanized given name may spell (Young-hee, Yong Hui, Yeonghui → 영희), so
  two spellings meet when they may spell one Hangul name, even where the coarse keys part
  (hee → ``hi`` but 희 → ``hoe``).

:func:`name_keys` is the public entry point; privacy-preserving encodings (privlink) build on
the same keys so that 김영희 and Kim Young-hee still meet after encoding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sillok.language.names import LATIN_RULES, hangul_keys, initial_form, latin_keys, syllabify
from sillok.security.name_matcher import TWO_SYLLABLE_SURNAMES, latin_readings
from sillok.security.name_text import canonical_hangul, canonical_syllable, fold, is_hangul
from sillok.security.spellings import spellings

# The surnames most Koreans bear (over 90 % of them), in Hangul: a romanized word that reads as
# one of these is taken for the surname wherever it stands (Young-hee Kim, KIM Young-hee).
COMMON_SURNAMES = tuple(str.split(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 "
    "노 하 곽 성 차 주 우 구 민 류 나 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 석 선 설 "
    "마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 남궁 황보 제갈 선우 독고"
))
MAX_READINGS = 256  # Hangul readings kept per romanized given name, likeliest first
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ’'`ʼ-]+")


def _hangul_key(word: str) -> str:
    keys = hangul_keys(word)
    return keys[-1] if keys else ""


def _latin_key(word: str) -> str:
    keys = latin_keys(word)
    return keys[-1] if keys else ""


def _surname_key(word: str, readings: tuple[str, ...]) -> str:
    """The coarse key of a romanized surname: that of the Hangul surname it most likely
    spells where it spells a common one (Ahn, Sohn, Koh, Noh, Suh, Hur → 안 손 고 노 서 허:
    an, son, ko, no, so, ho, as their Hangul reads), else its own."""
    return _hangul_key(readings[0]) if readings else _latin_key(word)


@lru_cache(maxsize=1)
def _surname_spellings() -> dict[str, tuple[str, ...]]:
    """Each Latin spelling of a common surname (the name matcher's spellings: Ahn, Suh, Hur,
    Rhee …) and the canonical Hangul surnames it may spell."""
    found: dict[str, list[str]] = {}
    for surname in COMMON_SURNAMES:
        canonical = "".join(canonical_syllable(c) for c in surname)
        if len(canonical) != 1:
            continue
        for spelling in spellings(canonical):
            options = found.setdefault(spelling, [])
            if canonical not in options:
                options.append(canonical)
    return {k: tuple(v) for k, v in found.items()}


@lru_cache(maxsize=20_000)
def surname_readings(word: str) -> tuple[str, ...]:
    """The common Hangul surnames a romanized surname may spell (Lee → 이; Gim → 김)."""
    plain = "".join(c for c in fold(word).letters if c.isascii() and c.isalpha())
    return _surname_spellings().get(plain, ())


SLIP_FROM = 3  # letters a word needs before a slip in it may be read as a surname's


@lru_cache(maxsize=20_000)
def surname_slip_readings(word: str) -> tuple[str, ...]:
    """The common Hangul surnames a romanized word one slip of the keyboard away from one of
    their spellings may spell: a letter doubled, dropped, changed or two swapped (Kimm → 김;
    Paekk → 백; Yan → 윤, 양 and others). Only for words that spell no surname as written, of
    ``SLIP_FROM`` letters or more (in one or two letters, one slip reaches most surnames)."""
    plain = "".join(c for c in fold(word).letters if c.isascii() and c.isalpha())
    if len(plain) < SLIP_FROM or plain in _surname_spellings() or re.search(r"[-‐‑]", word):
        # (A hyphen joins the syllables of a given name: Se-ik is no surname.)
        return ()
    found: list[str] = []
    for spelling, options in _surname_spellings().items():
        if len(spelling) >= SLIP_FROM - 1 and one_slip(plain, spelling):
            found += [o for o in options if o not in found]
    order = {s: i for i, s in enumerate(COMMON_SURNAMES)}
    return tuple(sorted(found, key=lambda s: order.get(s, len(order))))


def one_slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one edit apart: a letter added, dropped or changed, or two
    neighbours swapped (Damerau–Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:])


def _surnames_of(word: str) -> tuple[str, ...]:
    """The surnames a word spells, or failing that, may spell with one slip."""
    return surname_readings(word) or surname_slip_readings(word)


@dataclass(frozen=True)
class NameKeys:
    """One written name, read for linkage.

    ``surname`` and ``given`` are coarse keys (language/names.py), the given name's syllables
    run together, so spacing and hyphens do not matter (Young-hee = Young Hee = Younghee);
    ``given_syllables`` keeps them apart for order-free comparison; ``hangul`` is the given
    name in canonical Hangul (리 → 이) when written in Hangul; ``readings`` are the canonical
    Hangul given names the written one may be (its own Hangul, or the name matcher's readings
    of a romanization)."""

    surname: str
    given: str
    given_syllables: tuple[str, ...]
    hangul: str | None = None
    surname_hangul: str | None = None
    readings: tuple[str, ...] = field(default=())
    surname_readings: tuple[str, ...] = field(default=())

    @property
    def full(self) -> str:
        return f"{self.surname}|{self.given}"


def _split_hangul(text: str) -> tuple[str, str] | None:
    """Surname and given name as written (리 stays 리: see ``_given_key``)."""
    syllables = "".join(c for c in text if is_hangul(c))
    if len(syllables) < 2:
        return None
    two = canonical_hangul(syllables[:2]) in TWO_SYLLABLE_SURNAMES
    k = 2 if len(syllables) >= 3 and two else 1
    return syllables[:k], syllables[k:]


def _given_key(keys: list[str]) -> tuple[str, tuple[str, ...]]:
    """The coarse key of a given name from its keys as one word (``hangul_keys`` or
    ``latin_keys``), and its syllables each as they read at the start of a word.

    The key is the word's: the initial sound law changes its first syllable only, as in
    writing (순님 = Sunnim = Sun-nim = Sun Nim → sonnim; 춘일 = Chunil = Chun-il → jonil), so
    it does not matter where a romanization puts a syllable's edge (Chu-nil or Chun-il). The
    syllables, for comparing them in any order, each read as if first (님 → im, 리 → i)."""
    syllables = keys[:-1] if len(keys) > 1 else keys
    return "".join(syllables), tuple(initial_form(k) for k in syllables)


def _split_latin(text: str) -> list[tuple[str, list[str]]]:
    """Surname word and given-name words of a romanized name, whichever order it is in:
    ``KIM Young-hee``, ``Kim, Young-hee``, ``Young-hee Kim``, ``Kim Young Hee``. Where both
    ends may be a surname (So Chol Kim: 서철김 or 김소철) both splits are given, likelier
    first (surname first)."""
    if "," in text:
        head, _, tail = text.partition(",")
        words, tail_words = _LATIN_WORD.findall(head), _LATIN_WORD.findall(tail)
        if len(words) == 1 and tail_words:
            return [(words[0], tail_words)]
    words = _LATIN_WORD.findall(text)
    if len(words) < 2:
        return []
    # A surname is one word: a hyphenated word in capitals is a given name (Kang U-U), and so
    # is one that spells no surname, even with a slip (Kim UU: 김우우).
    upper = [w for w in words if len(w) > 1 and w.isupper() and "-" not in w
             and (surname_readings(w) or surname_slip_readings(w))]
    if len(upper) == 1 and len(upper) < len(words):  # UN and passport style: surname in capitals
        return [(upper[0], [w for w in words if w is not upper[0]])]
    first, last = surname_readings(words[0]), surname_readings(words[-1])
    if not first and not last:
        # A slip in the surname (Tae Dok Kimm, Paekk Sun Bong) read as the surname it misspells;
        # where both ends may be one, the end that reads as fewer surnames first (Kimm: 김
        # only; Tae: 배, 채, 제, 탁).
        first, last = surname_slip_readings(words[0]), surname_slip_readings(words[-1])
        if first and last and len(last) < len(first):
            return [(words[-1], words[:-1]), (words[0], words[1:])]
    if last and not first:
        return [(words[-1], words[:-1])]
    if last and first:
        return [(words[0], words[1:]), (words[-1], words[:-1])]
    return [(words[0], words[1:])]


@lru_cache(maxsize=200_000)
def _readings(written: str, surnames: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Canonical Hangul given names that a romanized name may spell (the name matcher's
    readings, fewest syllables first); with ``surnames``, ``written`` starts with the surname
    and only readings that start with one of them are kept, without it."""
    out: list[str] = []
    fewest = 0
    for reading in latin_readings(fold(written), MAX_READINGS, surnames):
        fewest = fewest or len(reading)
        # Each written syllable is most likely one syllable, but a given name of two
        # syllables may be written as one word that also reads as one (Suin: 쉰 or 수인).
        if len(reading) > max(fewest, 2 + bool(surnames)):
            break
        word = "".join(reading[1:] if surnames else reading)
        if word not in out:
            out.append(word)
            if len(out) >= MAX_READINGS:
                break
    return tuple(out)


def name_keys(name: str) -> NameKeys | None:
    """The linkage keys of one written name, Hangul or romanized (its likelier reading where
    the order is in doubt); None for what reads as no Korean personal name."""
    found = name_readings(name)
    return found[0] if found else None


@lru_cache(maxsize=200_000)
def name_readings(name: str) -> tuple[NameKeys, ...]:
    """The linkage keys of one written name: one reading, or two where a romanized name may
    have its surname at either end; none for what reads as no Korean personal name (one
    syllable, no letters)."""
    hangul = _split_hangul(name)
    if hangul is not None:
        surname, given = (canonical_hangul(part) for part in hangul)
        key, syllables = _given_key(hangul_keys(hangul[1]))
        return (NameKeys(_hangul_key(surname), key, syllables, given, surname, (given,),
                         (surname,)),)
    return tuple(k for split in _split_latin(name) if (k := _latin_name(*split)))


def _latin_name(surname_word: str, given_words: list[str]) -> NameKeys | None:
    key, syllables = _given_key(_given_latin_keys(tuple(given_words)))
    if not syllables:
        return None
    given_text = " ".join(given_words)
    readings: tuple[str, ...] = ()
    surnames = _surnames_of(surname_word)
    written_apart = len(re.split(r"[\s\-‐‑]+", given_text.strip())) >= 2
    if written_apart and len(given_text) <= 30:
        # Young-hee, Yong Hui: two syllables at least, which the matcher reads on their own
        # (cheaper than with every reading of the surname, and shared by all surnames).
        readings = _readings(_plain(given_text))
    elif surnames and len(given_text) <= 30:
        # Read with the surname (the matcher reads names of two syllables or more, and a
        # one-word given name may be one syllable: Kim Chol), then the surname taken off.
        readings = _readings(_plain(f"{surname_word} {given_text}"), surnames)
    elif 1 < len(given_text) <= 30:
        readings = _readings(_plain(given_text))
    return NameKeys(_surname_key(surname_word, surnames), key, syllables, None, None,
                    readings, surnames)


@lru_cache(maxsize=200_000)
def _given_latin_keys(words: tuple[str, ...]) -> list[str]:
    """The keys of a romanized given name as one word (Young Hee, Young-hee and Younghee are
    one), as ``latin_keys`` reads a word but without its surname table: Ri in Hyang Ri is
    the syllable ri, not the surname 이."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", "-".join(words).lower())
                    if not unicodedata.combining(c))
    keys: list[str] = []
    for part in re.split(r"[-\s]+", plain):
        part = re.sub(r"[^a-z’'`ʼ]", "", part)
        for pattern, replacement in LATIN_RULES:
            part = pattern.sub(replacement, part)
        keys.extend(k for k in syllabify(part) if k)
    if not keys:
        return []
    keys[0] = initial_form(keys[0])
    return [*keys, "".join(keys)] if len(keys) > 1 else keys


def _plain(text: str) -> str:
    """One spelling for the cache: case and the kind of separator do not change readings."""
    return re.sub(r"[\s\-‐‑–—·_,]+", " ", text.lower()).strip()


@dataclass
class PersonKeys:
    """All names of one person record, read together (lists for splink's array columns)."""

    surnames: list[str] = field(default_factory=list)  # Hangul readings and coarse keys
    givens: list[str] = field(default_factory=list)
    givens_sorted: list[str] = field(default_factory=list)
    hangul: list[str] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)
    full: list[str] = field(default_factory=list)
    full_sorted: list[str] = field(default_factory=list)  # surname|syllables in sorted order

    @property
    def primary(self) -> str | None:
        return self.full[0] if self.full else None


def person_keys(names: Iterable[str]) -> PersonKeys:
    """The union of the keys of a person's names, Hangul names first."""
    out = PersonKeys()
    read = [k for n in names if n and n.strip() for k in name_readings(n.strip())]
    read.sort(key=lambda k: k.hangul is None)
    for k in read:
        for value in k.surname_readings:
            if value not in out.surnames:
                out.surnames.append(value)
        for target, value in ((out.surnames, k.surname), (out.givens, k.given),
                              (out.givens_sorted, "".join(sorted(k.given_syllables))),
                              (out.full, k.full),
                              (out.full_sorted,
                               f"{k.surname}|{''.join(sorted(k.given_syllables))}")):
            if value and value not in target:
                target.append(value)
        if k.hangul and k.hangul not in out.hangul:
            out.hangul.append(k.hangul)
        out.readings.extend(r for r in k.readings if r not in out.readings)
    return out
