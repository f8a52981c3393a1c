"""``sillok persons merge`` and ``unmerge`` on SQLite and PostgreSQL: both records kept whole,
audited on both, reversible; a merged person counts once in statistics (counts and the
overlap tables of estimates) and in linkage."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.errors import Conflict, Forbidden, NotFound
from sillok.linkage.merge import merge, unmerge
from sillok.linkage.records import archive_records
from sillok.stats.counts import count_acts
from sillok.stats.overlaps import victim_overlaps
from tests.conftest import ADMIN, ANALYST, VIEWER, make_event, make_person


def _victim_of(archive: Archive, person: int, event: int) -> int:
    return archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                         "act_type": "arrest_abroad", "victim": person,
                                         "date": "2021"})


def _victims(archive: Archive) -> int:
    return sum(r["victims"] for r in count_acts(archive, ADMIN, ["year"]).rows)


def test_merge_counts_once_and_unmerge_restores(archive: Archive) -> None:
    a = make_person(archive, "internal", "김영희", birth_year=1970)
    b = make_person(archive, "internal", "Kim Young-hee (fictional)", birth_year=1970)
    event = make_event(archive, "internal")
    _victim_of(archive, a, event)
    _victim_of(archive, b, event)
    assert _victims(archive) == 2
    result = merge(archive, ADMIN, a, b, reason="same woman, two testimonies")
    assert (result.kept, result.merged) == (a, b)
    assert _victims(archive) == 1
    with archive.transaction() as session:
        linked = {r.id: r for r in archive_records(session, ADMIN)}
    assert b not in linked and {"김영희", "Kim Young-hee (fictional)"} <= set(linked[a].names)
    # Both records are still whole: their names and acts are where they were.
    assert archive.get(ADMIN, "person", b)["fields"]["names"][0]["name"].startswith("Kim")
    actions = [e["action"] for e in archive.history(ADMIN, "person", b)]
    assert actions[-1] == "merge"
    assert archive.history(ADMIN, "person", a)[-1]["reason"] == "same woman, two testimonies"
    unmerge(archive, ADMIN, b, reason="different birth dates found")
    assert _victims(archive) == 2
    assert [e["action"] for e in archive.history(ADMIN, "person", b)][-1] == "unmerge"
    with archive.transaction() as session:
        assert b in {r.id for r in archive_records(session, ADMIN)}


def test_merge_into_a_merged_record_goes_to_its_root(archive: Archive) -> None:
    a, b, c = (make_person(archive, "internal", n) for n in ("박철수", "Park Chul-soo", "박 철수"))
    merge(archive, ADMIN, a, b)
    result = merge(archive, ADMIN, b, c)  # b is merged into a: c goes to a
    assert result.kept == a
    d = make_person(archive, "internal", "Pak Chol Su")
    moved = merge(archive, ADMIN, d, a)  # a and what was merged into it go to d
    assert moved.kept == d and set(moved.moved) == {b, c}


def test_refusals(archive: Archive) -> None:
    a = make_person(archive, "internal", "이순옥")
    b = make_person(archive, "internal", "Lee Soon-ok")
    hidden = make_person(archive, "restricted", "리순옥")
    with pytest.raises(Forbidden):
        merge(archive, ANALYST, a, b)
    with pytest.raises(NotFound):
        merge(archive, ADMIN, a, 999_999)
    with pytest.raises(Conflict):
        merge(archive, ADMIN, a, a)
    with pytest.raises(Conflict):
        unmerge(archive, ADMIN, b)
    merge(archive, ADMIN, a, b)
    with pytest.raises(Conflict, match="already merged"):
        merge(archive, ADMIN, hidden, b)
    with pytest.raises(Forbidden):
        unmerge(archive, VIEWER, b)


def test_cli_merge_and_unmerge(runner: CliRunner, archive: Archive,
                               cli_env: dict[str, str]) -> None:
    a = make_person(archive, "internal", "최민호")
    b = make_person(archive, "internal", "Choi Min-ho")
    out = runner.invoke(app, ["persons", "merge", str(a), str(b), "--reason", "one man",
                              "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"kept": a, "merged": b, "moved": []}
    again = runner.invoke(app, ["persons", "merge", str(a), str(b)], env=cli_env)
    assert again.exit_code != 0 and "already merged" in again.stderr
    out = runner.invoke(app, ["persons", "unmerge", str(b)], env=cli_env)
    assert out.exit_code == 0 and f"#{b}" in out.stdout
    history = runner.invoke(app, ["history", "person", str(b), "--json"], env=cli_env)
    assert [e["action"] for e in json.loads(history.stdout)][-2:] == ["merge", "unmerge"]
    missing = runner.invoke(app, ["persons", "unmerge", "424242"], env=cli_env)
    assert missing.exit_code != 0 and "not found" in missing.stderr


def test_merged_person_is_one_victim_in_the_overlap_table(archive: Archive) -> None:
    text = "[Fictional test text] 가상 인물이 2020년에 강제북송되었다고 한다."
    records: list[dict[str, object]] = [
        {"type": "source", "ref": kind, "level": "internal", "kind": kind, "language": "ko",
         "title": f"{kind} (fictional)", "text": text} for kind in ("testimony", "ngo_report")]
    records.append({"type": "event", "ref": "ev", "level": "internal",
                    "title": "Forced repatriation (fictional)", "date": "2020"})
    for ref, name, source in (("a", "김영희", "testimony"), ("b", "Kim Young-hee", "ngo_report")):
        records += [
            {"type": "person", "ref": ref, "level": "internal",
             "names": [{"name": name, "system": "hangul" if ref == "a" else "rr"}]},
            {"type": "act", "ref": f"act-{ref}", "level": "internal", "event": "ev",
             "act_type": "forced_repatriation", "victim": ref, "date": "2020"},
            {"type": "evidence", "level": "internal", "source": source, "record": f"act-{ref}",
             "quote": "가상 인물이"}]
    created = add_records(archive, ADMIN, records).created
    ids = {ref: i for kind, i, ref in created if kind == "person"}
    before = victim_overlaps(archive, ADMIN, "year:2020")
    assert before.persons == 2 and before.patterns == {(1, 0): 1, (0, 1): 1}
    merge(archive, ADMIN, ids["a"], ids["b"])
    after = victim_overlaps(archive, ADMIN, "year:2020")
    assert after.persons == 1 and after.patterns == {(1, 1): 1}
