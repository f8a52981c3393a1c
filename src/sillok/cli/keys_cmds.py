"""keys: encryption of protected person details at rest (status, init, rotate)."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.accounts.key_admin import enable, rotate, status
from sillok.cli.common import DataDir, Json, actor_for, archive_for, console, print_json

keys_app = typer.Typer(help="Protected person details encrypted at rest: status, init, rotate "
                            "(docs/keys.md).", no_args_is_help=True)


@keys_app.command("status")
def status_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Whether protected details are encrypted, with which key, and if the key file opens them."""
    with archive_for(data_dir) as archive:
        report = status(archive)
    if json_out:
        print_json(report)
    else:
        state = (f"encrypted with key {report['current_key']}" if report["encrypted"]
                 else "not encrypted (plaintext in the database)")
        console.print(f"protected details: {state}", highlight=False)
        console.print(f"key file: {report['key_file']}", highlight=False)
        values = report["values"]
        console.print(f"values: {values['encrypted']} encrypted, {values['plaintext']} plaintext",
                      highlight=False)
        if report["keys"]:
            table = Table("key", "status", "in key file", "opens", "values", "retired")
            for k in report["keys"]:
                opens = {True: "yes", False: "NO", None: "-"}[k["key_matches"]]
                table.add_row(k["id"], k["status"], "yes" if k["in_key_file"] else "no", opens,
                              str(k["values"]), k["retired_at"] or "")
            console.print(table)
        for problem in report["problems"]:
            console.print(f"[red]problem:[/] {problem}", highlight=False)
    if not report["ok"]:
        raise typer.Exit(1)


@keys_app.command("init")
def init_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Turn encryption on: make a key in the key file and encrypt every protected detail."""
    with archive_for(data_dir) as archive:
        report = enable(archive, actor_for(None))
    if json_out:
        print_json(report)
    else:
        console.print(f"protected details encrypted with key {report['key']} "
                      f"({report['values']} values); key file {report['key_file']} — "
                      "back it up (docs/keys.md)", highlight=False)
        if not report["scrubbed"]:
            console.print("[yellow]warning:[/] the database was busy and still holds the old "
                          "plaintext in free space: stop the server and run VACUUM "
                          "(docs/keys.md)", highlight=False)


@keys_app.command("rotate")
def rotate_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Re-encrypt every protected detail with a new key and retire the old one."""
    with archive_for(data_dir) as archive:
        report = rotate(archive, actor_for(None))
    if json_out:
        print_json(report)
    else:
        retired = ", ".join(report["retired"]) or "none"
        console.print(f"protected details re-encrypted with key {report['key']} "
                      f"({report['values']} values); retired and removed: {retired}",
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
