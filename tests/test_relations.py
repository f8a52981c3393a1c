"""Relationships on record pages, both ways (issue 18 point 6), and the relation record:
created from a person's staff page or the CLI, audited, shown both ways, and never shown to a
reader who may not see the relation or either person. All data fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import Invalid, NotFound
from tests.auth_helpers import client, signed_in
from tests.conftest import ADMIN, ANON, VIEWER, make_event, make_person, make_source

PARENT, CHILD, WITNESS = "가상 부친", "가상 자녀", "가상 목격자"


def _family(archive: Archive, child_level: str = "public") -> tuple[int, int, int]:
    parent = make_person(archive, "public", PARENT)
    child = make_person(archive, child_level, CHILD)
    relation = archive.create(ADMIN, "relation", {"level": "public", "person_a": parent,
                                                  "person_b": child, "kind": "parent"})
    return parent, child, relation


def test_a_relation_reads_both_ways(archive: Archive) -> None:
    parent, child, relation = _family(archive)
    [seen_from_parent] = archive.get(ADMIN, "person", parent)["related"]["relations"]
    [seen_from_child] = archive.get(ADMIN, "person", child)["related"]["relations"]
    # A is the parent of B: on A's page B is the child, on B's page A is the parent.
    assert (seen_from_parent["as"], seen_from_parent["person"]["id"]) == ("child", child)
    assert (seen_from_child["as"], seen_from_child["person"]["id"]) == ("parent", parent)
    assert seen_from_parent["id"] == seen_from_child["id"] == relation
    assert [h["action"] for h in archive.history(ADMIN, "relation", relation)] == ["create"]
    with pytest.raises(Invalid) as bad:
        archive.create(ADMIN, "relation", {"person_a": parent, "person_b": parent,
                                           "kind": "sibling"})
    assert "person_b" in bad.value.errors
    with pytest.raises(Invalid) as unknown:
        archive.create(ADMIN, "relation", {"person_a": parent, "person_b": child,
                                           "kind": "cousin-twice-removed"})
    assert "kind" in unknown.value.errors


@pytest.mark.parametrize("hidden", ["relation", "person"])
def test_a_relation_is_never_shown_past_the_reader(archive: Archive, settings: Settings,
                                                   hidden: str) -> None:
    parent, _child, relation = _family(archive, "restricted" if hidden == "person" else "public")
    if hidden == "relation":
        archive.update(ADMIN, "relation", relation, {"level": "restricted"})
    for reader in (ANON, VIEWER):
        assert archive.get(reader, "person", parent)["related"]["relations"] == []
        assert archive.list_records(reader, "relation").total == 0
        assert archive.list_records(reader, "relation", {"person": str(parent)}).items == []
        with pytest.raises(NotFound):
            archive.get(reader, "relation", relation)
    with client(settings) as public:
        page = public.get(f"/records/person/{parent}").text
        assert 'id="relations"' not in page and CHILD not in page
        assert public.get(f"/api/records/relation/{relation}").status_code == 404


def test_public_person_page_shows_a_public_relation(archive: Archive,
                                                    settings: Settings) -> None:
    parent, child, _relation = _family(archive)
    with client(settings) as public:
        page = public.get(f"/records/person/{parent}?lang=en").text
        assert 'id="relations"' in page and f'href="/records/person/{child}"' in page
        assert "Child" in page
        korean = public.get(f"/records/person/{child}?lang=ko").text
        assert "부모" in korean and PARENT in korean


def test_relation_from_the_staff_page(archive: Archive, settings: Settings) -> None:
    witness = make_person(archive, "internal", WITNESS)
    victim = make_person(archive, "internal", CHILD)
    with signed_in(settings, "editor", username="coder") as staff:
        page = staff.get(f"/staff/records/person/{witness}?lang=en").text
        assert 'id="add-relation"' in page
        # The other person is chosen in a picker, which sends the chosen person's id.
        assert 'id="rel-other"' in page and 'data-pick="person"' in page
        made = staff.post(f"/staff/records/person/{witness}/relations",
                          data={"kind": "witness_of", "other": str(victim), "level": "internal"})
        assert made.status_code == 303
        [relation] = archive.list_records(ADMIN, "relation").items
        assert relation["fields"]["person_a"]["id"] == witness
        assert archive.history(ADMIN, "relation", relation["id"])[0]["actor"] == "coder"
        victim_page = staff.get(f"/staff/records/person/{victim}?lang=en").text
        assert "Witness of what happened to this person" in victim_page
        assert f'href="/staff/records/person/{witness}"' in victim_page
        refused = staff.post(f"/staff/records/person/{witness}/relations",
                             data={"kind": "sibling", "other": "someone typed"})
        assert refused.status_code == 422
        assert archive.list_records(ADMIN, "relation").total == 1
        # Edited in place like any record.
        edit = staff.get(f"/staff/records/relation/{relation['id']}/edit?lang=en")
        assert edit.status_code == 200 and 'name="kind"' in edit.text


def test_relations_from_the_cli(archive: Archive, runner: CliRunner, cli_env: dict[str, str],
                                tmp_path: Path) -> None:
    a, b = make_person(archive, "public", PARENT), make_person(archive, "public", CHILD)
    f = tmp_path / "r.yaml"
    f.write_text(f"records: [{{type: relation, person_a: {a}, person_b: {b}, kind: spouse, "
                 f"level: internal}}]\n", encoding="utf-8")
    out = runner.invoke(app, ["add", "--from", str(f), "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["list", "relations", "-f", f"person={b}", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    [listed] = json.loads(out.stdout)["items"]
    assert listed["fields"]["kind"] == "spouse"


def test_every_record_page_lists_its_relations(archive: Archive, settings: Settings) -> None:
    source = make_source(archive, "public", text="[Fictional test text] 가상 인물이 구류장에서 "
                                                 "맞았다고 진술했다.")
    province = archive.list_records(ADMIN, "place", {"code": "kp-09"}).items[0]
    county = archive.create(ADMIN, "place", {"level": "public", "code": "kp-09-test-gun",
                                             "kind": "county", "parent": "kp-09",
                                             "ko": "가상군", "en": "Test county"})
    event = make_event(archive, places=["kp-09-test-gun"])
    victim, perpetrator = make_person(archive, name=CHILD), make_person(archive, name=PARENT)
    act = archive.create(ADMIN, "act", {"level": "public", "event": event,
                                        "act_type": "torture", "victim": victim})
    archive.create(ADMIN, "involvement", {"level": "public", "act": act,
                                          "perpetrator": perpetrator})
    archive.create(ADMIN, "evidence", {"level": "public", "source": source,
                                       "record": {"type": "act", "id": act}, "quote": "맞았다"})
    rel = archive.get(ADMIN, "person", perpetrator)["related"]
    assert [a["id"] for a in rel["acts_as_perpetrator"]] == [act]
    assert [e["id"] for e in rel["events"]] == [event]
    assert "kp-09-test-gun" in [p["code"] for p in rel["places"]]
    assert [a["id"] for a in archive.get(ADMIN, "person", victim)["related"]["acts_as_victim"]
            ] == [act]
    ev = archive.get(ADMIN, "event", event)["related"]
    assert {p["id"]: p["roles"] for p in ev["persons"]} == {victim: ["victim"],
                                                           perpetrator: ["perpetrator"]}
    assert [s["id"] for s in ev["sources"]] == [source]
    # A province lists the events of its counties too.
    assert event in [e["id"] for e in archive.get(ADMIN, "place", province["id"])
                     ["related"]["events"]]
    assert county in [p["id"] for p in archive.get(ADMIN, "place", province["id"])
                      ["related"]["places"]]
    with signed_in(settings, "editor") as staff:
        page = staff.get(f"/staff/records/event/{event}?lang=ko").text
        assert 'data-related="persons"' in page and f"/staff/records/person/{victim}" in page
        assert f'href="/staff/sources/{source}"' in page and "피해자" in page
        page = staff.get(f"/staff/records/person/{perpetrator}?lang=en").text
        assert "Acts this person took part in" in page and f"/staff/records/act/{act}" in page
