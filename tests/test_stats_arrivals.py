"""Defector arrivals: the shipped MOU series, its computations and sentences, and CSV import."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sillok.archive.seed import seed
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.stats.arrivals import arrivals, sentence
from tests.conftest import ANON


def test_yearly_series(archive: Archive) -> None:
    rows = {r.period: r for r in arrivals(archive, ANON, "year")}
    assert [rows[str(y)].total for y in range(2019, 2024)] == [1047, 229, 63, 67, 196]
    assert (rows["2023"].male, rows["2023"].female) == (32, 164)
    assert rows["1998"].total == 71 and rows["1998"].male is None
    assert rows["2025"].provisional and not rows["2024"].provisional
    assert rows["2020"].change_previous == -78.1


def test_quarterly_series_and_sentences(archive: Archive) -> None:
    rows = {r.period: r for r in arrivals(archive, ANON, "quarter")}
    q1 = rows["2023-Q1"]
    assert (q1.total, q1.male, q1.female) == (34, 5, 29)
    assert q1.baseline_period == "2019-Q1" and q1.change_baseline == -85.2
    assert "Yonhap" in q1.source
    assert sentence(q1, "en") == ("Q1 2023: 34 arrivals, 5 men and 29 women, 85 % below the "
                                  "first quarter of 2019. (provisional)")
    assert sentence(q1, "ko") == ("2023년 1분기: 입국 34명(남성 5명, 여성 29명), 2019년 1분기보다 "
                                  "85% 적음. (잠정치)")
    assert rows["2023-Q2"].derived and "derived by subtraction" in sentence(rows["2023-Q2"], "en")
    assert not rows["2023-Q3"].derived


def test_cli_prints_q1_2023_with_its_source(runner: CliRunner, cli_env: dict[str, str]) -> None:
    out = runner.invoke(app, ["stats", "arrivals", "--by", "quarter", "--format", "json"],
                        env=cli_env)
    assert out.exit_code == 0, out.output
    q1 = next(r for r in json.loads(out.stdout) if r["period"] == "2023-Q1")
    assert q1["total"] == 34 and "AEN20230425005900325" in q1["source"]
    out = runner.invoke(app, ["stats", "arrivals", "--by", "quarter", "--period", "2023-Q1"],
                        env={**cli_env, "COLUMNS": "160"})
    assert out.exit_code == 0, out.output
    assert "2023 Q1" in out.stdout and "34" in out.stdout
    assert "Q1 2023: 34 arrivals, 5 men and 29 women, 85 % below" in out.stdout
    out = runner.invoke(app, ["stats", "arrivals", "--by", "decade"], env=cli_env)
    assert out.exit_code == 1 and "not one of" in out.stderr


def test_reseeding_series_changes_nothing(archive: Archive) -> None:
    assert not seed(archive).changed


def test_series_csv_import(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path,
                           archive: Archive) -> None:
    f = tmp_path / "s.csv"
    f.write_text("series,period,value,sex,source,provisional\n"
                 "test-hanawon,2023-q1,30,,Fictional test figures,yes\n"
                 "test-hanawon,2023-Q1,25,female,Fictional test figures,yes\n", encoding="utf-8")
    out = runner.invoke(app, ["series", "import", str(f)], env=cli_env)
    assert out.exit_code == 1 and "--title-en" in out.stderr
    out = runner.invoke(app, ["series", "import", str(f), "--title-en", "Test", "--title-ko",
                              "시험"], env=cli_env)
    assert out.exit_code == 0, out.output
    f.write_text("series,period,value\ntest-hanawon,2023-Q1,31\ntest-hanawon,2023-Q2,40\n",
                 encoding="utf-8")
    assert runner.invoke(app, ["series", "import", str(f)], env=cli_env).exit_code == 0
    out = runner.invoke(app, ["series", "show", "test-hanawon", "--json"], env=cli_env)
    observations = json.loads(out.stdout)["observations"]
    obs = {(o["period"], o["breakdown"]): o["value"] for o in observations}
    assert obs == {("2023-Q1", ""): 31, ("2023-Q1", "sex=female"): 25, ("2023-Q2", ""): 40}
    f.write_text("series,period,value\ntest-hanawon,2023-Q3,many\n", encoding="utf-8")
    out = runner.invoke(app, ["series", "import", str(f)], env=cli_env)
    assert out.exit_code == 1 and "is not a number" in out.stderr
    out = runner.invoke(app, ["series", "list", "--json"], env=cli_env)
    assert {"mou-arrivals-year", "mou-arrivals-quarter", "test-hanawon"} <= {
        s["code"] for s in json.loads(out.stdout)}


def test_monthly_series_once_imported(runner: CliRunner, cli_env: dict[str, str],
                                      tmp_path: Path, archive: Archive) -> None:
    out = runner.invoke(app, ["stats", "arrivals", "--by", "month"], env=cli_env)
    assert out.exit_code == 1 and "sillok series import" in out.stderr
    f = tmp_path / "m.csv"
    f.write_text("series,period,value\nmou-arrivals-month,2022-05,12\n"
                 "mou-arrivals-month,2023-05,20\n", encoding="utf-8")
    out = runner.invoke(app, ["series", "import", str(f), "--title-en", "Fictional monthly test",
                              "--title-ko", "가상 월별 시험"], env=cli_env)
    assert out.exit_code == 0, out.output
    rows = {r.period: r for r in arrivals(archive, ANON, "month")}
    assert rows["2023-05"].change_year_before == 66.7
    assert sentence(rows["2023-05"], "en").startswith("May 2023: 20 arrivals")
    assert sentence(rows["2023-05"], "ko").startswith("2023년 5월: 입국 20명")
