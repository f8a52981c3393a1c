"""The public statistics page, open data downloads and charts as PNG/SVG."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.web.app import create_app
from tests.conftest import ADMIN, make_event, make_person


def test_stats_page_in_both_languages(settings: Settings, archive: Archive) -> None:
    with TestClient(create_app(settings)) as client:
        en = client.get("/stats?lang=en")
        client.cookies.clear()  # ?lang=en is remembered, and would win over Accept-Language
        ko = client.get("/stats", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert en.status_code == ko.status_code == 200
    for year, total in (("2019", "1,047"), ("2020", "229"), ("2021", "63"), ("2022", "67"),
                        ("2023", "196")):
        assert f"<td>{year}</td><td>{total}" in en.text
        assert f"<td>{year}</td><td>{total}" in ko.text
    assert "<td>2023-Q1</td><td>34" in en.text and "<td>2023-Q1</td><td>34" in ko.text
    assert "Q1 2025: 38 arrivals" in en.text and "2025년 1분기: 입국 38명" in ko.text
    assert "/static/vendor/vega-embed.min.js" in en.text and "cdn" not in en.text.lower()
    assert "derived by subtraction, not reported" in en.text


def test_open_data_holds_only_public_records(settings: Settings, archive: Archive) -> None:
    secret = make_person(archive, level="restricted", name="비공개 피해자")
    for level in ("public", "restricted"):
        ev = make_event(archive, level=level)
        archive.create(ADMIN, "act", {"level": level, "event": ev, "victim": secret,
                                      "act_type": "torture" if level == "public" else "abduction",
                                      "date": "2020"})
    with TestClient(create_app(settings)) as client:
        rows = list(csv.DictReader(io.StringIO(
            client.get("/data/arrivals-year.csv?lang=en").text.lstrip("\ufeff"))))
        assert {r["Period"]: r["Total"] for r in rows}["2023"] == "196"
        # Headers in the reader's language; the sources are public citations, never a note.
        client.cookies.clear()
        korean = client.get("/data/arrivals-quarter.csv",
                            headers={"accept-language": "ko"}).text.lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(korean)))
        assert header[:3] == ["기간", "합계", "남성"] and header[-1] == "출처"
        cited = {r["출처"] for r in csv.DictReader(io.StringIO(korean))}
        assert all(".md" not in c and "shared/" not in c and "http" in c for c in cited)
        acts = client.get("/data/acts-type-year.json").json()
        assert "suppressed" in acts["sources"]
        assert [r["type"] for r in acts["rows"]] == ["torture"]
        assert acts["rows"][0]["acts"] is None  # one victim: below the public minimum
        assert client.get("/data/nothing.csv").status_code == 404
        # The dashboard's form lists every public type of violation; no count may name one
        # that only a restricted act has.
        shown = re.sub(r"<option[^>]*>[^<]*</option>", "", client.get("/stats").text)
        assert "abduction" not in shown


def test_png_and_svg_charts(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> None:
    png = tmp_path / "arrivals.png"
    out = runner.invoke(app, ["stats", "arrivals", "--by", "year", "--format", "png", "--out",
                              str(png)], env=cli_env)
    assert out.exit_code == 0, out.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width > 600 and len(data) > 20_000  # a drawn chart, not an empty canvas
    svg = tmp_path / "acts.svg"
    out = runner.invoke(app, ["stats", "acts", "--by", "type", "--format", "svg", "--out",
                              str(svg), "--lang", "ko"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    out = runner.invoke(app, ["stats", "arrivals", "--format", "png"], env=cli_env)
    assert out.exit_code == 1 and "--out" in out.stderr


def test_arrivals_spec_marks_covid_and_derived(archive: Archive) -> None:
    from sillok.security.policy import Actor
    from sillok.stats.arrivals import arrivals
    from sillok.stats.charts import arrivals_spec

    spec = arrivals_spec(arrivals(archive, Actor.anonymous(), "quarter"), "en")
    values = {v["period"]: v for v in spec["data"]["values"]}
    assert values["Q2 2020"]["era"] == "COVID-19 border closure"
    assert values["Q2 2023"]["derived"] is True
    json.dumps(spec)
