"""``sillok import TABLE.xlsx|TABLE.csv``: the report of a table import, as a rich table or
JSON (the command itself lives with export/import in transfer_cmds.py)."""

from __future__ import annotations

from pathlib import Path

from sillok.archive.service import Archive
from sillok.cli.common import actor_for
from sillok.cli.import_report import Wording, report
from sillok.tables.importing import import_table
from sillok.tables.sheets import SUFFIXES


def is_table(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def run_table_import(archive: Archive, src: Path, *, mapping: Path | None, level: str,
                     dry_run: bool, json_out: bool) -> None:
    outcome = import_table(archive, actor_for(None), src, mapping_file=mapping, level=level,
                           dry_run=dry_run)
    plan = outcome.plan
    report(archive, outcome, dry_run=dry_run, json_out=json_out, mapping=mapping,
           plan_json=plan.as_json(),
           done=f"가져옴 / imported {src.name} ({plan.level}): {{counts}}",
           wording=Wording(title=f"{src.name}: 시험 실행 / dry run ({plan.level})",
                           item="행 / row", skipped="가져오지 않는 열 / columns not imported",
                           mapping="열 대응", refused="거부된 행 / refused rows"),
           cells=[(str(r.row), r) for r in plan.rows], skipped=plan.mapping.of("ignore"),
           refused_names=[str(r.row) for r in plan.refused])
