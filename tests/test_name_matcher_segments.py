"""The name matcher's Latin path reads text a segment at a time and keeps what it worked out
for each distinct segment (name_matcher._Segment). It must find exactly what walking every
syllable spelling of the whole text finds: the plain walk below (the matcher's earlier
algorithm) is the oracle, and generated texts — English words, names spelt every way, joined
and split by spaces, hyphens, apostrophes, full stops and Hangul — must give the same spans.
Fictional names only."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sillok.security.name_matcher import MIN_LATIN, Entry, NameMatcher
from sillok.security.name_text import HARD, JOIN, SOFT, Folded, fold
from tests.name_spellings import GIVEN, SURNAMES


def walk_every_spelling(matcher: NameMatcher, folded: Folded
                        ) -> Iterable[tuple[int, int, Entry]]:
    """Every chain of syllable spellings from a word edge to a word edge that makes a name,
    found by walking every spelling the automaton finds anywhere in the text."""
    letters, gap = folded.letters, folded.gap
    edges: dict[int, list[tuple[int, frozenset[str]]]] = {}
    for last, (size, syllables) in matcher._spelled.iter(letters):
        i, j = last - size + 1, last + 1
        if size > 1 and folded.gap_inside(i, j) >= SOFT:
            continue
        edges.setdefault(i, []).append((j, syllables))
    n = len(letters)

    def word_edge(k: int) -> bool:
        return (k == 0 or k == n or gap[k] >= JOIN or not letters[k].isascii()
                or not letters[k - 1].isascii())

    for start in sorted(edges):
        if not word_edge(start):
            continue
        stack: list[tuple[int, tuple[str, ...]]] = [(start, ())]
        while stack:
            position, sofar = stack.pop()
            if sofar and position < n and gap[position] == HARD:
                continue
            for end, syllables in edges.get(position, ()):
                for syllable in syllables:
                    form = (*sofar, syllable)
                    if form not in matcher._prefixes:
                        continue
                    entries = matcher._names.get(form)
                    if entries and word_edge(end):
                        for entry in entries:
                            if end - start >= MIN_LATIN[entry[1]]:
                                yield start, end, entry
                    if end < n:
                        stack.append((end, form))


NAMES = [s + g for s in ("박", "이", "김", "최", "류", "오") for g in ("철수", "영희", "은", "우")]
MATCHER = NameMatcher([(i, [name]) for i, name in enumerate(NAMES)])
WORDS = ["the", "arrest", "in", "on", "a", "so", "chosen", "young", "kim", "park", "report",
         "Hoeryong", "cheol", "su", "soo", "oh", "un", "il", "ui", "yi", "ri", "lee", "han"]
# Mostly the spellings of the names' own syllables, so that names meet their separators.
NAME_PIECES = [s for h in ("박", "이", "김", "최", "류", "오") for s in SURNAMES[h]] + [
    s for h in ("철", "수", "영", "희", "은", "우") for s in GIVEN[h]]
PIECES = st.one_of(st.sampled_from(NAME_PIECES), st.sampled_from(NAME_PIECES),
                   st.sampled_from(NAME_PIECES), st.sampled_from(WORDS))
SEPARATORS = [" ", "-", "'", "’", "\u200b", "\u00ad", ". ", ", ", "·", "", " 박 ", "3", "\n"]


@settings(max_examples=800, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(PIECES, st.sampled_from(SEPARATORS),
                          st.booleans()), min_size=1, max_size=14))
def test_segments_find_what_walking_every_spelling_finds(parts: list[tuple[str, str, bool]]
                                                         ) -> None:
    text = "".join((p.upper() if upper else p) + sep for p, sep, upper in parts)
    folded = fold(text)
    assert sorted(MATCHER._latin_matches(folded)) == sorted(
        walk_every_spelling(MATCHER, folded)), text


def test_a_segment_seen_again_is_read_from_what_was_kept() -> None:
    matcher = NameMatcher([(1, ["박철수"])])
    text = "Park Chul-soo met Pak Chol Su; then park chulsoo."
    first = matcher.spans(text)
    kept = len(matcher._segment_cache)
    assert [text[s.start:s.end] for s in first] == ["Park Chul-soo", "Pak Chol Su",
                                                     "park chulsoo"]
    assert matcher.spans(text) == first
    assert len(matcher._segment_cache) == kept > 0
