"""``sillok add --from FILE``: many records with local refs, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.db import models as m
from sillok.errors import Invalid
from tests.conftest import ADMIN

GOOD = """
# fictional test records
records:
  - {type: source, ref: s1, level: public, kind: testimony, title: "Fictional testimony",
     language: ko, text: "[가상] 저는 2023년 2월 연길에서 중국 공안에게 체포되었습니다."}
  - {type: person, ref: p1, level: restricted, names: [{name: 증언자 A, system: alias}],
     protected: {real_name: 가상인}}
  - {type: person, ref: org, level: public, kind: organisation,
     names: [{name: 중국 공안, system: hangul}]}
  - {type: event, ref: e1, level: public, title: Arrest in Yanji (fictional), date: 2023-02,
     places: [cn-yanji]}
  - {type: act, ref: a1, level: public, event: e1, victim: p1, act_type: arrest_abroad}
  - {type: involvement, level: public, act: a1, perpetrator: org, agency: china_psb}
  - {type: evidence, level: public, source: s1, record: a1, quote: "중국 공안에게 체포되었습니다"}
"""


def _count(archive: Archive, model: type) -> int:
    with archive.transaction() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_add_file_with_refs(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                            tmp_path: Path) -> None:
    f = tmp_path / "records.yaml"
    f.write_text(GOOD, encoding="utf-8")
    out = runner.invoke(app, ["add", "--from", str(f), "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    created = json.loads(out.stdout)["created"]
    assert [c["type"] for c in created] == ["source", "person", "person", "event", "act",
                                            "involvement", "evidence"]
    ev = archive.get(ADMIN, "evidence", created[-1]["id"])
    assert ev["fields"]["record"]["id"] == created[4]["id"]


def test_one_bad_record_adds_nothing(runner: CliRunner, cli_env: dict[str, str],
                                     archive: Archive, tmp_path: Path) -> None:
    bad = GOOD.replace("act_type: arrest_abroad", "act_type: arrest_on_mars")
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    before = (_count(archive, m.Source), _count(archive, m.AuditEntry))
    out = runner.invoke(app, ["add", "--from", str(f)], env=cli_env)
    assert out.exit_code == 1
    assert "records[4] (a1).act_type: unknown act_type code 'arrest_on_mars'" in out.stderr
    assert "nothing was added" in out.stderr
    assert (_count(archive, m.Source), _count(archive, m.AuditEntry)) == before


def test_bad_files_give_one_line(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                                 tmp_path: Path) -> None:
    cases = {
        "broken.yaml": ("records: [unclosed", "not valid YAML"),
        "list.yaml": ("just a string", "expected a mapping with a 'records:' list"),
        "bad.json": ("{nope", "not valid JSON"),
    }
    for name, (content, message) in cases.items():
        f = tmp_path / name
        f.write_text(content, encoding="utf-8")
        out = runner.invoke(app, ["add", "--from", str(f)], env=cli_env)
        assert out.exit_code == 1, name
        assert message in out.stderr, out.stderr
        assert "Traceback" not in out.output
    out = runner.invoke(app, ["add", "--from", str(tmp_path / "missing.yaml")], env=cli_env)
    assert out.exit_code == 1 and "no such file" in out.stderr


def test_refs_must_point_at_the_right_type(archive: Archive) -> None:
    records = [
        {"type": "event", "ref": "e1", "title": "x"},
        {"type": "act", "event": "e1", "victim": "e1", "act_type": "torture"},
    ]
    with pytest.raises(Invalid) as info:
        add_records(archive, ADMIN, records)
    assert info.value.errors["records[1].victim"] == "'e1' names an event record, not a person"
