"""``sillok import --uwazi URL``: sign in to an Uwazi server, and print the import's report
as a rich table or JSON (the command itself lives with export/import in transfer_cmds.py)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table as RichTable

from sillok.archive.service import Archive
from sillok.cli.common import actor_for, console, print_json
from sillok.errors import Invalid
from sillok.exchange.uwazi_client import UwaziClient
from sillok.exchange.uwazi_import import UwaziImport, import_uwazi
from sillok.search.upkeep import after_bulk_write

PASSWORD_ENV = "SILLOK_UWAZI_PASSWORD"  # noqa: S105 (the name of a variable)


def run_uwazi_import(archive: Archive, url: str, *, user: str | None, mapping: Path | None,
                     level: str, dry_run: bool, json_out: bool) -> None:
    with UwaziClient(url) as client:
        if user:
            password = os.environ.get(PASSWORD_ENV)
            if password is None:
                password = typer.prompt(f"{user}@{url} 비밀번호 / password", hide_input=True)
            client.login(user, password)
        elif not dry_run and os.environ.get(PASSWORD_ENV):
            raise Invalid({"--user": f"{PASSWORD_ENV} is set: name the Uwazi user too"})
        outcome = import_uwazi(archive, actor_for(None), client, mapping_file=mapping,
                               mapping_dir=(mapping.parent if mapping else Path.cwd()),
                               level=level, dry_run=dry_run)
    if not dry_run and outcome.result is not None:
        after_bulk_write(archive.engine, changed=len(outcome.result.created))
    if json_out:
        doc = outcome.plan.as_json()
        doc["dry_run"] = dry_run
        doc["mapping_file"] = str(outcome.mapping_written or mapping or "") or None
        if outcome.result is not None:
            doc["created"] = outcome.result.counts()
            doc["originals_fetched"] = outcome.fetched
        print_json(doc)
        return
    _print(outcome, url, dry_run, mapping)


def _print(outcome: UwaziImport, url: str, dry_run: bool, mapping: Path | None) -> None:
    plan = outcome.plan
    counts = ", ".join(f"{n} {k}" for k, n in plan.counts().items())
    if not dry_run:
        console.print(f"가져옴 / imported from {url} ({plan.level}): {counts}; "
                      f"{outcome.fetched} originals", highlight=False)
        return
    table = RichTable(title=f"{url}: 시험 실행 / dry run ({plan.level})", show_lines=True)
    for column in ("개체 / entity", "만들 것 / would create", "대응 / mapped",
                   "검토 / for review", "거부 / refused"):
        table.add_column(column, overflow="fold")
    for e in plan.entities:
        table.add_row(f"{e.entity}\n{e.template}: {e.title}", "\n".join(e.creates),
                      "\n".join(e.mapped), "\n".join(e.review),
                      "[red]" + "\n".join(e.refused) + "[/]")
    console.print(table)
    skipped = [n for n, t in plan.mapping.templates.items() if t.kind == "ignore"]
    if skipped:
        console.print("가져오지 않는 템플릿 / templates not imported: " + ", ".join(skipped),
                      highlight=False)
    console.print(f"만들 기록 / would create: {counts}", highlight=False)
    if outcome.mapping_written:
        console.print(f"대응 제안 / proposed mapping: {outcome.mapping_written} "
                      f"(edit it, then --mapping {outcome.mapping_written.name})",
                      highlight=False)
    elif mapping is None:
        console.print("대응 파일이 이미 있어 덮어쓰지 않음 / a mapping file exists already "
                      "and was kept: pass it with --mapping", highlight=False)
    if plan.refused:
        console.print("[red]거부된 개체 / refused entities: "
                      f"{', '.join(e.entity for e in plan.refused)}[/]: the real run imports "
                      "nothing until they are corrected", highlight=False)
