"""Differencing public tables: every public table is cut from one protected base cube, so no
combination of published tables recovers a hidden cell.

The attacker here is written apart from the implementation. It knows only what the public
doors publish and what a filter means (a year range, a set of act types, a set of provinces),
and models each published number as a linear equation on the unknown cells of act type ×
year × province: the cells it covers add up to it. A hidden cell (or total) is disclosed when
its equation follows from the published ones — when its vector lies in their row space (a
least-squares residual of zero) — or when the cells left over in an equation must all be 1.
All data are fictional.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.public_export import export_public
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.stats.counts import count_acts
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANALYST, ANON

K = 5
DIMS = ("type", "year", "province")
TYPES = ("torture", "forced_labour", "execution_public", "denial_of_food")
YEARS = (2016, 2017, 2018, 2019, 2020)
SAFE_HOUSE = "test-safe-house"  # a fictional restricted place inside Musan county (kp-09)
# Where an act happens → the region the public may see it counted at.
PLACES: dict[str | None, str | None] = {"kp-09-musan": "kp-09", "kp-10-hyesan": "kp-10",
                                        "kp-02": "kp-02", "cn-yanji": "cn",
                                        SAFE_HOUSE: "kp-09", None: None}
POOL = 90  # fictional victims and events, one of each per act in an archive

Fine = tuple[str, int, str | None]  # one cell of the base cube: type, year, region

# ---------------------------------------------------------------- the attacker


@dataclass(frozen=True)
class Filter:
    """What a public filter keeps, as the attacker understands the documented filters."""

    years: tuple[int, int] | None = None
    types: frozenset[str] | None = None
    regions: frozenset[str] | None = None

    def text(self) -> str:
        parts = []
        if self.years:
            lo, hi = self.years
            parts.append(f"year:{lo}" if lo == hi else f"from:{lo} to:{hi}")
        if self.types:
            parts.append("act:" + ",".join(sorted(self.types)))
        if self.regions:
            parts.append("province:" + ",".join(sorted(self.regions)))
        return " ".join(parts)

    def keeps(self, cell: Fine) -> bool:
        t, y, p = cell
        return ((self.years is None or self.years[0] <= y <= self.years[1])
                and (self.types is None or t in self.types)
                and (self.regions is None or p in self.regions))


@dataclass
class Published:
    """One published number (acts) or hidden one: the cells it covers, its value or None;
    ``cell`` when it is a cell or total of the cube (a table without filters) rather than a
    sum of several (a hidden sum of hidden cells may well be known: the total minus the
    cells shown; what must stay unknown is each hidden cell)."""

    cells: frozenset[Fine]
    value: int | None
    where: str
    cell: bool


def published(table: dict[str, Any], flt: Filter, fine: list[Fine]) -> list[Published]:
    out = []
    for row in [*table["rows"], *table["margins"]]:
        over = set(row.get("total_over", []))
        fixed = {d: row[d] for d in table["by"] if d not in over}
        covered = frozenset(c for c in fine if flt.keeps(c)
                            and all(c[DIMS.index(d)] == v for d, v in fixed.items()))
        value = None if row.get("suppressed") else row["acts"]
        if row.get("suppressed"):
            assert all(row[h] is None for h in ("acts", "victims", "events")), row
        out.append(Published(covered, value, f"{table['by']} {flt.text()} {fixed}",
                             flt == Filter()))
    return out


def disclosed(items: list[Published], fine: list[Fine]) -> list[str]:
    """Every hidden number the published ones give away, by linear algebra or by the bound
    that each listed cell holds at least one act."""
    col = {c: i for i, c in enumerate(fine)}

    def vector(cells: frozenset[Fine]) -> np.ndarray:
        v = np.zeros(len(fine))
        for c in cells:
            v[col[c]] = 1.0
        return v

    shown = {(p.cells, p.value) for p in items if p.value is not None}
    matrix = np.array([vector(c) for c, _ in shown]) if shown else np.zeros((0, len(fine)))
    values = np.array([v for _, v in shown], dtype=float)
    leaks = []
    # Linear: the hidden number's vector is a combination of published ones.
    if len(shown):
        x, *_ = np.linalg.lstsq(matrix, values, rcond=None)
        _u, s, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[: int((s > 1e-9 * s.max()).sum())]
    for p in items:
        if p.value is None and p.cell and len(shown):
            v = vector(p.cells)
            residual = v - basis.T @ (basis @ v)
            if np.abs(residual).max() < 1e-7:
                leaks.append(f"{p.where} = {v @ x:.0f} (linear)")
    # The all-ones bound: what is left of a published number after the cells known in it is
    # spread over as many hidden cells as there are acts left.
    known = {c: value for cells, value in shown if len(cells) == 1 for c in cells}
    for cells, value in shown:
        hidden = [c for c in cells if c not in known]
        rest = value - sum(known[c] for c in cells if c in known)
        if hidden and rest == len(hidden):
            leaks.append(f"{sorted(hidden)} are all 1 (bound)")
    return leaks


# ---------------------------------------------------------------- fictional archives


@pytest.fixture
def pool(archive: Archive) -> Archive:
    """Fictional victims and events to hang acts on, and a restricted safe house."""
    records: list[dict[str, Any]] = [
        {"type": "place", "level": "restricted", "code": SAFE_HOUSE, "kind": "facility",
         "parent": "kp-09-musan", "en": "Fictional safe house", "ko": "가상 은신처"}]
    for i in range(POOL):
        records += [
            {"type": "person", "ref": f"p{i}", "level": "public",
             "names": [{"name": f"가상 피해자 {i}", "system": "hangul"}]},
            {"type": "event", "ref": f"e{i}", "level": "public", "date": "2018",
             "title": f"Fictional event {i}"}]
    add_records(archive, ADMIN, records)
    return archive


def fill(archive: Archive, plan: dict[tuple[str, int, str | None], int]) -> None:
    """Replace the archive's acts by ``plan``: (type, year, place) → how many public acts,
    each with a victim and an event of its own (so that acts, victims and events agree)."""
    with archive.transaction() as session:
        session.execute(delete(m.Act))
        persons = [p.id for p in session.query(m.Person).order_by(m.Person.id)]
        events = [e.id for e in session.query(m.Event).order_by(m.Event.id)]
        n = 0
        for (act_type, year, place), count in sorted(plan.items(), key=repr):
            for _ in range(count):
                data: dict[str, Any] = {"level": "public", "act_type": act_type,
                                        "date": str(year), "victim": persons[n],
                                        "event": events[n]}
                if place:
                    data["place"] = place
                archive.create(ADMIN, "act", data, session=session)
                n += 1
        # One restricted act: never counted for the public.
        archive.create(ADMIN, "act", {"level": "restricted", "act_type": "torture",
                                      "date": "2018", "victim": persons[-1],
                                      "event": events[-1]}, session=session)


def tables_offered(regions: list[str]) -> Iterator[tuple[list[str], Filter]]:
    """Every table the public doors offer, with the filters worth trying: none, each year,
    ranges of years, each act type and pairs of them, each region and pairs of them."""
    filters = [Filter()]
    filters += [Filter(years=(y, y)) for y in YEARS]
    filters += [Filter(years=(a, b)) for a, b in itertools.combinations(YEARS, 2)]
    filters += [Filter(types=frozenset(t)) for n in (1, 2, 3) for t in
                itertools.combinations(TYPES, n)]
    filters += [Filter(regions=frozenset(r)) for n in (1, 2) for r in
                itertools.combinations(regions, n)]
    filters += [Filter(years=(2017, 2019), types=frozenset(TYPES[:2]))]
    for n in (1, 2):
        for by in itertools.combinations(DIMS, n):
            for flt in filters:
                yield list(by), flt
    yield list(DIMS), Filter()


def publish_all(archive: Archive) -> tuple[list[Fine], list[Published]]:
    cube = count_acts(archive, ANON, list(DIMS), min_cell=K).as_dict()
    fine = [(r["type"], r["year"], r["province"]) for r in cube["rows"]]
    regions = sorted({c[2] for c in fine if c[2] is not None})
    items = []
    for by, flt in tables_offered(regions):
        table = count_acts(archive, ANON, by, flt.text() or None, min_cell=K).as_dict()
        items += published(table, flt, fine)
    return fine, items


def truth(plan: dict[tuple[str, int, str | None], int]) -> dict[Fine, int]:
    out: dict[Fine, int] = {}
    for (t, y, place), n in plan.items():
        key = (t, y, PLACES[place])
        out[key] = out.get(key, 0) + n
    return out


def check(plan: dict[tuple[str, int, str | None], int], fine: list[Fine],
          items: list[Published]) -> int:
    real = truth(plan)
    assert sorted(fine, key=repr) == sorted(real, key=repr)  # hiding is not deleting
    hidden = 0
    for p in items:
        total = sum(real[c] for c in p.cells)
        if p.value is None:
            hidden += 1
        else:
            assert p.value == total, p.where  # what is shown is true
            assert p.value >= K, p.where  # and never small
        if 0 < total < K:
            assert p.value is None, p.where
    assert disclosed(items, fine) == []
    return hidden


plans = st.dictionaries(
    st.tuples(st.sampled_from(TYPES), st.sampled_from(YEARS), st.sampled_from(list(PLACES))),
    st.sampled_from([1, 1, 2, 3, 4, 5, 6, 9, 14]), min_size=1, max_size=10,
).filter(lambda plan: sum(plan.values()) < POOL)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(plan=plans)
def test_no_table_nor_difference_of_tables_gives_a_hidden_cell_away(
        pool: Archive, plan: dict[tuple[str, int, str | None], int]) -> None:
    fill(pool, plan)
    fine, items = publish_all(pool)
    check(plan, fine, items)


# ---------------------------------------------------------------- the attacks, one by one


def test_a_range_minus_a_year_gives_nothing(pool: Archive) -> None:
    """2019–2020 minus 2020: with fresh queries per filter, torture in 2019 (2 victims) was
    the difference of two published numbers."""
    plan = {("torture", 2019, "kp-02"): 2, ("torture", 2020, "kp-02"): 9,
            ("forced_labour", 2019, "kp-02"): 7, ("forced_labour", 2020, "kp-02"): 8,
            ("denial_of_food", 2019, "kp-10-hyesan"): 6, ("denial_of_food", 2020, "kp-02"): 6,
            ("torture", 2017, "kp-02"): 10, ("forced_labour", 2017, "kp-02"): 10}
    fill(pool, plan)
    both = count_acts(pool, ANON, ["type"], "from:2019 to:2020", min_cell=K).as_dict()
    one = count_acts(pool, ANON, ["type"], "year:2020", min_cell=K).as_dict()
    torture = {r["type"]: r for r in both["rows"]}["torture"]
    # 2019–2020 adds up the cells of two years, one of them hidden: so it is hidden too
    assert torture["suppressed"] and torture["acts"] is None
    shown = {r["type"]: r["acts"] for r in both["rows"] if not r["suppressed"]}
    assert shown["denial_of_food"] == 12
    assert {r["type"] for r in one["rows"]} == {"torture", "forced_labour", "denial_of_food"}
    fine, items = publish_all(pool)
    assert check(plan, fine, items) > 0


def test_a_total_minus_its_shown_cells_gives_nothing(pool: Archive) -> None:
    plan = {("torture", 2018, "kp-02"): 20, ("forced_labour", 2018, "kp-02"): 3,
            ("execution_public", 2018, "kp-02"): 7, ("denial_of_food", 2018, "kp-02"): 12}
    fill(pool, plan)
    table = count_acts(pool, ANON, ["type"], min_cell=K).as_dict()
    shown = {r["type"]: r["acts"] for r in table["rows"] if not r["suppressed"]}
    (total,) = table["margins"]
    hidden = [r["type"] for r in table["rows"] if r["suppressed"]]
    # forced labour (3) is small; one more type is hidden with it, or the total is
    assert "forced_labour" in hidden and (len(hidden) >= 2 or total["suppressed"])
    assert shown.get("torture") == 20
    fine, items = publish_all(pool)
    check(plan, fine, items)


def test_two_filters_that_differ_by_one_cell_give_nothing(pool: Archive) -> None:
    """act:torture,forced_labour minus act:torture, and province:kp-09,kp-10 minus
    province:kp-09: each difference is one small cell."""
    plan = {("torture", 2017, "kp-09-musan"): 9, ("forced_labour", 2017, "kp-09-musan"): 2,
            ("torture", 2017, "kp-10-hyesan"): 1, ("torture", 2018, "kp-10-hyesan"): 8,
            ("forced_labour", 2018, "kp-09-musan"): 6, ("torture", 2018, "kp-09-musan"): 5}
    fill(pool, plan)
    pair = count_acts(pool, ANON, ["year"], "act:torture,forced_labour", min_cell=K).as_dict()
    alone = count_acts(pool, ANON, ["year"], "act:torture", min_cell=K).as_dict()
    rows = {r["year"]: r for r in pair["rows"]}, {r["year"]: r for r in alone["rows"]}
    # forced labour in 2017 (2) would be pair − alone: one of the two is hidden
    assert rows[0][2017]["suppressed"] or rows[1][2017]["suppressed"]
    two = count_acts(pool, ANON, ["type"], "province:kp-09,kp-10 year:2017",
                     min_cell=K).as_dict()
    one = count_acts(pool, ANON, ["type"], "province:kp-09 year:2017", min_cell=K).as_dict()
    t2, t1 = ({r["type"]: r for r in t["rows"]}["torture"] for t in (two, one))
    # torture in Hyesan in 2017 (1) would be two − one
    assert t2["suppressed"] or t1["suppressed"]
    fine, items = publish_all(pool)
    check(plan, fine, items)


def test_a_restricted_place_counts_only_at_its_public_region(pool: Archive) -> None:
    plan = {("torture", 2018, SAFE_HOUSE): 6, ("torture", 2018, "kp-09-musan"): 6}
    fill(pool, plan)
    table = count_acts(pool, ANON, ["province"], min_cell=K).as_dict()
    assert [(r["province"], r["acts"]) for r in table["rows"]] == [("kp-09", 12)]
    # A hidden place is not a place to the public: the same answer as a place that is none.
    with pytest.raises(Invalid, match=f"no place '{SAFE_HOUSE}'"):
        count_acts(pool, ANON, ["year"], f"place:{SAFE_HOUSE}", min_cell=K)
    staff = count_acts(pool, ANALYST, ["year"], f"place:{SAFE_HOUSE}").as_dict()
    assert [(r["year"], r["acts"]) for r in staff["rows"]] == [(2018, 6)]


# ---------------------------------------------------------------- what the cube cannot answer

KO = "직원 전용"
EN = "Public statistics give counts by act type, year and province"


@pytest.fixture
def client(settings: Settings, pool: Archive) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, min_cell=K))) as c:
        yield c


REFUSED = [("sex", ""), ("age_group", ""), ("type,agency", ""), ("facility_type", ""),
           ("type", "sex:female"), ("year", "place:kp-09-musan"), ("year", "lang:ko"),
           ("type", "kind:testimony"), ("year", "facility:kyohwaso"), ("type", "agency:mss"),
           ("year", "sources:2")]


def test_the_public_is_refused_what_the_cube_cannot_answer(
        pool: Archive, client: TestClient, runner: CliRunner, cli_env: dict[str, str]) -> None:
    fill(pool, {("torture", 2018, "kp-09-musan"): 6})
    for by, flt in REFUSED:
        _refused(client, runner, cli_env, by, flt)


def _refused(client: TestClient, runner: CliRunner, cli_env: dict[str, str], by: str,
             flt: str) -> None:
    api = client.get("/api/v1/stats/acts", params={"by": by, "filter": flt})
    assert api.status_code == 422, api.text
    assert api.headers["content-type"].startswith("application/problem+json")
    body = api.json()
    message = " ".join([body["error"], *body["fields"].values()])
    assert KO in message and EN in message
    out = runner.invoke(app, ["stats", "acts", "--by", by, *(["-f", flt] if flt else []),
                              "--as", "anonymous", "--format", "json"], env=cli_env)
    assert out.exit_code == 1 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and EN in out.stderr and KO in out.stderr
    # staff keep the full query
    out = runner.invoke(app, ["stats", "acts", "--by", by, *(["-f", flt] if flt else []),
                              "--as", "analyst", "--format", "json"], env=cli_env)
    assert out.exit_code == 0, out.output
    if flt:
        # The page speaks the reader's language (issue 19): each language its own sentence.
        for lang, said in (("en", EN), ("ko", KO)):
            page = client.get("/stats", params={"filter": flt, "lang": lang})
            assert page.status_code == 200 and said in page.text, (lang, flt)


# ---------------------------------------------------------------- every door, the same cube


def test_every_public_door_publishes_the_cube_s_cells(
        settings: Settings, pool: Archive, runner: CliRunner, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    plan = {("torture", 2018, "kp-09-musan"): 9, ("torture", 2019, "kp-02"): 2,
            ("forced_labour", 2018, "kp-02"): 7, ("forced_labour", 2019, "kp-09-musan"): 8,
            ("denial_of_food", 2019, "cn-yanji"): 3, ("denial_of_food", 2018, "kp-02"): 11}
    fill(pool, plan)
    expected = {(tuple(by), flt): count_acts(pool, ANON, by, flt or None, min_cell=K).as_dict()
                for by in (["type"], ["year"], ["province"], ["type", "year"])
                for flt in ("", "from:2018 to:2019", "act:torture")}
    with TestClient(create_app(replace(settings, min_cell=K))) as client:
        for (by, flt), table in expected.items():
            api = client.get("/api/v1/stats/acts", params={"by": ",".join(by), "filter": flt})
            assert api.json() == table
            name = "acts-" + "-".join(by)
            data = client.get(f"/data/{name}.json", params={"filter": flt}).json()
            assert (data["rows"], data["margins"]) == (table["rows"], table["margins"])
            text = client.get(f"/data/{name}.csv", params={"filter": flt, "lang": "en"}).text
            rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
            assert [r["Suppressed"] == "yes" for r in rows] == [
                bool(r["suppressed"]) for r in [*table["rows"], *table["margins"]]]
            out = runner.invoke(app, ["stats", "acts", "--by", ",".join(by), "--as",
                                      "anonymous", "--format", "json",
                                      *(["-f", flt] if flt else [])],
                                env={**cli_env, "SILLOK_MIN_CELL": str(K)})
            assert out.exit_code == 0, out.output
            assert json.loads(out.stdout) == table
        page = client.get("/stats", params={"lang": "en"}).text
        one_way = [count_acts(pool, ANON, [d], min_cell=K).as_dict() for d in DIMS]
        hidden = sum(1 for t in one_way for r in [*t["rows"], *t["margins"]] if r["suppressed"])
        assert hidden > 0 and page.count("<td>x</td>") == 3 * hidden
    assert pool.settings.min_cell == K
    export_public(pool, tmp_path / "export")
    db = sqlite3.connect(tmp_path / "export" / "sillok-public.sqlite")
    got = db.execute("SELECT type, year, acts, suppressed FROM acts_by_type_year").fetchall()
    want = count_acts(pool, ANON, ["type", "year"], min_cell=pool.settings.min_cell).rows
    assert sorted(got, key=repr) == sorted(((r["type"], r["year"], r["acts"],
                                             int(r["suppressed"])) for r in want), key=repr)
