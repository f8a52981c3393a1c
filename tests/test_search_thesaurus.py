"""Issue 19 §3: search results a reader understands — the domain thesaurus (탈북민 = defector …)
expands a query below the words typed and is shown; vocabulary terms are offered as filters,
not listed as results; a protected name is never confirmed by an expansion. Fictional data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.search import thesaurus
from sillok.search.service import search
from sillok.web.app import create_app
from tests.conftest import ANON, EDITOR, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


def test_every_entry_has_words_in_both_languages_a_source_and_a_real_term(
        archive: Archive) -> None:
    entries = thesaurus.entries()
    assert len(entries) >= 20 and len({e.id for e in entries}) == len(entries)
    with archive.sessions() as session:
        terms = {(t.vocabulary, t.code) for t in session.execute(select(m.Term)).scalars()}
    seen: dict[str, str] = {}
    for e in entries:
        assert e.ko and e.en and len(e.source) > 20, e.id
        assert "http" in e.source, e.id  # a public address, not only an internal note
        if e.term:
            assert tuple(e.term.split(":")) in terms, e.term
        for word in e.words:
            # A word in two entries would expand to the wrong one.
            assert seen.setdefault(thesaurus.key(word), e.id) == e.id, word


def test_lookup_forgives_case_inflection_and_particles_not_other_words() -> None:
    assert thesaurus.lookup("탈북민들이").id == "defector"  # type: ignore[union-attr]
    assert thesaurus.lookup("Defectors").id == "defector"  # type: ignore[union-attr]
    assert thesaurus.lookup("north korean refugees").id == "defector"  # type: ignore[union-attr]
    assert thesaurus.lookup("보위부에서").id == "mss"  # type: ignore[union-attr]
    assert thesaurus.lookup("관리소장") is None  # a camp's director, not the camp
    assert thesaurus.lookup("탈북") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_lookup_never_fails_on_what_people_type(text: str) -> None:
    found = thesaurus.lookup(text)
    assert found is None or found in thesaurus.entries()


def test_equivalents_find_each_other_and_the_word_typed_ranks_first(archive: Archive) -> None:
    ids = {
        "en": make_source(archive, language="en", title="Fictional report",
                          text="[Fictional] A defector described the border."),
        "ko1": make_source(archive, title="가상 기사", text="[가상] 탈북민이 국경을 설명했다."),
        "ko2": make_source(archive, title="가상 증언", text="[가상] 탈북자가 국경을 설명했다."),
    }
    for word, first in (("탈북자", "ko2"), ("탈북민", "ko1"), ("defector", "en")):
        result = search(archive, ANON, f"type:sources {word}")
        assert {i["id"] for i in result.items} == set(ids.values()), word
        assert result.items[0]["id"] == ids[first], (word, result.items)
        used = [e for e in result.expansions if e["term"] == "thesaurus:defector"]
        assert used and used[0]["matched"] == word and "http" in used[0]["source"]
        assert word not in used[0]["added"]
    # Without expansion, only the word typed.
    assert [i["id"] for i in search(archive, ANON, "type:sources 탈북자",
                                    expand_terms=False).items] == [ids["ko2"]]
    # The equivalent's snippet marks the equivalent.
    item = next(i for i in search(archive, ANON, "type:sources defector").items
                if i["id"] == ids["ko1"])
    assert "<mark>탈북민</mark>" in item["snippet"]


def test_terms_are_suggestions_not_results(archive: Archive) -> None:
    act_source = make_source(archive, text="[가상] 2019년 탈북민 세 명이 강제북송되었다.")
    plain = search(archive, ANON, "강제북송")
    assert any(i["type"] == "term" for i in plain.items)  # staff tools keep them as results
    public = search(archive, ANON, "강제북송", terms_apart=True, facets=True)
    assert [i for i in public.items if i["type"] == "term"] == []
    assert act_source in {i["id"] for i in public.items}
    assert "term" not in public.facets["type"]
    first = public.suggestions[0]
    assert (first["vocabulary"], first["code"], first["filter"]) == (
        "act_type", "forced_repatriation", "act:forced_repatriation")
    # Through the thesaurus: 정치범수용소 suggests the facility type.
    camp = search(archive, ANON, "정치범수용소", terms_apart=True)
    assert "facility:kwalliso" in {s["filter"] for s in camp.suggestions}
    # Asked for, terms are results again.
    asked = search(archive, ANON, "type:terms 강제북송", terms_apart=True)
    assert asked.items and all(i["type"] == "term" for i in asked.items)


def test_an_expansion_never_confirms_a_protected_name(archive: Archive) -> None:
    make_person(archive, level="restricted", name="박철수")
    source = make_source(archive, title="가상 기사",
                         text="[가상] 박철수 씨는 탈북민이며 회령에서 체포되었다.")
    found = search(archive, ANON, "type:sources defector", terms_apart=True)
    assert [i["id"] for i in found.items] == [source]
    assert "박철수" not in found.items[0]["snippet"] and "<mark>탈북민</mark>" in (
        found.items[0]["snippet"])
    for query in ("박철수", "박철수 defector", "Pak Chol-su 탈북자"):
        result = search(archive, ANON, f"type:sources {query}", terms_apart=True)
        assert result.total == 0, query
        # A name is not a thesaurus word: nothing is added for it, shown or searched.
        assert all("박철수" not in e["matched"] and "Pak" not in e["matched"]
                   for e in result.expansions), query
    assert search(archive, EDITOR, "type:sources 박철수 defector").total == 1


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_search_page_shows_suggestions_and_what_was_also_searched(
        client: TestClient, archive: Archive) -> None:
    make_source(archive, text="[가상] 탈북자 두 명이 강제북송되었다.")
    ko = client.get("/search", params={"q": "강제북송 탈북민", "lang": "ko"}).text
    assert 'id="term-suggestions"' in ko and "이 유형으로 찾아보기" in ko
    assert 'href="/search?q=%EA%B0%95%EC%A0%9C%EB%B6%81%EC%86%A1+act%3Aforced_repatriation"' in ko
    assert 'id="also-searched"' in ko and "defector" in ko and "탈북자" in ko
    assert "act_type:" not in ko  # no code printed as a result
    en = client.get("/search", params={"q": "defector", "lang": "en"}).text
    assert "Also searched" in en and "탈북민" in en and "북한이탈주민" in en
    page = client.get("/search/thesaurus", params={"lang": "en"})
    assert page.status_code == 200 and "새터민" in page.text and "korea.kr" in page.text
    assert "shared/reference" not in page.text and ".md" not in page.text
    api = client.get("/api/v1/search", params={"q": "강제북송"}).json()
    assert all(i["type"] != "term" for i in api["items"])
    assert api["suggestions"][0]["filter"] == "act:forced_repatriation"
    api = client.get("/api/v1/search", params={"q": "탈북자"}).json()
    source = next(e["source"] for e in api["expansions"] if e["term"] == "thesaurus:defector")
    assert "korea.kr" in source and "shared/reference" not in source


def test_thesaurus_file_is_valid_yaml_with_only_known_keys() -> None:
    from importlib import resources

    raw = yaml.safe_load((resources.files("sillok") / "data" / "thesaurus.yaml")
                         .read_text(encoding="utf-8"))
    for entry in raw["entries"]:
        assert set(entry) <= {"id", "ko", "en", "term", "source"}, entry["id"]
