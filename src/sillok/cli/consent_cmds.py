"""consent: record, withdraw and show what a witness agreed to (docs/evidence.md, Consent)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from sillok.archive import consent
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid
from sillok.security.policy import CONSENT_SCOPES

consent_app = typer.Typer(help="A witness's consent: publication, name, partners, statistics.",
                          no_args_is_help=True)

SUBJECT_HELP = "source:ID, person:ID (a witness: all their sources) or a source's id."
SCOPES = ", ".join(CONSENT_SCOPES)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid({"on": f"'{value}' is not a date (YYYY-MM-DD)"}) from None


def _print_report(report: dict[str, Any], json_out: bool) -> None:
    if json_out:
        print_json(report)
        return
    for entry in report["entries"]:
        partners = f" ({', '.join(entry['partners'])})" if entry["partners"] else ""
        console.print(f"{report['subject']}: {entry['scope']} {entry['decision']}{partners} "
                      f"— entry #{entry['id']}", highlight=False)
    taken = report["taken_down"]
    if taken:
        console.print(f"taken out of public view ({len(taken)} records, now internal):",
                      highlight=False)
        for rec in taken:
            console.print(f"  {rec['type']} #{rec['id']}: {rec['label']}", highlight=False)
    else:
        console.print("no public record was affected", highlight=False)


@consent_app.command("record")
def record_cmd(
    subject: str = typer.Argument(..., help=SUBJECT_HELP),
    agree: list[str] = typer.Option([], "--agree", help=f"A use agreed to ({SCOPES}); "
                                    "repeat for several."),
    refuse: list[str] = typer.Option([], "--refuse", help=f"A use refused ({SCOPES})."),
    partner: list[str] = typer.Option([], "--partner", help="A partner the testimony may be "
                                      "shared with (e.g. 'UN OHCHR Seoul'); implies "
                                      "--agree partners."),
    on: str | None = typer.Option(None, "--on", help="When the witness decided (YYYY-MM-DD)."),
    note: str = typer.Option("", help="How it was given (signed form, recorded oral consent…)."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Record what a witness agreed to or refused. A refusal of publication or of the name
    takes every public record resting on the source(s) out of public view at once."""
    decisions = dict.fromkeys(agree, "given")
    if partner:
        decisions["partners"] = "given"
    for scope in refuse:
        if scope in decisions:
            raise Invalid({scope: "both agreed to and refused"})
        decisions[scope] = "refused"
    kind, ident = consent.parse_subject(subject)
    with archive_for(data_dir) as archive:
        report = consent.record(archive, actor_for(None), kind, ident, decisions,
                                partners=partner, decided_on=_date(on), note=note)
    _print_report(report, json_out)


@consent_app.command("withdraw")
def withdraw_cmd(
    subject: str = typer.Argument(..., help=SUBJECT_HELP),
    scope: list[str] = typer.Option([], "--scope", help=f"What is withdrawn ({SCOPES}); "
                                    "all of them when not given."),
    on: str | None = typer.Option(None, "--on", help="When the witness withdrew (YYYY-MM-DD)."),
    note: str = typer.Option("", help="How the withdrawal came (kept in the audit trail)."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Withdraw consent (a new entry; nothing is erased). Public records resting on the
    source(s) become internal in the same transaction, and are listed."""
    kind, ident = consent.parse_subject(subject)
    with archive_for(data_dir) as archive:
        report = consent.withdraw(archive, actor_for(None), kind, ident, scope or None,
                                  decided_on=_date(on), note=note)
    _print_report(report, json_out)


@consent_app.command("show")
def show_cmd(
    subject: str = typer.Argument(..., help=SUBJECT_HELP),
    as_role: AsRole = None,
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """What is allowed now, scope by scope, and every entry recorded, oldest first."""
    kind, ident = consent.parse_subject(subject)
    with archive_for(data_dir) as archive:
        shown = consent.show(archive, actor_for(as_role), kind, ident)
    if json_out:
        print_json(shown)
        return
    table = Table("scope", "state", "allowed", "entry", title=f"consent of {shown['subject']}")
    for scope, now in shown["current"].items():
        table.add_row(scope, now["state"], "yes" if now["allowed"] else "no",
                      f"#{now['entry']}" if now["entry"] else "—")
    console.print(table)
    if shown["partners"]:
        console.print(f"partners: {', '.join(shown['partners'])}", highlight=False)
    history = Table("id", "scope", "decision", "decided on", "recorded", "by", "note",
                    title="entries")
    for e in shown["entries"]:
        history.add_row(str(e["id"]), e["scope"], e["decision"], e["decided_on"] or "—",
                        e["recorded_at"][:19], e["recorded_by"], e["note"])
    console.print(history)
    if shown["required"]:
        console.print("consent is required here (SILLOK_CONSENT_REQUIRED): none recorded "
                      "means not allowed for testimonies", highlight=False)


@consent_app.command("check")
def check_cmd(
    take_down: bool = typer.Option(False, "--take-down", help="Make each record found "
                                   "internal, as a withdrawal would (audited)."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """List public records that consent does not allow to be public now (for instance after
    SILLOK_CONSENT_REQUIRED was switched on, which refuses only new publications)."""
    with archive_for(data_dir) as archive:
        found = consent.check(archive, actor_for(None), take_down=take_down)
    if json_out:
        print_json(found)
        return
    verb = "taken out of public view" if take_down else "public without the consent it needs"
    console.print(f"{len(found)} records {verb}", highlight=False)
    for rec in found:
        console.print(f"  {rec['type']} #{rec['id']}: {rec['reason']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(consent_app, name="consent")
