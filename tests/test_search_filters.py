"""The filters place:, act: and facility: on both backends: names in any script, a province
covering what lies inside it, the actor's permission scope, combined with the other filters,
agreeing with the facets, and a value that names nothing giving no results and a note.
Fictional data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.search.service import search
from tests.conftest import ADMIN, ANON, EDITOR, make_event, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

MARK = "쥐똥나무"  # a word no other record has


def _act(archive: Archive, level: str, event: int, **extra: object) -> int:
    data: dict[str, object] = {"level": level, "event": event,
                               "victim": make_person(archive, level=level),
                               "act_type": "forced_repatriation",
                               "description": f"[가상] {MARK} 사건의 피해"}
    data.update(extra)
    return archive.create(ADMIN, "act", data)


def _fixture(archive: Archive) -> dict[str, int]:
    ids: dict[str, int] = {}
    ids["event"] = make_event(archive, level="public", description=f"[가상] {MARK} 공개 사건",
                              places=["kp-09-onsong"])
    ids["act"] = _act(archive, "public", ids["event"], place="kp-09-onsong",
                      facility="kp-09-onsong-mps-detention")
    ids["hidden_event"] = make_event(archive, level="restricted", places=["kp-02-pyongsong"],
                                     description=f"[가상] {MARK} 제한 사건")
    ids["hidden_act"] = _act(archive, "restricted", ids["hidden_event"],
                             act_type="detention_kyohwaso", place="kp-02-pyongsong",
                             facility="kp-02-kaechon-kyohwaso")
    ids["person"] = make_person(archive, level="public", name=f"{MARK} 가상인물",
                                origin_place="kp-10-hyesan")
    ids["source"] = make_source(archive, level="public", text=f"[가상] {MARK} 증언")
    return ids


def _found(archive: Archive, actor: object, query: str) -> set[int]:
    result = search(archive, actor, f"{query} {MARK}", limit=50)  # type: ignore[arg-type]
    assert result.total == len(result.items), query
    return {item["id"] for item in result.items}


def test_place_by_any_name_covers_what_lies_inside(archive: Archive) -> None:
    ids = _fixture(archive)
    for value in ("kp-10", "양강도", "량강도", "Ryanggang", "yanggang", "Ryanggang-do"):
        assert _found(archive, ANON, f"place:{value}") == {ids["person"]}, value
    for value in ("kp-09", "함경북도", '"North Hamgyong"', "kp-09-onsong", "온성군"):
        assert _found(archive, ANON, f"place:{value}") == {ids["event"], ids["act"]}, value
    # The facility is inside its county: the act is found by either.
    assert _found(archive, ANON, "place:kp-09-onsong-mps-detention") == {ids["act"]}


def test_act_and_facility_in_either_language(archive: Archive) -> None:
    ids = _fixture(archive)
    for value in ("forced_repatriation", "강제북송", '"forced repatriation"'):
        assert _found(archive, ANON, f"act:{value}") == {ids["act"]}, value
    assert _found(archive, ANON, "act:detention") == set()  # the only one is restricted
    assert _found(archive, EDITOR, "act:detention") == {ids["hidden_act"]}  # narrower type
    assert _found(archive, EDITOR, 'act:"교화소 수감"') == {ids["hidden_act"]}
    for value in ("mps_detention", "kp-09-onsong-mps-detention"):
        assert _found(archive, ANON, f"facility:{value}") == {ids["act"]}, value
    for value in ("kyohwaso", "교화소", "kp-02-kaechon-kyohwaso"):
        assert _found(archive, ANON, f"facility:{value}") == set(), value
        assert _found(archive, EDITOR, f"facility:{value}") == {ids["hidden_act"]}, value


def test_restricted_records_stay_out_of_results_totals_and_facets(archive: Archive) -> None:
    ids = _fixture(archive)
    public = search(archive, ANON, f"place:kp-02 {MARK}", facets=True)
    assert (public.total, public.items, public.notes) == (0, [], [])
    assert all(counts == {} for counts in public.facets.values())
    full = search(archive, EDITOR, f"place:kp-02 {MARK}", facets=True)
    assert {(i["type"], i["id"]) for i in full.items} == {("act", ids["hidden_act"]),
                                                          ("event", ids["hidden_event"])}
    assert full.facets["type"] == {"act": 1, "event": 1}


def test_filters_combine_and_agree_with_the_facets(archive: Archive) -> None:
    ids = _fixture(archive)
    assert _found(archive, ANON, "type:events place:kp-09") == {ids["event"]}
    assert _found(archive, ANON, "place:kp-09 act:forced_repatriation") == {ids["act"]}
    assert _found(archive, ANON, "place:kp-09 act:forced_repatriation year:1990") == set()
    assert _found(archive, ANON, "act:강제북송,detention") == {ids["act"]}
    assert _found(archive, ANON, "place:kp-10,kp-09 -공개") == {ids["act"], ids["person"]}
    facets = search(archive, EDITOR, MARK, facets=True).facets
    for province, n in facets["province"].items():
        assert search(archive, EDITOR, f"place:{province} {MARK}").total == n, province
    for kind, n in facets["facility_type"].items():
        assert search(archive, EDITOR, f"facility:{kind} {MARK}").total == n, kind


def test_a_value_that_names_nothing_gives_nothing_and_says_why(
        archive: Archive, runner: CliRunner, cli_env: dict[str, str]) -> None:
    _fixture(archive)
    for query, word in (("place:atlantis", "atlantis"), ("act:jaywalking", "jaywalking"),
                        ("facility:moonbase", "moonbase"), ("type:widgets", "widgets")):
        result = search(archive, ANON, f"{query} {MARK}", facets=True)
        assert result.total == 0 and result.items == [], query
        assert any(word in note for note in result.notes), (query, result.notes)
    out = runner.invoke(app, ["search", f"place:atlantis {MARK}", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["total"] == 0 and "atlantis" in body["notes"][0]
    out = runner.invoke(app, ["search", f"place:yanggang {MARK}", "--json"], env=cli_env)
    assert json.loads(out.stdout)["total"] == 1 and json.loads(out.stdout)["notes"] == []


def test_a_hidden_place_is_neither_named_nor_walked_through(archive: Archive) -> None:
    ids = _fixture(archive)
    archive.create(ADMIN, "place", {
        "level": "restricted", "code": "kp-10-fictional-camp", "kind": "facility",
        "parent": "kp-10", "en": "Fictional Camp 99", "ko": "가상제99수용소",
        "facility_type": "kwalliso"})
    event = make_event(archive, level="public", description=f"[가상] {MARK} 수용소 사건",
                       places=["kp-10-fictional-camp"])
    for value in ("kp-10-fictional-camp", "가상제99수용소", '"Fictional Camp 99"'):
        public = search(archive, ANON, f"place:{value} {MARK}", facets=True)
        assert (public.total, public.items) == (0, []), value
        assert "no place" in public.notes[0]  # as for a place that does not exist
        assert _found(archive, EDITOR, f"place:{value}") == {event}, value
    assert _found(archive, ANON, "place:kp-10") == {ids["person"]}
    assert _found(archive, ANON, "facility:kwalliso") == set()
    assert _found(archive, EDITOR, "place:kp-10") == {ids["person"], event}
    assert _found(archive, EDITOR, "facility:kwalliso") == {event}
