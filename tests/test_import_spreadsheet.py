"""``sillok import TABLE``: spreadsheets with Korean headers and fuzzy Korean dates, Uwazi's
CSV convention, the dry-run report and proposed mapping, and all-or-nothing real runs.
Every name, place and event here is fictional (가상) and made in the test."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.db import models as m
from sillok.exchange.uwazi_map import TARGETS as UWAZI_TARGETS
from sillok.tables.cells import parse_date
from sillok.tables.columns import TARGETS, Mapping, guess, write_mapping
from tests.conftest import ADMIN as ADMIN_ACTOR

HEADERS = ["이름", "성별", "출생연도", "사건일", "장소", "위반유형", "출처", "비고", "면담자"]
ROWS: list[list[Any]] = [
    ["김가명", "여", "1985년경", "2019년 3월경", "회령", "강제북송", "증언 T-001 (가상)",
     "가상 자료", "조사원 갑"],
    ["박가상", "남", 1990, "19년 봄", "Hoeryŏng", "구금|고문", "증언 T-002 (가상)", None, None],
    ["김가명", "여", "1985년경", "2019.3", "가상리", "구금", "증언 T-001 (가상)", None, None],
    ["이허구", None, None, datetime(2020, 5, 1), "Onsong", "arrest_abroad", None, None, None],
]


def _xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _count(archive: Archive, model: Any) -> int:
    with archive.transaction() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _counts(archive: Archive) -> tuple[int, ...]:
    return tuple(_count(archive, t) for t in (m.Person, m.Event, m.Act, m.Source, m.Evidence,
                                              m.AuditEntry))


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(app, ["import", *args], env=env)


@pytest.mark.parametrize(("text", "canonical", "precision", "estimate"), [
    ("2019년 3월경", "~2019-03", "month", True),
    ("2019.3", "2019-03", "month", False),
    ("19년 봄", "~2019-03/2019-05", "month", True),
    ("2019-03", "2019-03", "month", False),
    ("2018년 겨울쯤", "~2018-12/2019-02", "month", True),
    ("2019년", "2019", "year", False),
    ("약 2017년", "~2017", "year", True),
    ("2019. 3. 5.", "2019-03-05", "day", False),
])
def test_korean_fuzzy_dates(text: str, canonical: str, precision: str, estimate: bool) -> None:
    found = parse_date(text)
    assert (found.text, found.precision, found.estimate) == (canonical, precision, estimate)


@pytest.mark.parametrize("text", ["언젠가", "2019년 3월 또는 4월", "3월", "2019-13"])
def test_unreadable_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a date Sillok can read|does not exist"):
        parse_date(text)


@given(st.text(max_size=30))
def test_any_cell_is_a_date_or_a_clear_refusal(text: str) -> None:
    try:
        found = parse_date(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert found.start <= found.end


def test_headers_are_guessed_in_korean_english_and_uwazi() -> None:
    assert [guess(h) for h in ["성명", "Name", "성 별", "출생 연도", "날짜", "지역", "유형",
                               "Violation type", "title__ko", "geolocation_geolocation",
                               "면담자"]] == [
        "person.name", "person.name", "person.sex", "person.birth_year", "date", "place",
        "act.type", "act.type", "event.title", "geolocation", "ignore"]


def test_every_mapping_target_is_described_in_korean_and_english(tmp_path: Path) -> None:
    for targets in [TARGETS, *UWAZI_TARGETS.values()]:
        for target, said in targets.items():
            assert re.search(r"[가-힣]", said.ko) and said.en and said.ko != said.en, target
    write_mapping(Mapping({"성별": "person.sex"}), tmp_path / "m.yaml", "list.csv")
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert "#   person.sex: 피해자 성별 (여/남, female/male, …) / victim's sex" in text
    assert "#   ignore: 전혀 가져오지 않음" in text


def test_xlsx_dry_run_then_import(runner: CliRunner, cli_env: dict[str, str],
                                  archive: Archive, tmp_path: Path) -> None:
    f = _xlsx(tmp_path / "피해자목록.xlsx", HEADERS, ROWS)
    before = _counts(archive)
    out = _run(runner, cli_env, str(f), "--dry-run", "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert _counts(archive) == before  # a dry run changes nothing
    assert report["refused_rows"] == []
    assert report["not_imported"] == ["면담자"]
    rows = {r["row"]: r for r in report["rows"]}
    assert "사건일: 2019년 3월경 → ~2019-03 (month, estimate)" in rows[2]["mapped"]
    assert "사건일: 19년 봄 → ~2019-03/2019-05 (month, estimate)" in rows[3]["mapped"]
    assert "장소: Hoeryŏng → kp-09-hoeryong" in rows[3]["mapped"]
    assert "장소: 회령 → kp-09-hoeryong" in rows[2]["mapped"]
    assert any("'가상리' is not in the gazetteer" in r for r in rows[4]["review"])
    assert "same person as an earlier row: 김가명" in rows[4]["mapped"]
    assert report["would_create"] == {"source": 3, "person": 3, "event": 4, "act": 5,
                                      "evidence": 13 + 4}  # origins + citations
    mapping_file = tmp_path / "피해자목록.mapping.yaml"
    proposed = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
    assert proposed["columns"]["위반유형"] == "act.type"

    # The officer decides 비고 is not a description; the edited mapping is read back.
    mapping_file.write_text(mapping_file.read_text(encoding="utf-8").replace(
        "비고: event.description", "비고: ignore"), encoding="utf-8")
    out = _run(runner, cli_env, str(f), "--mapping", str(mapping_file), "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["created"]["act"] == 5

    with archive.transaction() as s:
        persons = s.execute(select(m.Person)).scalars().all()
        assert sorted(p.names[0].name for p in persons) == ["김가명", "박가상", "이허구"]
        kim = next(p for p in persons if p.names[0].name == "김가명")
        assert (kim.sex, kim.birth_year, kim.birth_year_estimate) == ("female", 1985, True)
        acts = s.execute(select(m.Act).order_by(m.Act.id)).scalars().all()
        assert [a.act_type for a in acts] == ["forced_repatriation", "detention", "torture",
                                              "detention", "arrest_abroad"]
        spring = acts[1]
        assert (spring.date_start.isoformat(), spring.date_end.isoformat(),
                spring.date_estimate) == ("2019-03-01", "2019-05-31", True)
        assert acts[4].date_precision == "day"
        assert {r.level for r in [*persons, *acts]} == {"internal"}
        events = s.execute(select(m.Event).order_by(m.Event.id)).scalars().all()
        assert "가상 자료" not in events[0].description
        assert "장소 / place: 가상리" in events[2].description  # kept for review, not dropped
        origin = s.execute(select(m.Source).where(
            m.Source.origin == "import:피해자목록.xlsx")).scalar_one()
        cites = s.execute(select(m.Evidence).where(
            m.Evidence.source_id == origin.id, m.Evidence.record_type == "act",
            m.Evidence.record_id == acts[4].id)).scalar_one()
        assert cites.quote.startswith("row 5: 이름=이허구;")
        assert origin.extra["import"]["mapping"]["비고"] == "ignore"
        # Columns left out are not stored anywhere, not even in the origin record.
        assert "조사원 갑" not in origin.text and "가상 자료" not in origin.text
        assert "row 2: 이름=김가명; 성별=여;" in origin.text
        actions = s.execute(select(m.AuditEntry.action).where(
            m.AuditEntry.record_type == "act")).scalars().all()
        assert actions == ["import"] * 5
    testimony = archive.list_records(ADMIN_ACTOR, "source", {"kind": "testimony"})
    assert testimony.total == 2


def test_uwazi_csv(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                   tmp_path: Path) -> None:
    f = _csv(tmp_path / "uwazi.csv",
             ["title__ko", "title__en", "victim", "violation_type", "date", "location",
              "geolocation_geolocation"],
             [["가상 사건: 온성 체포", "Fictional: arrest in Onsong", "가상인 갑|Gasang Gap",
               "arrest_abroad|forced_repatriation", "2019-03-15", "Onsong|Yanji",
               "42.95|129.99"]])
    out = _run(runner, cli_env, str(f), "--json")
    assert out.exit_code == 0, out.output
    with archive.transaction() as s:
        event = s.execute(select(m.Event)).scalar_one()
        assert event.title == "가상 사건: 온성 체포"
        assert "title__en: Fictional: arrest in Onsong" in event.description
        assert "좌표 / geolocation: 42.95, 129.99" in event.description
        assert sorted(p.code for p in event.places) == ["cn-yanji", "kp-09-onsong"]
        person = s.execute(select(m.Person)).scalar_one()
        assert [(n.name, n.system) for n in person.names] == [("가상인 갑", "hangul"),
                                                              ("Gasang Gap", "english")]
        assert sorted(a.act_type for a in event.acts) == ["arrest_abroad",
                                                          "forced_repatriation"]


def test_bad_row_is_reported_and_nothing_is_imported(runner: CliRunner, cli_env: dict[str, str],
                                                     archive: Archive, tmp_path: Path) -> None:
    f = _csv(tmp_path / "list.csv", ["성명", "날짜", "유형"],
             [["가상 갑", "2019.3", "구금"], ["가상 을", "언젠가", "우주여행"]])
    before = _counts(archive)
    out = _run(runner, cli_env, str(f), "--dry-run", "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["refused_rows"] == [3]
    refused = report["rows"][1]["refused"]
    assert any("'우주여행' is not in the act type vocabulary" in r for r in refused)
    assert any("'언젠가' is not a date" in r for r in refused)
    assert report["rows"][0]["status"] == "ok"

    table = _run(runner, cli_env, str(f), "--dry-run", "--mapping", str(
        tmp_path / "list.mapping.yaml"))
    assert table.exit_code == 0, table.output
    assert "우주여행" in table.stdout and "refused rows: 3" in table.stdout

    out = _run(runner, cli_env, str(f))
    assert out.exit_code == 1
    assert "nothing was imported" in out.stderr and "row 3:" in out.stderr
    assert _counts(archive) == before


def test_bad_mapping_is_one_line(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                                 tmp_path: Path) -> None:
    f = _csv(tmp_path / "list.csv", ["성명", "날짜"], [["가상 갑", "2019.3"]])
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  성명: person.shoe_size\n", encoding="utf-8")
    out = _run(runner, cli_env, str(f), "--mapping", str(bad))
    assert out.exit_code == 1
    assert "unknown target 'person.shoe_size'" in out.stderr
    assert "'날짜': column missing from the mapping" in out.stderr
