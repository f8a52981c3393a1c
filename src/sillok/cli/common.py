"""What every command shares: options, the archive it works on, the actor, and output."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, TaskID

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.security.policy import OPERATOR_PREFIX, Actor, Role, parse_role

console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Archive directory (default: $SILLOK_DATA_DIR or "
                                     "./sillok-data).", show_default=False),
]
AsRole = Annotated[
    str | None,
    typer.Option("--as", help="See what this role would see: anonymous, viewer, analyst, "
                              "editor or admin.", show_default=False),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def settings_for(data_dir: Path | None) -> Settings:
    return Settings.from_env().with_data_dir(data_dir)


@contextmanager
def archive_for(data_dir: Path | None) -> Iterator[Archive]:
    """The archive a command works on, closed when the command is done."""
    archive = Archive.open(settings_for(data_dir))
    try:
        yield archive
    finally:
        archive.close()


def operator() -> str:
    try:
        return f"{OPERATOR_PREFIX}{getpass.getuser()}"
    except (KeyError, OSError):
        return f"{OPERATOR_PREFIX}unknown"


def actor_for(role: str | None) -> Actor:
    """The person at the terminal is the archive's operator; ``--as`` narrows what they see."""
    if role is None:
        return Actor(operator(), Role.admin)
    return Actor(operator(), parse_role(role))


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def index_progress(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per record type while the search index is rebuilt (reindex, and init
    when an upgrade changed what the index holds); silent with ``quiet`` (--json)."""
    with Progress(console=console, disable=quiet) as progress:
        tasks: dict[str, TaskID] = {}

        def report(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = progress.add_task(f"search index: {kind}", total=total)
            progress.update(tasks[kind], completed=done)

        yield report
