"""redact: mark passages of a source that readers without restricted clearance must not see."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.archive.redactions import add_mark, list_marks, remove_mark
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid


def redact_cmd(
    source: int = typer.Argument(..., help="The source's id."),
    start: int | None = typer.Option(None, help="First character of the passage (0-based)."),
    end: int | None = typer.Option(None, help="Character after the passage's last one."),
    reason: str = typer.Option("", help="Why the passage is hidden (kept in the audit trail)."),
    list_: bool = typer.Option(False, "--list", help="List the source's marks."),
    remove: int | None = typer.Option(None, "--remove", help="Remove the mark with this id."),
    as_role: AsRole = None,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Hide a passage of a source ([redacted]) from readers without restricted clearance; it is
    left out of the search index too. --list shows marks, --remove ID takes one away."""
    actor = actor_for(as_role)
    chosen = sum([list_, remove is not None, start is not None or end is not None])
    if chosen != 1:
        raise Invalid({"redact": "give --start and --end (with --reason), or --list, or "
                                 "--remove ID"})
    with archive_for(data_dir) as archive:
        if list_:
            marks = list_marks(archive, actor, source)
            if json_out:
                print_json(marks)
                return
            table = Table("id", "start", "end", "passage", "reason", "by")
            for mark in marks:
                passage = mark["passage"]
                table.add_row(str(mark["id"]), str(mark["start"]), str(mark["end"]),
                              passage if len(passage) <= 60 else passage[:57] + "…",
                              mark["reason"], mark["by"])
            console.print(table)
            return
        if remove is not None:
            remove_mark(archive, actor, remove, source)
            if json_out:
                print_json({"removed": remove, "source": source})
            else:
                console.print(f"redaction mark #{remove} removed from source #{source}")
            return
        if start is None or end is None:
            raise Invalid({"end" if start is not None else "start": "give both --start and --end"})
        mark_id = add_mark(archive, actor, source, start, end, reason)
    if json_out:
        print_json({"id": mark_id, "source": source, "start": start, "end": end})
    else:
        console.print(f"redaction mark #{mark_id}: source #{source} characters {start}..{end} "
                      "hidden from readers without restricted clearance")


def register(app: typer.Typer) -> None:
    app.command("redact")(redact_cmd)
