"""Statistics through the API: the CLI's own functions as the caller, so the public's counts
are suppressed exactly as ``sillok stats`` suppresses them, and a signed-in analyst's are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.stats.arrivals import arrivals
from sillok.stats.counts import count_acts
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ADMIN, ANALYST, ANON, make_event, make_person

API = "/api/v1"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def _acts(archive: Archive) -> None:
    """Fictional acts: 6 public detentions (6 victims), 2 public repatriations, 3 restricted."""
    event = make_event(archive, date="2023")
    plan = [("detention", "public")] * 6 + [("forced_repatriation", "public")] * 2 + [
        ("forced_repatriation", "restricted")] * 3
    for i, (act_type, level) in enumerate(plan):
        victim = make_person(archive, level=level, name=f"가상피해자{i}")
        archive.create(ADMIN, "act", {"level": level, "event": event, "act_type": act_type,
                                      "victim": victim, "date": "2023-03"})


def test_acts_are_suppressed_for_the_public_as_in_the_cli(client: TestClient,
                                                          archive: Archive,
                                                          settings: Settings) -> None:
    _acts(archive)
    answer = client.get(f"{API}/stats/acts", params={"by": "type"})
    assert answer.status_code == 200, answer.text
    public = answer.json()
    assert public == count_acts(archive, ANON, ["type"], min_cell=settings.min_cell).as_dict()
    assert public["suppressed_below"] == settings.min_cell
    rows = {r["type"]: r for r in public["rows"]}
    assert rows["forced_repatriation"]["suppressed"] is True
    assert rows["forced_repatriation"]["victims"] is None  # hidden, never 0 or 2
    assert "2" not in {str(r.get("victims")) for r in public["rows"]}

    cleared = client.get(f"{API}/stats/acts", params={"by": "type"},
                         headers=as_(ANALYST)).json()
    assert cleared["suppressed_below"] is None
    assert {r["type"]: r["victims"] for r in cleared["rows"]} == {
        "detention": 6, "forced_repatriation": 5}


def test_acts_filters_and_dimensions(client: TestClient, archive: Archive) -> None:
    _acts(archive)
    table = client.get(f"{API}/stats/acts", headers=as_(ANALYST),
                       params={"by": "type,year", "filter": "act:detention"}).json()
    assert table["by"] == ["type", "year"] and table["filter"] == "act:detention"
    assert [(r["type"], r["year"], r["acts"]) for r in table["rows"]] == [
        ("detention", 2023, 6)]
    assert any(m["total_over"] == ["type", "year"] for m in table["margins"])
    assert_error(client.get(f"{API}/stats/acts", params={"by": "colour"}), 422, "by")
    assert_error(client.get(f"{API}/stats/acts", params={"by": ""}), 422, "by")
    assert_error(client.get(f"{API}/stats/acts", params={"filter": "colour:red"}), 422)
    assert_error(client.get(f"{API}/stats/acts", params={"filter": "free words"}), 422)


def test_arrivals(client: TestClient, archive: Archive) -> None:
    for by in ("year", "quarter"):
        answer = client.get(f"{API}/stats/arrivals", params={"by": by})
        assert answer.status_code == 200, answer.text
        rows = answer.json()
        expected = arrivals(archive, ANON, by)
        assert [r["period"] for r in rows] == [r.period for r in expected]
        assert [r["total"] for r in rows] == [r.total for r in expected]
        assert all(r["sentence_en"] and r["sentence_ko"] for r in rows)
    baseline = client.get(f"{API}/stats/arrivals", params={"baseline": 2020}).json()
    assert {r["baseline_period"] for r in baseline} - {None} == {"2020"}
    assert_error(client.get(f"{API}/stats/arrivals", params={"by": "week"}), 422, "by")
    # No monthly series is shipped: a clear 404, not an empty table.
    assert_error(client.get(f"{API}/stats/arrivals", params={"by": "month"}), 404)
