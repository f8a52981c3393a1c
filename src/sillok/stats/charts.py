"""Vega-Lite specifications for Sillok's charts, and their rendering to PNG/SVG.

The same specification is drawn in the browser by vega-embed (vendored under web/static) and
rendered on the command line by vl-convert, so a chart in a report matches the one online.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sillok.errors import SillokError
from sillok.stats.arrivals import ArrivalRow, period_label
from sillok.stats.counts import CountTable
from sillok.stats.disclosure import MARK, order_key

Lang = Literal["en", "ko"]
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "Noto Sans CJK KR, Noto Sans KR, Apple SD Gothic Neo, Malgun Gothic, sans-serif"
COVID_YEARS = (2020, 2021, 2022)

TEXT = {
    "arrivals_title": {"en": "North Korean defectors arriving in South Korea",
                       "ko": "북한이탈주민 입국 인원"},
    "arrivals_subtitle": {
        "en": "Ministry of Unification figures; COVID-19 border closure 2020–2022 in red; "
              "pale bars are derived by subtraction, not reported",
        "ko": "통일부 자료; 코로나19 국경 봉쇄기(2020–2022)는 붉은색, "
              "옅은 막대는 발표치가 아닌 차감 계산값",
    },
    "period": {"en": "Period", "ko": "기간"},
    "arrivals": {"en": "Arrivals", "ko": "입국 인원"},
    "era": {"en": "Era", "ko": "시기"},
    "covid": {"en": "COVID-19 border closure", "ko": "코로나19 봉쇄기"},
    "other": {"en": "Other years", "ko": "그 밖의 해"},
    "acts_title": {"en": "Documented violations", "ko": "기록된 인권침해"},
    "acts": {"en": "Acts", "ko": "행위 수"},
    "hidden_note": {
        "en": "{mark}: hidden — fewer than {k} victims, or hidden so that such a cell cannot be "
              "worked out from the totals",
        "ko": "{mark}: 비공개 — 피해자 {k}명 미만이거나, 그런 항목을 합계에서 계산해 낼 수 없도록 "
              "함께 가린 항목",
    },
}


def _t(key: str, lang: Lang) -> str:
    return TEXT[key][lang]


def arrivals_spec(rows: list[ArrivalRow], lang: Lang = "en") -> dict[str, Any]:
    values = [{
        "period": period_label(r.period, lang) if "-Q" in r.period else r.period,
        "order": i,
        "arrivals": r.total,
        "era": _t("covid" if int(r.period[:4]) in COVID_YEARS else "other", lang),
        "derived": r.derived,
        "provisional": r.provisional,
        "source": r.source,
    } for i, r in enumerate(rows) if r.total is not None]
    return {
        "$schema": SCHEMA,
        "title": {"text": _t("arrivals_title", lang), "subtitle": _t("arrivals_subtitle", lang)},
        "description": _t("arrivals_title", lang),
        "width": max(480, 22 * len(values)),
        "height": 280,
        # Marks are not announced one by one: the chart is described, and the same numbers are
        # in the table beside it, which is what a screen reader should read.
        "config": {"font": FONT, "aria": False},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True, "aria": False},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": {"field": "order"},
                  "title": _t("period", lang)},
            "y": {"field": "arrivals", "type": "quantitative", "title": _t("arrivals", lang)},
            "color": {"field": "era", "type": "nominal", "title": _t("era", lang),
                      "scale": {"domain": [_t("other", lang), _t("covid", lang)],
                                "range": ["#3b6ea8", "#c8553d"]}},
            "opacity": {"condition": {"test": "datum.derived", "value": 0.45}, "value": 1},
            "tooltip": [{"field": "period"}, {"field": "arrivals", "format": ","},
                        {"field": "provisional"}, {"field": "derived"}, {"field": "source"}],
        },
    }


def acts_spec(table: CountTable, lang: Lang = "en", labels: dict[str, str] | None = None,
              by_value: bool = True) -> dict[str, Any]:
    """A bar chart of the first dimension, stacked by the second if there is one; bars in
    order of size, or of the dimension itself (years) with ``by_value=False``.

    A hidden cell (disclosure control) is no bar: in a one-dimension chart its category
    keeps its place with the mark x written at the axis, so that it never reads as 0."""
    labels = labels or {}
    first = table.by[0]
    ordered = sorted(table.rows, key=lambda r: order_key(tuple(r[d] for d in table.by)))
    if by_value:
        ordered.sort(key=lambda r: -(r["acts"] or 0) if not r.get("suppressed") else 1)
    values = []
    for i, row in enumerate(ordered):
        item: dict[str, Any] = {d: labels.get(str(row[d]), row[d]) if row[d] is not None
                                else "?" for d in table.by}
        item.update(order=i, acts=row["acts"], suppressed=bool(row.get("suppressed")))
        values.append(item)
    y = {"field": first, "type": "nominal", "sort": {"field": "order"}, "title": None}
    encoding: dict[str, Any] = {
        "y": y,
        "x": {"field": "acts", "type": "quantitative", "title": _t("acts", lang),
              "axis": {"tickMinStep": 1, "format": "d"}},
        "tooltip": [{"field": d} for d in table.by] + [{"field": "acts"}],
    }
    if len(table.by) > 1:
        encoding["color"] = {"field": table.by[1], "type": "nominal"}
    bars: dict[str, Any] = {"mark": {"type": "bar", "tooltip": True, "aria": False},
                            "transform": [{"filter": "!datum.suppressed"}],
                            "encoding": encoding}
    layers = [bars]
    hidden = any(v["suppressed"] for v in values)
    if hidden and len(table.by) == 1:
        layers.append({
            "mark": {"type": "text", "align": "left", "dx": 4, "aria": False},
            "transform": [{"filter": "datum.suppressed"}],
            "encoding": {"y": y, "x": {"datum": 0, "type": "quantitative"},
                         "text": {"value": MARK}},
        })
    title: dict[str, Any] = {"text": _t("acts_title", lang)}
    if hidden:
        title["subtitle"] = _t("hidden_note", lang).format(mark=MARK,
                                                           k=table.suppressed_below)
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": _t("acts_title", lang),
        "width": 480,
        "config": {"font": FONT, "aria": False},
        "data": {"values": values},
        "layer": layers,
    }


def render(spec: dict[str, Any], fmt: str) -> bytes:
    """The chart as PNG or SVG bytes (vl-convert, no browser needed)."""
    import vl_convert as vlc

    text = json.dumps(spec, ensure_ascii=False)
    try:
        if fmt == "png":
            data: bytes = vlc.vegalite_to_png(text, scale=2)
            return data
        if fmt == "svg":
            return str(vlc.vegalite_to_svg(text)).encode("utf-8")
    except Exception as exc:  # vl-convert raises plain exceptions for bad specs
        raise SillokError(f"cannot draw the chart: {str(exc).splitlines()[0]}") from None
    raise SillokError(f"unknown chart format '{fmt}' (png or svg)")
