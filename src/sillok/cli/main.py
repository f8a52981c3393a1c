"""Entry point: the Typer app with every command group, and the one place that turns errors
into a one-line message and an exit code (never a traceback for a user's mistake)."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.exc import DBAPIError
from typer._click.core import Context as ClickContext  # Typer vendors click
from typer.core import TyperGroup

from sillok.cli import (
    acts_cmds,
    archive_cmds,
    audit_cmds,
    backup_cmds,
    capture_cmds,
    consent_cmds,
    custody_cmds,
    estimate_cmds,
    eval_ingest_cmds,
    ingest_cmds,
    jobs_cmds,
    keys_cmds,
    link_cmds,
    linkage_cmds,
    persons_cmds,
    records,
    redact_cmds,
    search_cmds,
    stats_cmds,
    tokens_cmds,
    transfer_cmds,
    users_cmds,
)
from sillok.cli.common import err_console
from sillok.errors import Invalid, SillokError


def report(exc: SillokError) -> None:
    if isinstance(exc, Invalid) and len(exc.errors) > 1:
        err_console.print(f"[bold red]error:[/] {exc.context or 'invalid input'}",
                          highlight=False, soft_wrap=True)
        for key, msg in exc.errors.items():
            err_console.print(f"  {key}: {msg}", highlight=False, soft_wrap=True)
    else:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)


class SillokGroup(TyperGroup):
    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except SillokError as exc:
            report(exc)
            ctx.exit(exc.exit_code)
        except DBAPIError as exc:
            # The server went away or the file broke mid-command: say so in one line.
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            err_console.print(f"[bold red]error:[/] database error: {first}", highlight=False)
            ctx.exit(1)


app = typer.Typer(
    name="sillok",
    cls=SillokGroup,
    help="Sillok (실록): documentation of North Korean human rights violations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
archive_cmds.register(app)
records.register(app)
transfer_cmds.register(app)
stats_cmds.register(app)
audit_cmds.register(app)
users_cmds.register(app)
tokens_cmds.register(app)
backup_cmds.register(app)
search_cmds.register(app)
ingest_cmds.register(app)
keys_cmds.register(app)
redact_cmds.register(app)
estimate_cmds.register(app)
linkage_cmds.register(app)
link_cmds.register(app)
persons_cmds.register(app)
acts_cmds.register(app)
consent_cmds.register(app)
custody_cmds.register(app)
capture_cmds.register(app)
eval_ingest_cmds.register(app)
jobs_cmds.register(app)


def run() -> None:
    app()


if __name__ == "__main__":
    run()
