"""Defector arrivals from the shipped Ministry of Unification series: totals by year or quarter,
by sex, changes on the previous period, on the year before and on a pre-COVID baseline, and the
same facts as a sentence in Korean and in English.

A figure derived by subtraction is carried with ``derived=True`` and every rendering marks it:
it is never shown as if it had been reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor, visible_filter

# Monthly figures are not shipped (none are published in our sources); an archive that imports
# a series with this code (sillok series import) gets --by month as well.
SERIES = {"year": "mou-arrivals-year", "quarter": "mou-arrivals-quarter",
          "month": "mou-arrivals-month"}
Lang = Literal["en", "ko"]


@dataclass
class ArrivalRow:
    period: str
    total: int | None
    male: int | None
    female: int | None
    provisional: bool
    derived: bool
    source: str
    change_previous: float | None = None  # percent
    change_year_before: float | None = None
    change_baseline: float | None = None
    baseline_period: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pct(now: int | None, then: int | None) -> float | None:
    if now is None or not then:
        return None
    return round(100.0 * (now - then) / then, 1)


def _same_period(period: str, year: int) -> str:
    return f"{year}{period[4:]}"


def arrivals(archive: Archive, actor: Actor, by: str = "year",
             baseline_year: int = 2019) -> list[ArrivalRow]:
    if by not in SERIES:
        raise Invalid({"by": f"'{by}' is not one of: {', '.join(SERIES)}"})
    with archive.transaction() as session:
        series = session.execute(
            select(m.Series).where(m.Series.code == SERIES[by],
                                   visible_filter(m.Series, actor),
                                   m.Series.retracted_at.is_(None))
        ).scalar_one_or_none()
        if series is None:
            hint = ("import one with 'sillok series import'" if by == "month"
                    else "run 'sillok init' to load the shipped series")
            raise NotFound(f"no series {SERIES[by]}: {hint}")
        cells: dict[str, dict[str, m.Observation]] = {}
        for o in series.observations:
            cells.setdefault(o.period, {})[o.breakdown] = o
    rows: list[ArrivalRow] = []
    for period in sorted(cells, key=lambda p: cells[p][next(iter(cells[p]))].period_start):
        by_breakdown = cells[period]
        total = by_breakdown.get("")
        male, female = by_breakdown.get("sex=male"), by_breakdown.get("sex=female")
        first = total or male or female
        assert first is not None
        rows.append(ArrivalRow(
            period=period,
            total=int(total.value) if total else None,
            male=int(male.value) if male else None,
            female=int(female.value) if female else None,
            provisional=any(o.provisional for o in by_breakdown.values()),
            derived=any(o.derived for o in by_breakdown.values()),
            source=(first.source_note or series.source_note or ""),
        ))
    index = {r.period: r for r in rows}
    for i, row in enumerate(rows):
        if i > 0:
            row.change_previous = _pct(row.total, rows[i - 1].total)
        year = int(row.period[:4])
        before = index.get(_same_period(row.period, year - 1))
        row.change_year_before = _pct(row.total, before.total if before else None)
        base = index.get(_same_period(row.period, baseline_year))
        if base is not None and base is not row:
            row.change_baseline = _pct(row.total, base.total)
            row.baseline_period = base.period
    return rows


_Q_EN = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def period_label(period: str, lang: Lang, long: bool = False) -> str:
    if "-Q" in period:
        year, q = period.split("-Q")
        if lang == "ko":
            return f"{year}년 {q}분기"
        return f"the {_Q_EN[q]} quarter of {year}" if long else f"Q{q} {year}"
    if len(period) == 7:  # 2023-05
        year, month = period.split("-")
        return f"{year}년 {int(month)}월" if lang == "ko" else f"{_MONTHS[int(month) - 1]} {year}"
    return f"{period}년" if lang == "ko" else period


def sentence(row: ArrivalRow, lang: Lang) -> str:
    """One sentence stating the figure, its sex split and the change on the baseline."""
    n = f"{row.total:,}" if row.total is not None else "?"
    if lang == "ko":
        parts = [f"{period_label(row.period, 'ko')}: 입국 {n}명"]
        if row.male is not None and row.female is not None:
            parts[0] += f"(남성 {row.male:,}명, 여성 {row.female:,}명)"
        if row.derived:
            parts.append("이 수치는 발표된 값이 아니라 차감으로 계산한 값임")
        if row.change_baseline is not None and row.baseline_period:
            word = "적음" if row.change_baseline < 0 else "많음"
            parts.append(f"{period_label(row.baseline_period, 'ko')}보다 "
                         f"{abs(row.change_baseline):.0f}% {word}")
        text = ", ".join(parts) + "."
        return text + (" (잠정치)" if row.provisional else "")
    parts = [f"{period_label(row.period, 'en')}: {n} arrivals"]
    if row.male is not None and row.female is not None:
        parts.append(f"{row.male:,} {'man' if row.male == 1 else 'men'} and "
                     f"{row.female:,} {'woman' if row.female == 1 else 'women'}")
    if row.derived:
        parts.append("a figure derived by subtraction, not reported")
    if row.change_baseline is not None and row.baseline_period:
        word = "below" if row.change_baseline < 0 else "above"
        parts.append(f"{abs(row.change_baseline):.0f} % {word} "
                     f"{period_label(row.baseline_period, 'en', long=True)}")
    text = ", ".join(parts) + "."
    return text + (" (provisional)" if row.provisional else "")
