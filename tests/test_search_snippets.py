"""Snippets mark names by their keys, across scripts, and stay HTML-safe. Fictional texts."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from sillok.archive.service import Archive
from sillok.search.query import parse
from sillok.search.service import search, snippet
from tests.conftest import ANON, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


def test_romanized_query_marks_the_hangul_name() -> None:
    out = snippet("[가상] 김정은은 국경을 봉쇄하라고 지시했다.", parse("Kim Jong Un"))
    assert "<mark>김정은</mark>은" in out
    assert snippet("[가상] 김정은 위원장", parse("kim jong-un")).count("<mark>") == 1


def test_hangul_query_marks_the_romanized_name() -> None:
    out = snippet("[Fictional] On Monday Kim Jong-un ordered the border closed.", parse("김정은"))
    assert "<mark>Kim Jong-un</mark>" in out


def test_only_the_name_asked_for_is_marked() -> None:
    out = snippet("[가상] 박철호 씨와 박철수 씨가 함께 체포되었다.", parse("Pak Chol-su"))
    assert "<mark>박철수</mark>" in out and "<mark>박철호" not in out
    out = snippet("[가상] 량강도 혜산시와 자강도", parse("Ryanggang"))
    assert "<mark>량강</mark>도" in out and "<mark>자강" not in out


def test_name_marks_are_escaped() -> None:
    out = snippet("<b>김정은</b> & 군중", parse("Kim Jong Un"))
    assert "<b>" not in out and "&lt;b&gt;<mark>김정은</mark>&lt;/b&gt; &amp;" in out


def test_search_snippet_marks_the_name(archive: Archive) -> None:
    make_source(archive, text="[가상] 보고서에 따르면 " + "긴 앞부분 " * 40 + "김정은은 지시했다.")
    item = search(archive, ANON, "type:sources Kim Jong Un").items[0]
    assert "<mark>김정은</mark>" in item["snippet"] and item["snippet"].startswith("…")


def test_latin_words_are_marked_whole() -> None:
    out = snippet("[Fictional] In October they went to Hyesan, then on to Tokyo.", parse("to"))
    assert out.count("<mark>") == 2 and "Oc<mark>" not in out and "<mark>to</mark>kyo" not in out
    assert "went <mark>to</mark> Hyesan" in out
    out = snippet("[Fictional] 12 were repatriated in 2023; repatriation of 20231 people "
                  "reported; expatriation too.", parse("repatriation 2023"))
    assert "<mark>repatriated</mark>" in out and "<mark>repatriation</mark>" in out
    assert "<mark>2023</mark>;" in out and "<mark>2023</mark>1" not in out
    assert "ex<mark>" not in out
    assert "<mark>countries</mark>" in snippet("[Fictional] border countries", parse("country"))


def test_korean_morphemes_inside_words_stay_marked() -> None:
    out = snippet("[가상] 탈북민들이 UN은 국경에서 체포되었다고 전했다.", parse("탈북민 un 체포"))
    assert "<mark>탈북민</mark>들이" in out and "<mark>UN</mark>은" in out
    assert "<mark>체포</mark>되었다고" in out


def test_search_snippet_marks_whole_latin_words(archive: Archive) -> None:
    make_source(archive, language="en", title="Fictional",
                text="[Fictional] In October the women were taken to Onsong.")
    item = search(archive, ANON, "type:sources October to").items[0]
    assert "<mark>October</mark>" in item["snippet"]
    # A function word beside a content word is not marked (issue 19): only what matched.
    assert "taken to Onsong" in item["snippet"]
    assert item["snippet"].count("<mark>") == 1


_NEW = itertools.count(1000)


def test_a_query_is_analysed_once_per_request(archive: Archive,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22, point 4: each word of a query never asked before goes through Kiwi once in
    the whole request (matching, weighing, re-ranking, protection and snippets), whatever
    the query's capitals."""
    from sillok.language import analyzer

    make_source(archive, text="[가상] 쥐똥나무골에서 탈북민들이 체포됐다. Kim Chol-su.")
    calls: list[str] = []
    kiwi = analyzer._kiwi()

    class Spy:
        def tokenize(self, text: Any, *args: Any, **kwargs: Any) -> Any:
            calls.extend([text] if isinstance(text, str) else list(text))
            return kiwi.tokenize(text, *args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(kiwi, name)

    monkeypatch.setattr(analyzer, "_kiwi", Spy)
    # New to this process's caches (the other engine's run of this test came first).
    words = [f"쥐똥나무골{next(_NEW)}에서" for _n in range(3)]
    for word in words:
        search(archive, ANON, f"Kim {word} 탈북민", facets=True)
    assert all(calls.count(w) == 1 for w in words), calls
