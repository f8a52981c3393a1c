"""``sillok import TABLE``: a dry run that reports (and proposes a column mapping), and a real
run that creates everything in one transaction through the archive service (so the policy,
the audit chain and the search index apply) or nothing at all."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sillok.archive.bulk import BulkResult, add_records
from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.security.policy import Actor
from sillok.tables.columns import Mapping, read_mapping, write_mapping
from sillok.tables.plan import Plan, build_plan
from sillok.tables.sheets import read_table

LEVELS = ("public", "internal", "restricted")
MAX_REASONS = 25


@dataclass
class TableImport:
    plan: Plan
    mapping_written: Path | None = None
    result: BulkResult | None = None


# A plan's records name only records of earlier types, so in this order each type is one
# run of records that add_records inserts in batches instead of one at a time.
TYPE_ORDER = ("source", "person", "event", "act", "involvement", "evidence")


def in_type_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    return sorted(records, key=lambda rec: order.get(str(rec.get("type")), len(order)))


def mapping_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.mapping.yaml")


def import_table(archive: Archive, actor: Actor, path: Path, *, mapping_file: Path | None,
                 level: str = "internal", dry_run: bool = True) -> TableImport:
    if level not in LEVELS:
        raise Invalid({"level": f"one of {', '.join(LEVELS)}"})
    table = read_table(path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    mapping = (read_mapping(mapping_file, table.headers) if mapping_file
               else Mapping.guessed(table.headers))
    with archive.transaction() as session:
        plan = build_plan(session, table, mapping, level, sha256)
    outcome = TableImport(plan)
    if dry_run:
        proposed = mapping_path_for(path)
        # An officer's edited mapping is never overwritten by a new proposal.
        if mapping_file is None and not proposed.exists():
            write_mapping(mapping, proposed, table.name)
            outcome.mapping_written = proposed
        return outcome
    if plan.refused:
        reasons = {f"row {r.row}": "; ".join(r.refused) for r in plan.refused[:MAX_REASONS]}
        if len(plan.refused) > MAX_REASONS:
            reasons["…"] = f"{len(plan.refused) - MAX_REASONS} more rows"
        raise Invalid(reasons, f"{path.name}: rows refused: {len(plan.refused)}; nothing was "
                               "imported (see --dry-run)")
    try:
        outcome.result = add_records(archive, actor, in_type_order(plan.records),
                                     action="import")
    except Invalid as exc:
        raise Invalid(exc.errors, f"{path.name}: nothing was imported") from None
    return outcome
