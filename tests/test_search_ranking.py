"""Ranking of natural-language questions on both backends: repeats weigh as BM25 weighs them
(saturating, relative to a record's length), and a number with a Korean counter (2,914명) is a
word of the question, not a function word. Fictional texts."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.language.analyzer import word_terms
from sillok.search.service import search
from tests.conftest import ANON, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

FILLER = "주민들은 장마당에서 옥수수와 감자를 사고팔며 겨울을 준비했다. "


def _ids(archive: Archive, query: str) -> list[int]:
    result = search(archive, ANON, f"type:sources {query}", expand_terms=False,
                    match_all=False)
    return [item["id"] for item in result.items]


def test_a_short_answer_beats_a_long_text_with_repeats(archive: Archive) -> None:
    long = make_source(archive, title="가상 1", text="[가상] " + FILLER * 12
                       + "쥐똥나무 마을의 쥐똥나무 숲, 쥐똥나무 길에서 큰 화재, 또 작은 화재가 "
                       "났다. " + FILLER * 12)
    short = make_source(archive, title="가상 2", text="[가상] 쥐똥나무 마을에 큰 화재.")
    assert _ids(archive, "쥐똥나무 화재")[:2] == [short, long]


def test_a_number_with_a_counter_is_a_content_word(archive: Archive) -> None:
    assert not word_terms("2,914명").stop and word_terms("명").stop
    assert word_terms("2,914명").surface == ("2", "914")  # 명 alone is never indexed
    other = make_source(archive, title="가상 1", text="[가상] 탈북민이 입국한 해의 통계.")
    answer = make_source(archive, title="가상 2", text="[가상] 그해 탈북민 2,914명이 입국했다.")
    assert _ids(archive, "2,914명 입국한 해")[:2] == [answer, other]


def test_a_question_finds_a_record_with_part_of_its_word(archive: Archive) -> None:
    # 수강신청날 (the day of registration) is in neither record whole: one has 수강신청, its
    # bigrams and morphemes but 청날; the other has the whole word. A question matches any
    # part of its words (compile.ranking_expr); a search bar query still matches words whole.
    part = make_source(archive, title="가상 1",
                       text="[가상] 쥐똥나무 학교의 수강신청 기간은 삼월이다.")
    whole = make_source(archive, title="가상 2",
                        text="[가상] 쥐똥나무 학교는 수강신청날이 정해져 있다.")
    other = make_source(archive, title="가상 3", text="[가상] 장마당에서 옥수수를 팔았다.")
    found = _ids(archive, "수강신청날이 언제인지 알려주세요")
    assert found[:2] == [whole, part] and other not in found
    bar = search(archive, ANON, "type:sources 수강신청날이", expand_terms=False)
    assert [item["id"] for item in bar.items] == [whole]
    # A word the question excludes still excludes.
    assert _ids(archive, "수강신청날이 언제인지 -삼월") == [whole]
