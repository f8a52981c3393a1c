"""Ranking by proximity beyond neighbours and by a word's bigrams in part (search/rank.py):
a question's words found within one sentence of a record outrank the same words scattered
over it, and a word whose ending differs still earns part of its weight. Fictional texts."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.language.analyzer import WordTerms
from sillok.search import rank
from sillok.search.compile import Alternative
from sillok.search.service import search
from tests.conftest import ANON, make_source

FILLER = "주민들은 장마당에서 옥수수와 감자를 사고팔며 겨울을 준비했다. " * 6


def _word(*surface: str) -> WordTerms:
    return WordTerms(morphemes=(), surface=surface, name_syllables=(), name_whole=(),
                     stop=False)


def test_best_window_counts_clauses_within_the_width() -> None:
    clauses = [[Alternative((_word("가나"),))], [Alternative((_word("다라"),))],
               [Alternative((_word("마바"),))]]
    near = rank.Positions("", "가나 x 다라 y 마바", {"가나", "다라", "마바"})
    far = rank.Positions("", "가나 " + "x " * 40 + "다라 " + "y " * 40 + "마바",
                         {"가나", "다라", "마바"})
    weights = [1.0, 2.0, 4.0]
    assert rank.best_window(clauses, weights, near, width=10) == pytest.approx(7.0)
    assert rank.best_window(clauses, weights, far, width=10) == pytest.approx(4.0)


def test_a_word_with_some_of_its_bigrams_earns_a_share() -> None:
    word = _word("강제", "제송", "송환", "환된")
    pos = rank.Positions("", "강제 제송 송환 환되 되었", {"강제", "제송", "송환", "환된"})
    share, tf, _title, _named = rank._word_match(word, pos)
    assert share == pytest.approx(rank.SURFACE_PARTIAL * 3 / 4) and tf == 1


def test_a_word_most_candidates_hold_weighs_less(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both words are as rare in the archive (same IDF), but four of the five candidates hold
    # 다라: it tells them apart less than 가나, which only one holds (rank.SPREAD).
    clauses = [[Alternative((_word("가나"),))], [Alternative((_word("다라"),))]]

    def ranked() -> list[tuple[str, int]]:
        candidates = [rank.Candidate(("sources", n), 1.0, "", "다라 x y") for n in range(4)]
        candidates.append(rank.Candidate(("sources", 4), 1.0, "", "가나 x y"))
        return [c.key for c in rank.rerank(clauses, [2.0, 2.0], candidates)]

    assert ranked()[0] == ("sources", 4)
    monkeypatch.setattr(rank, "SPREAD", 0.0)
    assert ranked()[0] == ("sources", 0)  # a tie without it: the backend's order


def _ids(archive: Archive, query: str) -> list[int]:
    result = search(archive, ANON, f"type:sources {query}", expand_terms=False,
                    match_all=False)
    return [item["id"] for item in result.items]


def test_words_within_one_sentence_outrank_the_same_words_apart(archive: Archive) -> None:
    # The same words, as often, in texts of the same length, no two of the question's words
    # next to each other in either; the scattered one is older, so a tie would put it first.
    apart = make_source(archive, title="가상", text="[가상] 쥐똥나무 숲이 있는 " + FILLER
                        + "회령 근처에서 " + FILLER + "보위부 요원이 조사했다.")
    together = make_source(archive, title="가상", text="[가상] 쥐똥나무 숲이 있는 회령 "
                           "근처에서 보위부 요원이 조사했다. " + FILLER * 2)
    assert _ids(archive, "쥐똥나무 회령 보위부 조사")[:2] == [together, apart]
