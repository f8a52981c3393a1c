"""export and import: the whole archive as JSON Lines, and back."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer

from sillok.archive.transfer import import_file, write_export
from sillok.cli.common import AsRole, DataDir, Json, actor_for, console, open_archive, print_json
from sillok.errors import Invalid, SillokError


def export(
    out: Path = typer.Argument(..., help="File to write, or - for standard output."),
    fmt: str = typer.Option("jsonl", "--format", help="Export format (jsonl)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Write every record the role may see (all, for the operator) as JSON Lines."""
    if fmt != "jsonl":
        raise Invalid({"format": f"unknown format '{fmt}' (jsonl)"})
    archive = open_archive(data_dir)
    actor = actor_for(as_role)
    try:
        if str(out) == "-":
            import sys

            counts = write_export(archive, actor, sys.stdout)
            return
        # Written beside the target and renamed, so a failed export never leaves half a file.
        target = out.resolve()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                counts = write_export(archive, actor, fh)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except FileNotFoundError:
        raise SillokError(f"cannot write {out}: no such directory") from None
    except PermissionError:
        raise SillokError(f"cannot write {out}: permission denied") from None
    finally:
        archive.close()
    if json_out:
        print_json({"file": str(out), "counts": counts})
    else:
        console.print(f"exported to {out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def import_cmd(
    src: Path = typer.Argument(..., help="A file written by 'sillok export'."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Import an export into this archive, all or nothing (ids are kept)."""
    archive = open_archive(data_dir)
    try:
        result = import_file(archive, actor_for(None), src)
    finally:
        archive.close()
    if json_out:
        print_json({"file": str(src), "counts": result.counts})
    else:
        console.print(f"imported {src}: "
                      + ", ".join(f"{n} {k}" for k, n in result.counts.items()))


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_cmd)
