"""Ranking of natural-language questions on both backends: repeats weigh as BM25 weighs them
(saturating, relative to a record's length), and a number with a Korean counter (2,914명) is a
word of the question, not a function word. Fictional texts."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.language.analyzer import word_terms
from sillok.search import rank
from sillok.search.cache import forget_answers
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


def test_korean_question_words_are_left_out_and_other_function_words_kept() -> None:
    # Interrogatives (a closed class) are what a question asks with; the text that answers
    # it does not hold them, whatever tag Kiwi gives them (언제 and 얼마나 are adverbs to it).
    for word in ("언제", "얼마나", "어떻게", "왜", "며칠에", "어디에서", "누가", "몇"):
        assert word_terms(word).stop and word_terms(word).left_out, word
    # Other words without content of their own still tell texts apart by their bigrams.
    for word in ("그리고", "것은", "하지만"):
        assert word_terms(word).stop and not word_terms(word).left_out, word
    # A Latin or Chinese word with a Korean particle is content (SR은 is no function word).
    assert not word_terms("SR은").stop and not word_terms("北韓의").stop
    assert word_terms("the").left_out and not word_terms("탈북민들이").left_out


def test_an_interrogative_that_means_any_is_kept() -> None:
    # Followed by 보다, 나, 든지, 이든, 라도, 도 an interrogative asks nothing (무엇보다도:
    # above all; 누구나: anyone): a text may say it, so the word stays in the question.
    for word in ("무엇보다도", "무엇보다", "누구보다", "누구나", "언제든지", "무엇이든", "누구도"):
        assert word_terms(word).stop and not word_terms(word).left_out, word
    for word in ("무엇을", "누구에게", "어디까지"):
        assert word_terms(word).left_out, word


def test_an_interrogative_does_not_rank_a_text_that_asks_it(archive: Archive) -> None:
    answer = make_source(archive, title="가상 1", text="[가상] 2019년 봄 쥐똥나무 마을에서 큰 "
                         "화재가 났다.")
    asks = make_source(archive, title="가상 2", text="[가상] 화재 대피 훈련은 언제 하는지 "
                       "묻는 주민이 많았다.")
    assert _ids(archive, "화재는 언제 났나?")[:2] == [answer, asks]


def test_the_search_bar_leaves_out_question_words_too(archive: Archive) -> None:
    # The search bar matches every word; a reader types questions there as well, and no record
    # that answers holds 언제, 어디에서 or "who". Before, these found nothing.
    answer = make_source(archive, title="가상 1", text="[가상] 2019년 봄 쥐똥나무 마을에서 큰 "
                         "화재가 났다. Border guards arrested the villagers.")

    def bar(query: str) -> list[int]:
        result = search(archive, ANON, f"type:sources {query}", expand_terms=False)
        return [item["id"] for item in result.items]

    assert bar("쥐똥나무 화재") == [answer]
    assert bar("언제 쥐똥나무 화재") == [answer]
    assert bar("어디에서 쥐똥나무 화재가 났나") == [answer]
    assert bar("who arrested the villagers") == [answer]
    # Every other word is still required, and a question word alone is still asked for.
    assert bar("언제 쥐똥나무 홍수") == []
    # WHO in capitals beside other words is the organisation, not "who".
    assert bar("WHO 쥐똥나무 화재") == [] and bar("who 쥐똥나무 화재") == [answer]
    asks = make_source(archive, title="가상 2", text="[가상] 어디에서 왔느냐고 물었다.")
    assert bar("어디에서") == [asks]


def test_a_korean_word_without_content_still_weighs(archive: Archive) -> None:
    # 그리고 (and) has no content morpheme, but its bigrams tell the two texts apart; a
    # question leaves out only what asks (언제, 어디), not every such word.
    other = make_source(archive, title="가상 1", text="[가상] 주인은 친절했다.")
    answer = make_source(archive, title="가상 2", text="[가상] 그리고 그 집 주인은 매우 "
                         "친절했다.")
    assert _ids(archive, "그리고 주인이 친절했다")[:2] == [answer, other]


def test_a_paraphrase_earns_part_of_the_word_it_replaces(archive: Archive,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # 연행 (taken away) for 체포 (arrest): Kiwi's model puts them 0.72 apart (rank.SOFT). The
    # other record has the question's other words as often, and is shorter.
    answer = make_source(archive, title="가상 1", text="[가상] 보위부가 쥐똥나무 마을 주민 "
                         "열두 명을 연행했다고 이웃이 전했다.")
    other = make_source(archive, title="가상 2", text="[가상] 쥐똥나무 마을 주민 열두 명이 "
                        "장마당에 갔다.")
    question = "쥐똥나무 마을 주민이 체포된 밤"
    assert _ids(archive, question)[:2] == [answer, other]
    monkeypatch.setattr(rank, "SOFT", 0.0)
    forget_answers()
    assert _ids(archive, question)[:2] == [other, answer]
