"""``sillok acts duplicates``, ``merge`` and ``unmerge`` on SQLite and PostgreSQL: the same act
coded from two sources is proposed (same victim, act type, overlapping dates, nearby places),
acts that differ in date or province are not; a merge keeps both acts' evidence, is audited,
counts the act once in statistics and is undone. Fictional data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.errors import Conflict, Forbidden
from sillok.linkage.act_pairs import find_act_duplicates
from sillok.linkage.decisions import decide
from sillok.linkage.merge import merge, unmerge
from sillok.linkage.model import Pair
from sillok.stats.counts import count_acts
from tests.conftest import ADMIN, ANALYST, VIEWER, make_event, make_person, make_source


def _act(archive: Archive, victim: int, event: int, date: str, place: str,
         source: int, act_type: str = "forced_repatriation", level: str = "internal") -> int:
    act = archive.create(ADMIN, "act", {"level": level, "event": event, "act_type": act_type,
                                        "victim": victim, "date": date, "place": place})
    archive.create(ADMIN, "evidence", {"level": level, "source": source,
                                       "record": {"type": "act", "id": act}, "start": 0,
                                       "end": 10})
    return act


def _coded_twice(archive: Archive) -> dict[str, int]:
    victim = make_person(archive, "internal", "김영희")
    event = make_event(archive, "internal")
    one, two = (make_source(archive, "internal", title=t) for t in ("Testimony A (fictional)",
                                                                    "NGO report B (fictional)"))
    return {
        "victim": victim, "source": one,
        "a": _act(archive, victim, event, "2019-05", "kp-09-onsong", one),
        "b": _act(archive, victim, event, "2019", "kp-09-hoeryong", two),  # same province
        # Not the same act: another year, another province, another type.
        "later": _act(archive, victim, event, "2021", "kp-09-onsong", one),
        "far": _act(archive, victim, event, "2019-05", "kp-03-sinuiju", two),
        "other_type": _act(archive, victim, event, "2019-05", "kp-09-onsong", two,
                           act_type="torture"),
    }


def _keys(pairs: list[Pair]) -> set[tuple[int, int]]:
    return {(p.a, p.b) for p in pairs}


def test_the_same_act_from_two_sources_is_proposed(archive: Archive) -> None:
    ids = _coded_twice(archive)
    pairs = find_act_duplicates(archive, ADMIN)
    assert _keys(pairs) == {(ids["a"], ids["b"])}
    reasons = pairs[0].reasons
    assert {"same victim", "dates overlap", "places in the same province",
            "told in different sources"} <= set(reasons)
    # The same victim under a record merged into another one is the same victim.
    other = make_person(archive, "internal", "Kim Young-hee")
    twin = _act(archive, other, make_event(archive, "internal"), "2021-03", "kp-09-onsong",
                ids["source"])
    merge(archive, ADMIN, ids["victim"], other)
    assert (ids["later"], twin) in _keys(find_act_duplicates(archive, ADMIN))
    decide(archive, ADMIN, "act", twin, ids["later"], "different")
    assert (ids["later"], twin) not in _keys(find_act_duplicates(archive, ADMIN))
    # Only acts the role may see.
    hidden = _act(archive, ids["victim"], make_event(archive, "restricted"), "2019-05",
                  "kp-09-onsong", ids["source"], level="restricted")
    assert (ids["a"], hidden) in _keys(find_act_duplicates(archive, ADMIN))
    assert all(hidden not in k for k in _keys(find_act_duplicates(archive, VIEWER)))


def _acts_counted(archive: Archive) -> int:
    return sum(r["acts"] for r in count_acts(archive, ADMIN, ["year"]).rows)


def test_merge_keeps_evidence_counts_once_and_unmerges(archive: Archive) -> None:
    ids = _coded_twice(archive)
    before = _acts_counted(archive)
    result = merge(archive, ADMIN, ids["a"], ids["b"], reason="one arrest, two sources",
                   record_type="act")
    assert (result.kept, result.merged) == (ids["a"], ids["b"])
    assert _acts_counted(archive) == before - 1
    assert archive.get(ADMIN, "act", ids["b"])["related"]["evidence"]  # kept whole
    assert archive.history(ADMIN, "act", ids["b"])[-1]["action"] == "merge"
    assert find_act_duplicates(archive, ADMIN) == []
    with pytest.raises(Conflict, match="already merged"):
        merge(archive, ADMIN, ids["later"], ids["b"], record_type="act")
    with pytest.raises(Forbidden):
        unmerge(archive, ANALYST, ids["b"], record_type="act")
    unmerge(archive, ADMIN, ids["b"], record_type="act")
    assert _acts_counted(archive) == before
    assert archive.history(ADMIN, "act", ids["b"])[-1]["action"] == "unmerge"


def test_cli_acts(runner: CliRunner, archive: Archive, cli_env: dict[str, str]) -> None:
    ids = _coded_twice(archive)
    out = runner.invoke(app, ["acts", "duplicates", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    pairs = json.loads(out.stdout)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs] == [(ids["a"], ids["b"])]
    assert 0.5 <= pairs[0]["score"] <= 1 and pairs[0]["reasons"]
    merged = runner.invoke(app, ["acts", "merge", str(ids["a"]), str(ids["b"]), "--json"],
                           env=cli_env)
    assert json.loads(merged.stdout) == {"kept": ids["a"], "merged": ids["b"], "moved": []}
    assert "no acts coded twice" in runner.invoke(app, ["acts", "duplicates"],
                                                  env=cli_env).stdout
    back = runner.invoke(app, ["acts", "unmerge", str(ids["b"])], env=cli_env)
    assert back.exit_code == 0 and f"#{ids['b']}" in back.stdout
    bad = runner.invoke(app, ["acts", "duplicates", "--min-score", "2"], env=cli_env)
    assert bad.exit_code != 0
