"""FollowTheMoney export and import: valid entities, the role's policy, and a round trip
export → import into an empty archive → export that gives the same records."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from followthemoney import model
from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Invalid, SillokError
from sillok.exchange.ftm_export import ftm_dates, write_ftm
from sillok.exchange.ftm_import import import_ftm
from tests.conftest import ADMIN, ANON, make_event, make_person, make_source

TEXT = "[Fictional test text] 가상 증언: 2019년 3월 온성에서 김가상 씨가 체포되어 강제북송되었다."


def _fill(archive: Archive) -> dict[str, int]:
    src = make_source(archive, text=TEXT, published="~2023-Q1", publisher="Test NGO (fictional)")
    restating = make_source(archive, text="[Fictional] restates the testimony", based_on=src,
                            level="internal")
    victim = make_person(archive, name="김가상", sex="female", birth_year=1985,
                         birth_year_estimate=True,
                         names=[{"name": "김가상", "system": "hangul"},
                                {"name": "Kim Ga-sang", "system": "rr"},
                                {"name": "Kim Kasang", "system": "alias"}])
    officer = make_person(archive, name="가상 보위원", roles=["perpetrator"])
    gone = make_event(archive, title="Retracted in the middle (fictional)")
    ev = make_event(archive, title="체포 (fictional)", date="2019-03/2019-05",
                    places=["kp-09-onsong"])
    archive.retract(ADMIN, "event", gone, "entered twice")
    act = archive.create(ADMIN, "act", {"event": ev, "victim": victim, "act_type": "torture",
                                        "date": "~2019-03", "place": "kp-09-onsong",
                                        "level": "internal"})
    archive.create(ADMIN, "involvement", {"act": act, "perpetrator": officer,
                                          "agency": "mss", "level": "internal"})
    start = TEXT.index("김가상")
    archive.create(ADMIN, "evidence", {"source": src, "record": {"type": "act", "id": act},
                                       "start": start, "end": start + 3, "quote": "김가상",
                                       "level": "internal"})
    mother = make_person(archive, name="박가상", sex="female")
    kin = archive.create(ADMIN, "relation", {"person_a": mother, "person_b": victim,
                                             "kind": "parent", "level": "internal"})
    archive.create(ADMIN, "relation", {"person_a": officer, "person_b": victim,
                                       "kind": "witness_of", "description": "가상 목격",
                                       "level": "internal"})
    archive.create(ADMIN, "evidence", {"source": src, "record": {"type": "relation", "id": kin},
                                       "start": start, "end": start + 3, "quote": "김가상",
                                       "level": "internal"})
    secret = make_person(archive, name="비공개 인물", level="restricted")
    return {"victim": victim, "restating": restating, "secret": secret}


def _export(archive: Archive, actor: object = ADMIN) -> list[dict[str, object]]:
    out = io.StringIO()
    write_ftm(archive, actor, out)  # type: ignore[arg-type]
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_entities_are_valid_followthemoney(archive: Archive) -> None:
    _fill(archive)
    entities = _export(archive)
    assert {e["schema"] for e in entities} >= {"Person", "Event", "Document", "Address",
                                               "Documentation", "UnknownLink", "Family"}
    for entity in entities:
        proxy = model.get_proxy(entity)
        # Cleaning by the library drops any value its type rejects: nothing may be dropped.
        assert proxy.to_dict() == entity, entity["id"]
    assert not any("Retracted in the middle" in json.dumps(e, ensure_ascii=False)
                   for e in entities)


def test_export_follows_the_role(archive: Archive) -> None:
    ids = _fill(archive)
    public = json.dumps(_export(archive, ANON), ensure_ascii=False)
    assert "비공개 인물" not in public and f"sillok-person-{ids['secret']}" not in public
    assert "sillok:level=internal" not in public and "sillok:level=restricted" not in public
    assert "김가상" in public  # the public victim, by the public name


def test_dates_keep_their_precision() -> None:
    assert ftm_dates("2019-03") == {"date": "2019-03"}
    assert ftm_dates("2023-Q1") == {"startDate": "2023-01", "endDate": "2023-03"}
    assert ftm_dates("~2019") == {"date": "2019"}
    assert ftm_dates("2019/2020-Q2") == {"startDate": "2019", "endDate": "2020-06"}
    assert ftm_dates("2019-03-01/2019-05") == {"startDate": "2019-03-01",
                                               "endDate": "2019-05"}


_REF = re.compile(r"sillok-(person|event|act|source|involvement|evidence|act-of|relation)-(\d+)|"
                  r"sillok:(victim|witness|event|parent|based_on)=(\d+)")
_TAG_KIND = {"victim": "person", "witness": "person", "event": "event", "parent": "source",
             "based_on": "source"}


def _translate(entities: list[dict[str, object]], ids: dict[str, tuple[str, int]]) -> list[str]:
    """The first export with each record id replaced by the id the import gave it."""
    def new(kind: str, old: str) -> str:
        record_kind = "act" if kind == "act-of" else kind
        return str(ids[f"sillok-{record_kind}-{old}"][1])

    def sub(m: re.Match[str]) -> str:
        if m[1]:
            return f"sillok-{m[1]}-{new(m[1], m[2])}"
        return f"sillok:{m[3]}={new(_TAG_KIND[m[3]], m[4])}"
    return sorted(_REF.sub(sub, json.dumps(e, ensure_ascii=False, sort_keys=True))
                  for e in entities)


def test_round_trip_into_an_empty_archive(archive: Archive, empty_settings: Settings,
                                          tmp_path: Path) -> None:
    _fill(archive)
    first = _export(archive)
    path = tmp_path / "archive.ftm.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in first),
                    encoding="utf-8")
    init_archive(empty_settings)
    copy = Archive(empty_settings)
    try:
        result = import_ftm(copy, ADMIN, path, level="public")
        # Relations (kin as Family, a witness as UnknownLink) and evidence on them too.
        assert result.created == {"person": 4, "source": 2, "event": 1, "act": 1,
                                  "involvement": 1, "evidence": 2, "relation": 2}
        assert result.skipped == []
        second = _export(copy)
        assert _translate(first, result.ids) == sorted(
            json.dumps(e, ensure_ascii=False, sort_keys=True) for e in second)
        # The stricter level wins: an internal act stays internal under --level public,
        # and everything becomes at least internal under the default.
        assert "sillok:level=internal" in json.dumps(second)
    finally:
        copy.close()


def _generic(tmp_path: Path, *entities: dict[str, object]) -> Path:
    path = tmp_path / "aleph.ftm.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities),
                    encoding="utf-8")
    return path


def test_entities_from_another_tool(archive: Archive, tmp_path: Path) -> None:
    path = _generic(
        tmp_path,
        {"id": "a1", "schema": "Address", "properties": {"full": ["Hoeryong"]}},
        {"id": "a2", "schema": "Address", "properties": {"full": ["Atlantis"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["박가상", "Pak Ka-sang"],
                                                        "weakAlias": ["A-7"],
                                                        "gender": ["male"],
                                                        "birthDate": ["1979-04-02"]}},
        {"id": "e1", "schema": "Event", "properties": {
            "name": ["Arrest (fictional)"], "startDate": ["2018-01"], "endDate": ["2018-03"],
            "addressEntity": ["a1", "a2"], "involved": ["p1"]}},
        {"id": "d1", "schema": "Document", "properties": {"title": ["Report (fictional)"],
                                                          "bodyText": ["[Fictional] text"]}},
        {"id": "l1", "schema": "Documentation", "properties": {"document": ["d1"],
                                                               "entity": ["e1"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Fictional Trading Co"]}},
    )
    result = import_ftm(archive, ADMIN, path)
    assert result.created == {"person": 1, "source": 1, "event": 1}
    reasons = "\n".join(result.skipped)
    assert "Atlantis" in reasons and "Company" in reasons and "l1" in reasons
    person = archive.get(ADMIN, "person", result.ids["p1"][1])
    names = {(n["name"], n["system"]) for n in person["fields"]["names"]}
    assert names == {("박가상", "hangul"), ("Pak Ka-sang", "english"), ("A-7", "alias")}
    assert person["fields"]["birth_year"] == 1979 and person["level"] == "internal"
    event = archive.get(ADMIN, "event", result.ids["e1"][1])
    assert "kp-09-hoeryong" in json.dumps(event["fields"]["places"])
    assert event["fields"]["date"] == "2018-01/2018-03"


def test_bad_files_change_nothing(archive: Archive, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "x", "schema": "Person", "properties": {}}\nnot json\n',
                   encoding="utf-8")
    with pytest.raises(SillokError, match=r"bad.ftm.json:2: not a FollowTheMoney entity"):
        import_ftm(archive, ADMIN, bad)
    wrong = _generic(
        tmp_path,
        {"id": "p1", "schema": "Person", "properties": {"name": ["정가상"]}},
        {"id": "e1", "schema": "Event", "properties": {"name": ["x"],
                                                       "keywords": ["sillok:date=2019-13"]}},
    )
    with pytest.raises(Invalid, match="entity e1"):
        import_ftm(archive, ADMIN, wrong)
    with archive.transaction() as session:  # all or nothing: the valid person is not in
        assert session.scalar(select(func.count()).select_from(m.PersonName).where(
            m.PersonName.name == "정가상")) == 0
    with pytest.raises(Invalid):
        import_ftm(archive, ADMIN, wrong, level="secret")


def test_cli_dry_run_then_import(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                                 tmp_path: Path) -> None:
    _fill(archive)
    out_file = tmp_path / "out.ftm.json"
    out = runner.invoke(app, ["export", "--format", "ftm", str(out_file)], env=cli_env)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["import", str(out_file), "--dry-run", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["dry_run"] and report["created"]["person"] == 4
    out = runner.invoke(app, ["export", "--format", "xml", str(out_file)], env=cli_env)
    assert out.exit_code != 0 and "unknown format 'xml'" in out.output
