"""Importing statistical series from CSV, all or nothing.

Columns: ``series`` (code), ``period`` (2023, 2023-Q1, 2023-05), ``value``; optional
``breakdown`` (e.g. sex=female) or ``sex``, ``source``, ``provisional``, ``derived``. A new series
needs a title (``--title-en``/``--title-ko``); rows for an existing series add to or replace its
observations with the same period and breakdown.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sillok.archive.kinds import KINDS
from sillok.archive.periods import period_range
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid, SillokError
from sillok.security.policy import Actor

TRUE = {"1", "true", "yes", "y", "t"}


def read_rows(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SillokError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SillokError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"series", "period", "value"} - set(reader.fieldnames or [])
    if missing:
        raise SillokError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def import_csv(archive: Archive, actor: Actor, path: Path, titles: dict[str, str],
               unit: str = "persons", source: str | None = None) -> dict[str, int]:
    rows = read_rows(path)
    grouped: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    for i, row in enumerate(rows, start=2):
        try:
            value = float(row["value"].replace(",", ""))
            period = period_range(row["period"])[2]
        except ValueError as exc:
            field = "value" if "period" not in str(exc) else "period"
            errors[f"line {i}.{field}"] = (f"'{row['value']}' is not a number"
                                           if field == "value" else str(exc))
            continue
        breakdown = row.get("breakdown") or (f"sex={row['sex']}" if row.get("sex") else "")
        grouped.setdefault(row["series"], []).append({
            "period": period, "breakdown": breakdown, "value": value,
            "source": row.get("source") or source,
            "provisional": row.get("provisional", "").lower() in TRUE,
            "derived": row.get("derived", "").lower() in TRUE,
        })
    if errors:
        raise Invalid(errors, f"{path}: nothing was imported")
    counts: dict[str, int] = {}
    with archive.transaction() as session:
        for code, observations in grouped.items():
            series = session.execute(
                select(m.Series).where(m.Series.code == code)
            ).scalar_one_or_none()
            try:
                if series is None:
                    if not titles.get("en") or not titles.get("ko"):
                        raise Invalid({"title": f"series '{code}' is new: give --title-en and "
                                                f"--title-ko"})
                    archive.create(actor, "series", {
                        "code": code, "title_en": titles["en"], "title_ko": titles["ko"],
                        "unit": unit, "source": source, "level": "public",
                        "observations": observations}, session=session)
                else:
                    current = KINDS["series"].to_input(series, session)["observations"]
                    merged = {(o["period"], o["breakdown"]): o for o in current}
                    merged.update({(o["period"], o["breakdown"]): o for o in observations})
                    archive.update(actor, "series", series.id,
                                   {"observations": list(merged.values())}, session=session)
            except Invalid as exc:
                raise Invalid(exc.errors, f"{path}: series '{code}': nothing was imported"
                              ) from None
            counts[code] = len(observations)
    return counts
