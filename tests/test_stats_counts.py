"""Counts from the coded records, on the demo archive: exact numbers, one count per victim,
the permission scope, and suppression of small public cells."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import Invalid
from sillok.stats.counts import count_acts
from tests.conftest import ADMIN, ANON, VIEWER


@pytest.fixture
def demo(demo_settings: Settings) -> Iterator[Archive]:
    archive = Archive.open(demo_settings)
    yield archive
    archive.close()


def _rows(table: object) -> dict[tuple[object, ...], dict[str, object]]:
    by = table.by  # type: ignore[attr-defined]
    return {tuple(r[d] for d in by): r for r in table.rows}  # type: ignore[attr-defined]


def test_a_victim_is_counted_once(demo: Archive) -> None:
    rows = _rows(count_acts(demo, ADMIN, ["year"]))
    # Witness A's arrest, repatriation, interrogations and holding centre: 8 acts, 1 victim.
    assert {k: rows[(2019,)][k] for k in ("acts", "victims", "events")} == {
        "acts": 8, "victims": 1, "events": 1}
    total = count_acts(demo, ADMIN, ["sex"])
    assert sum(r["acts"] for r in total.rows) == 38


def test_breakdowns_by_type_and_agency(demo: Archive) -> None:
    by_type = _rows(count_acts(demo, ADMIN, ["type"]))
    assert by_type[("forced_repatriation",)]["acts"] == 2
    assert by_type[("arrest_abroad",)]["victims"] == 3
    by_agency = _rows(count_acts(demo, ADMIN, ["agency", "type"], {"agency": "china_psb"}))
    assert set(by_agency) == {("china_psb", "arrest_abroad"), ("china_psb", "forced_repatriation")}
    provinces = _rows(count_acts(demo, ADMIN, ["province"], {"from": "2019"}))
    assert provinces[("kp-10",)]["acts"] == 8 and provinces[("cn",)]["victims"] == 4


def test_permission_scope_and_suppression(demo: Archive) -> None:
    admin = sum(r["acts"] for r in count_acts(demo, ADMIN, ["type"]).rows)
    viewer = sum(r["acts"] for r in count_acts(demo, VIEWER, ["type"]).rows)
    assert (admin, viewer) == (38, 25)
    public = count_acts(demo, ANON, ["type"], min_cell=1)
    assert sum(r["acts"] for r in public.rows) == 14
    assert "detention_kyohwaso" not in {r["type"] for r in public.rows}
    suppressed = count_acts(demo, ANON, ["type"])
    assert suppressed.suppressed_below == 5
    assert all(r["acts"] is None and r["suppressed"] for r in suppressed.rows)


def test_bad_requests(demo: Archive) -> None:
    with pytest.raises(Invalid, match="choose from"):
        count_acts(demo, ADMIN, ["colour"])
    with pytest.raises(Invalid, match="unknown filter"):
        count_acts(demo, ADMIN, ["type"], {"mood": "x"})
    with pytest.raises(Invalid, match="not a year"):
        count_acts(demo, ADMIN, ["type"], {"from": "soon"})


def test_cli(runner: CliRunner, demo: Archive) -> None:
    env = {"SILLOK_DATA_DIR": str(demo.settings.data_dir),
           "SILLOK_DATABASE_URL": demo.settings.database_url or ""}
    out = runner.invoke(app, ["stats", "acts", "--by", "type,year", "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["by"] == ["type", "year"] and data["suppressed_below"] is None
    out = runner.invoke(app, ["stats", "acts", "--by", "type", "--as", "anonymous"],
                        env={**env, "SILLOK_MIN_CELL": "1"})
    assert out.exit_code == 0 and "forced_repatriation" in out.stdout
