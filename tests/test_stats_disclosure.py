"""Disclosure control of public counts: small cells are hidden, and so are the cells that
would give them away. An attacker's checker, written apart from the implementation, reads only
what is published (CLI JSON, /data JSON) and tries every row and column equation, the
"all hidden cells are 1" bound and full linear algebra; it must learn nothing."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from fractions import Fraction
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.stats.charts import acts_spec
from sillok.stats.counts import count_acts
from sillok.stats.disclosure import TOTAL, protect
from sillok.web.app import create_app
from tests.conftest import ADMIN, ANALYST, ANON

MEASURES = ("acts", "victims", "events")
T = "<total>"  # the checker's own marker for a margin coordinate
K = 5

# ---------------------------------------------------------------- the attacker's checker


def cube(doc: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, int] | None]:
    """Every published cell and total of a table (rows + margins); None where hidden."""
    by = doc["by"]
    out: dict[tuple[Any, ...], dict[str, int] | None] = {}
    for row in [*doc["rows"], *doc.get("margins", [])]:
        over = set(row.get("total_over", []))
        key = tuple(T if d in over else row[d] for d in by)
        if row.get("suppressed"):
            assert all(row[m] is None for m in MEASURES), row  # hidden is null, never 0
            out[key] = None
        else:
            assert all(isinstance(row[m], int) and row[m] > 0 for m in MEASURES), row
            out[key] = {m: row[m] for m in MEASURES}
    return out


def equations(keys: list[tuple[Any, ...]]) -> list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """(total, cells) for every row/column/… of the table: the cells add up to the total."""
    lines: dict[tuple[int, tuple[Any, ...]], list[tuple[Any, ...]]] = {}
    for key in keys:
        for d, c in enumerate(key):
            if c != T:
                lines.setdefault((d, (*key[:d], T, *key[d + 1:])), []).append(key)
    return [(total, cells) for (_d, total), cells in lines.items()]


def subtraction_attack(pub: dict[tuple[Any, ...], dict[str, int] | None],
                       measure: str) -> dict[tuple[Any, ...], int]:
    """Solve every equation with one unknown, and every equation whose hidden cells must all
    be 1 (each is at least 1: empty cells are not listed), again and again."""
    known = {k: v[measure] for k, v in pub.items() if v is not None}
    found: dict[tuple[Any, ...], int] = {}
    lines = equations(list(pub))
    progress = True
    while progress:
        progress = False
        for total, cells in lines:
            unknown = [c for c in [*cells, total] if c not in known]
            if not unknown:
                continue
            if len(unknown) == 1:
                u = unknown[0]
                rest = sum(known[c] for c in cells if c in known)
                known[u] = found[u] = rest if u == total else known[total] - rest
                progress = True
            elif total in known:
                rest = known[total] - sum(known[c] for c in cells if c in known)
                if rest == len(unknown):
                    for u in unknown:
                        known[u] = found[u] = 1
                    progress = True
    return found


def linear_attack(pub: dict[tuple[Any, ...], dict[str, int] | None]) -> set[tuple[Any, ...]]:
    """The hidden cells fixed by the system of all equations together: a hidden cell is fixed
    when its unit vector lies in the row space, i.e. in the reduced row echelon form (dense,
    exact) it has a row of its own."""
    hidden = sorted((k for k, v in pub.items() if v is None), key=repr)
    col = {k: i for i, k in enumerate(hidden)}
    rows = []
    for total, cells in equations(list(pub)):
        row = [Fraction(0)] * len(hidden)
        for c in cells:
            if c in col:
                row[col[c]] += 1
        if total in col:
            row[col[total]] -= 1
        if any(row):
            rows.append(row)
    rank = 0
    for c in range(len(hidden)):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        rows[rank] = [a / rows[rank][c] for a in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return {hidden[next(j for j, a in enumerate(r) if a != 0)]
            for r in rows[:rank] if sum(1 for a in r if a != 0) == 1}


def assert_safe(public: dict[str, Any], truth: dict[str, Any], k: int = K) -> int:
    """The published table is true where shown, hides every small cell, and gives none of its
    hidden cells away. Returns how many cells are hidden."""
    pub, real = cube(public), cube(truth)
    assert set(pub) == set(real)  # the same cells are listed: hiding is not deleting
    for key, value in pub.items():
        real_value = real[key]
        assert real_value is not None
        if value is not None:
            assert value == real_value, key
    small = {key for key, v in real.items() if v is not None and v["victims"] < k}
    assert all(pub[key] is None for key in small)
    for measure in MEASURES:
        assert subtraction_attack(pub, measure) == {}, measure
    assert not (linear_attack(pub) & small)
    return sum(1 for v in pub.values() if v is None)


# ---------------------------------------------------------------- the algorithm on its own


def _doc(by: list[str], cells: dict[tuple[Any, ...], dict[str, int]],
         hidden: set[tuple[Any, ...]] | None = None) -> dict[str, Any]:
    rows, margins = [], []
    for key, counts in cells.items():
        row: dict[str, Any] = {d: c for d, c in zip(by, key, strict=True) if c is not TOTAL}
        shown = hidden is None or key not in hidden
        row.update(counts if shown else dict.fromkeys(MEASURES), suppressed=not shown)
        over = [d for d, c in zip(by, key, strict=True) if c is TOTAL]
        if over:
            margins.append({**row, "total_over": over})
        else:
            rows.append(row)
    return {"by": by, "rows": rows, "margins": margins}


def _random_table(rng: random.Random, dims: int) -> dict[tuple[Any, ...], dict[str, int]]:
    """A sparse table of additive counts (one act per victim and event) with its margins."""
    shape = [rng.randint(1, 6) for _ in range(dims)]
    interior: dict[tuple[Any, ...], int] = {}
    for _ in range(rng.randint(1, 30)):
        key = tuple(rng.randrange(n) for n in shape)
        interior[key] = interior.get(key, 0) + rng.choice([1, 1, 2, 3, 4, 6, 9, 15, 40])
    cells: dict[tuple[Any, ...], dict[str, int]] = {}
    for key, n in interior.items():
        for mask in range(2 ** dims):
            margin = tuple(TOTAL if mask >> d & 1 else c for d, c in enumerate(key))
            cells.setdefault(margin, dict.fromkeys(MEASURES, 0))
            for m in MEASURES:
                cells[margin][m] += n
    return cells


def test_random_tables_give_nothing_away() -> None:
    rng = random.Random(20240601)
    hidden_total = 0
    for case in range(300):
        dims = 1 if case % 3 == 0 else 2 if case % 3 == 1 else 3
        cells = _random_table(rng, dims)
        hidden, primary = protect(cells, K)
        assert primary == {k for k, v in cells.items() if v["victims"] < K}
        by = [f"d{i}" for i in range(dims)]
        hidden_total += assert_safe(_doc(by, cells, hidden), _doc(by, cells))
    assert hidden_total > 300  # the cases did exercise suppression


def test_one_way_table_hides_a_second_cell() -> None:
    cells = {("a",): 20, ("b",): 3, ("c",): 7, ("d",): 12}
    table = {k: dict.fromkeys(MEASURES, v) for k, v in cells.items()}
    table[(TOTAL,)] = dict.fromkeys(MEASURES, sum(cells.values()))
    hidden, primary = protect(table, K)
    # b alone could be read off the total: c, the next smallest, goes with it.
    assert (primary, hidden) == ({("b",)}, {("b",), ("c",)})


def test_two_way_table_with_a_bridge_is_audited() -> None:
    """Two blocks of hidden cells joined by one hidden cell pass the row/column rule but leave
    that cell fixed by the equations; the exact audit hides more."""
    values = {}
    for r in range(4):
        for c in range(4):
            values[(f"r{r}", f"c{c}")] = 30
    for key in (("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1"),
                ("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3")):
        values[key] = 6
    values[("r0", "c2")] = 2  # the only small cell
    table: dict[tuple[Any, ...], dict[str, int]] = {}
    for (r, c), v in values.items():
        for key in ((r, c), (r, TOTAL), (TOTAL, c), (TOTAL, TOTAL)):
            table.setdefault(key, dict.fromkeys(MEASURES, 0))
            for m in MEASURES:
                table[key][m] += v
    hidden, _ = protect(table, K)
    by = ["r", "c"]
    assert assert_safe(_doc(by, table, hidden), _doc(by, table)) >= 4


# ---------------------------------------------------------------- on the archive, both backends


def _fill(archive: Archive) -> None:
    """Fictional public acts: victims per (type, year) with small and large cells, a victim
    with acts in two cells (distinct counts do not add up), and restricted acts."""
    grid = {"torture": [8, 6, 1, 7, 9], "forced_labour": [7, 2, 8, 6, 0],
            "denial_of_food": [9, 7, 6, 8, 3], "execution_public": [1, 0, 0, 0, 0]}
    records: list[dict[str, Any]] = []
    n = 0
    for act_type, counts in grid.items():
        for i, victims in enumerate(counts):
            year = 2015 + i
            for v in range(victims):
                n += 1
                records += [
                    {"type": "person", "ref": f"p{n}", "level": "public",
                     "sex": "female" if n % 3 else "male",
                     "names": [{"name": f"가상 피해자 {n}", "system": "hangul"}]},
                    {"type": "event", "ref": f"e{n}", "level": "public", "date": str(year),
                     "title": f"Fictional event {n}", "places": ["kp-09"] if v % 2 else []},
                    {"type": "act", "level": "public", "event": f"e{n}", "victim": f"p{n}",
                     "act_type": act_type, "date": str(year),
                     "place": "kp-09-musan" if v % 2 else "kp-10-hyesan"},
                ]
    # p1 (torture 2015) was also made to work in 2016: one victim in two cells.
    records.append({"type": "act", "level": "public", "event": "e1", "victim": "p1",
                    "act_type": "forced_labour", "date": "2016", "place": "kp-10-hyesan"})
    records.append({"type": "act", "level": "restricted", "event": "e2", "victim": "p2",
                    "act_type": "abduction", "date": "2017"})
    add_records(archive, ADMIN, records)


def test_counts_on_the_archive_give_nothing_away(archive: Archive) -> None:
    _fill(archive)
    for by in (["type"], ["year"], ["type", "year"], ["year", "province"],
               ["type", "year", "province"]):
        public = count_acts(archive, ANON, by, min_cell=K)
        truth = count_acts(archive, ADMIN, by, "level:public")
        assert public.suppressed_below == K and truth.suppressed_below is None
        assert_safe(public.as_dict(), truth.as_dict())
    two_way = count_acts(archive, ANON, ["type", "year"], min_cell=K).as_dict()
    hidden = {(r["type"], r["year"]) for r in two_way["rows"] if r["suppressed"]}
    # the small cells, and their complements in the same rows and columns
    assert {("torture", 2017), ("forced_labour", 2016), ("denial_of_food", 2019),
            ("execution_public", 2015)} <= hidden
    assert len(hidden) >= 6
    # margins of the two-way table are the one-way tables, hidden cells and all
    for dim in ("type", "year"):
        one_way = count_acts(archive, ANON, [dim], min_cell=K).as_dict()
        margins = [{k: v for k, v in r.items() if k != "total_over"}
                   for r in two_way["margins"] if r["total_over"] == [
                       d for d in ("type", "year") if d != dim]]
        assert margins == one_way["rows"]
    # staff with clearance see true numbers
    analyst = count_acts(archive, ANALYST, ["type", "year"], min_cell=K)
    assert analyst.suppressed_below is None
    assert {(r["type"], r["year"]): r["victims"] for r in analyst.rows}[
        ("torture", 2017)] == 1


def test_every_public_way_out_is_protected(settings: Settings, archive: Archive,
                                           runner: CliRunner,
                                           cli_env: dict[str, str]) -> None:
    _fill(archive)
    truth = count_acts(archive, ADMIN, ["type", "year"], "level:public").as_dict()
    out = runner.invoke(app, ["stats", "acts", "--by", "type,year", "--as", "anonymous",
                              "--format", "json"], env=cli_env)
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    assert assert_safe(cli, truth) >= 6
    out = runner.invoke(app, ["stats", "acts", "--by", "type,year", "--as", "anonymous"],
                        env=cli_env)
    assert out.exit_code == 0 and " x " in out.stdout and "hidden" in out.stdout
    out = runner.invoke(app, ["stats", "acts", "--by", "type,year", "--as", "analyst",
                              "--format", "json"], env=cli_env)
    assert json.loads(out.stdout)["suppressed_below"] is None
    with TestClient(create_app(replace(settings, min_cell=K))) as client:
        web = client.get("/data/acts-type-year.json").json()
        assert web["rows"] == cli["rows"] and web["margins"] == cli["margins"]
        assert_safe(web, truth)
        csv_text = client.get("/data/acts-type-year.csv").text
        # Korean by default: the suppressed flag reads 예 (yes), the count cells stay empty.
        assert ",,,,예," in csv_text and ",0," not in csv_text
        page = client.get("/stats").text
        assert "<td>x</td>" in page and "<td>0</td>" not in page
    # charts: a hidden category keeps its place with the mark, never a bar of 0
    by_type = count_acts(archive, ANON, ["type"], min_cell=K)
    spec = acts_spec(by_type)
    values = {v["type"]: v for v in spec["data"]["values"]}
    assert values["execution_public"] == {"type": "execution_public", "order": 2,
                                          "acts": None, "suppressed": True}
    # its complement in the one-way table: the next smallest type
    assert values["forced_labour"]["suppressed"] and values["torture"]["acts"] == 31
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"]
    assert "hidden" in spec["title"]["subtitle"]
