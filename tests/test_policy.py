"""Confidentiality inside the query: each role sees only its levels; protected details only
for editors and admins; hidden references withheld."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.errors import NotFound
from sillok.security.policy import Actor, Role, visible_levels
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_event, make_person

EXPECTED = {
    Role.anonymous: ["public"],
    Role.viewer: ["public", "internal"],
    Role.analyst: ["public", "internal", "restricted"],
    Role.editor: ["public", "internal", "restricted"],
    Role.admin: ["public", "internal", "restricted"],
}


@pytest.mark.parametrize("role", list(Role))
def test_visible_levels(role: Role) -> None:
    assert visible_levels(Actor("x", role)) == EXPECTED[role]


@pytest.fixture
def three_events(archive: Archive) -> dict[str, int]:
    return {lvl: make_event(archive, level=lvl, title=f"{lvl} event (fictional)")
            for lvl in ("public", "internal", "restricted")}


@pytest.mark.parametrize("actor", [ANON, VIEWER, ANALYST, EDITOR, ADMIN])
def test_lists_and_counts_follow_the_role(archive: Archive, three_events: dict[str, int],
                                          actor: Actor) -> None:
    page = archive.list_records(actor, "event")
    assert page.total == len(EXPECTED[actor.role])
    assert sorted(i["level"] for i in page.items) == sorted(EXPECTED[actor.role])
    for level, ev in three_events.items():
        if level in EXPECTED[actor.role]:
            assert archive.get(actor, "event", ev)["id"] == ev
        else:
            with pytest.raises(NotFound, match=f"no event #{ev}"):
                archive.get(actor, "event", ev)
            with pytest.raises(NotFound):
                archive.history(actor, "event", ev)


def test_protected_details_only_for_editors_and_admins(archive: Archive) -> None:
    pid = make_person(archive, level="restricted", name="증언자 A",
                      protected={"real_name": "가상 실명", "home_village": "가상리"})
    for actor in (EDITOR, ADMIN):
        assert archive.get(actor, "person", pid)["fields"]["protected"]["real_name"] == "가상 실명"
    assert "protected" not in archive.get(ANALYST, "person", pid)["fields"]
    assert "가상 실명" not in str(archive.list_records(ANALYST, "person").items)


def test_references_to_hidden_records_are_withheld(archive: Archive) -> None:
    victim = make_person(archive, level="restricted", name="비공개 피해자")
    ev = make_event(archive)
    act = archive.create(ADMIN, "act", {"level": "public", "event": ev, "victim": victim,
                                        "act_type": "torture"})
    shown = archive.get(ANON, "act", act)
    assert shown["fields"]["victim"] == {"type": "person", "id": None, "label": "[withheld]"}
    assert "비공개 피해자" not in str(shown)
    assert archive.get(ANON, "event", ev)["related"]["acts"][0]["id"] == act


def test_cli_as_role(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                     three_events: dict[str, int]) -> None:
    out = runner.invoke(app, ["list", "events", "--as", "anonymous", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert '"total": 1' in out.stdout
    out = runner.invoke(app, ["show", "event", str(three_events["internal"]), "--as", "anonymous"],
                        env=cli_env)
    assert out.exit_code == 1
    assert "no event" in out.stderr
    out = runner.invoke(app, ["list", "events", "--as", "emperor"], env=cli_env)
    assert out.exit_code == 1 and "unknown role" in out.stderr
