"""Timelines of documented acts: one lane per type of violation, each act a bar spanning its
date as precisely as it is known — a day is a tick, "May 2019" the whole month, "around 2019"
the whole year drawn as an estimate, "2018/2020" the three years — laid out here and drawn as
server-side SVG (templates/_timeline.html), with a table of the same acts as its text
alternative. Nothing is queried here: callers pass the records the policy let them read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sillok.archive.dates import FuzzyDate, parse
from sillok.web import i18n
from sillok.web.labels import date_label, record_url

WIDTH = 960  # the drawing's own units; the SVG scales to the page
LABEL_WIDTH = 190  # the lane names, left of the plot
RIGHT = 16
ROW = 11  # one row of bars
GAP = 3
LANE_PAD = 8
AXIS = 28  # the year axis under the lanes
MIN_BAR = 4  # a single day is still visible and clickable
MAX_DRAWN = 400  # more than this is a statistic, not a timeline: /stats draws it
# Okabe–Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#999999")


@dataclass(frozen=True)
class Item:
    """One dated thing on a timeline: an act (or an event's own span)."""

    lane: str  # a code: the act type
    lane_label: str
    title: str
    url: str
    when: FuzzyDate
    when_text: str  # the date in the reader's language, with its precision


@dataclass
class Bar:
    item: Item
    x: float
    width: float
    y: float
    estimate: bool
    point: bool


@dataclass
class Lane:
    code: str
    label: str
    colour: str
    y: float
    height: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    lanes: list[Lane]
    ticks: list[tuple[float, str]]
    width: int
    height: int
    first_year: int
    last_year: int
    items: list[Item]  # in date order: the table that says what the drawing shows
    undated: list[dict[str, Any]]  # records without a date: listed, not drawn
    total: int  # records the reader may see, drawn or not

    @property
    def truncated(self) -> bool:
        return len(self.items) + len(self.undated) < self.total

    @property
    def summary(self) -> str:
        """One sentence for the drawing's description (screen readers read it first)."""
        n, years = len(self.items), f"{self.first_year}–{self.last_year}"
        if i18n.current.get() == "ko":
            return (f"{years}년, 기록 {n}건, 유형 {len(self.lanes)}가지. "
                    f"아래 표에 같은 내용이 있습니다.")
        kinds = "type" if len(self.lanes) == 1 else "types"
        return (f"{n} dated records of {len(self.lanes)} {kinds}, {years}; the table below "
                f"lists the same records.")


def act_items(acts: list[dict[str, Any]], type_label: Any
              ) -> tuple[list[Item], list[dict[str, Any]]]:
    """Acts as shown by the archive (their ``fields``) → timeline items, and those undated.
    ``type_label`` names an act type in the reader's language."""
    items, undated = [], []
    for act in acts:
        fields = act.get("fields") or {}
        when = _parse(fields.get("date"))
        if when is None:
            undated.append(act)
            continue
        code = str(fields.get("act_type") or "")
        label = type_label(code, "act_type")
        items.append(Item(code, label, f"{label} · {date_label(fields['date'])}",
                          record_url(act), when, date_label(fields["date"])))
    return items, undated


def span_item(lane: str, lane_label: str, title: str, url: str, text: Any) -> Item | None:
    """A record's own span (an event's date) as an item of a lane of its own."""
    when = _parse(text)
    if when is None:
        return None
    return Item(lane, lane_label, title, url, when, date_label(text))


def acts_timeline(acts: list[dict[str, Any]], total: int, type_label: Any,
                  years: tuple[int | None, int | None] = (None, None)) -> Timeline | None:
    """The timeline of acts shown to a reader (a person's, a facility's, the whole site's)."""
    items, undated = act_items(acts, type_label)
    return layout(items, undated, total, years)


def event_timeline(event: dict[str, Any], acts: list[dict[str, Any]], type_label: Any
                   ) -> Timeline | None:
    """An event's own span in a lane of its own, then its acts by type."""
    items, undated = act_items(acts, type_label)
    own = span_item("_event", i18n.gettext("The event"), str(event.get("label") or ""),
                    record_url(event), (event.get("fields") or {}).get("date"))
    return layout(([own] if own else []) + items, undated, len(acts))


def _parse(text: Any) -> FuzzyDate | None:
    if not text:
        return None
    try:
        return parse(str(text))
    except ValueError:
        return None


def layout(items: list[Item], undated: list[dict[str, Any]] | None = None,
           total: int | None = None, years: tuple[int | None, int | None] = (None, None)
           ) -> Timeline | None:
    """Lanes in order of first appearance, bars packed into rows so that none overlaps
    another; the axis spans the years of the items (or the years asked for)."""
    if not items:
        return None
    items = sorted(items, key=lambda i: (i.when.start, i.when.end, i.title))[:MAX_DRAWN]
    first = years[0] or min(i.when.start.year for i in items)
    last = years[1] or max(i.when.end.year for i in items)
    last = max(last, first)
    t0, t1 = date(first, 1, 1), date(last + 1, 1, 1)
    plot = WIDTH - LABEL_WIDTH - RIGHT
    span = (t1 - t0).days

    def x(d: date) -> float:
        days = min(max((d - t0).days, 0), span)
        return LABEL_WIDTH + plot * days / span

    lanes: dict[str, Lane] = {}
    rows: dict[str, list[date]] = {}  # per lane, where each row's last bar ends
    for item in items:
        lane = lanes.get(item.lane)
        if lane is None:
            lane = lanes[item.lane] = Lane(item.lane, item.lane_label,
                                           PALETTE[len(lanes) % len(PALETTE)], 0, 0)
            rows[item.lane] = []
        ends = rows[item.lane]
        row = next((r for r, end in enumerate(ends) if end < item.when.start), len(ends))
        if row == len(ends):
            ends.append(item.when.end)
        else:
            ends[row] = item.when.end
        left, right = x(item.when.start), x(item.when.end + timedelta(days=1))
        width = max(right - left, MIN_BAR)
        lane.bars.append(Bar(item, round(min(left, WIDTH - RIGHT - width), 1), round(width, 1),
                             row, item.when.estimate, item.when.precision == "day"
                             and not item.when.is_range))
    y = float(LANE_PAD)
    for code, lane in lanes.items():
        count = max(len(rows[code]), 1)
        lane.y, lane.height = y, count * (ROW + GAP) + LANE_PAD
        for bar in lane.bars:
            bar.y = y + LANE_PAD / 2 + bar.y * (ROW + GAP)
        y += lane.height
    step = 1 if last - first < 15 else 5 if last - first < 60 else 10
    ticks = [(round(x(date(year, 1, 1)), 1), str(year))
             for year in range(first, last + 1) if (year - first) % step == 0]
    shown = len(items) + len(undated or [])
    return Timeline(list(lanes.values()), ticks, WIDTH, int(y + AXIS), first, last, items,
                    list(undated or []), max(total or 0, shown))
