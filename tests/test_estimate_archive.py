"""`sillok estimate --from-archive`: the overlap table of the archive's own lists (source kinds
or origins) over the victims matching the filters, within the permission scope, on SQLite and
PostgreSQL. Every person, source and event here is fictional."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from sillok.archive.bulk import add_records
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.errors import Forbidden, Invalid
from sillok.security.policy import Actor, Role
from sillok.stats.overlaps import victim_overlaps
from tests.conftest import ADMIN, ANON

TEXT = "[Fictional test text] 가상 인물들이 2020년에 강제북송되었다고 한다."
QUOTE = "가상 인물들이"
SOURCES = {"testimony": ("testimony", "public", "Interviewer K (fictional)"),
           "ngo": ("ngo_report", "public", "Invented NGO (fictional)"),
           "un": ("un_report", "restricted", "Invented UN-style panel (fictional)")}
# How many 2020 victims each combination of sources documents (testimony, ngo, un).
DESIGN = {(1, 0, 0): 6, (0, 1, 0): 5, (0, 0, 1): 3, (1, 1, 0): 4, (1, 0, 1): 2, (0, 1, 1): 1,
          (1, 1, 1): 2}


def build(archive: Archive) -> None:
    records: list[dict[str, Any]] = [
        {"type": "source", "ref": ref, "level": level, "kind": kind, "title": f"{ref} (fictional)",
         "language": "ko", "text": TEXT, "origin": origin}
        for ref, (kind, level, origin) in SOURCES.items()]
    records.append({"type": "event", "ref": "ev", "level": "public",
                    "title": "Forced repatriations (fictional)", "date": "2020"})
    n = 0

    def victim(year: str, act_type: str, on: tuple[int, ...], via_person: bool = False) -> None:
        nonlocal n
        n += 1
        records.append({"type": "person", "ref": f"p{n}", "level": "internal",
                        "names": [{"name": f"가상 피해자 {n}", "system": "hangul"}]})
        records.append({"type": "act", "ref": f"a{n}", "level": "internal", "event": "ev",
                        "act_type": act_type, "victim": f"p{n}", "date": year})
        for ref, flag in zip(SOURCES, on, strict=True):
            if flag:
                level = "restricted" if SOURCES[ref][1] == "restricted" else "internal"
                records.append({"type": "evidence", "level": level, "source": ref,
                                "record": f"p{n}" if via_person else f"a{n}", "quote": QUOTE})

    for pattern, count in DESIGN.items():
        for i in range(count):
            victim("2020", "forced_repatriation", pattern, via_person=(i == 0))
    victim("2020", "forced_repatriation", (0, 0, 0))  # documented by no source: on no list
    victim("2019", "detention", (1, 1, 0))  # outside the filters below
    add_records(archive, ADMIN, records)


FILTER = "act:forced_repatriation year:2020"


def test_overlap_table_from_the_records(archive: Archive) -> None:
    build(archive)
    got = victim_overlaps(archive, ADMIN, FILTER)
    assert got.lists == ["ngo_report", "testimony", "un_report"]
    order = [list(SOURCES).index(k) for k in ("ngo", "testimony", "un")]
    expected = {tuple(p[i] for i in order): c for p, c in DESIGN.items()}
    assert got.patterns == expected
    assert got.persons == sum(DESIGN.values()) + 1 and got.on_no_list == 1
    everyone = victim_overlaps(archive, ADMIN)  # no filter: the 2019 victim too
    assert everyone.persons == got.persons + 1
    assert everyone.patterns[(1, 1, 0)] == expected[(1, 1, 0)] + 1
    by_origin = victim_overlaps(archive, ADMIN, FILTER, lists_by="origin",
                                lists=["interviewer k (fictional)", "Invented NGO (fictional)"])
    assert by_origin.lists == ["Interviewer K (fictional)", "Invented NGO (fictional)"]
    assert sum(by_origin.patterns.values()) == sum(
        c for p, c in DESIGN.items() if p[0] or p[1])


def test_permission_scope_and_the_public(archive: Archive) -> None:
    build(archive)
    viewer = Actor("viewer-1", Role.viewer)  # sees internal records, not the restricted source
    seen = victim_overlaps(archive, viewer, FILTER)
    assert seen.lists == ["ngo_report", "testimony"]
    assert seen.on_no_list == DESIGN[(0, 0, 1)] + 1
    with pytest.raises(Forbidden, match="for staff"):
        victim_overlaps(archive, ANON, FILTER)
    with pytest.raises(Invalid, match="documented by 'news_report'"):
        victim_overlaps(archive, ADMIN, FILTER, lists=["news_report"])
    with pytest.raises(Invalid, match="not one of"):
        victim_overlaps(archive, ADMIN, FILTER, lists_by="colour")


def test_cli_from_archive(archive: Archive, runner: CliRunner, cli_env: dict[str, str]) -> None:
    build(archive)
    out = runner.invoke(app, ["estimate", "--from-archive", "-f", FILTER, "--json"],
                        env=cli_env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["observed"] == sum(DESIGN.values())
    assert data["lists"] == ["ngo_report", "testimony", "un_report"]
    assert data["estimate"] >= data["observed"] and data["lower"] >= data["observed"]
    assert "few_people" in {w["code"] for w in data["warnings"]}
    assert data["details"]["archive"]["victims_on_no_list"] == 1
    out = runner.invoke(app, ["estimate", "--from-archive", "--as", "anonymous"], env=cli_env)
    assert out.exit_code != 0 and out.output.startswith("error:")
    out = runner.invoke(app, ["estimate"], env=cli_env)
    assert out.exit_code == 1 and "--from-archive" in out.output


def test_a_list_restating_another_is_flagged(archive: Archive, runner: CliRunner,
                                             cli_env: dict[str, str]) -> None:
    build(archive)
    assert victim_overlaps(archive, ADMIN, FILTER).restated == []  # no source restates one
    ids = {r["fields"]["title"]: r["id"]
           for r in archive.list_records(ADMIN, "source", limit=10).items}
    # A second NGO report restates the UN-style panel's (restricted) report through the
    # first NGO report: ngo2 → ngo → un, so ngo_report restates un_report twice over.
    ngo, un = ids["ngo (fictional)"], ids["un (fictional)"]
    archive.update(ADMIN, "source", ngo, {"based_on": un})
    ngo2 = archive.create(ADMIN, "source", {
        "level": "public", "kind": "ngo_report", "title": "ngo2 (fictional)", "language": "ko",
        "text": TEXT, "origin": "Invented NGO (fictional)", "based_on": ngo})
    acts = archive.list_records(ADMIN, "act", limit=50).items
    archive.create(ADMIN, "evidence", {"level": "internal", "source": ngo2,
                                       "record": {"type": "act", "id": acts[0]["id"]},
                                       "quote": QUOTE})
    got = victim_overlaps(archive, ADMIN, FILTER)
    assert [(r.restating, r.restated, r.sources, r.of) for r in got.restated] == [
        ("ngo_report", "un_report", 2, 2)]
    # A viewer sees neither the restricted report the chain ends in nor its list.
    assert victim_overlaps(archive, Actor("viewer-1", Role.viewer), FILTER).restated == []
    out = runner.invoke(app, ["estimate", "--from-archive", "-f", FILTER, "--json"],
                        env=cli_env)
    assert out.exit_code == 0, out.output
    flagged = [w for w in json.loads(out.stdout)["warnings"] if w["code"] == "restated_list"]
    assert len(flagged) == 1
    assert "2 of the 2 sources of ngo_report restate a source of un_report" in flagged[0]["en"]
    assert "ngo_report 목록의 출처 2건 중 2건" in flagged[0]["ko"]
