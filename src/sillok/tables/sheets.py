"""Reading a table file (xlsx or csv) into a header and numbered rows, as a user sees them.

Row numbers are the spreadsheet's own: the header is row 1, the first data row is row 2, so a
number in the report is the row an officer finds when they open the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.errors import SillokError

SUFFIXES = (".xlsx", ".csv")
MAX_ROWS = 50_000  # a larger list is split by the centre first; one transaction holds it all


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SillokError(f"{path}: not a spreadsheet (.xlsx or .csv)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SillokError(f"{path}: no such file") from None
    except OSError as exc:
        raise SillokError(f"{path}: cannot read ({exc.strerror})") from None
    grid = _xlsx(path, data) if suffix == ".xlsx" else _csv(path, data)
    return _table(path, grid)


def _xlsx(path: Path, data: bytes) -> list[list[Any]]:
    import openpyxl  # imported here: only an xlsx import needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SillokError(f"{path}: not a readable xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        grid: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            grid.append(list(values))
            if len(grid) > MAX_ROWS + 1:
                break
        return grid
    finally:
        book.close()


def _csv(path: Path, data: bytes) -> list[list[Any]]:
    # Excel on a Korean Windows saves CSV as CP949 unless told otherwise.
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SillokError(f"{path}: neither UTF-8 nor CP949 text")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise SillokError(f"{path}: not valid CSV ({exc})") from None


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value[:1] == "'" and value[1:2] in FORMULA:
            value = value[1:]  # written so that a spreadsheet does not run it (exchange/)
        return value or None
    return value


# What a spreadsheet would read as a formula at the start of a cell.
FORMULA = ("=", "+", "-", "@")


def _table(path: Path, grid: list[list[Any]]) -> Table:
    numbered = [(i, [_cell(v) for v in row]) for i, row in enumerate(grid, start=1)]
    numbered = [(i, row) for i, row in numbered if any(v is not None for v in row)]
    if not numbered:
        raise SillokError(f"{path}: the table is empty")
    _, head = numbered[0]
    headers = [str(h) if h is not None else "" for h in head]
    while headers and not headers[-1]:
        headers.pop()
    if "" in headers:
        raise SillokError(f"{path}: column {headers.index('') + 1} has no header")
    seen = {h for h in headers if headers.count(h) > 1}
    if seen:
        raise SillokError(f"{path}: the header repeats {', '.join(sorted(seen))}")
    if len(numbered) - 1 > MAX_ROWS:
        raise SillokError(f"{path}: more than {MAX_ROWS} rows; split the file")
    table = Table(path.name, headers)
    for number, row in numbered[1:]:
        extra = [v for v in row[len(headers):] if v is not None]
        if extra:
            raise SillokError(f"{path}: row {number} has values beyond the last header")
        table.rows.append((number, {h: row[i] if i < len(row) else None
                                    for i, h in enumerate(headers)}))
    return table
