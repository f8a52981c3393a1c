"""eval-ingest: text similarity per format and suggestion precision/recall per kind."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sillok.cli.common import DataDir, Json, archive_for, console, print_json
from sillok.extract.lexicon import lexicon_for
from sillok.ingest.evaluate import DEFAULT_SET, formats, load, score


def eval_ingest_cmd(
    eval_set: Path = typer.Argument(DEFAULT_SET, help="A marked set (id | lang | published | "
                                                      "text with {{kind[:value]|surface}}); "
                                                      "default: the fictional set shipped "
                                                      "with Sillok."),
    with_formats: bool = typer.Option(True, "--formats/--no-formats",
                                      help="Also write the passages as files of each format "
                                           "and measure how well their text is read back."),
    misses: bool = typer.Option(False, "--misses", help="List the false and missed "
                                                        "suggestions."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Measure ingest on a fictional evaluation set: text similarity per format, suggestion
    precision and recall per kind (persons and places against the archive's gazetteer)."""
    passages = load(eval_set)
    with archive_for(data_dir) as archive, archive.transaction() as session:
        suggestions = score(passages, lexicon_for(session))
    read, skipped = formats(passages) if with_formats else ({}, [])
    if json_out:
        print_json({"passages": len(passages), "formats": read, "skipped": skipped,
                    "suggestions": suggestions})
        return
    if read:
        table = Table("format", "files", "similarity", "lowest", "seconds",
                      title="text read back, per format")
        for name, row in read.items():
            table.add_row(name, str(row["files"]), f"{row['similarity']:.4f}",
                          f"{row['lowest']:.4f}", f"{row['seconds']:.1f}")
        console.print(table)
    for note in skipped:
        console.print(f"[yellow]not measured: {note}[/]", highlight=False)
    table = Table("kind", "labels", "suggested", "precision", "recall",
                  title=f"suggestions on {len(passages)} passages")
    for kind, row in suggestions.items():
        table.add_row(kind, str(row["labels"]), str(row["suggested"]),
                      f"{row['precision']:.3f}", f"{row['recall']:.3f}")
    console.print(table)
    if misses:
        for kind, row in suggestions.items():
            for item in row["false"]:
                console.print(f"false {kind}: {item}", highlight=False)
            for item in row["missed"]:
                console.print(f"missed {kind}: {item}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("eval-ingest")(eval_ingest_cmd)
