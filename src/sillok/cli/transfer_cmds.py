"""export and import: the whole archive as JSON Lines, and back."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import typer

from sillok.archive.public_export import export_public
from sillok.archive.service import Archive
from sillok.archive.transfer import import_file, write_export
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.cli.table_import import is_table, run_table_import
from sillok.cli.uwazi_import import run_uwazi_import
from sillok.errors import Invalid, SillokError
from sillok.exchange.ftm_export import write_ftm
from sillok.exchange.ftm_import import import_ftm, is_ftm
from sillok.exchange.huridocs_csv import write_csv
from sillok.search.upkeep import after_bulk_write
from sillok.security.policy import Actor


def export(
    out: Path = typer.Argument(..., help="File to write, or - for standard output; with "
                                         "--public, a new folder."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (Sillok, everything, for "
                            "'sillok import'), ftm (FollowTheMoney entities for Aleph) or "
                            "csv (a HURIDOCS-style table: one row per victim of an event)."),
    public: bool = typer.Option(False, "--public", help="Open data: only what the public may "
                                "see, protected names masked, as JSON, CSV and a SQLite file "
                                "for datasette."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Write every record the role may see (all, for the operator) as JSON Lines."""
    if public:
        with archive_for(data_dir) as archive:
            counts = export_public(archive, out)
        if json_out:
            print_json({"folder": str(out), "counts": counts})
        else:
            console.print(f"public export in {out}: "
                          + ", ".join(f"{n} {k}s" for k, n in counts.items()))
        return
    writers = {"jsonl": write_export, "ftm": write_ftm, "csv": write_csv}
    if fmt not in writers:
        raise Invalid({"format": f"unknown format '{fmt}' (jsonl, ftm, csv)"})
    write = writers[fmt]
    actor = actor_for(as_role)
    with archive_for(data_dir) as archive:
        if str(out) == "-":
            write(archive, actor, sys.stdout)
            return
        counts = _export_to_file(archive, actor, out, write)
    if json_out:
        print_json({"file": str(out), "counts": counts})
    else:
        console.print(f"exported to {out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def _export_to_file(archive: Archive, actor: Actor, out: Path,
                    write: Callable[[Archive, Actor, IO[str]], dict[str, int]]
                    ) -> dict[str, int]:
    """Written beside the target and renamed, so a failed export never leaves half a file."""
    target = out.resolve()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except FileNotFoundError:
        raise SillokError(f"cannot write {out}: no such directory") from None
    except PermissionError:
        raise SillokError(f"cannot write {out}: permission denied") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            counts = write(archive, actor, fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts


def import_cmd(
    src: Path | None = typer.Argument(None, help="A file written by 'sillok export', a "
                                      "table to import (.xlsx, .csv, Uwazi CSV) or "
                                      "FollowTheMoney entities; none with --uwazi."),
    uwazi: str | None = typer.Option(None, "--uwazi", help="Import from an Uwazi server's "
                                     "API at this address (https://…)."),
    user: str | None = typer.Option(None, "--user", help="--uwazi: the Uwazi user to sign "
                                    "in as; the password is asked, or read from "
                                    "SILLOK_UWAZI_PASSWORD."),
    mapping: Path | None = typer.Option(None, "--mapping", help="Tables and --uwazi: the "
                                        "mapping (YAML) that a dry run proposed and you "
                                        "edited."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Tables: report what would be "
                                 "created, mapped and refused, and propose a mapping file; "
                                 "change nothing."),
    level: str = typer.Option("internal", "--level", help="Tables and FtM: confidentiality "
                              "of the imported records (public, internal, restricted); FtM "
                              "records exported by Sillok keep a stricter level of their own."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Import an export (ids are kept), a spreadsheet/Uwazi CSV, FtM entities or an Uwazi
    server; a dry run first, then all or nothing."""
    if src is None and uwazi is None:
        raise Invalid({"SRC": "give a file to import, or --uwazi URL"})
    if src is not None and uwazi is not None:
        raise Invalid({"SRC/--uwazi": "give a file to import or --uwazi URL, not both"})
    if user is not None and uwazi is None:
        raise Invalid({"--user": "only with --uwazi"})
    with archive_for(data_dir) as archive:
        if uwazi is not None:
            run_uwazi_import(archive, uwazi, user=user, mapping=mapping, level=level,
                             dry_run=dry_run, json_out=json_out)
            return
        assert src is not None
        if is_table(src):
            run_table_import(archive, src, mapping=mapping, level=level, dry_run=dry_run,
                             json_out=json_out)
            return
        if is_ftm(src):
            if mapping is not None:
                raise Invalid({"--mapping": "only for a table (.xlsx or .csv)"})
            run_ftm_import(archive, src, level=level, dry_run=dry_run, json_out=json_out)
            return
        if mapping is not None or dry_run:
            raise Invalid({"--mapping/--dry-run": "only for a table (.xlsx or .csv) or "
                                                  "FollowTheMoney entities"})
        result = import_file(archive, actor_for(None), src)
        # If the import changed a tenth of the index.
        after_bulk_write(archive.engine, changed=sum(result.counts.values()))
    if json_out:
        print_json({"file": str(src), "counts": result.counts})
    else:
        console.print(f"imported {src}: "
                      + ", ".join(f"{n} {k}" for k, n in result.counts.items()))


def run_ftm_import(archive: Archive, src: Path, *, level: str, dry_run: bool,
                   json_out: bool) -> None:
    result = import_ftm(archive, actor_for(None), src, level=level, dry_run=dry_run)
    if not dry_run:
        after_bulk_write(archive.engine, changed=sum(result.created.values()))
    if json_out:
        print_json({"file": str(src), "dry_run": dry_run, "created": result.created,
                    "not_imported": result.skipped})
        return
    verb = "만들 기록 / would create" if dry_run else "가져옴 / imported"
    console.print(f"{verb} ({src.name}): "
                  + (", ".join(f"{n} {k}" for k, n in result.created.items()) or "nothing"),
                  highlight=False)
    for line in result.skipped:
        console.print(f"[yellow]가져오지 않음 / not imported[/]: {line}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_cmd)
