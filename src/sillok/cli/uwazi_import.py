"""``sillok import --uwazi URL``: sign in to an Uwazi server, and print the import's report
as a rich table or JSON (the command itself lives with export/import in transfer_cmds.py)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from sillok.archive.service import Archive
from sillok.cli.common import actor_for, console
from sillok.cli.import_report import Wording, report
from sillok.errors import Invalid
from sillok.exchange.uwazi_client import UwaziClient
from sillok.exchange.uwazi_import import import_uwazi

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
    plan = outcome.plan
    report(archive, outcome, dry_run=dry_run, json_out=json_out, mapping=mapping,
           plan_json=plan.as_json(),
           extra_json={"originals_fetched": outcome.fetched,
                       "originals_not_fetched": outcome.not_fetched},
           done=f"가져옴 / imported from {url} ({plan.level}): {{counts}}; "
                f"{outcome.fetched} originals",
           wording=Wording(title=f"{url}: 시험 실행 / dry run ({plan.level})",
                           item="개체 / entity",
                           skipped="가져오지 않는 템플릿 / templates not imported",
                           mapping="대응", refused="거부된 개체 / refused entities"),
           cells=[(f"{e.entity}\n{e.template}: {e.title}", e) for e in plan.entities],
           skipped=[n for n, t in plan.mapping.templates.items() if t.kind == "ignore"],
           refused_names=[e.entity for e in plan.refused])
    if not json_out:
        for line in outcome.not_fetched:
            console.print(f"[yellow]가져오지 못한 파일 / file not fetched[/]: {line}",
                          highlight=False)
