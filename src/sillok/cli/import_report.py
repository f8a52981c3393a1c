"""What ``sillok import`` prints for an import with a dry run (a table, an Uwazi server;
tables/dry_run.py): the plan as JSON, or a rich table of its items and a few lines on the
mapping and the refused items."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rich.table import Table as RichTable

from sillok.archive.service import Archive
from sillok.cli.common import console, print_json
from sillok.search.upkeep import after_bulk_write
from sillok.tables.dry_run import ItemReport, Outcome, PlanBase

P = TypeVar("P", bound=PlanBase[Any])


@dataclass(frozen=True)
class Wording:
    """How one kind of import names its parts, in Korean and English."""

    title: str  # the dry run table's title
    item: str  # its first column: "행 / row"
    skipped: str  # "가져오지 않는 열 / columns not imported"
    mapping: str  # "열 대응" (column mapping) or "대응" (mapping)
    refused: str  # "거부된 행 / refused rows"


def report(archive: Archive, outcome: Outcome[P], *, dry_run: bool,
           json_out: bool, mapping: Path | None, plan_json: dict[str, Any],
           done: str, wording: Wording, cells: list[tuple[str, ItemReport]],
           skipped: list[str], refused_names: list[str],
           extra_json: dict[str, Any] | None = None) -> None:
    """``cells``: each item's first column and its report; ``done``: the line of a real run."""
    if not dry_run and outcome.result is not None:
        after_bulk_write(archive.engine, changed=len(outcome.result.created))
    if json_out:
        doc = plan_json
        doc["dry_run"] = dry_run
        doc["mapping_file"] = str(outcome.mapping_written or mapping or "") or None
        if outcome.result is not None:
            doc["created"] = outcome.result.counts()
            doc.update(extra_json or {})
        print_json(doc)
        return
    plan = outcome.plan
    counts = ", ".join(f"{n} {k}" for k, n in plan.counts().items())
    if not dry_run:
        console.print(done.format(counts=counts), highlight=False)
        return
    table = RichTable(title=wording.title, show_lines=True)
    for column in (wording.item, "만들 것 / would create", "대응 / mapped",
                   "검토 / for review", "거부 / refused"):
        table.add_column(column, overflow="fold")
    for first, r in cells:
        table.add_row(first, "\n".join(r.creates), "\n".join(r.mapped), "\n".join(r.review),
                      "[red]" + "\n".join(r.refused) + "[/]")
    console.print(table)
    if skipped:
        console.print(f"{wording.skipped}: " + ", ".join(skipped), highlight=False)
    console.print(f"만들 기록 / would create: {counts}", highlight=False)
    if outcome.mapping_written:
        console.print(f"{wording.mapping} 제안 / proposed mapping: {outcome.mapping_written} "
                      f"(edit it, then --mapping {outcome.mapping_written.name})",
                      highlight=False)
    elif mapping is None:
        console.print(f"{wording.mapping} 파일이 이미 있어 덮어쓰지 않음 / a mapping file exists "
                      "already and was kept: pass it with --mapping", highlight=False)
    if refused_names:
        console.print(f"[red]{wording.refused}: {', '.join(refused_names)}[/]: the real run "
                      "imports nothing until they are corrected", highlight=False)
