"""Snippets cut from a text's stored offsets (search/snippet.offsets, issue 22 point 4) mark
exactly what reading the text marks; the tantivy index keeps the offsets with each document
whose text every reader reads, and a search uses them. Fictional texts and names."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search import snippet as sn
from sillok.search import tantivy_store
from sillok.search.query import parse
from sillok.search.service import search
from sillok.search.snippet import Highlighter, offsets, read_offsets
from sillok.search.tantivy_store import FULL, PUBLIC
from tests.conftest import ANON, EDITOR, make_person, make_source

# Pieces of fictional text: Korean words with particles and names, romanized names, English
# words with their other forms, apostrophes, numbers, HTML, characters NFKC changes.
PIECES = ["김정은은", "김정은", "박철수", "박철호", "리명순의", "탈북민들이", "공개처형",
          "공개 처형", "회령시", "자강도", "국경을", "2,914명", "2023년", "Kim", "Jong-un", "Jong",
          "Un", "Pak",
          "Chol-su", "Ri", "Myong", "Sun", "Hoeryong", "repatriation", "repatriated",
          "repatriate", "forced", "labour", "Labour", "country", "countries", "don't", "dont",
          "North", "Korea", "korean", "UN", "camp", "camps", "<b>", "&", "ﬁle", "ＫＩＭ",
          "Ⅻ", "café", "1997", "’s", "o'clock", "the", "to", "and"]
GAPS = [" ", " ", " ", "", "-", "\n", ", ", "'", ". "]
QUERIES = ["Kim Jong Un", "kim jong-un", "김정은", "박철수", "Pak Chol-su", "리명순",
           "repatriation", "repatriated camps", '"forced labour"', "탈북민", "공개처형",
           "country", "don't", "Hoeryong 회령", "North Korea", "UN", "2023", "file",
           "Ri Myong Sun", "forced labour country"]


def _text(draw: Any) -> str:
    words = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=160))
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=len(words), max_size=len(words)))
    return "".join(w + g for w, g in zip(words, gaps, strict=True))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.data())
def test_offsets_mark_what_reading_the_text_marks(data: Any) -> None:
    raw = _text(data.draw)
    h = Highlighter(parse(data.draw(st.sampled_from(QUERIES))))
    assert h.snippet(raw, read_offsets(offsets(raw))) == h.snippet(raw)


def test_offsets_of_another_text_are_not_used() -> None:
    h = Highlighter(parse("repatriation"))
    raw = "[Fictional] " + "words " * 60 + "before the repatriation of the family."
    other = read_offsets(offsets(raw.replace("before", "behind")))
    assert other is not None and not other.fits(raw)
    assert h.snippet(raw, other) == h.snippet(raw)
    assert "<mark>repatriation</mark>" in h.snippet(raw, read_offsets(offsets(raw)))


def test_a_long_text_is_not_read_again_for_its_first_match(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    raw = ("[Fictional] " + "Some Capitalised Words and names " * 400
           + "then Pak Chol-su was repatriated.")
    h = Highlighter(parse("Pak Chol-su repatriated"))
    at = read_offsets(offsets(raw))
    expected = h.snippet(raw)
    read: list[int] = []
    real = sn.LATIN_TOKEN

    class Counting:
        def finditer(self, text: str, *bounds: int) -> Any:
            read.append((bounds[1] if len(bounds) > 1 else len(text)) - (bounds[0] if bounds
                                                                             else 0))
            return real.finditer(text, *bounds)

        def match(self, *args: Any) -> Any:
            return real.match(*args)

    monkeypatch.setattr(sn, "LATIN_TOKEN", Counting())
    assert h.snippet(raw, at) == expected
    # Only the window's words were read, not the 13,000 characters before the match.
    assert read and max(read) <= 2 * sn.SNIPPET


@pytest.fixture
def archive_t(settings: Settings) -> Iterator[Archive]:
    a = Archive.open(dataclasses.replace(settings, search_backend="tantivy"))
    yield a
    a.close()
    tantivy_store.forget(settings)


def test_a_search_on_tantivy_cuts_snippets_from_the_stored_offsets(
        archive_t: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("[Fictional] " + "The committee met again. " * 30
            + "Pak Chol-su said the repatriation of 탈북민들이 began in 2023.")
    make_source(archive_t, text=text, language="en")
    used: list[tuple[bool, bool]] = []
    real = Highlighter.snippet

    def snippet(self: Highlighter, raw: str, at: sn.Offsets | None = None) -> str:
        out = real(self, raw, at)
        # Whether offsets of this very text were given, and whether reading the text marks
        # the same.
        used.append((at is not None and at.fits(raw), out == real(self, raw)))
        return out

    monkeypatch.setattr(Highlighter, "snippet", snippet)
    for actor in (ANON, EDITOR):
        for q in ("repatriation", "Pak Chol-su", "탈북민", '"committee met"'):
            used.clear()
            items = search(archive_t, actor, f"type:sources {q}").items
            assert len(items) == 1 and "<mark>" in items[0]["snippet"]
            assert used == [(True, True)]


def test_the_public_index_keeps_no_offsets_of_a_text_with_something_to_hide(
        archive_t: Archive) -> None:
    make_person(archive_t, level="restricted", name="박철수")
    hidden = make_source(archive_t, text="[가상] 박철수 씨는 회령에서 체포됐다.")
    shown = make_source(archive_t, text="[가상] 리영호 씨는 회령에서 일했다.")
    store = tantivy_store.store_of(archive_t.engine)
    assert store is not None

    def stored(name: str, rid: int) -> list[Any]:
        searcher = store.searcher(name)
        hits = searcher.search(tantivy.Query.term_query(tantivy_store.SCHEMA, "rec",
                                                        f"source:{rid}"), 5).hits
        return [searcher.doc(a).get_first("snip") for _s, a in hits]

    # A text with a protected name has a copy per reader: none keeps offsets (they are of the
    # text itself), so the public index holds nothing of it but its public copy.
    assert stored(PUBLIC, hidden) == [None] and set(stored(FULL, hidden)) == {None}
    assert all(stored(PUBLIC, shown)) and all(stored(FULL, shown))
    # The public reader's snippet is cut from the public copy, read as before.
    items = search(archive_t, ANON, "type:sources 회령").items
    assert {i["id"] for i in items} == {hidden, shown}
    assert all("박철수" not in i["snippet"] for i in items)
