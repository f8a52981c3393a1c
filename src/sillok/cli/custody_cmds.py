"""custody: a source's chain of custody — add a step, show or export it for a legal request
(docs/evidence.md, Chain of custody)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from sillok.archive import custody
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid

custody_app = typer.Typer(help="A source's chain of custody: who received it, how, transfers "
                               "and copies.", no_args_is_help=True)


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid({"at": f"'{value}' is not a time (e.g. 2026-11-02T14:00+09:00)"}) from None


@custody_app.command("add")
def add_cmd(
    source: int = typer.Argument(..., help="The source's id."),
    action: str = typer.Option(..., help=f"What happened: {', '.join(custody.ACTIONS)}."),
    method: str = typer.Option(..., help=f"How: {', '.join(custody.METHODS)}."),
    from_party: str = typer.Option("", "--from", help="Who gave it (person or organisation)."),
    to_party: str = typer.Option("", "--to", help="Who received it."),
    at: str | None = typer.Option(None, "--at", help="When, with its zone "
                                  "(2026-11-02T14:00+09:00); now when not given."),
    sha256: str | None = typer.Option(None, "--sha256", help="The SHA-256 of what was handed "
                                      "over, to compare with the archive's copy."),
    note: str = typer.Option("", help="Anything a court would ask: seal numbers, media, place."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Add one step to a source's chain of custody (entries are never changed or deleted)."""
    with archive_for(data_dir) as archive:
        entry = custody.add(archive, actor_for(None), source, action=action, method=method,
                            from_party=from_party, to_party=to_party, happened_at=_when(at),
                            sha256=sha256, note=note)
    if json_out:
        print_json(entry)
    else:
        console.print(f"source #{source}: custody entry #{entry['entry']} "
                      f"({entry['action']}, {entry['method']})", highlight=False)


@custody_app.command("show")
def show_cmd(
    source: int = typer.Argument(..., help="The source's id."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write the chain to this CSV "
                                        "file too."),
    as_role: AsRole = None,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """The source's chain of custody, oldest step first (JSON or CSV for a legal request)."""
    with archive_for(data_dir) as archive:
        shown = custody.chain(archive, actor_for(as_role), source)
    if csv_out is not None:
        csv_out.write_text(custody.as_csv(shown), encoding="utf-8")
    if json_out:
        print_json(shown)
        return
    table = Table("#", "when", "action", "method", "from", "to", "sha256", "recorded by",
                  title=f"custody of source #{source}: {shown['title']}")
    for e in shown["entries"]:
        table.add_row(str(e["entry"]), e["happened_at"][:19], e["action"], e["method"],
                      e["from"], e["to"], (e["sha256"] or "—")[:12], e["recorded_by"])
    console.print(table)
    if shown["sha256"]:
        console.print(f"the archive's copy: sha256 {shown['sha256']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(custody_app, name="custody")
