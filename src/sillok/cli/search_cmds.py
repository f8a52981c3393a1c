"""search and reindex."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress

from sillok.cli.common import (
    AsRole,
    DataDir,
    Json,
    actor_for,
    archive_for,
    console,
    index_progress,
    print_json,
)
from sillok.search.evaluate import evaluate
from sillok.search.index import reindex_all
from sillok.search.service import search
from sillok.search.upkeep import after_bulk_write


def search_cmd(
    query: str = typer.Argument(..., help='Words, "phrases", -excluded, OR, and filters '
                                          "type: lang: level: kind: year: from: to: and "
                                          "place: (a gazetteer code or name in any script; a "
                                          "province covers its counties and facilities), act: "
                                          "(an act type's code or label, Korean or English), "
                                          "facility: (a facility or facility type); "
                                          'several values with commas, spaces in quotes: '
                                          'place:kp-10,함경북도 act:"forced repatriation"'),
    limit: int = typer.Option(20, help="At most this many results."),
    offset: int = typer.Option(0, help="Skip this many results first."),
    facets: bool = typer.Option(False, "--facets", help="Also count results by type, "
                                                         "language, kind, act type, source "
                                                         "kind, year, province and facility "
                                                         "type (in your permission scope)."),
    sort: str = typer.Option("relevance", "--sort", help="relevance or date."),
    expand_terms: bool = typer.Option(True, "--expand/--no-expand",
                                      help="Also search the other-language labels of "
                                           "vocabulary terms the query names."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Search sources, events, acts, persons, places and terms, as the role may see them."""
    actor = actor_for(as_role)
    with archive_for(data_dir) as archive:
        result = search(archive, actor, query, limit=limit, offset=offset,
                        expand_terms=expand_terms, facets=facets, sort=sort)
    if json_out:
        print_json({"query": result.query, "total": result.total, "limit": limit,
                    "offset": offset, "notes": result.notes, "expansions": result.expansions,
                    "facets": result.facets, "items": result.items})
        return
    console.print(f"{result.total} results for {query!r}", highlight=False)
    for note in result.notes:
        console.print(f"[yellow]{escape(note)}[/]", highlight=False)
    for e in result.expansions:
        console.print(f"[dim]also searched ({e['term']}): {', '.join(e['added'])}[/]",
                      highlight=False)
    for item in result.items:
        console.print(f"[bold]{item['type']} #{item['id']}[/] {escape(item['label'])} "
                      f"[dim]({item['level']})[/]", highlight=False)
        if item["snippet"]:
            plain = re.sub(r"</?mark>", "", item["snippet"])
            console.print(f"   {escape(_unescape(plain))}", highlight=False)
    for name, counts in result.facets.items():
        shown = ", ".join(f"{value} {n}" for value, n in counts.items())
        console.print(f"[bold]{name}[/]: {escape(shown)}", highlight=False)


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def reindex_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Rebuild the search index from the records (with progress)."""
    with archive_for(data_dir) as archive:
        with index_progress(json_out) as report, archive.transaction() as session:
            counts = reindex_all(session, report)
        after_bulk_write(archive.engine, rebuilt=True)
    if json_out:
        print_json({"indexed": counts})
    else:
        console.print("reindexed " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def eval_cmd(
    files: list[Path] = typer.Argument(..., help="SQuAD v1-format JSON files."),
    json_out: Json = False,
) -> None:
    """Measure search quality (MRR@10, Recall@1/@10) and speed on question files."""
    with Progress(console=console, disable=json_out) as progress:
        task = progress.add_task("questions", total=None)
        report = evaluate(files, lambda done, total: progress.update(task, completed=done,
                                                                     total=total))
    if json_out:
        print_json(report)
        return
    for key, value in report.items():
        console.print(f"{key:>13}  {value}")


def register(app: typer.Typer) -> None:
    app.command("eval-search")(eval_cmd)
    app.command("search")(search_cmd)
    app.command("reindex")(reindex_cmd)
