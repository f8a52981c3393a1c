"""Snippets: a window of a record's text around the first match, HTML-escaped, with the
matches in <mark>.

Matching is on the text itself, so a morpheme inside a longer Korean word (탈북민 in 탈북민들이)
is marked where it stands. Names are matched by their keys as the index matches them, so a
search for Kim Jong Un marks 김정은 in a Korean text and 김정은 marks Kim Jong-un in an English
one.
"""

from __future__ import annotations

import html
import itertools
import re
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

    def spans(self, raw: str, limit: int) -> list[tuple[int, int]]:
        """Where the text writes one of the names: the start of a Korean word (김정은 in
        김정은은), or a run of capitalised Latin words (Kim Jong-un). Only the spans that
        begin before ``limit``, which each span found lowers to ``_reach`` of it: a span
        beyond can neither be the first match nor fall in the window. (Reading every word of
        a long text for names took most of a snippet's time; the window is 180 characters.)"""
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

    def snippet(self, raw: str) -> str:
        return _snippet(raw, self)


def snippet(raw: str, q: Query) -> str:
    """A window of the text around the first match, HTML-escaped, matches in <mark>."""
    return _snippet(raw, Highlighter(q))


def _snippet(raw: str, h: Highlighter) -> str:
    if not raw:
        return ""
    needles, names = h.needles, h.names
    lowered = normalise(raw)
    if len(lowered) != len(raw):  # NFKC changed lengths: fall back to a case fold only
        lowered = raw.lower()
    starts = [i for i in (lowered.find(n) for n in needles) if i >= 0]
    starts += [s for s, _e in itertools.islice(h.latin_spans(lowered), 1)]
    phrases = h.phrase_spans(lowered)
    starts += [min(s for s, _e in phrases)] if phrases else []
    name_spans = names.spans(raw, _reach(min(starts)) if starts else len(raw)
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
