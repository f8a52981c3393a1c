"""Counts with the search bar's filters, on the demo archive: exact numbers, places that hold
other places, narrower act types, evidence language and source kind within the permission
scope, the command line (--filter) and the web (?filter=)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import Invalid
from sillok.stats.counts import CountTable, count_acts
from sillok.stats.filters import parse_filters
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANON, VIEWER


@pytest.fixture
def demo(demo_settings: Settings) -> Iterator[Archive]:
    archive = Archive.open(demo_settings)
    yield archive
    archive.close()


def per_year(table: CountTable | dict[str, object]) -> dict[int, int]:
    rows = table.rows if isinstance(table, CountTable) else table["rows"]
    return {r["year"]: r["acts"] for r in rows}  # type: ignore[index, union-attr]


def grand_total(table: CountTable) -> dict[str, int]:
    (total,) = [r for r in table.margins if len(r["total_over"]) == len(table.by)]
    return {k: total[k] for k in ("acts", "victims", "events")}


def test_parse_reuses_the_search_language() -> None:
    assert parse_filters('place:ryanggang act:torture,forced_labour from:2015 "year:2019"') == {
        "from": ("2015",), "year": ("2019",), "place": ("ryanggang",),
        "act": ("torture", "forced_labour")}
    assert parse_filters({"act_type": "torture", "province": "kp-10"}) == {
        "act": ("torture",), "province": ("kp-10",)}
    for text, message in (("torture", "is not a filter"), ("-act:torture", "exclusion"),
                          ("act:torture OR act:abduction", "commas"),
                          ("colour:red", "unknown filter"), ("place:", "is not a filter")):
        with pytest.raises(Invalid, match=message):
            parse_filters(text)


def test_counts_with_filters(demo: Archive) -> None:
    ryanggang = count_acts(demo, ADMIN, ["year"], "place:ryanggang")
    # Hyesan and Pochon lie in Ryanggang: 10 acts against 6 victims in 5 events.
    assert per_year(ryanggang) == {2014: 1, 2017: 1, 2021: 4, 2022: 2, 2023: 2}
    assert grand_total(ryanggang) == {"acts": 10, "victims": 6, "events": 5}
    assert ryanggang.filters == {"place": ["ryanggang"]}
    assert per_year(count_acts(demo, ADMIN, ["year"], "place:양강도 to:2021")) == {
        2014: 1, 2017: 1, 2021: 4}
    assert per_year(count_acts(demo, ADMIN, ["year"], "place:Ryanggang-do from:2015")) == {
        2017: 1, 2021: 4, 2022: 2, 2023: 2}
    # No act of forced repatriation happened in Ryanggang: an empty table, not an error.
    none = count_acts(demo, ADMIN, ["year"], "place:ryanggang act:forced_repatriation from:2015")
    assert none.rows == [] and none.margins == []
    # Tumen and Yanji lie in the Yanbian prefecture.
    assert per_year(count_acts(demo, ADMIN, ["year"],
                               "place:yanbian act:forced_repatriation from:2015")) == {
        2019: 1, 2023: 1}
    # A facility is inside its county: Onsong holds its MPS holding cells.
    assert per_year(count_acts(demo, ADMIN, ["year"], "place:kp-09-onsong")) == {2019: 3}
    # act: includes the narrower types (kyohwaso, jipkyulso, arrest abroad … under detention)
    assert per_year(count_acts(demo, ADMIN, ["year"], "act:detention")) == {
        2015: 1, 2016: 1, 2019: 4, 2021: 2, 2022: 1, 2023: 3}
    assert per_year(count_acts(demo, ADMIN, ["year"], "place:kp-10 act:detention from:2015")
                    ) == {2021: 1, 2022: 1}
    by_type = count_acts(demo, ADMIN, ["type"], "act:Forced repatriation".replace(" ", "-"))
    assert {r["type"]: r["acts"] for r in by_type.rows} == {"forced_repatriation": 2}
    assert per_year(count_acts(demo, ADMIN, ["year"], "kind:torture")) == {2016: 1, 2019: 1}
    # facility: a type (narrower types too) or one facility
    assert per_year(count_acts(demo, ADMIN, ["year"], "facility:kyohwaso")) == {2015: 3, 2017: 2}
    assert per_year(count_acts(demo, ADMIN, ["year"], "facility:kuryujang")) == {2019: 3}
    assert per_year(count_acts(demo, ADMIN, ["year"], "facility:kp-02-kaechon-kyohwaso")) == {
        2015: 3, 2017: 2}
    # lang: and kind: follow the evidence (the act's own or its event's) to its source
    assert per_year(count_acts(demo, ADMIN, ["year"], "lang:en")) == {
        2016: 7, 2020: 1, 2022: 2, 2023: 3}
    assert per_year(count_acts(demo, ADMIN, ["year"], "kind:testimony")) == {
        2014: 1, 2015: 3, 2017: 5, 2019: 8, 2021: 5}
    # … but only evidence and sources the actor may see: a viewer's testimonies are fewer
    viewer = per_year(count_acts(demo, VIEWER, ["year"], "kind:testimony"))
    assert viewer == {2014: 1, 2017: 3, 2021: 5}
    # The public's tables are cut from the base cube (type × year × province): a filter on
    # the sources would pick acts one source at a time, so the public is refused it.
    for text in ("kind:testimony", "lang:ko"):
        with pytest.raises(Invalid, match="Public statistics give counts by act type"):
            count_acts(demo, ANON, ["year"], text, min_cell=1)
    assert per_year(count_acts(demo, ADMIN, ["year"], "type:acts level:public")) == {
        2014: 1, 2016: 7, 2020: 1, 2022: 2, 2023: 3}
    assert per_year(count_acts(demo, ANON, ["year"], "level:restricted", min_cell=1)) == {}
    assert grand_total(count_acts(demo, ADMIN, ["sex"], {"sex": "female"})) == {
        "acts": 17, "victims": 5, "events": 5}
    for text, message in (("place:atlantis", "no place 'atlantis'"),
                          ("act:picnic", "not a known type of violation"),
                          ("type:events", "statistics count acts"),
                          ("year:soon", "not a year"), ("level:secret", "not one of")):
        with pytest.raises(Invalid, match=message):
            count_acts(demo, ADMIN, ["year"], text)


def test_filters_on_the_command_line_and_the_web(demo: Archive, runner: CliRunner) -> None:
    settings = demo.settings
    env = {"SILLOK_DATA_DIR": str(settings.data_dir),
           "SILLOK_DATABASE_URL": settings.database_url or ""}
    out = runner.invoke(app, ["stats", "acts", "--by", "year", "--filter", "place:ryanggang",
                              "--filter", "from:2015", "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["filter"] == "place:ryanggang from:2015"  # as written
    assert per_year(data) == {2017: 1, 2021: 4, 2022: 2, 2023: 2}
    out = runner.invoke(app, ["stats", "acts", "--by", "year", "-f", "province=kp-10",
                              "--format", "csv"], env=env)
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[1:3] == ["2014,1,1,1,,", "2017,1,1,1,,"]
    out = runner.invoke(app, ["stats", "acts", "--by", "year", "-f", "place:atlantis"], env=env)
    assert out.exit_code == 1 and "no place 'atlantis'" in out.stderr
    out = runner.invoke(app, ["stats", "acts", "--help"], env=env)
    assert "place:ryanggang act:forced_repatriation" in " ".join(out.stdout.split())
    with TestClient(create_app(replace(settings, min_cell=1))) as client:
        got = client.get("/data/acts-year.json",
                         params={"filter": "act:torture", "lang": "en"}).json()
        assert got["filter"] == "act:torture" and per_year(got) == {2016: 1}
        assert "filter: act:torture" in got["sources"]
        assert client.get("/data/acts-year.csv", params={"filter": "mood:x"}).status_code == 400
        refused = client.get("/data/acts-year.json", params={"filter": "kind:testimony"})
        assert refused.status_code == 400 and "for staff" in refused.text
        page = client.get("/stats", params={"filter": "from:2020", "lang": "en"}).text
        assert 'value="from:2020"' in page and "/data?filter=from%3A2020" in page
        assert "<tr><th scope=\"row\">2020</th><td>1</td>" in page
        # the total of 2020–2023 adds up the acts of published years; victims are not added
        assert "<td>6</td><td>–</td><td>–</td>" in page
        page = client.get("/stats", params={"filter": "lang:ko", "lang": "ko"}).text
        assert "필터를 적용할 수 없습니다" in page and "직원 전용" in page
        bad = client.get("/stats", params={"filter": "place:atlantis"})
        assert bad.status_code == 200 and "지명 사전에 &#39;atlantis&#39;" in bad.text
        bad = client.get("/stats", params={"filter": "place:atlantis", "lang": "en"})
        assert "no place &#39;atlantis&#39;" in bad.text
        listing = client.get("/data", params={"filter": "from:2020"}).text
        assert "/data/acts-type-year.csv?filter=from%3A2020" in listing
        # official series are not filtered
        assert 'href="/data/arrivals-year.csv?lang=' in listing
