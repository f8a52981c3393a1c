"""Search on both backends: Korean morphology, English stems, permissions inside the query,
a parser that never fails, and HTML-safe snippets."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.search.query import parse
from sillok.search.service import search, snippet
from tests.conftest import ADMIN, ANON, EDITOR, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")


@pytest.fixture
def demo(demo_settings: Settings) -> Iterator[Archive]:
    archive = Archive.open(demo_settings)
    yield archive
    archive.close()


def _labels(archive: Archive, actor: object, q: str) -> list[str]:
    return [f"{i['type']}:{i['label']}" for i in search(archive, actor, q, limit=50).items]  # type: ignore[arg-type]


def test_korean_morphology_finds_inflected_forms(archive: Archive) -> None:
    src = make_source(archive, title="가상 기사",
                      text="[가상] 탈북민들이 중국 공안에게 체포되었다고 전해졌다.")
    result = search(archive, ANON, "type:sources 탈북민")
    assert [i["id"] for i in result.items] == [src]
    assert "<mark>탈북민</mark>들이" in result.items[0]["snippet"]
    assert search(archive, ANON, "type:sources 체포").total == 1
    assert search(archive, ANON, "type:sources 탈북민 -공안").total == 0


def test_english_stems_and_demo_queries(demo: Archive) -> None:
    for query, expected in (
        ("탈북민", "source:올해 1분기 입국 탈북민 34명"),
        ("강제북송", "term:act_type:forced_repatriation"),
        ('"forced repatriation"', "event:Mass forced repatriation from China"),
        ("Kim Jong Un", "person:김정은"),
        ("김정은", "person:김정은"),
        ("repatriated", "term:act_type:forced_repatriation"),
    ):
        labels = _labels(demo, ANON, query)
        assert any(label.startswith(expected) for label in labels), (query, labels)


def test_permissions_inside_the_query(archive: Archive) -> None:
    make_source(archive, level="restricted", title="가상 제한 증언", text="MARKERWORD 쥐똥나무")
    make_person(archive, level="restricted", name="MARKERNAME 한가람")
    for query in ("markerword", "markername", "쥐똥나무", "한가람"):
        public = search(archive, ANON, query)
        assert public.total == 0 and public.items == [], query
        assert search(archive, EDITOR, query).total == 1, query
    assert search(archive, ANON, "level:restricted markerword").total == 0


@pytest.mark.parametrize("query", [
    '"unbalanced', "OR OR OR", "-", 'NEAR("a" "b")', "*", "a AND OR NOT b", "x" * 10_000,
    "type:", "year:soon 탈북민", "'; DROP TABLE sources; --", '"""', "탈북민 OR",
    "^start", "column:title", "\x00",
])
def test_parser_never_fails(archive: Archive, query: str) -> None:
    make_source(archive)
    result = search(archive, ADMIN, query)
    assert result.total >= 0
    assert isinstance(parse(query).clauses, list)


def test_snippets_are_html_safe() -> None:
    out = snippet("<script>alert(1)</script> 탈북민들이 왔다", parse("탈북민"))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>탈북민</mark>" in out


def test_cli_and_reindex(runner: CliRunner, cli_env: dict[str, str], archive: Archive) -> None:
    make_source(archive, title="Fictional report on repatriation",
                text="[Fictional] Escapees were repatriated from China.")
    out = runner.invoke(app, ["search", "repatriation", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["total"] >= 1
    out = runner.invoke(app, ["reindex", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["indexed"]["source"] == 1
    out = runner.invoke(app, ["search", "repatriation", "--json"], env=cli_env)
    assert json.loads(out.stdout)["total"] >= 1


def test_retracted_records_leave_the_index(archive: Archive) -> None:
    src = make_source(archive, text="[가상] 고유한단어 하나")
    assert search(archive, ADMIN, "고유한단어").total == 1
    archive.retract(ADMIN, "source", src, "test")
    assert search(archive, ADMIN, "고유한단어").total == 0


def test_names_across_scripts(archive: Archive) -> None:
    en = make_source(archive, title="Fictional English report", language="en",
                     text="[Fictional] Kim Jong Un ordered the border closed.")
    ko = make_source(archive, title="가상 한국어 기사",
                     text="[가상] 김정은은 국경을 봉쇄하라고 지시했다.")
    for query in ("김정은", "Kim Jong Un", "Gim Jeong-eun", "Kim Chŏng-ŭn", "kim jong-un"):
        ids = {i["id"] for i in search(archive, ANON, f"type:sources {query}").items}
        assert ids == {en, ko}, (query, ids)
    nk = make_source(archive, title="가상", text="[가상] 로동신문과 량강도 소식")
    for query in ("노동신문", "양강도", "Rodong", "Ryanggang"):
        ids = {i["id"] for i in search(archive, ANON, f"type:sources {query}").items}
        assert nk in ids, query


def test_vocabulary_expansion_across_languages(archive: Archive) -> None:
    ko = make_source(archive, title="가상 기사", text="[가상] 여성 세 명이 강제북송되었다.")
    en = make_source(archive, title="Fictional", language="en",
                     text="[Fictional] Three women faced forced repatriation last year.")
    result = search(archive, ANON, "type:sources forced repatriation")
    assert {i["id"] for i in result.items} == {ko, en}
    assert result.expansions[0]["term"] == "act_type:forced_repatriation"
    assert "강제북송" in result.expansions[0]["added"]
    assert {i["id"] for i in search(archive, ANON, "type:sources 강제북송").items} == {ko, en}
    plain = search(archive, ANON, "type:sources forced repatriation", expand_terms=False)
    assert {i["id"] for i in plain.items} == {en} and plain.expansions == []


def test_facets_share_the_permission_scope(archive: Archive) -> None:
    make_source(archive, level="public", text="[가상] 쥐똥나무 공개", published="2021-03")
    make_source(archive, level="restricted", kind="testimony", text="[가상] 쥐똥나무 제한")
    public = search(archive, ANON, "쥐똥나무", facets=True)
    assert public.total == 1
    assert public.facets["type"] == {"source": 1}
    assert public.facets["kind"] == {"news_report": 1}
    assert public.facets["year"] == {"2021": 1}
    full = search(archive, EDITOR, "쥐똥나무", facets=True, sort="date")
    assert full.total == 2 and sum(full.facets["type"].values()) == 2
    assert full.facets["kind"] == {"news_report": 1, "testimony": 1}
    assert full.items[0]["level"] == "public"  # the dated one first
