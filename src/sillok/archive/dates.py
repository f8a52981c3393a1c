"""Dates with their precision: ``2023-05-08``, ``2023-05``, ``2023-Q1``, ``2023``, ``~2019``
and ranges ``START/END``, stored as an inclusive start..end, a precision and an estimate flag."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sillok.errors import Said

_PART = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<q>[Qq][1-4])|(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?))?$"
)
_ORDER = {"day": 0, "month": 1, "quarter": 2, "year": 3}


@dataclass(frozen=True)
class FuzzyDate:
    start: date
    end: date
    precision: str  # day | month | quarter | year: the coarsest of the two ends
    estimate: bool = False
    is_range: bool = False
    text: str = ""

    def __str__(self) -> str:
        return self.text


def _part(text: str) -> tuple[date, date, str]:
    m = _PART.match(text.strip())
    if not m:
        raise ValueError(Said(
            "date.invalid",
            f"'{text}' is not a date (use 2023-05-08, 2023-05, 2023-Q1, 2023, ~2023 or A/B)",
            f"'{text}'은(는) 날짜가 아닙니다 "
            "(2023-05-08, 2023-05, 2023-Q1, 2023, ~2023, A/B 형식)"))
    year = int(m["y"])
    if not 1800 <= year <= 2200:
        raise ValueError(Said("date.year_range", f"year {year} is out of range",
                                  f"{year}년은 받을 수 있는 범위 밖입니다"))
    if m["q"]:
        q = int(m["q"][1])
        first = 3 * (q - 1) + 1
        last = first + 2
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), "quarter"
    if m["m"]:
        month = int(m["m"])
        if not 1 <= month <= 12:
            raise ValueError(Said("date.month", f"month {month} does not exist",
                                  f"{month}월은 없습니다"))
        if m["d"]:
            try:
                d = date(year, month, int(m["d"]))
            except ValueError:
                raise ValueError(Said("date.day", f"{text} is not a day of the calendar",
                                      f"{text}은(는) 달력에 없는 날입니다")) from None
            return d, d, "day"
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month"
    return date(year, 1, 1), date(year, 12, 31), "year"


def parse(text: str | date) -> FuzzyDate:
    """Parse the fuzzy date syntax; raises ValueError with a message fit for a user."""
    if isinstance(text, date):
        return FuzzyDate(text, text, "day", False, False, text.isoformat())
    raw = str(text).strip()
    estimate = raw.startswith("~")
    body = raw.lstrip("~").strip()
    if "/" in body:
        left, right = body.split("/", 1)
        s1, _e1, p1 = _part(left)
        _s2, e2, p2 = _part(right)
        if e2 < s1:
            raise ValueError(Said("date.order",
                                  f"end {right.strip()} is before start {left.strip()}",
                                  f"끝 {right.strip()}이(가) 시작 {left.strip()}보다 앞섭니다"))
        precision = p1 if _ORDER[p1] >= _ORDER[p2] else p2
        canon = f"{'~' if estimate else ''}{left.strip()}/{right.strip()}"
        return FuzzyDate(s1, e2, precision, estimate, True, _normalise(canon))
    start, end, precision = _part(body)
    return FuzzyDate(start, end, precision, estimate, False, _normalise(raw))


def _normalise(text: str) -> str:
    return re.sub(r"[qQ]([1-4])", r"Q\1", text.replace(" ", ""))


def render(
    start: date | None, end: date | None, precision: str | None, estimate: bool
) -> str | None:
    """The canonical text of a stored date, the inverse of :func:`parse`."""
    if start is None or end is None or precision is None:
        return None
    one = _render_one(start, precision)
    # A range is whatever a single value of that precision would not reproduce.
    single = _part(one)
    if (single[0], single[1]) == (start, end):
        text = one
    else:
        text = f"{_exact(start, precision, 0)}/{_exact(end, precision, 1)}"
    return ("~" if estimate else "") + text


def _exact(d: date, precision: str, side: int) -> str:
    """``d`` at the stored precision if that reproduces it exactly, else to the day."""
    text = _render_one(d, precision)
    return text if _part(text)[side] == d else d.isoformat()


def _render_one(d: date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if precision == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year:04d}"
