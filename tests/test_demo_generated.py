"""The generated part of the demo: reproducible, fictional, spread over places, years and
levels, and large enough that public counts by province, type and year clear ``k``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sillok.archive.demo_gen import MARK, generated_records, summary
from sillok.archive.seed import gazetteer_records
from sillok.cli.main import app
from sillok.config import Settings


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    first, again = generated_records(), generated_records()
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.dumps(generated_records(seed=20), sort_keys=True) != json.dumps(first,
                                                                               sort_keys=True)


def test_hundreds_of_events_and_acts_in_every_region_year_span_and_level() -> None:
    records = generated_records()
    counts = summary(records)
    assert counts["event"] >= 250 and counts["act"] >= 400
    places = {str(p["code"]): p for p in gazetteer_records()}

    def region(code: str) -> str:
        while places[code]["kind"] not in ("province", "special_city", "foreign_region"):
            code = str(places[code]["parent"])
        return code

    acts = [r for r in records if r["type"] == "act"]
    regions = {region(str(a["place"])) for a in acts}
    wanted = {c for c, p in places.items() if p["kind"] in ("province", "special_city")}
    assert wanted <= regions, wanted - regions
    counties = {str(a["place"]) for a in acts if places[str(a["place"])]["kind"] in
                ("county", "city")}
    assert len(counties) >= 20
    years = {int(str(a["date"])[:4]) for a in acts}
    assert min(years) <= 2002 and max(years) >= 2023
    assert {a["level"] for a in acts} == {"public", "internal", "restricted"}
    assert len({a["act_type"] for a in acts}) >= 15


def test_everything_generated_says_it_is_fictional() -> None:
    for rec in generated_records():
        if rec["type"] == "source":
            assert MARK in rec["text"] and "fictional" in rec["publisher"]
        if rec["type"] == "person" and rec["kind"] == "individual":
            assert all("(가상)" in n["name"] for n in rec["names"])
            assert "Fictional" in rec["description"] and "protected" not in rec
        if rec["type"] == "event":
            assert "가상" in rec["title"] and "Fictional" in rec["description"]


def test_small_demo_leaves_the_generated_records_out(runner: CliRunner,
                                                     empty_settings: Settings) -> None:
    env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
           "SILLOK_DATABASE_URL": empty_settings.database_url or ""}
    out = runner.invoke(app, ["demo", "--small", "--json"], env=env)
    assert out.exit_code == 0, out.output
    created = json.loads(out.stdout)["created"]
    assert 10 <= created["event"] < 50 and created["act"] < 100
