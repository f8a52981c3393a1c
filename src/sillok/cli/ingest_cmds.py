"""ingest, and the suggestions drawn from what was ingested."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sillok.archive.redacted_text import spans_by_source
from sillok.cli.common import (
    AsRole,
    DataDir,
    Json,
    actor_for,
    archive_for,
    console,
    err_console,
    print_json,
)
from sillok.errors import Invalid
from sillok.extract.accept import accept, dismiss
from sillok.extract.store import suggestions_of
from sillok.ingest import worker
from sillok.ingest.batch import BatchReport, run_batch
from sillok.ingest.guards import Limits
from sillok.ingest.pipeline import Ingestor, Options, Outcome
from sillok.search.upkeep import after_bulk_write
from sillok.security.policy import may_see_level

STATUS_STYLE = {"ingested": "green", "near_duplicate": "yellow", "duplicate": "cyan",
                "failed": "red"}


def ingest_cmd(
    paths: list[Path] = typer.Argument(..., help="Files and folders to ingest."),
    kind: str | None = typer.Option(None, "--kind", help="Source kind for every file "
                                    "(testimony, news_report, ngo_report, …); default: "
                                    "news_report for web pages, letter for e-mail, else other."),
    lang: str = typer.Option("auto", "--lang", help="ko, en, mixed or auto (detected)."),
    level: str = typer.Option("internal", "--level",
                              help="public, internal or restricted."),
    recursive: bool = typer.Option(False, "--recursive", "-r",
                                   help="Go into sub-folders too."),
    origin: str | None = typer.Option(None, "--origin", help="Where the files came from "
                                      "(a person, an organisation, a URL)."),
    mapping: list[str] = typer.Option([], "--map", help="For CSV / JSON lines: FIELD=COLUMN, "
                                      "FIELD one of text, title, published, language, origin, "
                                      "kind. Repeatable."),
    suggest: bool = typer.Option(True, "--suggest/--no-suggest",
                                 help="Draw suggestions from each text as it goes in."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds allowed to parse "
                                     "one file."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Ingest files: originals kept, text extracted, duplicates found, suggestions drawn.

    Exits 0 when every file went in (duplicates included), 1 when any failed."""
    if lang not in ("auto", "ko", "en", "mixed"):
        raise Invalid({"--lang": "use ko, en, mixed or auto"})
    if level not in ("public", "internal", "restricted"):
        raise Invalid({"--level": "use public, internal or restricted"})
    fields = {}
    for item in mapping:
        name, sep, column = item.partition("=")
        if not sep or not column:
            raise Invalid({"--map": f"{item!r}: use FIELD=COLUMN"})
        fields[name.strip()] = column.strip()
    with archive_for(data_dir) as archive:
        limits = Limits(max_file_bytes=archive.settings.max_file_bytes,
                        seconds_per_file=time_limit)
        options = Options(kind=kind, language=lang, level=level, origin=origin,
                          mapping=fields, suggest=suggest, limits=limits)
        ingestor = Ingestor(archive, actor_for(None), options)
        try:
            report = _run(ingestor, paths, recursive, quiet=json_out)
        finally:
            worker.shutdown()
        # If the run changed a tenth of the index (each new source is an entry).
        counts = report.counts
        after_bulk_write(archive.engine, changed=counts["ingested"] + counts["near_duplicate"])
    if json_out:
        print_json(report.as_dict())
    else:
        _summary(report.counts)
        _refusals(report)
    if report.failed:
        raise typer.Exit(1)


def _run(ingestor: Ingestor, paths: list[Path], recursive: bool, quiet: bool) -> BatchReport:
    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                        TextColumn("ETA"), TimeRemainingColumn(), console=err_console,
                        disable=quiet, transient=False)
    task = progress.add_task("ingest", total=None, rate="")

    def step(outcome: Outcome, done: int, total: int) -> None:
        elapsed = progress.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:.1f} files/s" if elapsed > 0 else ""
        progress.update(task, completed=done, total=total, rate=rate)
        if not quiet:
            style = STATUS_STYLE[outcome.status]
            progress.console.print(f"[{style}]{escape(outcome.line)}[/]  {escape(outcome.file)}",
                                   highlight=False, soft_wrap=True)
            for note in outcome.notes:
                progress.console.print(f"    [dim]{escape(note)}[/]", highlight=False)

    with progress:
        return run_batch(ingestor, paths, recursive, step)


def _summary(counts: dict[str, int]) -> None:
    table = Table(title="ingest summary")
    table.add_column("outcome")
    table.add_column("files", justify="right")
    for status, n in counts.items():
        table.add_row(f"[{STATUS_STYLE[status]}]{status.replace('_', ' ')}[/]", str(n))
    table.add_row("[bold]total[/]", str(sum(counts.values())))
    console.print(table)


def _refusals(report: BatchReport) -> None:
    """Every refused file at the end, where it cannot scroll away among the others."""
    found = report.refusals
    if not found:
        return
    table = Table(title=f"refused / 거부된 파일 ({len(found)})")
    # The file's name on a line of its own, its folder below: a long path cut short to fit
    # the terminal ("/tmp/pytest-of-root/py…") hid the one part the reader needs.
    # Wide enough for whole names (up to 40 characters): a long reason beside them, on a
    # narrow terminal, would otherwise fold "e2-broken-distribution.hwp" in two.
    names = max(len(Path(r["file"]).name) for r in found)
    table.add_column("file / 파일", overflow="fold", min_width=min(40, names))
    table.add_column("reason / 사유")
    table.add_column("original / 원본")
    for r in found:
        path = Path(r["file"])
        table.add_row(f"{escape(path.name)}\n[dim]{escape(str(path.parent))}[/dim]",
                      escape(r["reason"]),
                      "kept, no text / 보관(본문 없음)" if r["kept"] else "not kept / 보관 안 함")
    console.print(table)


def suggestions_cmd(
    source: int = typer.Argument(..., help="Source id."),
    status: str = typer.Option("open", "--status", help="open, accepted, dismissed or all."),
    refresh: bool = typer.Option(False, "--refresh", help="Draw the open suggestions again "
                                 "(after the vocabularies or gazetteer changed)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """List what the extractors propose to code from a source's text."""
    actor = actor_for(as_role)
    with archive_for(data_dir) as archive, archive.transaction() as session:
        items = suggestions_of(session, actor, source,
                               None if status == "all" else status, refresh=refresh)
        if not may_see_level(actor, "restricted"):
            # A suggestion quotes its passage: none from a passage marked for redaction.
            spans = spans_by_source(session, [source]).get(source, [])
            items = [i for i in items if not any(s < i["end"] and e > i["start"]
                                                 for s, e in spans)]
    if json_out:
        print_json(items)
        return
    table = Table(title=f"suggestions for source #{source}")
    for column in ("id", "kind", "at", "text", "value", "conf.", "status"):
        table.add_column(column)
    for s in items:
        value = ", ".join(f"{k}={v}" for k, v in s["value"].items())
        table.add_row(str(s["id"]), s["kind"], f"{s['start']}–{s['end']}", escape(s["text"]),
                      escape(value), f"{s['confidence']:.2f}", s["status"])
    console.print(table)


def accept_cmd(
    suggestion: int = typer.Argument(..., help="Suggestion id."),
    to: str | None = typer.Option(None, "--to", help="Link to this record instead, as "
                                  "TYPE:ID (e.g. event:12)."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Accept a suggestion: its passage becomes evidence for a record, created or linked."""
    target = None
    if to is not None:
        kind, _, ident = to.partition(":")
        if not ident.isdigit():
            raise Invalid({"--to": f"{to!r}: use TYPE:ID, e.g. event:12"})
        target = (kind, int(ident))
    with archive_for(data_dir) as archive:
        result = accept(archive, actor_for(None), suggestion, target)
    if json_out:
        print_json(result)
    else:
        record = result["record"]
        console.print(f"accepted: {record['type']} #{record['id']}, "
                      f"evidence #{result['evidence']}")


def dismiss_cmd(
    suggestion: int = typer.Argument(..., help="Suggestion id."),
    data_dir: DataDir = None,
) -> None:
    """Dismiss a suggestion (kept, marked as dismissed, not proposed again)."""
    with archive_for(data_dir) as archive:
        dismiss(archive, actor_for(None), suggestion)
    console.print(f"dismissed suggestion #{suggestion}")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
    app.command("suggestions")(suggestions_cmd)
    app.command("accept")(accept_cmd)
    app.command("dismiss")(dismiss_cmd)
