"""Commands on records: show, list, add, update, retract, history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.table import Table

from sillok.archive.bulk import add_file, add_records, read_records
from sillok.archive.kinds import KINDS
from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid, SillokError
from sillok.search.upkeep import after_bulk_write

TYPES = ", ".join(KINDS)
TypeArg = typer.Argument(..., help=f"Record type: {TYPES} (plural also accepted).")


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "label" in value:
        ident = f"#{value['id']} " if value.get("id") is not None else ""
        return f"{ident}{value['label']}"
    if isinstance(value, dict) and {"name", "system"} <= value.keys():
        return f"{value['name']} ({value['system']})"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def show(
    type_name: str = TypeArg,
    record_id: int = typer.Argument(..., help="The record's id."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Show one record, as the role may see it."""
    with archive_for(data_dir) as archive:
        rec = archive.get(actor_for(as_role), type_name, record_id)
    if json_out:
        print_json(rec)
        return
    console.print(f"[bold]{rec['type']} #{rec['id']}[/]  {rec['label']}  [dim]({rec['level']})[/]",
                  highlight=False)
    if rec["retracted"]:
        r = rec["retracted"]
        console.print(f"[red]retracted[/] {r['at']} by {r['by']}: {r['reason']}", highlight=False)
    table = Table(show_header=False, box=None)
    for key, value in rec["fields"].items():
        if key == "protected" and value:
            for pkey, pvalue in value.items():
                table.add_row(f"protected.{pkey}", _fmt(pvalue))
            continue
        table.add_row(key, _fmt(value))
    for key, items in rec.get("related", {}).items():
        for item in items:
            label = item.get("label") or item.get("quote", "")
            table.add_row(key, f"#{item['id']} {label}")
    console.print(table)


def _filters(values: list[str]) -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise Invalid({"filter": f"'{item}' is not KEY=VALUE"})
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def list_cmd(
    type_name: str = TypeArg,
    where: list[str] = typer.Option([], "--filter", "-f", help="KEY=VALUE, e.g. -f kind=testimony"
                                    " or -f act_type=forced_repatriation (repeatable)."),
    limit: int = typer.Option(50, help="At most this many records."),
    offset: int = typer.Option(0, help="Skip this many records first."),
    include_retracted: bool = typer.Option(False, "--include-retracted",
                                           help="List retracted records too."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """List records of one type that the role may see."""
    with archive_for(data_dir) as archive:
        page = archive.list_records(actor_for(as_role), type_name, _filters(where), limit=limit,
                            offset=offset, include_retracted=include_retracted)
    if json_out:
        print_json({"total": page.total, "limit": limit, "offset": offset, "items": page.items})
        return
    table = Table("id", "level", "label", title=f"{page.total} {type_name}")
    for item in page.items:
        mark = " [red](retracted)[/]" if item["retracted"] else ""
        table.add_row(str(item["id"]), item["level"], item["label"] + mark)
    console.print(table)
    if page.total > offset + len(page.items):
        console.print(f"[dim]showing {offset + 1}–{offset + len(page.items)}; "
                      f"use --offset for more[/]")


def add(
    source: Path = typer.Option(..., "--from", help="YAML or JSON file with a 'records:' list."),
    type_name: str | None = typer.Argument(None, help="Optional: the type of every record "
                                                      "in the file."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Add records from a file, all or nothing: one invalid record and nothing is added."""
    with archive_for(data_dir) as archive:
        if type_name:
            records = read_records(source)
            for rec in records:
                if isinstance(rec, dict):
                    rec.setdefault("type", type_name)
            try:
                result = add_records(archive, actor_for(None), records)
            except Invalid as exc:
                raise Invalid(exc.errors, f"{source}: nothing was added") from None
        else:
            result = add_file(archive, actor_for(None), source)
        # If the file changed a tenth of the search index.
        after_bulk_write(archive.engine, changed=len(result.created))
    if json_out:
        print_json({"created": [{"type": k, "id": i, "ref": r} for k, i, r in result.created]})
        return
    console.print("added " + ", ".join(f"{n} {k}" for k, n in result.counts().items()))


def update(
    type_name: str = TypeArg,
    record_id: int = typer.Argument(...),
    source: Path = typer.Option(..., "--from", help="YAML/JSON mapping of the fields to change."),
    data_dir: DataDir = None,
) -> None:
    """Change fields of a record; the change is audited."""
    changes = _mapping(source)
    with archive_for(data_dir) as archive:
        changed = archive.update(actor_for(None), type_name, record_id, changes)
    console.print(f"{type_name} #{record_id} " + ("updated" if changed else "unchanged"))


def _mapping(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SillokError(f"{path}: cannot read a mapping ({str(exc).splitlines()[0]})") from None


def retract(
    type_name: str = TypeArg,
    record_id: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why the record is withdrawn."),
    data_dir: DataDir = None,
) -> None:
    """Withdraw a record: kept with its history and reason, hidden from lists."""
    with archive_for(data_dir) as archive:
        archive.retract(actor_for(None), type_name, record_id, reason)
    console.print(f"{type_name} #{record_id} retracted")


def history(
    type_name: str = TypeArg,
    record_id: int = typer.Argument(...),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Every change of a record, oldest first: who, when, what before and after."""
    with archive_for(data_dir) as archive:
        entries = archive.history(actor_for(as_role), type_name, record_id)
    if json_out:
        print_json(entries)
        return
    table = Table("#", "at", "actor", "action", "change", title=f"history of {type_name} "
                  f"#{record_id}")
    for e in entries:
        table.add_row(str(e["id"]), e["at"][:19], e["actor"], e["action"], _change(e))
    console.print(table)


def _change(entry: dict[str, Any]) -> str:
    if entry["action"] == "retract":
        return entry["reason"] or ""
    if not entry["before"]:
        return "created"
    # Field by field, a protected detail only as changed (archive/editing.py field_changes).
    return "; ".join(f"{c['field']}: {_fmt(c['before'])} → {_fmt(c['after'])}"
                     for c in entry.get("changes", []))


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("list")(list_cmd)
    app.command("add")(add)
    app.command("update")(update)
    app.command("retract")(retract)
    app.command("history")(history)
