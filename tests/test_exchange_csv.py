"""``sillok export --format csv``: a HURIDOCS-style table (one row per victim of an event),
through the policy like every export, read back by ``sillok import`` into an empty archive as
the same persons, events and acts; on both databases. Everything here is fictional (가상)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.exchange.huridocs_csv import write_csv
from tests.conftest import ADMIN, VIEWER

TEXT = "증언 T-1 (가상): 2019년 3월 회령에서 강제북송되었다."
RECORDS: list[dict[str, Any]] = [
    {"type": "source", "ref": "s1", "level": "internal", "kind": "testimony",
     "title": "증언 T-1 (가상)", "text": TEXT},
    {"type": "source", "ref": "s2", "level": "internal", "kind": "news_report",
     "title": "가상 뉴스 | 2020", "text": "가상 뉴스 기사"},
    {"type": "person", "ref": "p1", "level": "internal", "roles": ["victim"],
     "names": [{"name": "김가명", "system": "hangul"},
               {"name": "Kim Ga-myeong", "system": "english"}],
     "sex": "female", "birth_year": 1985, "birth_year_estimate": True,
     "origin_place": "kp-09-hoeryong"},
    {"type": "person", "ref": "p2", "level": "internal", "roles": ["victim"],
     "names": [{"name": "박가상", "system": "hangul"}], "sex": "male"},
    # The same name as p2, another person: person_id keeps them apart on the way back.
    {"type": "person", "ref": "p3", "level": "internal", "roles": ["victim"],
     "names": [{"name": "박가상", "system": "hangul"}], "sex": "male"},
    {"type": "person", "ref": "p4", "level": "internal", "roles": ["victim"],
     "names": [{"name": "이허구", "system": "hangul"}]},  # in no event
    {"type": "person", "ref": "p5", "level": "restricted", "roles": ["victim"],
     "names": [{"name": "최비밀", "system": "hangul"}]},
    {"type": "event", "ref": "e1", "level": "internal", "title": "회령 강제북송 (가상)",
     "description": "가상 설명\n둘째 줄", "date": "~2019-03", "places": ["kp-09-hoeryong"]},
    {"type": "event", "ref": "e2", "level": "internal", "title": "=가상 사건",
     "date": "2020-05-01/2020-06", "places": []},
    {"type": "event", "ref": "e3", "level": "internal", "title": "행위 없는 사건 (가상)",
     "date": "2021"},
    {"type": "act", "ref": "a1", "level": "internal", "event": "e1", "victim": "p1",
     "act_type": "forced_repatriation", "date": "~2019-03", "place": "kp-09-hoeryong"},
    {"type": "act", "ref": "a2", "level": "internal", "event": "e1", "victim": "p1",
     "act_type": "detention", "date": "~2019-03", "place": "kp-09-hoeryong"},
    {"type": "act", "ref": "a3", "level": "internal", "event": "e1", "victim": "p2",
     "act_type": "detention", "date": "~2019-03", "place": "kp-09-hoeryong"},
    {"type": "act", "ref": "a4", "level": "internal", "event": "e2", "victim": "p3",
     "act_type": "torture", "date": "2020-05-01/2020-06"},
    {"type": "act", "ref": "a5", "level": "restricted", "event": "e2", "victim": "p5",
     "act_type": "torture", "date": "2020-05-01/2020-06"},
    {"type": "evidence", "level": "internal", "source": "s1", "record": "a1",
     "quote": "강제북송되었다"},
    {"type": "evidence", "level": "internal", "source": "s2", "record": "e3",
     "quote": "가상 뉴스"},
]


def _csv(archive: Archive, actor: Any = ADMIN) -> list[dict[str, str]]:
    buf = io.StringIO()
    write_csv(archive, actor, buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue().lstrip("\ufeff"))))


def _comparable(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    """The rows without the ids, each id replaced by its first row's number (so that which
    rows are one event or one person is compared too)."""
    first: dict[str, int] = {}
    out = []
    for i, row in enumerate(rows):
        keys = tuple(str(first.setdefault(row[k], i)) if row[k] else "" for k in
                     ("event_id", "person_id"))
        out.append((*keys, *(v for k, v in row.items() if k not in ("event_id", "person_id"))))
    return out


def _counts(archive: Archive) -> tuple[int, ...]:
    with archive.transaction() as s:
        return tuple(int(s.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in (m.Person, m.Event, m.Act))


def test_csv_round_trip_into_an_empty_archive(archive: Archive, empty_settings: Settings,
                                              runner: CliRunner, cli_env: dict[str, str],
                                              tmp_path: Path) -> None:
    add_records(archive, ADMIN, [r for r in RECORDS if r.get("level") != "restricted"])
    first = _csv(archive)
    assert len(first) == 5  # 3 victims of events, 1 event without one, 1 person in none
    by_name = {r["name"]: r for r in first}
    kim = by_name["김가명|Kim Ga-myeong"]
    assert (kim["violation_type"], kim["birth_year"], kim["date"], kim["place"]) == (
        "forced_repatriation|detention", "~1985", "~2019-03", "kp-09-hoeryong")
    assert kim["source"] == "증언 T-1 (가상)"
    assert by_name[""]["source"] == "가상 뉴스 / 2020"  # a | inside a title is not a split

    out = tmp_path / "archive.csv"
    done = runner.invoke(app, ["export", str(out), "--format", "csv"], env=cli_env)
    assert done.exit_code == 0, done.output
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith("\ufeffevent_id,title,") and "'=가상 사건" in raw  # not a formula

    init_archive(empty_settings)
    copy = Archive(empty_settings)
    try:
        env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
               "SILLOK_DATABASE_URL": empty_settings.database_url or ""}
        done = runner.invoke(app, ["import", str(out), "--dry-run"], env=env)
        assert done.exit_code == 0, done.output
        done = runner.invoke(app, ["import", str(out)], env=env)
        assert done.exit_code == 0, done.output
        assert _counts(copy) == _counts(archive) == (4, 3, 4)
        assert _comparable(_csv(copy)) == _comparable(first)
        with copy.transaction() as s:
            kim_copy = s.execute(select(m.PersonName.person_id).where(
                m.PersonName.name == "김가명")).scalar_one()
            person = s.get(m.Person, kim_copy)
            assert person is not None
            assert (person.birth_year, person.birth_year_estimate, person.origin_place.code,
                    [n.system for n in person.names]) == (1985, True, "kp-09-hoeryong",
                                                          ["hangul", "english"])
            act = s.execute(select(m.Act).where(m.Act.act_type == "torture")).scalar_one()
            assert (act.date_start.isoformat(), act.date_end.isoformat()) == (
                "2020-05-01", "2020-06-30")
    finally:
        copy.close()


def test_csv_export_follows_the_policy(archive: Archive) -> None:
    add_records(archive, ADMIN, RECORDS)
    names = {r["name"] for r in _csv(archive, ADMIN)}
    assert "최비밀" in names
    seen = _csv(archive, VIEWER)
    assert "최비밀" not in {r["name"] for r in seen}
    assert all("torture" not in r["violation_type"] or r["name"] == "박가상" for r in seen)
    with archive.transaction() as s:
        audited = s.execute(select(m.AuditEntry.after).where(
            m.AuditEntry.action == "export")).scalars().all()
    assert [a["format"] for a in audited] == ["huridocs-csv"]  # the admin's, not the viewer's
