"""Statistical periods: ``2023`` (year), ``2023-H1`` (half), ``2023-Q1`` (quarter), ``2023-05``."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PERIOD = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<h>[Hh][12])|(?P<q>[Qq][1-4])|(?P<m>\d{1,2})))?$")


def period_range(text: str) -> tuple[date, date, str]:
    """First day, last day and canonical text of a period; ValueError if it is not one."""
    m = _PERIOD.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a period (use 2023, 2023-H1, 2023-Q1 or 2023-05)")
    year = int(m["y"])
    if m["h"]:
        half = int(m["h"][1])
        first, last = (1, 6) if half == 1 else (7, 12)
        label = f"{year}-H{half}"
    elif m["q"]:
        q = int(m["q"][1])
        first, last, label = 3 * q - 2, 3 * q, f"{year}-Q{q}"
    elif m["m"]:
        first = last = int(m["m"])
        if not 1 <= first <= 12:
            raise ValueError(f"month {first} does not exist")
        label = f"{year}-{first:02d}"
    else:
        first, last, label = 1, 12, f"{year}"
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), label
