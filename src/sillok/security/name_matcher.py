"""The one name matcher: where, in a text, any known name of a protected person is written.

Masking, search protection, suggestions and linkage all ask this module, so a spelling it
learns is learnt everywhere. It finds a name

- in Hangul as written, with the initial sound law (리철수 = 이철수, 류 = 유, 로 = 노), through
  any separator or invisible character between its syllables (박 철수, 박·철수, 박\u200b철수),
  decomposed (NFD) or typed as compatibility jamo;
- in Latin letters, in every spelling generated from its Hangul (spellings.py: Park Cheol-su,
  PAK CHOL SU, Bak Chul Soo, Ch'ŏl-su), in any case, fullwidth or with look-alike letters,
  with its syllables run together or apart, surname first or last;
- by its fragments: the given name alone (철수, Chul-soo) when it has two syllables or more,
  and the surname with the first syllable of the given name (박철, Park Chul).

A name known only in Latin letters is read back into the Hangul syllables it may spell, and
matched as those (as a whole name only: the fragments of its many readings would be words).
Two Aho–Corasick automata do the work (pyahocorasick): one of Hangul names, one of the Latin
spellings of every syllable any name has, so thousands of names still cost one pass over a
text; runs of Latin syllables are then joined into names through a table of the names'
syllable sequences.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import ahocorasick

from sillok.security.name_text import (
    HARD,
    JOIN,
    SOFT,
    Folded,
    canonical_hangul,
    fold,
    is_hangul,
)
from sillok.security.spellings import name_syllables, spelling_costs, spellings

FULL, GIVEN, PARTIAL = "name", "given name", "surname and part of the given name"
# Surnames of two syllables (남궁민수: surname 남궁).
TWO_SYLLABLE_SURNAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문",
                                   "동방", "어금", "망절", "탁정", "장곡"})
# Latin matches shorter than this many letters are not taken: "O Il" (오일) is three, and
# a fragment must be longer than a short English word to be anybody's name.
MIN_LATIN = {FULL: 3, GIVEN: 3, PARTIAL: 3}
MAX_SPELLING = 8  # letters in the longest spelling of one syllable (tchweng)
MAX_READINGS = 2048  # Hangul readings kept for one name known only in Latin letters


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    owner: Hashable
    kind: str


Entry = tuple[Hashable, str]  # (owner, kind)


def replace(text: str, spans: Sequence[NameSpan], labels: Mapping[Any, str]) -> str:
    """``text`` with each span (in order, not overlapping) replaced by its owner's label."""
    if not spans:
        return text
    out, position = [], 0
    for span in spans:
        out.append(text[position:span.start])
        out.append(labels[span.owner])
        position = span.end
    out.append(text[position:])
    return "".join(out)


def _surname_length(syllables: Sequence[str]) -> int:
    return 2 if len(syllables) >= 4 and "".join(syllables[:2]) in TWO_SYLLABLE_SURNAMES else 1


def name_forms(syllables: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """A name's syllables, and the fragments of it that also point at its bearer."""
    forms = [(syllables, FULL)]
    k = _surname_length(syllables)
    given = syllables[k:]
    if given:
        forms.append((given + syllables[:k], FULL))  # surname last (Chul-soo Park)
    if len(given) >= 2:
        forms.append((given, GIVEN))
        forms.append((syllables[:k + 1], PARTIAL))
    return forms


class NameMatcher:
    """Finds the names of ``people`` — (owner, names) pairs — in any text."""

    def __init__(self, people: Iterable[tuple[Hashable, Iterable[str]]]) -> None:
        self._hangul = ahocorasick.Automaton()
        self._spelled = ahocorasick.Automaton()
        self._names: dict[tuple[str, ...], list[Entry]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._segment_cache: dict[tuple[str, tuple[int, ...], bool], _Segment] = {}
        hangul: dict[str, list[Entry]] = {}
        for owner, names in people:
            for name in names:
                readings, spelt_in_hangul = _readings(name)
                for syllables in readings:
                    for form, kind in name_forms(syllables):
                        # A name known only in Latin letters has many readings: their
                        # fragments would make common words names ("on the" as 온테).
                        if kind != FULL and (len(form) < 2 or not spelt_in_hangul):
                            continue
                        entry = (owner, kind)
                        hangul.setdefault("".join(form), []).append(entry)
                        self._names.setdefault(form, []).append(entry)
                        self._prefixes.update(form[:i] for i in range(1, len(form) + 1))
        for word, entries in hangul.items():
            self._hangul.add_word(word, (len(word), tuple(dict.fromkeys(entries))))
        by_spelling: dict[str, set[str]] = {}
        for syllable in {x for form in self._names for x in form}:
            for spelling in spellings(syllable):
                by_spelling.setdefault(spelling, set()).add(syllable)
        for spelling, options in by_spelling.items():
            self._spelled.add_word(spelling, (len(spelling), frozenset(options)))
        self.empty = not hangul
        if hangul:
            self._hangul.make_automaton()
            self._spelled.make_automaton()

    def spans(self, text: str) -> list[NameSpan]:
        """Where the names are, in offsets of ``text``, longest first where they overlap."""
        if self.empty or not text:
            return []
        folded = fold(text)
        if not folded.letters:
            return []
        found: list[tuple[int, int, Entry]] = []
        found.extend(self._hangul_matches(folded))
        for variant in folded.variants():  # the other readings of Chinese characters
            found.extend(self._hangul_matches(variant))
        found.extend(self._latin_matches(folded))
        chosen: list[NameSpan] = []
        taken_to = -1
        for i, j, (owner, kind) in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
            if i < taken_to:
                continue
            chosen.append(NameSpan(folded.start[i], folded.end[j - 1], owner, kind))
            taken_to = j
        return chosen

    def mask(self, text: str, labels: Mapping[Any, str]) -> str:
        """``text`` with every name replaced by its owner's label."""
        return replace(text, self.spans(text), labels)

    def _hangul_matches(self, folded: Folded) -> Iterable[tuple[int, int, Entry]]:
        letters = folded.letters
        for last, (size, entries) in self._hangul.iter(letters):
            i, j = last - size + 1, last + 1
            inside = folded.gap_inside(i, j)
            if inside == HARD:
                continue  # runs across a full stop, a digit, another script
            # A fragment must begin a word: 철수 in 김철수 is somebody else's given name.
            starts_word = (i == 0 or folded.gap[i] >= JOIN or not is_hangul(letters[i - 1]))
            if (size == 2 or inside >= SOFT) and not (starts_word and _ends_name(folded, j)):
                # Two syllables (김일, 박철, 철수) are also ordinary words (주민, 연양), and a
                # name written with a space in it may be words that meet by chance (강경 동무):
                # these count only as words of their own, or before a particle or a title.
                continue
            for entry in entries:
                if entry[1] == FULL or starts_word:
                    yield i, j, entry

    def _latin_matches(self, folded: Folded) -> Iterable[tuple[int, int, Entry]]:
        """Runs of Latin syllable spellings that make a name, each from a word edge to a word
        edge; a name may run on through a space or a hyphen, never across a full stop.

        The text is read as segments — runs of Latin letters with no space or hyphen inside —
        and each distinct segment is worked out once per matcher (``_segment``): an English
        text is mostly words that no chain of syllable spellings covers from a word edge to
        a word edge, and those are dropped at once, where walking every syllable found in
        them took most of the matcher's time (bench/README.md, masking)."""
        segments = self._segments_of(folded)
        for number, (offset, _length, shape) in enumerate(segments):
            for start in shape.starts:
                stack: list[tuple[int, int, tuple[str, ...]]] = [(number, start, ())]
                while stack:
                    at, position, sofar = stack.pop()
                    seg_offset, _, seg = segments[at]
                    for end, syllables in seg.edges.get(position, ()):
                        for syllable in syllables:
                            form = (*sofar, syllable)
                            if form not in self._prefixes:
                                continue
                            if end in seg.ends:
                                entries = self._names.get(form)
                                if entries:
                                    first, last = offset + start, seg_offset + end
                                    for entry in entries:
                                        if last - first >= MIN_LATIN[entry[1]]:
                                            yield first, last, entry
                            if end < seg.length:
                                stack.append((at, end, form))
                            elif at + 1 < len(segments) and seg.joins_next[0] and (
                                    segments[at + 1][0] == seg_offset + end):
                                stack.append((at + 1, 0, form))

    def _segments_of(self, folded: Folded) -> list[tuple[int, int, _Segment]]:
        """The text's Latin segments in order: (offset, length, shape). Each segment is
        followed by a space or hyphen before the next (``joins_next``), or by anything else."""
        letters, gap = folded.letters, folded.gap
        out: list[tuple[int, int, _Segment]] = []
        for run in _LATIN_RUN.finditer(letters):
            s, e = run.span()
            bounds = [s, *_cut_positions(gap, s, e), e]
            for a, b in itertools.pairwise(bounds):
                joins = [m.start() - a for m in _JOINER.finditer(gap, a + 1, b)]
                soft_next = b < e and gap[b] == SOFT  # the next segment of the same run
                shape = self._segment(letters[a:b], tuple(joins), soft_next)
                out.append((a, b - a, shape))
        return out

    def _segment(self, word: str, joins: tuple[int, ...], soft_next: bool) -> _Segment:
        key = (word, joins, soft_next)
        found = self._segment_cache.get(key)
        if found is None:
            if len(self._segment_cache) >= SEGMENT_CACHE:
                self._segment_cache.clear()  # a new generation; a dict stays cheap to read
            found = _Segment.of(self._spelled, word, joins, soft_next)
            self._segment_cache[key] = found
        return found


SEGMENT_CACHE = 200_000  # distinct segments worked out and kept by one matcher
_LATIN_RUN = re.compile("[a-z]+")


# Gaps (name_text.py) as bytes: a space or hyphen or anything harder ends a segment; a joiner
# inside one is a word edge.
_CUT = re.compile(bytes([ord("["), SOFT, HARD, ord("]")]))
_JOINER = re.compile(bytes([JOIN]))


def _cut_positions(gap: bytearray, s: int, e: int) -> list[int]:
    """Positions inside letters s..e-1 that a space, a hyphen or anything harder comes
    before: segments end there."""
    return [m.start() for m in _CUT.finditer(gap, s + 1, e)]


@dataclass(frozen=True)
class _Segment:
    """What a run of Latin letters (no space or hyphen inside) can contribute to a name: the
    syllable spellings found in it, kept only where they lead to a word edge, and the word
    edges a name may start at. A name must start and end at word edges: the segment's ends
    and any joiner inside it (an apostrophe: Ch'ol-su)."""

    length: int
    edges: dict[int, list[tuple[int, frozenset[str]]]]
    starts: tuple[int, ...]
    ends: frozenset[int]
    joins_next: tuple[bool]  # a space or hyphen follows it, within the same run of letters

    @staticmethod
    def of(spelled: Any, word: str, joins: tuple[int, ...], soft_next: bool) -> _Segment:
        n = len(word)
        ends = frozenset((*joins, n))
        edges: dict[int, list[tuple[int, frozenset[str]]]] = {}
        for last, (size, syllables) in spelled.iter(word):
            edges.setdefault(last - size + 1, []).append((last + 1, syllables))
        # From the end backwards: a position leads somewhere if an edge from it reaches a
        # word edge or a position that does.
        leads = [False] * (n + 1)
        for p in range(n - 1, -1, -1):
            leads[p] = any(q in ends or leads[q] for q, _ in edges.get(p, ()))
        kept = {p: [(q, syl) for q, syl in out if q in ends or leads[q]]
                for p, out in edges.items() if leads[p]}
        starts = tuple(p for p in (0, *joins) if leads[p])
        return _Segment(n, kept, starts, ends, (soft_next,))


# What may follow a name written in Hangul within its word: particles (은, 에게, 이라는),
# titles and kin words (씨, 동무, 할머니), and 네 (철수네, his family).
FOLLOWERS = ahocorasick.Automaton()
_FOLLOWING = ("은 는 이 가 을 를 의 에 에게 에게서 한테 께 께서 와 과 랑 이랑 하고 도 만 까지 "
              "부터 로 으로 라 이라 라는 이라는 다 이다 였 이었 야 아 여 이여 씨 님 군 양 형 "
              "오빠 언니 누나 동생 동무 선생 여사 씨네 네 할머니 할아버지 아버지 어머니 "
              "아저씨 아주머니 부부 일가 가족 측 본인 조차 마저 처럼 보다 께서는")
for _word in _FOLLOWING.split():
    FOLLOWERS.add_word(canonical_hangul(_word), len(_word))
FOLLOWERS.make_automaton()


def _ends_name(folded: Folded, j: int) -> bool:
    """Whether letter ``j`` ends the word of a name ending before it, or starts what may
    follow a name in its word."""
    letters = folded.letters
    if j == len(letters) or folded.gap[j] >= JOIN or not is_hangul(letters[j]):
        return True
    ahead = letters[j:j + 4]
    return any(end - size + 1 == 0 for end, size in FOLLOWERS.iter(ahead))


def _readings(name: str) -> tuple[list[tuple[str, ...]], bool]:
    """The name as sequences of canonical Hangul syllables: its own, if written in Hangul;
    else every Hangul name its Latin spelling may stand for. And whether it was Hangul."""
    folded = fold(name)
    # A name ends at its first full stop or bracket: what follows is a note about it
    # (한가람 (가상 / fictional)), not more of the name.
    end = next((i for i in range(1, len(folded)) if folded.gap[i] == HARD), len(folded))
    if end < len(folded):
        folded = Folded(folded.letters[:end], folded.start[:end], folded.end[:end],
                        folded.gap[:end])
    hangul = tuple(c for c in folded.letters if is_hangul(c))
    if hangul:
        return [hangul], True
    return latin_readings(folded), False


def latin_readings(folded: Folded, limit: int = MAX_READINGS,
                   first: Collection[str] = ()) -> list[tuple[str, ...]]:
    """Every Hangul name (canonical syllables) a name in Latin letters may spell, fewest
    syllables first and, among as many, likeliest first (``spelling_costs``: Cheolsu is
    철수 before 쩔쑤). The order is the same in every process (linkage blocks on the first
    readings); at most ``limit``. With ``first``, only readings whose first syllable is one
    of those (linkage: a surname it knows)."""
    letters, gap = folded.letters, folded.gap
    n = len(letters)
    if not 2 <= n <= 40:
        return []
    index = _reverse_index()

    @cache
    def from_(p: int) -> list[tuple[tuple[tuple[str, int], ...], ...]]:
        if p == n:
            return [()]
        out: list[tuple[tuple[tuple[str, int], ...], ...]] = []
        for size in range(1, MAX_SPELLING + 1):
            q = p + size
            if q > n:
                break
            if any(gap[k] >= SOFT for k in range(p + 1, q)):
                break
            syllables = index.get(letters[p:q])
            if syllables:
                out.extend((syllables, *rest) for rest in from_(q))
        return out

    found: list[tuple[int, int, tuple[str, ...]]] = []
    # Fewest syllables first: each written word is most likely one syllable (Kim Kook), and
    # the cap must not cut those off for a reading of "kook" as ko-ok.
    for parts in sorted(from_(0), key=lambda ps: (len(ps), sum(p[0][1] for p in ps))):
        if len(parts) < 2:
            continue
        if first:
            head = tuple(o for o in parts[0] if o[0] in first)
            if not head:
                continue
            parts = (head, *parts[1:])
        for combination in itertools.product(*parts):
            found.append((len(combination), sum(c for _, c in combination),
                          tuple(s for s, _ in combination)))
            if len(found) >= limit:
                break
        if len(found) >= limit:
            break
    found.sort(key=lambda f: (f[0], f[1]))
    return [reading for _, _, reading in found]


_index_lock = threading.Lock()
_index: dict[str, tuple[tuple[str, int], ...]] | None = None


def _reverse_index() -> dict[str, tuple[tuple[str, int], ...]]:
    """Every Latin spelling of a syllable, and the syllables it spells with the cost of
    spelling each so, cheapest first (built once, on the first name known only in Latin
    letters)."""
    global _index
    with _index_lock:
        if _index is None:
            found: dict[str, list[tuple[str, int]]] = {}
            for syllable in name_syllables():
                for spelling, cost in spelling_costs(syllable).items():
                    found.setdefault(spelling, []).append((syllable, cost))
            _index = {k: tuple(sorted(v, key=lambda sc: (sc[1], sc[0])))
                      for k, v in found.items()}
        return _index
