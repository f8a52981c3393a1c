"""``sillok persons duplicates`` on an archive of fictional persons, on SQLite and PostgreSQL:
the pairs, their reasons, and only persons the role may see."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.linkage import evalset
from sillok.linkage.duplicates import find_duplicates
from tests.conftest import ADMIN, VIEWER


def _names(names: list[str]) -> list[dict[str, str]]:
    return [{"name": n, "system": "hangul" if any("가" <= c <= "힣" for c in n) else "rr"}
            for n in names]


def _fill(archive: Archive, persons: int = 40) -> dict[int, str]:
    """Fictional persons from the evaluation generator, written into the archive; the true
    person of each record id."""
    truth = {}
    for rec in evalset.generate(21, persons):
        data: dict[str, object] = {
            "level": "internal", "names": _names(rec.names),
            "sex": {"M": "male", "F": "female"}.get(rec.sex or ""),
            "birth_year": rec.birth_year, "birth_year_estimate": rec.birth_year_estimate,
            "origin_place": rec.origin, "description": "Fictional test person / 가상 인물"}
        if not rec.names:
            continue
        truth[archive.create(ADMIN, "person", data)] = rec.cluster or ""
    return truth


def _pair_person(archive: Archive, level: str, names: list[str]) -> int:
    return archive.create(ADMIN, "person", {
        "level": level, "names": _names(names),
        "sex": "female", "birth_year": 1971, "origin_place": "kp-10-hyesan"})


def test_duplicates_are_one_person_and_say_why(archive: Archive) -> None:
    truth = _fill(archive)
    a = _pair_person(archive, "internal", ["김영희"])
    b = _pair_person(archive, "internal", ["Kim Young-hee"])
    pairs = find_duplicates(archive, ADMIN, 0.9)
    found = {(p.a, p.b): p for p in pairs}
    assert (min(a, b), max(a, b)) in found
    pair = found[(min(a, b), max(a, b))]
    assert "same surname" in pair.reasons and "same birth year" in pair.reasons
    assert any("given name" in r for r in pair.reasons)
    right = sum(truth.get(p.a, "x") == truth.get(p.b, "y") for p in pairs if p.a in truth)
    assert right >= 0.8 * sum(1 for p in pairs if p.a in truth)
    assert all(p.probability >= 0.9 for p in pairs)


def test_only_persons_the_role_may_see(archive: Archive) -> None:
    _fill(archive, 30)
    a = _pair_person(archive, "internal", ["박철수"])
    hidden = _pair_person(archive, "restricted", ["Park Chul-soo"])
    seen = {i for p in find_duplicates(archive, ADMIN, 0.5) for i in (p.a, p.b)}
    assert hidden in seen and a in seen
    seen = {i for p in find_duplicates(archive, VIEWER, 0.0) for i in (p.a, p.b)}
    assert hidden not in seen


def test_cli_duplicates(runner: CliRunner, archive: Archive, cli_env: dict[str, str]) -> None:
    _fill(archive, 30)
    a = _pair_person(archive, "internal", ["리순옥"])
    b = _pair_person(archive, "internal", ["Lee Soon-ok"])
    out = runner.invoke(app, ["persons", "duplicates", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    pairs = json.loads(out.stdout)["pairs"]
    match = [p for p in pairs if {p["a"], p["b"]} == {a, b}]
    assert match and match[0]["probability"] >= 0.9 and match[0]["reasons"]
    assert set(match[0]) == {"a", "b", "probability", "reasons"}
    strict = runner.invoke(app, ["persons", "duplicates", "--json", "--min-probability",
                                 "0.999999"], env=cli_env)
    assert len(json.loads(strict.stdout)["pairs"]) < len(pairs)
    table = runner.invoke(app, ["persons", "duplicates"], env=cli_env)
    assert table.exit_code == 0 and f"#{min(a, b)}" in table.stdout
    bad = runner.invoke(app, ["persons", "duplicates", "--min-probability", "2"], env=cli_env)
    assert bad.exit_code != 0 and "between 0 and 1" in bad.stderr
