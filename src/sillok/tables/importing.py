"""``sillok import TABLE``: a dry run that reports (and proposes a column mapping), and a real
run that creates everything in one transaction through the archive service (so the policy,
the audit chain and the search index apply) or nothing at all (tables/dry_run.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sillok.archive.service import Archive
from sillok.security.policy import Actor
from sillok.tables.columns import Mapping, read_mapping, write_mapping
from sillok.tables.dry_run import LEVELS, Outcome, check_level, finish
from sillok.tables.plan import Plan, build_plan
from sillok.tables.sheets import read_table

__all__ = ["LEVELS", "TableImport", "import_table", "mapping_path_for"]

TableImport = Outcome[Plan]


def mapping_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.mapping.yaml")


def import_table(archive: Archive, actor: Actor, path: Path, *, mapping_file: Path | None,
                 level: str = "internal", dry_run: bool = True) -> TableImport:
    check_level(level)
    table = read_table(path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    mapping = (read_mapping(mapping_file, table.headers) if mapping_file
               else Mapping.guessed(table.headers))
    with archive.transaction() as session:
        plan = build_plan(session, table, mapping, level, sha256)
    return finish(archive, actor, Outcome(plan), name=path.name, dry_run=dry_run,
                  mapping_file=mapping_file, proposed=mapping_path_for(path),
                  write_mapping=lambda p: write_mapping(mapping, p, table.name))
