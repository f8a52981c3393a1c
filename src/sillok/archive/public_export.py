"""Open data: what the public may see, redacted, as JSON, CSV and one SQLite file for datasette.

Everything is read as the anonymous actor through the archive services, so the policy decides
what goes out; every text field then passes the name masker (archive/redact.py), and the
statistics tables carry the same disclosure control as the public statistics page. Files are
written into a fresh folder beside the target and renamed into place at the end, so a failed
export never leaves half a folder.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sillok.archive.redact import Masker, masker_for
from sillok.archive.service import Archive
from sillok.errors import Conflict
from sillok.security.policy import Actor
from sillok.stats.arrivals import arrivals
from sillok.stats.counts import count_acts

TYPES = ("source", "event", "act", "person", "place", "term", "evidence", "involvement")
PAGE = 500
NOTE = ("Sillok public export: only records published as public, with every known name of a "
        "protected person masked; statistics cells below {k} are suppressed.")


def export_public(archive: Archive, out: Path) -> dict[str, int]:
    if out.exists() and any(out.iterdir()):
        raise Conflict(f"{out} is not empty: choose a new folder")
    anonymous = Actor.anonymous()
    with archive.sessions() as session:
        masker = masker_for(session, archive.settings.data_dir)
    tmp = out.with_name(f".{out.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    counts: dict[str, int] = {}
    try:
        db = sqlite3.connect(tmp / "sillok-public.sqlite")
        for type_name in TYPES:
            rows = [_row(item, masker) for item in _all(archive, anonymous, type_name)]
            counts[type_name] = len(rows)
            _write(tmp, db, f"{type_name}s", rows)
        k = archive.settings.min_cell
        for by in ("year", "quarter"):
            rows = [r.as_dict() for r in arrivals(archive, anonymous, by)]
            _write(tmp, db, f"arrivals_by_{by}", rows)
        for dims in (["type"], ["year"], ["province"], ["type", "year"]):
            table = count_acts(archive, anonymous, dims, min_cell=k)
            _write(tmp, db, "acts_by_" + "_".join(dims), [dict(r) for r in table.rows])
        db.execute("CREATE TABLE about (note TEXT)")
        db.execute("INSERT INTO about VALUES (?)", (NOTE.format(k=k),))
        db.commit()
        db.close()
        (tmp / "README.txt").write_text(NOTE.format(k=k) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts


def _all(archive: Archive, actor: Actor, type_name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = archive.list_records(actor, type_name, limit=PAGE, offset=len(items))
        items.extend(page.items)
        if len(items) >= page.total or not page.items:
            return items


def _row(item: dict[str, Any], masker: Masker) -> dict[str, Any]:
    # Views read as the anonymous actor are masked already; masking again is harmless and
    # keeps this file safe on its own.
    row: dict[str, Any] = {"id": item["id"], "label": masker.mask(str(item["label"]))}
    for key, value in item["fields"].items():
        if key == "level":
            continue
        if isinstance(value, str):
            row[key] = masker.mask(value)
        elif isinstance(value, dict | list):
            row[key] = masker.mask(json.dumps(value, ensure_ascii=False, default=str))
        else:
            row[key] = value
    return row


def _write(folder: Path, db: sqlite3.Connection, name: str, rows: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    (folder / f"{name}.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns or ["id"])
        writer.writeheader()
        writer.writerows(rows)
    if not columns:
        return
    quoted = ", ".join(f'"{c}"' for c in columns)  # column names are our own field names
    db.execute(f'CREATE TABLE "{name}" ({quoted})')
    marks = ", ".join("?" for _ in columns)
    db.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})',  # noqa: S608
                   [[_cell(row.get(c)) for c in columns] for row in rows])


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
