"""audit: read the hash-chained audit trail and check that nobody has edited it."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.accounts.audit_log import audit_entries, check_audit
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json

audit_app = typer.Typer(help="The audit trail: every change and every look at restricted data.",
                        no_args_is_help=True)


@audit_app.command("verify")
def verify(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Check the trail: hash chain, signatures (audit key), the checkpoint of its end, and
    that every record is as its last audit entry says. One line per problem."""
    with archive_for(data_dir) as archive:
        report = check_audit(archive, actor_for(None))
    if json_out:
        print_json(report.as_dict())
    else:
        for problem in report.problems:
            # One line per problem, however narrow the terminal: scripts grep them.
            console.print(f"[red]{problem.line()}[/]", highlight=False, soft_wrap=True)
        for note in report.notes():
            console.print(f"note: {note}", highlight=False, soft_wrap=True)
        if report.ok:
            console.print(f"audit trail intact ({report.entries} entries, {report.records} "
                          f"records checked, checkpoint at #{report.checkpoint})",
                          highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def log(
    who: str | None = typer.Option(None, "--actor", help="Only entries by this actor."),
    record: str | None = typer.Option(None, "--record", help="Only this record, as TYPE:ID."),
    since: str | None = typer.Option(None, "--since", help="Only entries from this date on."),
    limit: int = typer.Option(200, help="At most this many (the newest)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """List audit entries, oldest first."""
    with archive_for(data_dir) as archive:
        entries = audit_entries(archive, actor_for(as_role), who=who, record=record,
                                since=since, limit=limit)
    if json_out:
        print_json(entries)
        return
    table = Table("#", "at", "actor", "action", "record", "reason")
    for e in entries:
        rec = f"{e['record_type']}:{e['record_id']}" if e["record_id"] else e["record_type"]
        table.add_row(str(e["id"]), e["at"][:19], e["actor"], e["action"], rec,
                      e["reason"] or "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
