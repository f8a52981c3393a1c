"""Every command has help; failures are one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from sillok.cli.main import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_the_contracted_commands_exist() -> None:
    for name in ("init", "demo", "serve", "show", "list", "add", "export", "import", "history",
                 "verify"):
        assert name in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(runner: CliRunner, name: str) -> None:
    out = runner.invoke(app, [name, "--help"])
    assert out.exit_code == 0
    assert "Usage" in out.stdout
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help, f"{name} has no help text"


def test_unknown_type_and_missing_record(runner: CliRunner, cli_env: dict[str, str]) -> None:
    out = runner.invoke(app, ["show", "spaceship", "1"], env=cli_env)
    assert out.exit_code == 1
    assert out.stderr.strip().startswith("error:") and "unknown record type" in out.stderr
    out = runner.invoke(app, ["show", "event", "424242"], env=cli_env)
    assert out.exit_code == 1 and out.stderr.strip() == "error: no event #424242"


def test_list_json_is_parseable(runner: CliRunner, cli_env: dict[str, str]) -> None:
    import json

    out = runner.invoke(app, ["list", "places", "-f", "kind=province", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["total"] >= 9
    assert {"kp-09", "kp-10"} <= {i["fields"]["code"] for i in data["items"]}


def test_history_and_retract_from_the_cli(runner: CliRunner, cli_env: dict[str, str],
                                          tmp_path: object) -> None:
    from pathlib import Path

    f = Path(str(tmp_path)) / "e.yaml"
    f.write_text("records: [{type: event, title: CLI event (fictional), level: public}]\n",
                 encoding="utf-8")
    out = runner.invoke(app, ["add", "--from", str(f), "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    import json

    ev = json.loads(out.stdout)["created"][0]["id"]
    change = Path(str(tmp_path)) / "c.yaml"
    change.write_text("title: Renamed CLI event (fictional)\n", encoding="utf-8")
    assert runner.invoke(app, ["update", "event", str(ev), "--from", str(change)],
                         env=cli_env).exit_code == 0
    out = runner.invoke(app, ["retract", "event", str(ev)], env=cli_env)
    assert out.exit_code == 2  # --reason is required
    out = runner.invoke(app, ["retract", "event", str(ev), "--reason", "test"], env=cli_env)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["history", "event", str(ev), "--json"], env=cli_env)
    actions = [e["action"] for e in json.loads(out.stdout)]
    assert actions == ["create", "update", "retract"]
