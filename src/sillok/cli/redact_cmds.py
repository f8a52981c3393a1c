"""redact: mark passages of a source that readers without restricted clearance must not see."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.archive.redactions import add_mark, list_marks, remove_mark
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid
from sillok.search.span_review import decide, name_spans


def redact_cmd(
    source: int = typer.Argument(..., help="The source's id."),
    start: int | None = typer.Option(None, help="First character of the passage (0-based)."),
    end: int | None = typer.Option(None, help="Character after the passage's last one."),
    reason: str = typer.Option("", help="Why the passage is hidden (kept in the audit trail)."),
    list_: bool = typer.Option(False, "--list", help="List the source's marks."),
    remove: int | None = typer.Option(None, "--remove", help="Remove the mark with this id."),
    names: bool = typer.Option(False, "--names", help=(
        "List every protected name the matcher finds in the source, with its decision, and "
        "the manual marks.")),
    accept: str | None = typer.Option(None, "--accept", metavar="START:END", help=(
        "Accept the found name at START:END: it stays hidden (the review is on record).")),
    reject: str | None = typer.Option(None, "--reject", metavar="START:END", help=(
        "Reject the found name at START:END (the words are not that person): shown again "
        "and found by public search. Needs --reason.")),
    reset: str | None = typer.Option(None, "--reset", metavar="START:END", help=(
        "Take back a decision on the found name at START:END (hidden, proposed again).")),
    field: str = typer.Option("text", help="With --accept/--reject/--reset: 'text' or "
                              "'title'."),
    as_role: AsRole = None,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Hide a passage of a source ([redacted]) from readers without restricted clearance; it is
    left out of the search index too. --list shows marks, --remove ID takes one away."""
    actor = actor_for(as_role)
    decisions = {"accept": accept, "reject": reject, "reset": reset}
    chosen = sum([list_, names, remove is not None, start is not None or end is not None,
                  *(v is not None for v in decisions.values())])
    if chosen != 1:
        raise Invalid({"redact": "give --start and --end (with --reason), or --list, or "
                                 "--remove ID, or --names, or one of --accept/--reject/--reset "
                                 "START:END"})
    with archive_for(data_dir) as archive:
        if names:
            _print_names(name_spans(archive, actor, source), json_out)
            return
        for decision, where in decisions.items():
            if where is not None:
                first, last = _span(where)
                span = decide(archive, actor, source, field, first, last, decision, reason)
                if json_out:
                    print_json(span)
                else:
                    console.print(f"source #{source} {field} {first}..{last}: "
                                  f"{span['status']} ({span['pseudonym']})")
                return
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


def _span(value: str) -> tuple[int, int]:
    first, sep, last = value.partition(":")
    if not sep or not first.strip().isdigit() or not last.strip().isdigit():
        raise Invalid({"span": f"'{value}' is not START:END (two character offsets, "
                               "e.g. 120:123, as --names lists them)"})
    return int(first), int(last)


def _print_names(spans: list[dict[str, object]], json_out: bool) -> None:
    if json_out:
        print_json(spans)
        return
    table = Table("kind", "field", "span", "found", "status", "stands for", "reason")
    for span in spans:
        shown = f"…{span['before']}[{span['name']}]{span['after']}…"
        table.add_row(str(span["kind"]), str(span["field"]), f"{span['start']}:{span['end']}",
                      shown if len(shown) <= 90 else f"[{span['name']}]", str(span["status"]),
                      str(span.get("pseudonym") or ""), str(span["reason"] or ""))
    console.print(table)
    if not spans:
        console.print("no protected name found and no passage marked")


def register(app: typer.Typer) -> None:
    app.command("redact")(redact_cmd)
