"""Exact phrases on both backends: "quoted words" match only where they stand next to each
other in that order, and adjacent words and names written out in full rank first.
All texts are fictional."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.search.service import search
from tests.conftest import ANON, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


def _ids(archive: Archive, query: str, **kw: object) -> list[int]:
    result = search(archive, ANON, f"type:sources {query}", expand_terms=False, **kw)  # type: ignore[arg-type]
    return [item["id"] for item in result.items]


def test_english_phrase_needs_adjacent_words_in_order(archive: Archive) -> None:
    together = make_source(archive, language="en", title="Fictional A",
                           text="[Fictional] Twelve women faced forced repatriation in 2023.")
    apart = make_source(archive, language="en", title="Fictional B",
                        text="[Fictional] After repatriation the women were forced to work.")
    assert set(_ids(archive, "forced repatriation")) == {together, apart}
    assert _ids(archive, '"forced repatriation"') == [together]
    assert _ids(archive, '"repatriation forced"') == []
    # Inflections still meet inside a phrase: the words are compared as stems.
    assert _ids(archive, '"forcibly repatriated"') == []
    assert _ids(archive, '"force repatriations"') == [together]
    assert _ids(archive, '-"forced repatriation" women') == [apart]


def test_korean_phrase_ignores_particles_but_not_order(archive: Archive) -> None:
    adjacent = make_source(archive, text="[가상] 탈북민들이 중국 공안에게 체포되었다.")
    reversed_ = make_source(archive, text="[가상] 공안은 중국으로 넘어간 탈북민을 찾았다.")
    split = make_source(archive, text="[가상] 강제 노동 끝에 그는 북송되었다.")
    together = make_source(archive, text="[가상] 여성 세 명이 강제북송되었다.")
    assert set(_ids(archive, "중국 공안")) == {adjacent, reversed_}
    assert _ids(archive, '"중국 공안"') == [adjacent]
    assert _ids(archive, '"탈북민 중국 공안"') == [adjacent]
    assert set(_ids(archive, "강제 북송")) == {split, together}
    assert _ids(archive, '"강제북송"') == [together]
    assert _ids(archive, '"강제 북송"') == [together]


def test_name_phrase_across_scripts(archive: Archive) -> None:
    korean = make_source(archive, text="[가상] 김정은은 국경을 봉쇄하라고 지시했다.")
    english = make_source(archive, language="en", title="Fictional",
                          text="[Fictional] Kim Jong-un ordered the border closed.")
    scattered = make_source(archive, language="en", title="Fictional",
                            text="[Fictional] Kim Su-mi, Jong Myong-ho and Un Hye-jin met.")
    assert set(_ids(archive, "Kim Jong Un")) == {korean, english, scattered}
    assert set(_ids(archive, '"Kim Jong Un"')) == {korean, english}
    assert set(_ids(archive, '"김정은"')) == {korean, english}


def test_adjacent_words_and_full_names_rank_first(archive: Archive) -> None:
    scattered = make_source(
        archive, language="en", title="Fictional",
        text="[Fictional] Labour was hard and the guards forced them; labour was "
             "forced on children too.")
    adjacent = make_source(archive, language="en", title="Fictional",
                           text="[Fictional] Detainees described forced labour in a mine.")
    assert _ids(archive, "forced labour") == [adjacent, scattered]
    assert _ids(archive, "forced labour", match_all=False) == [adjacent, scattered]
    other = make_source(archive, language="en", title="Fictional",
                        text="[Fictional] Pak Yong-il and Chol-su Ri were questioned "
                             "about the Pak family.")
    named = make_source(archive, text="[가상] 박철수 씨는 국경경비대에 체포되었다.")
    assert _ids(archive, "Pak Chol-su", match_all=False)[0] == named
    assert set(_ids(archive, "Pak Chol-su")) == {named, other}
