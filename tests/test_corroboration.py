"""Corroboration on both backends: independent sources per act (different witnesses, different
organisations, a restatement counting with its original), counted per clearance without a
hidden source or witness showing through, on act pages, in search (sources:N) and in
statistics. All records are fictional."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from sillok.archive.corroboration import _Origin, id_in, independent_count, support_counts
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.search.service import search
from sillok.stats.counts import count_acts
from sillok.web.app import create_app
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_event, make_person
from tests.test_edit_web import _form

MARK = "까치밥나무"  # a word no other record has
QUOTE = "보위부에 끌려갔다"


def _source(archive: Archive, level: str, kind: str = "testimony", **extra: object) -> int:
    data: dict[str, object] = {"level": level, "kind": kind, "title": f"가상 출처 {kind}",
                               "language": "ko", "text": f"[가상] 그는 {QUOTE}."}
    data.update(extra)
    return archive.create(ADMIN, "source", data)


def _support(archive: Archive, act: int, source: int, level: str) -> None:
    archive.create(ADMIN, "evidence", {"level": level, "source": source, "quote": QUOTE,
                                       "record": {"type": "act", "id": act}})


def _act(archive: Archive, level: str = "public") -> int:
    event = make_event(archive, level="public", description=f"[가상] {MARK}")
    return archive.create(ADMIN, "act", {
        "level": level, "event": event, "victim": make_person(archive, name="가상 피해자"),
        "act_type": "forced_repatriation", "date": "2019-03",
        "description": f"[가상] {MARK} 강제북송"})


def _scenario(archive: Archive) -> dict[str, int]:
    """One act, four sources: an internal testimony whose witness is a restricted person, a
    public news item restating it, a public testimony from another organisation with a
    witness key, and a restricted UN report."""
    ids = {"act": _act(archive)}
    witness = make_person(archive, level="restricted", name="가상 증인")
    ids["testimony"] = _source(archive, "internal", witness=witness, publisher="NKDB")
    ids["news"] = _source(archive, "public", "news_report", publisher="Daily NK",
                          based_on=ids["testimony"])
    ids["other"] = _source(archive, "public", witness_key="TJWG-W-002", publisher="TJWG")
    ids["report"] = _source(archive, "restricted", "ngo_report", publisher="UN COI")
    for name, level in (("testimony", "internal"), ("news", "public"), ("other", "public"),
                        ("report", "restricted")):
        _support(archive, ids["act"], ids[name], level)
    return ids


def _count(archive: Archive, actor: object, act: int) -> int:
    with archive.transaction() as session:
        return support_counts(session, actor, [act])[act]  # type: ignore[arg-type]


def test_independent_sources_per_clearance(archive: Archive) -> None:
    ids = _scenario(archive)
    # The news restates the testimony: one. The other organisation's testimony and the
    # restricted report: one each.
    assert _count(archive, ADMIN, ids["act"]) == 3
    assert _count(archive, ANALYST, ids["act"]) == 3
    # Without restricted clearance the report is not there.
    assert _count(archive, VIEWER, ids["act"]) == 2
    # The public cannot weigh the news (it restates a testimony they may not see): only the
    # other organisation's testimony counts.
    assert _count(archive, ANON, ids["act"]) == 1


def test_what_a_role_may_not_see_does_not_move_its_count(archive: Archive) -> None:
    ids = _scenario(archive)
    before = {actor.role: _count(archive, actor, ids["act"]) for actor in (ANON, VIEWER)}
    # Another restricted source, a restricted restatement of the public testimony, and a
    # restricted witness shared by two public sources: none of it may change a lower count.
    hidden = make_person(archive, level="restricted", name="가상 제2증인")
    _support(archive, ids["act"], _source(archive, "restricted", publisher="HRNK"),
             "restricted")
    _support(archive, ids["act"], _source(archive, "restricted", "news_report",
                                          based_on=ids["other"]), "restricted")
    archive.update(ADMIN, "source", ids["other"], {"witness": hidden})
    extra = _source(archive, "public", witness=hidden, publisher="Korea Future")
    _support(archive, ids["act"], extra, "public")
    after = {actor.role: _count(archive, actor, ids["act"]) for actor in (ANON, VIEWER)}
    # The one public addition counts for both; the shared restricted witness joins nothing.
    assert after == {role: n + 1 for role, n in before.items()}
    # Cleared roles see the shared witness: the two public testimonies are one.
    assert _count(archive, EDITOR, ids["act"]) == 4  # testimony+news, other/extra, 2 reports


def test_same_organisation_or_witness_is_not_independent(archive: Archive) -> None:
    act = _act(archive)
    for key, publisher in (("K-1", "NKDB"), ("K-2", " nkdb "), ("K-2", "TJWG")):
        _support(archive, act, _source(archive, "public", witness_key=key, publisher=publisher),
                 "public")
    # NKDB's two (one organisation, written two ways) conflict, and TJWG's shares K-2 with
    # one of them: the largest independent set is NKDB/K-1 with TJWG/K-2.
    assert _count(archive, ADMIN, act) == 2
    # Below restricted clearance the witness keys are not read: still 2 (NKDB once, TJWG).
    assert _count(archive, VIEWER, act) == 2


def test_merged_witnesses_are_one_witness(archive: Archive) -> None:
    act = _act(archive)
    first = make_person(archive, level="public", name="가상 증인 갑")
    second = make_person(archive, level="public", name="가상 증인 을")
    for witness, publisher in ((first, "NKDB"), (second, "TJWG")):
        _support(archive, act, _source(archive, "public", witness=witness,
                                       publisher=publisher), "public")
    assert _count(archive, ANON, act) == 2
    with archive.transaction() as session:
        session.get_one(m.Person, second).merged_into_id = first
    assert _count(archive, ANON, act) == 1


def test_a_filter_of_more_acts_than_sqlite_takes_parameters(archive: Archive) -> None:
    """sources:1 on a large archive selects tens of thousands of acts: bound as one value."""
    act = _act(archive)
    ids = {act, *range(10**6, 10**6 + 40_000)}
    with archive.transaction() as session:
        dialect = session.get_bind().dialect.name
        found = session.execute(select(m.Act.id).where(id_in(m.Act.id, ids, dialect)))
        assert list(found.scalars()) == [act]


def test_largest_independent_set_not_components() -> None:
    a = _Origin(root=1, witnesses={"k1"}, publishers={"x"})
    b = _Origin(root=2, witnesses={"k2"}, publishers={"x"})
    c = _Origin(root=3, witnesses={"k2"}, publishers={"y"})
    d = _Origin(root=4, witnesses={"k4"}, publishers={"z"})
    assert independent_count([]) == 0
    assert independent_count([a, b, c]) == 2  # a with c; b conflicts with both
    assert independent_count([a, b, c, d]) == 3
    assert independent_count([a, a]) == 1


def test_a_source_cannot_restate_itself(archive: Archive) -> None:
    source = _source(archive, "public")
    with pytest.raises(Invalid, match="restate itself"):
        archive.update(ADMIN, "source", source, {"based_on": source})


def test_filter_in_search_and_statistics(archive: Archive) -> None:
    ids = _scenario(archive)
    single = _act(archive)
    _support(archive, single, _source(archive, "public", publisher="NKDB"), "public")

    def found(actor: object, n: int) -> set[int]:
        result = search(archive, actor, f"{MARK} type:acts sources:{n}",  # type: ignore[arg-type]
                        limit=50)
        return {item["id"] for item in result.items}

    assert found(ADMIN, 1) == {ids["act"], single}
    assert found(ADMIN, 3) == {ids["act"]}
    assert found(VIEWER, 3) == set()  # 2 for a viewer
    assert found(ANON, 2) == set()
    assert found(ANON, 1) == {ids["act"], single}
    bad = search(archive, ADMIN, f"{MARK} sources:many")
    assert bad.total == 0 and any("sources" in note for note in bad.notes)

    def acts(actor: object, n: int) -> int:
        table = count_acts(archive, actor, ["type"], f"sources:{n}",  # type: ignore[arg-type]
                           min_cell=1)
        return sum(row["acts"] for row in table.rows)

    assert (acts(ADMIN, 2), acts(ADMIN, 1), acts(VIEWER, 3)) == (1, 2, 0)
    with pytest.raises(Invalid, match="number of sources"):
        count_acts(archive, ADMIN, ["type"], "sources:0")


def test_cli_stats_and_show(archive: Archive, runner: CliRunner,
                            cli_env: dict[str, str]) -> None:
    ids = _scenario(archive)
    shown = runner.invoke(app, ["show", "act", str(ids["act"]), "--json", "--as", "viewer"],
                          env=cli_env)
    assert shown.exit_code == 0, shown.output
    assert '"independent_sources": 2' in shown.output
    source = runner.invoke(app, ["show", "source", str(ids["other"]), "--json", "--as",
                                 "viewer"], env=cli_env)
    assert "TJWG-W-002" not in source.output and '"publisher": "TJWG"' in source.output
    stats = runner.invoke(app, ["stats", "acts", "--by", "type", "-f", "sources:3",
                                "--format", "json"], env=cli_env)
    assert stats.exit_code == 0, stats.output
    assert '"acts": 1' in stats.output


def test_act_pages_show_the_count(settings: Settings, archive: Archive) -> None:
    ids = _scenario(archive)
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/records/act/{ids['act']}?lang=en")
        assert page.status_code == 200
        assert "Independent sources" in page.text
        assert "data-independent-sources>1<" in page.text
        korean = client.get(f"/records/act/{ids['act']}?lang=ko")
        assert "독립 출처" in korean.text
        api = client.get(f"/api/v1/acts/{ids['act']}")
        assert api.status_code == 200 and api.json()["independent_sources"] == 1
    with signed_in(settings, "editor") as staff:
        page = staff.get(f"/staff/records/act/{ids['act']}?lang=en")
        assert page.status_code == 200
        assert "data-independent-sources>3<" in page.text


def test_editors_set_independence_in_the_source_form(settings: Settings,
                                                     archive: Archive) -> None:
    ids = _scenario(archive)
    copy = _source(archive, "public", "news_report", publisher="Daily NK")
    _support(archive, ids["act"], copy, "public")
    # A news item of its own for now: the public counts it beside the other testimony.
    assert (_count(archive, ANON, ids["act"]), _count(archive, ADMIN, ids["act"])) == (2, 4)
    with signed_in(settings, "editor", username="coder") as staff:
        form = staff.get(f"/staff/records/source/{copy}/edit?lang=ko")
        assert "기록하거나 발행한 기관" in form.text and "옮겨 전한 출처" in form.text
        data = _form(form.text)
        data.update({"publisher": "Yonhap", "based_on": str(ids["other"])})
        saved = staff.post(f"/staff/records/source/{copy}/edit", data=data)
        assert saved.status_code == 303, saved.text[:300]
    fields = archive.get(ADMIN, "source", copy)["fields"]
    assert fields["publisher"] == "Yonhap" and fields["based_on"]["id"] == ids["other"]
    # Now it restates the other testimony: still one for the public.
    assert _count(archive, ANON, ids["act"]) == 1
    assert _count(archive, ADMIN, ids["act"]) == 3
