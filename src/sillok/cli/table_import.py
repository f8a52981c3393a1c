"""``sillok import TABLE.xlsx|TABLE.csv``: the report of a table import, as a rich table or
JSON (the command itself lives with export/import in transfer_cmds.py)."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table as RichTable

from sillok.archive.service import Archive
from sillok.cli.common import actor_for, console, print_json
from sillok.search.upkeep import after_bulk_write
from sillok.tables.importing import TableImport, import_table
from sillok.tables.sheets import SUFFIXES


def is_table(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def run_table_import(archive: Archive, src: Path, *, mapping: Path | None, level: str,
                     dry_run: bool, json_out: bool) -> None:
    outcome = import_table(archive, actor_for(None), src, mapping_file=mapping, level=level,
                           dry_run=dry_run)
    if not dry_run and outcome.result is not None:
        after_bulk_write(archive.engine, changed=len(outcome.result.created))
    if json_out:
        doc = outcome.plan.as_json()
        doc["dry_run"] = dry_run
        doc["mapping_file"] = str(outcome.mapping_written or mapping or "") or None
        if outcome.result is not None:
            doc["created"] = outcome.result.counts()
        print_json(doc)
        return
    _print(outcome, src, dry_run, mapping)


def _print(outcome: TableImport, src: Path, dry_run: bool, mapping: Path | None) -> None:
    plan = outcome.plan
    counts = ", ".join(f"{n} {k}" for k, n in plan.counts().items())
    if not dry_run:
        console.print(f"가져옴 / imported {src.name} ({plan.level}): {counts}", highlight=False)
        return
    table = RichTable(title=f"{src.name}: 시험 실행 / dry run ({plan.level})", show_lines=True)
    for column in ("행 / row", "만들 것 / would create", "대응 / mapped",
                   "검토 / for review", "거부 / refused"):
        table.add_column(column, overflow="fold")
    for r in plan.rows:
        table.add_row(str(r.row), "\n".join(r.creates), "\n".join(r.mapped),
                      "\n".join(r.review), "[red]" + "\n".join(r.refused) + "[/]")
    console.print(table)
    ignored = plan.mapping.of("ignore")
    if ignored:
        console.print("가져오지 않는 열 / columns not imported: "
                      + ", ".join(ignored), highlight=False)
    console.print(f"만들 기록 / would create: {counts}", highlight=False)
    if outcome.mapping_written:
        console.print(f"열 대응 제안 / proposed mapping: {outcome.mapping_written} "
                      f"(edit it, then --mapping {outcome.mapping_written.name})",
                      highlight=False)
    elif mapping is None:
        console.print("열 대응 파일이 이미 있어 덮어쓰지 않음 / a mapping file exists already "
                      "and was kept: pass it with --mapping", highlight=False)
    if plan.refused:
        console.print(f"[red]거부된 행 / refused rows: "
                      f"{', '.join(str(r.row) for r in plan.refused)}[/]: the real run imports "
                      "nothing until they are corrected", highlight=False)
