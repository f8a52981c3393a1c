"""link: how far two organisations' victim lists overlap, without either revealing a name."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid
from sillok.private_files import write_file
from sillok.privlink.compare import DEFAULT_MIN_CELL, DEFAULT_THRESHOLD, compare
from sillok.privlink.encodings import (
    encode_victims,
    read_encodings,
    read_victims,
    write_encodings,
)
from sillok.privlink.scheme import Scheme, read_secret, write_secret

link_app = typer.Typer(
    help="Linkage between organisations without sharing names: a shared secret, keyed "
         "Bloom-filter encodings of an archive's victims, and the overlap of two such files "
         "in counts (docs/linkage-encodings.md).",
    no_args_is_help=True)


@link_app.command("new-secret")
def new_secret_cmd(
    out: Path = typer.Argument(..., help="File to write the secret to (owner-only; never "
                                         "overwritten)."),
) -> None:
    """Make the secret the organisations agree on. Pass it to the partner organisation by a
    safe channel, never to whoever compares the files."""
    write_secret(out)
    console.print(f"secret written to {out} (keep it; both organisations need the same one)",
                  highlight=False)


@link_app.command("export-encodings")
def export_cmd(
    out: Path = typer.Argument(..., help="File to write the encodings to (JSON)."),
    secret_file: Path = typer.Option(..., "--secret-file", help="The shared secret (made by "
                                     "`sillok link new-secret`)."),
    organisation: str = typer.Option("", "--organisation", help="A label for this list in "
                                     "the partner's report (default: the file's name)."),
    as_role: AsRole = None,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Write an encoding of every victim the role may see, with only the types and years of
    the acts against them: no name, id or birth date."""
    secret = read_secret(secret_file)
    actor = actor_for(as_role)
    with archive_for(data_dir) as archive:
        victims = read_victims(archive, actor)
    document = encode_victims(victims, secret, Scheme(), organisation or out.stem)
    write_file(out, b"")
    with out.open("w", encoding="utf-8") as fh:
        write_encodings(document, fh)
    if json_out:
        print_json({"file": str(out), "persons": len(victims)})
    else:
        console.print(f"{len(victims)} persons encoded to {out}", highlight=False)


@link_app.command("compare")
def compare_cmd(
    a: Path = typer.Argument(..., help="One organisation's encodings file."),
    b: Path = typer.Argument(..., help="The other organisation's encodings file."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, help="Dice similarity at or above "
                                    "which two encodings are taken for the same person."),
    min_cell: int = typer.Option(DEFAULT_MIN_CELL, "--min-cell", help="Withhold counts "
                                 "below this (1 shows every count)."),
    chance_check: bool = typer.Option(True, "--chance-check/--no-chance-check", help="Set "
                                      "aside pairs whose score the lists show to be common "
                                      "between namesakes (docs/linkage-encodings.md)."),
    json_out: Json = False,
) -> None:
    """How many persons the two lists share, overall and per act type and year."""
    if a.resolve() == b.resolve():
        raise Invalid({"compare": "give two different files"})
    overlap = compare(read_encodings(a), read_encodings(b), threshold, min_cell, chance_check)
    result = overlap.as_dict()
    if json_out:
        print_json(result)
        return

    def show(value: int | None) -> str:
        return "<" + str(min_cell) if value is None else str(value)

    console.print(f"{overlap.a_name}: {overlap.a_persons} persons; {overlap.b_name}: "
                  f"{overlap.b_persons} persons; in both: {show(result['shared'])} "
                  f"(Dice ≥ {threshold}; "
                  + (f"{overlap.set_aside} pairs set aside as chance matches)" if chance_check
                     else "no chance check)"), highlight=False)
    table = Table("act type", "year", overlap.a_name, overlap.b_name, "in both",
                  "in both (act in either list)")
    for row in overlap.by_act:
        table.add_row(row["act_type"], str(row["year"] or "?"), show(row["a"]), show(row["b"]),
                      show(row["shared"]), show(row["shared_any"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(link_app, name="link")
