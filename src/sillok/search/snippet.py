"""Snippets: a window of a record's text around the first match, HTML-escaped, with the
matches in <mark>.

Matching is on the text itself, so a morpheme inside a longer Korean word (탈북민 in 탈북민들이)
is marked where it stands. Names are matched by their keys as the index matches them, so a
search for Kim Jong Un marks 김정은 in a Korean text and 김정은 marks Kim Jong-un in an English
one.

Offsets (issue 22, point 4): what a snippet reads of a text — where its Latin words stand with
their stems, where its Korean words start, its capitalised words with their name keys — is
worked out once, when the text is indexed (``offsets``; the tantivy index keeps it with each
document), and a result's snippet looks the query's words up in it instead of reading the
whole text again. The marks are the same as when the text is read (tests/test_snippet_offsets.py);
a text whose offsets are missing or were made from another text is read as before.
"""

from __future__ import annotations

import html
import itertools
import re
import zlib
from collections.abc import Iterator
from functools import lru_cache

from sillok.language.analyzer import CAPITALISED, HANGUL, normalise, stem, word_terms
from sillok.language.names import hangul_keys, index_terms, latin_keys
from sillok.search.query import Query

SNIPPET = 90
MAX_NAME_WORDS = 4  # a name is written in at most this many words (Kim Jong Un: three)
LATIN_GAP = re.compile(r"[ \t-]+")
LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A whole Latin word or number of a text (Highlighter.latin_spans).
LATIN_TOKEN = re.compile(r"(?<![a-z0-9'])[a-z0-9]+(?:'[a-z]+)?(?![a-z0-9])")


# Words so common in this archive that marking them alone marks half of every text ("North
# Korea" in every report): marked only inside a phrase or a name of the query, or when the
# query has nothing else to mark.
COMMON = frozenset(("north", "south", "korea", "korean", "koreans", "dprk", "북한", "남한",
                    "조선"))


def _name_words(q: Query) -> set[str]:
    """The typed words taken as parts of a name, marked where the name is (``_Names``) and
    not one by one — Un alone is not the UN: in a query that capitalises its names, a run of
    two or more capitalised Latin words (Kim Jong Un); in one that does not, a Latin word of
    one or two letters beside another Latin word (kim jong un)."""
    typed = [clause[0] for clause in q.clauses]

    def latin(word: str) -> bool:
        return bool(word) and not HANGUL.search(word) and " " not in word

    out: set[str] = set()
    for i, word in enumerate(typed):
        beside = [typed[j] for j in (i - 1, i + 1) if 0 <= j < len(typed)]
        if q.cased:
            named = word[:1].isupper() and latin(word) and any(
                b[:1].isupper() and latin(b) for b in beside)
        else:
            named = latin(word) and len(word) <= 2 and word.isalpha() and any(
                latin(b) and b.isalpha() for b in beside)
        if named:
            out.add(word)
    return out


def _phrase(alt: str, q: Query) -> bool:
    """Whether an alternative is marked only where it stands whole: a quoted phrase, or a
    label or thesaurus word of several words the search added ("deportation to North
    Korea" marks that phrase, never every "to" and "North")."""
    return " " in alt and (alt in q.quoted or alt in q.expanded)


def _skipped(word: str) -> bool:
    """A word with no content of its own (to, the, 에서) or too common to mark alone."""
    return word_terms(word).stop or normalise(word).strip(".,?!:;'\"") in COMMON


def _needles(q: Query) -> tuple[list[str], dict[str, str], list[tuple[str, ...]]]:
    """What to look for: Korean words and morphemes, found anywhere (탈북민 inside 탈북민들이,
    as the index finds it); Latin words and numbers, by their stems, found only as whole
    words ("to" is not the "to" of "October"; "repatriated" is a form of "repatriation"); and
    Latin phrases, as runs of whole words by their stems. Function words and COMMON words are
    left out unless they are all the query has."""
    names = _name_words(q)
    words = [(alt, word) for alt in q.words if not _phrase(alt, q) for word in alt.split()
             if alt not in names]
    kept = [(alt, word) for alt, word in words if not _skipped(word)]
    hangul: set[str] = set()
    latin: dict[str, str] = {}  # a word or its stem → the prefix a candidate must begin with
    phrases: list[tuple[str, ...]] = []
    for alt in q.words:
        if not _phrase(alt, q):
            continue
        norm = normalise(alt)
        if HANGUL.search(norm):
            # Korean texts write compounds with or without the space (공개 처형, 공개처형).
            hangul.update((" ".join(norm.split()), "".join(norm.split())))
        else:
            phrases.append(tuple(stem(t.replace("'", "")) for t in LATIN_WORD.findall(norm)))
    for _alt, word in kept or ([] if hangul or phrases else words):
        norm = normalise(word)
        if HANGUL.search(norm):
            hangul.add(norm)
            hangul.update(m for m in word_terms(word).morphemes if len(m) > 1)
        for token in LATIN_WORD.findall(norm):
            token = token.replace("'", "")
            root = stem(token)
            prefix = _shared_start(token, root)
            latin[token] = latin[root] = prefix
    return (sorted((n for n in hangul if n), key=len, reverse=True), latin,
            [p for p in phrases if p])


def _shared_start(word: str, root: str) -> str:
    """What every form with this stem begins with: a stem may end unlike its word
    (country → countri)."""
    n = 0
    while n < min(len(word), len(root)) and word[n] == root[n]:
        n += 1
    return word[:n] or word


def _name_sequences(q: Query) -> set[tuple[str, ...]]:
    """The name keys of every run of consecutive query words, of two syllables or more: in
    the query as typed (Kim Jong Un: three clauses) and in each alternative on its own."""
    out: set[tuple[str, ...]] = set()
    typed = " ".join(clause[0] for clause in q.clauses)
    # Names are looked for in the words typed, never in those the search added (a label or
    # thesaurus word is not a name: "North Korean refugee").
    for alt in [typed, *(w for w in q.words if w not in q.expanded)]:
        words = alt.split()
        keys = [word_terms(w, q.latin_name(w)).name_syllables for w in words]
        for i in range(len(keys)):
            seq: tuple[str, ...] = ()
            content = False
            for word, part in zip(words[i:i + MAX_NAME_WORDS], keys[i:i + MAX_NAME_WORDS],
                                  strict=True):
                if not part:
                    break
                seq += part
                # A run of COMMON words alone (north korea) is not taken for a name.
                content = content or not _skipped(word)
                if len(seq) > 1 and content:
                    out.add(seq)
    return out


@lru_cache(maxsize=50_000)
def _hangul_syllables(word: str) -> tuple[str, ...]:
    keys = hangul_keys(word)
    return tuple(index_terms(keys[:-1] if len(keys) > 1 else keys))


@lru_cache(maxsize=50_000)
def _latin_syllables(word: str) -> tuple[str, ...]:
    keys = latin_keys(word)
    return tuple(index_terms(keys[:-1] if len(keys) > 1 else keys))


@lru_cache(maxsize=1)
def _syllables_by_key() -> dict[str, frozenset[str]]:
    """Every Hangul syllable, by the key it has at the start of a word (nkkim: 김, 킴, 긤…)."""
    out: dict[str, set[str]] = {}
    for code in range(0xAC00, 0xD7A4):
        out.setdefault(_hangul_syllables(chr(code))[0], set()).add(chr(code))
    return {key: frozenset(chars) for key, chars in out.items()}


@lru_cache(maxsize=1000)
def _name_starts(firsts: frozenset[str]) -> frozenset[str]:
    """The syllables a name of the query can begin with: only Korean words beginning with one
    of these few are tried against the names, not every word of the text. (A set looked up
    per word, rather than a character class compiled per query: compiling a class of a few
    thousand syllables took a millisecond, more than the rest of a snippet.)"""
    by_key = _syllables_by_key()
    return frozenset().union(*(by_key.get(key, frozenset()) for key in firsts))


class Offsets:
    """What a snippet reads of one text, worked out once when it is indexed (``offsets``):
    text in lines ``key<TAB>positions``, in which a query's few keys are found (str.find)
    and only their lines read — nothing is decoded that the query does not ask for."""

    def __init__(self, stored: bytes) -> None:
        head, self.latin, self.hangul, self.caps = stored.decode("utf-8").split(_PART)
        size, crc = head.split(":")
        # The text's length and checksum: offsets of another text are never used.
        self.size, self.crc = int(size), int(crc)

    def fits(self, raw: str) -> bool:
        return self.size == len(raw) and self.crc == _crc(raw)

    def firsts(self) -> str:
        """The first syllables of the text's Korean words, each once."""
        return self.hangul[1:self.hangul.find("\n", 1)]


_PART = "\x1d"  # between the parts of a text's offsets


def _line(part: str, key: str) -> list[int]:
    """The positions a part of the offsets keeps for ``key``."""
    at = part.find(f"\n{key}\t")
    if at < 0:
        return []
    at += len(key) + 2
    return [int(n) for n in part[at:part.find("\n", at)].split(",")]


def _lines(by_key: dict[str, list[int]]) -> str:
    return "".join(f"\n{key}\t{','.join(map(str, found))}" for key, found in by_key.items()
                   ) + "\n"


def _crc(raw: str) -> int:
    return zlib.crc32(raw.encode("utf-8", "surrogatepass"))


def _lowered(raw: str) -> str:
    lowered = normalise(raw)
    return lowered if len(lowered) == len(raw) else raw.lower()  # NFKC changed lengths


def offsets(raw: str) -> bytes:
    """The offsets of ``raw`` that its snippets read (``Offsets``), to keep with its index
    document: computed once, when the text is indexed. Three parts: each Latin word
    (without apostrophes) and each stem, with the start and end of every word of the text
    that is it or has it; the first syllables of the Korean words, then each with the
    starts of the words it begins; the name keys of capitalised words, each with the start
    and end of every word that has them."""
    lowered = _lowered(raw)
    latin: dict[str, list[int]] = {}
    for m in LATIN_TOKEN.finditer(lowered):
        word = m.group().replace("'", "")
        for key in dict.fromkeys((word, stem(word))):
            latin.setdefault(key, []).extend(m.span())
    hangul: dict[str, list[int]] = {}
    for m in HANGUL.finditer(raw):
        hangul.setdefault(m.group()[0], []).append(m.start())
    caps: dict[str, list[int]] = {}
    for m in CAPITALISED.finditer(raw):
        keys = " ".join(_latin_syllables(m.group()))
        if keys:
            caps.setdefault(keys, []).extend(m.span())
    parts = [f"{len(raw)}:{_crc(raw)}", _lines(latin),
             "\n" + "".join(hangul) + _lines(hangul), _lines(caps)]
    return _PART.join(parts).encode("utf-8", "surrogatepass")


def read_offsets(stored: bytes | None) -> Offsets | None:
    """A document's offsets as ``offsets`` kept them (None if it has none)."""
    return Offsets(stored) if stored else None


def _reach(first: int) -> int:
    """Where the window of a snippet whose first match is at ``first`` ends at most."""
    return max(0, first - SNIPPET // 3) + SNIPPET * 2


class _Names:
    """A query's names (``_name_sequences``) and what finding them needs, worked out once
    for all of the query's snippets."""

    def __init__(self, names: set[tuple[str, ...]]) -> None:
        self.names = names
        self.starts = _name_starts(frozenset(seq[0] for seq in names))
        # A Hangul word's keys are one per syllable: only prefixes as long as a name are tried.
        self.sizes = sorted({len(seq) for seq in names}, reverse=True)
        # A run of Latin words is read on only while it may still become a name.
        self.heads = {seq[:k] for seq in names for k in range(1, len(seq) + 1)}
        # The heads as the offsets of a text spell a capitalised word's keys.
        self.head_keys = {" ".join(seq) for seq in self.heads}

    def _looked_up(self, raw: str, limit: int, at: Offsets) -> list[tuple[int, int]]:
        """``spans`` from a text's offsets: only the Korean words that begin with a name's
        first syllable and the capitalised words whose keys begin a name are visited, in
        text order, with the same limits as reading the text."""
        names, starts = self.names, self.starts
        spans = []
        found_at: list[int] = []
        if starts:
            firsts = at.firsts()
            for first in ([c for c in firsts if c in starts] if len(firsts) < len(starts)
                          else [c for c in starts if c in firsts]):
                found_at += _line(at.hangul, first)
        for s in sorted(found_at):
            if s >= limit:
                break
            word = HANGUL.match(raw, s).group()  # type: ignore[union-attr]
            for length in self.sizes:
                if length <= len(word) and _hangul_syllables(word[:length]) in names:
                    spans.append((s, s + length))
                    limit = min(limit, _reach(s))
                    break
        # The capitalised words whose keys begin a name, in text order; the words after one
        # are read from the text. Reading it, ``spans`` gathers the words before the limit
        # and MAX_NAME_WORDS - 1 after it: a run goes no further.
        gathered = limit
        heads = sorted(n for key in self.head_keys for n in _line(at.caps, key)[::2])
        after = 0
        for i in heads:
            if i < after:
                continue
            if i >= limit:
                break
            seq: tuple[str, ...] = ()
            found = None
            beyond = 0
            words = CAPITALISED.finditer(raw, i)
            previous = None
            for w in itertools.islice(words, MAX_NAME_WORDS):
                beyond += w.start() >= gathered
                if beyond >= MAX_NAME_WORDS:
                    break
                if previous is not None and not LATIN_GAP.fullmatch(
                        raw[previous.end():w.start()]):
                    break
                seq += _latin_syllables(w.group())
                if seq not in self.heads:
                    break
                if seq in names:
                    found = w
                previous = w
            if found is not None:
                spans.append((i, found.end()))
                limit = min(limit, _reach(i))
                after = found.end()
        return spans

    def spans(self, raw: str, limit: int, at: Offsets | None = None) -> list[tuple[int, int]]:
        """Where the text writes one of the names: the start of a Korean word (김정은 in
        김정은은), or a run of capitalised Latin words (Kim Jong-un). Only the spans that
        begin before ``limit``, which each span found lowers to ``_reach`` of it: a span
        beyond can neither be the first match nor fall in the window. (Reading every word of
        a long text for names took most of a snippet's time; the window is 180 characters.)"""
        if at is not None:
            return self._looked_up(raw, limit, at)
        names, starts = self.names, self.starts
        spans = []
        for m in HANGUL.finditer(raw) if starts else ():
            if m.start() >= limit:
                break
            word = m.group()
            if word[0] not in starts:
                continue
            for length in self.sizes:
                if length <= len(word) and _hangul_syllables(word[:length]) in names:
                    spans.append((m.start(), m.start() + length))
                    limit = min(limit, _reach(m.start()))
                    break
        # The capitalised words before the limit, and the few after it that a name beginning
        # before it may run into.
        words: list[re.Match[str]] = []
        after = 0
        for w in CAPITALISED.finditer(raw):
            after += w.start() >= limit
            if after >= MAX_NAME_WORDS:
                break
            words.append(w)
        i = 0
        while i < len(words) and words[i].start() < limit:
            seq: tuple[str, ...] = ()
            found = None
            for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
                if j > i and not LATIN_GAP.fullmatch(raw[words[j - 1].end():words[j].start()]):
                    break
                seq += _latin_syllables(words[j].group())
                if seq not in self.heads:
                    break
                if seq in names:
                    found = j
            if found is not None:
                spans.append((words[i].start(), words[found].end()))
                limit = min(limit, _reach(words[i].start()))
                i = found + 1
            else:
                i += 1
        return spans


class Highlighter:
    """What to mark for one query, worked out once for all of its hits.

    No regular expression is compiled per query: compiling an alternation of the query's
    words took more than half a millisecond, more than marking ten snippets."""

    def __init__(self, q: Query) -> None:
        self.needles, self.latin, self.phrases = _needles(q)
        names = _name_sequences(q)
        self.names = _Names(names) if names else None
        # A whole Latin word (or number) that begins like a query word: checked by its stem.
        self.prefixes = tuple(sorted(set(self.latin.values()), key=len, reverse=True))

    def needle_spans(self, lowered: str) -> list[tuple[int, int]]:
        """Where the needles stand in ``lowered``, as an alternation of them longest first
        finds them: at each place the longest, none overlapping one found before it."""
        longest: dict[int, int] = {}
        for needle in self.needles:
            i = lowered.find(needle)
            while i >= 0:
                longest.setdefault(i, len(needle))  # needles come longest first
                i = lowered.find(needle, i + 1)
        spans, pos = [], 0
        for i in sorted(longest):
            if i >= pos:
                pos = i + longest[i]
                spans.append((i, pos))
        return spans

    def latin_spans(self, lowered: str, start: int = 0, end: int | None = None
                    ) -> Iterator[tuple[int, int]]:
        """Where the query's Latin words stand in ``lowered[start:end]`` as whole words."""
        if not self.prefixes:
            return
        for m in LATIN_TOKEN.finditer(lowered, start, len(lowered) if end is None else end):
            word = m.group()
            if not word.startswith(self.prefixes):
                continue
            word = word.replace("'", "")
            if word in self.latin or stem(word) in self.latin:
                yield m.start(), m.end()

    def first_latin(self, lowered: str, at: Offsets | None) -> list[int]:
        """Where the first of ``latin_spans`` over the whole text starts (none or one);
        with offsets, only the words that are a query word or share its stem are visited."""
        if at is None:
            return [s for s, _e in itertools.islice(self.latin_spans(lowered), 1)]
        if not self.prefixes:
            return []
        found = sorted({(s, e) for key in self.latin for s, e in _pairs(_line(at.latin, key))})
        return [s for s, e in found if lowered.startswith(self.prefixes, s, e)][:1]

    def phrase_spans(self, lowered: str, start: int = 0, end: int | None = None
                     ) -> list[tuple[int, int]]:
        """Where the query's Latin phrases stand in ``lowered[start:end]``: runs of whole
        words with the phrase's stems, in order."""
        if not self.phrases:
            return []
        tokens = list(LATIN_TOKEN.finditer(lowered, start,
                                           len(lowered) if end is None else end))
        stems = [stem(t.group().replace("'", "")) for t in tokens]
        spans = []
        for phrase in self.phrases:
            n = len(phrase)
            spans += [(tokens[i].start(), tokens[i + n - 1].end())
                      for i in range(len(tokens) - n + 1) if tuple(stems[i:i + n]) == phrase]
        return spans

    def first_phrase(self, lowered: str, at: Offsets | None) -> list[int]:
        """Where the first of ``phrase_spans`` over the whole text starts (none or one);
        with offsets, the words after each word with a phrase's first stem are read from
        the text, and no others."""
        if at is None:
            phrases = self.phrase_spans(lowered)
            return [min(s for s, _e in phrases)] if phrases else []
        firsts = []
        for phrase in self.phrases:
            for s, _e in sorted(_pairs(_line(at.latin, phrase[0]))):
                run = tuple(stem(t.group().replace("'", "")) for t in itertools.islice(
                    LATIN_TOKEN.finditer(lowered, s), len(phrase)))
                if run == phrase:
                    firsts.append(s)
                    break
        return [min(firsts)] if firsts else []

    def snippet(self, raw: str, at: Offsets | None = None) -> str:
        """The snippet of ``raw``; from its offsets (``offsets``), if given and made from
        this very text."""
        return _snippet(raw, self, at if at is not None and at.fits(raw) else None)


def _pairs(flat: list[int]) -> Iterator[tuple[int, int]]:
    return zip(flat[::2], flat[1::2], strict=True)


def snippet(raw: str, q: Query) -> str:
    """A window of the text around the first match, HTML-escaped, matches in <mark>."""
    return _snippet(raw, Highlighter(q))


def _snippet(raw: str, h: Highlighter, at: Offsets | None = None) -> str:
    if not raw:
        return ""
    needles, names = h.needles, h.names
    lowered = _lowered(raw)
    starts = [i for i in (lowered.find(n) for n in needles) if i >= 0]
    starts += h.first_latin(lowered, at)
    starts += h.first_phrase(lowered, at)
    name_spans = names.spans(raw, _reach(min(starts)) if starts else len(raw), at
                             ) if names is not None else []
    starts += [s for s, _e in name_spans]
    first = min(starts, default=0)
    start = max(0, first - SNIPPET // 3)
    end = min(len(raw), _reach(first))
    spans = [(s - start, e - start) for s, e in name_spans if s >= start and e <= end]
    if needles:
        spans += h.needle_spans(lowered[start:end])
    spans += [(s - start, e - start) for s, e in h.phrase_spans(lowered, start, end)]
    spans += [(s - start, e - start) for s, e in h.latin_spans(lowered, start, end)]
    window = raw[start:end]
    out, pos = [], 0
    for s, e in sorted(spans, key=lambda span: (span[0], -span[1])):
        if s < pos:
            continue  # overlaps a mark already made (a name that contains a needle)
        out.append(html.escape(window[pos:s]))
        out.append(f"<mark>{html.escape(window[s:e])}</mark>")
        pos = e
    out.append(html.escape(window[pos:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(raw) else ""
    return prefix + "".join(out).replace("\n", " ") + suffix
