"""Public statistics and open data: charts drawn by the vendored vega-embed, tables and
CSV/JSON downloads with their sources — all computed as the anonymous public sees them, so
every count goes through disclosure control (stats/disclosure.py).

Counts of violations take the search bar's filters in ``?filter=`` (``place:ryanggang
from:2015``), on the page and on every download alike.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor
from sillok.stats.arrivals import arrivals, sentence
from sillok.stats.charts import Lang, acts_spec, arrivals_spec
from sillok.stats.counts import CountTable, count_acts, counts_csv_columns, term_labels
from sillok.stats.disclosure import MARK, MEASURES, NOT_ADDED
from sillok.stats.filters import KEYS

PUBLIC = Actor.anonymous()
MAX_FILTER = 500  # characters; the search parser looks at no more than 1,000 either
# Tables of counts on /data: name → dimensions. One-way tables are the margins of the
# two-way one, with the same cells hidden (disclosure.py settles margins first).
COUNT_TABLES = {"acts-type": ["type"], "acts-year": ["year"], "acts-province": ["province"],
                "acts-type-year": ["type", "year"]}
ARRIVAL_COLUMNS = ["period", "total", "male", "female", "provisional", "derived",
                   "change_previous", "change_year_before", "change_baseline",
                   "baseline_period", "source"]


@dataclass
class OpenTable:
    columns: list[str]
    rows: list[dict[str, Any]]
    note: str
    counts: CountTable | None = None


def pick_lang(request: Request) -> Lang:
    asked = request.query_params.get("lang")
    if asked in ("ko", "en"):
        return "ko" if asked == "ko" else "en"
    accept = request.headers.get("accept-language", "")
    return "ko" if accept.lower().startswith("ko") else "en"


def asked_filter(request: Request) -> str:
    return (request.query_params.get("filter") or "").strip()[:MAX_FILTER]


def _counts_note(table: CountTable) -> str:
    note = (f"Sillok records visible to the public, cut from one protected table (act type x "
            f"year x province); cells with fewer than {table.suppressed_below} victims are "
            f"suppressed, and so are the cells and totals that would reveal them by subtraction "
            f"(null with suppressed=true, never 0)")
    if any(r.get("summed") for r in [*table.rows, *table.margins]):
        note += ("; rows with summed=true add up the acts of several published cells, and "
                 "victims and events, each counted once, are not added up there (null)")
    return note + (f"; filter: {table.filter_text}" if table.filters else "")


def open_table(archive: Archive, name: str, flt: str = "") -> OpenTable:
    """One public table: columns, rows, the note on its sources and, for counts, the table.
    ``flt`` (search-language filters) narrows the counts, not the official series."""
    if name.startswith("arrivals-") and name[9:] in ("year", "quarter"):
        rows = [r.as_dict() for r in arrivals(archive, PUBLIC, name[9:])]
        return OpenTable(ARRIVAL_COLUMNS, rows,
                         "Ministry of Unification figures: see the source column of each row")
    if name not in COUNT_TABLES:
        raise NotFound(f"no open data table {name}")
    counts = count_acts(archive, PUBLIC, COUNT_TABLES[name], flt or None,
                        min_cell=archive.settings.min_cell)
    return OpenTable(counts_csv_columns(counts), [*counts.rows, *counts.margins],
                     _counts_note(counts), counts)


def open_tables(archive: Archive, flt: str = "") -> dict[str, OpenTable]:
    return {name: open_table(archive, name, flt)
            for name in ("arrivals-year", "arrivals-quarter", *COUNT_TABLES)}


def _html_table(table: CountTable, labels: dict[str, str], lang: Lang) -> dict[str, Any]:
    """A one-way table for the page: label, the three counts (or the mark), then the total."""
    def cells(row: dict[str, Any]) -> list[str]:
        return [MARK if row.get("suppressed") else NOT_ADDED if row[h] is None
                else f"{row[h]:,}" for h in MEASURES]

    dim = table.by[0]
    body = [{"label": labels.get(str(r[dim]), str(r[dim])) if r[dim] is not None
             else ("미상" if lang == "ko" else "unknown"), "cells": cells(r)}
            for r in table.rows]
    total = cells(table.margins[0]) if table.margins else None  # one way: the grand total
    return {"dim": dim, "rows": body, "total": total,
            "hidden": any(r.get("suppressed") for r in table.rows),
            "summed": any(r.get("summed") for r in [*table.rows, *table.margins])}


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/stats", response_class=HTMLResponse)
    def stats_page(request: Request) -> HTMLResponse:
        lang = pick_lang(request)
        flt = asked_filter(request)
        yearly = arrivals(archive, PUBLIC, "year")
        quarterly = arrivals(archive, PUBLIC, "quarter")
        k = archive.settings.min_cell
        labels = term_labels(archive, lang)
        specs: dict[str, Any] = {
            "chart-year": arrivals_spec(yearly, lang),
            "chart-quarter": arrivals_spec(quarterly, lang),
        }
        tables: dict[str, dict[str, Any]] = {}
        error = ""
        counts: CountTable | None = None
        try:
            counts = count_acts(archive, PUBLIC, ["type"], flt or None, min_cell=k)
            by_year = count_acts(archive, PUBLIC, ["year"], flt or None, min_cell=k)
            by_province = count_acts(archive, PUBLIC, ["province"], flt or None, min_cell=k)
        except Invalid as exc:
            # A filter that names nothing is the reader's typo: say so on the page.
            error = "; ".join(exc.errors.values())
        else:
            specs["chart-acts"] = acts_spec(counts, lang, labels)
            specs["chart-acts-year"] = acts_spec(by_year, lang, labels, by_value=False)
            specs["chart-acts-province"] = acts_spec(by_province, lang, labels)
            tables = {"type": _html_table(counts, labels, lang),
                      "year": _html_table(by_year, labels, lang),
                      "province": _html_table(by_province, labels, lang)}
        latest_q1 = next((q for q in reversed(quarterly) if q.period.endswith("Q1")), None)
        page = templates.TemplateResponse(request, "stats.html", {
            "lang": lang, "yearly": yearly, "quarterly": quarterly,
            "headline": sentence(quarterly[-1], lang) if quarterly else "",
            "q1": sentence(latest_q1, lang) if latest_q1 else "",
            "specs": json.dumps(specs, ensure_ascii=False).replace("</", "<\\/"),
            "suppressed": k, "mark": MARK, "not_added": NOT_ADDED, "tables": tables,
            "summed": any(t["summed"] for t in tables.values()),
            "filter": flt, "filter_error": error, "filter_keys": KEYS,
            "filter_query": ("?" + urlencode({"filter": flt})) if flt and not error else "",
            "all_suppressed": counts is not None and bool(counts.rows)
                              and all(x.get("suppressed") for x in counts.rows),
        })
        return page

    @r.get("/data", response_class=HTMLResponse)
    def data_page(request: Request) -> HTMLResponse:
        flt = asked_filter(request)
        error = ""
        try:
            tables = open_tables(archive, flt)
        except Invalid as exc:
            error = "; ".join(exc.errors.values())
            tables = open_tables(archive)
            flt = ""
        return templates.TemplateResponse(request, "data.html", {
            "lang": pick_lang(request), "filter": flt, "filter_error": error,
            "query": ("?" + urlencode({"filter": flt})) if flt else "",
            "tables": [(name, t.note, len(t.rows), t.counts is not None)
                       for name, t in tables.items()],
        })

    @r.get("/data/{name}.{ext}")
    def download(request: Request, name: str, ext: str) -> Response:
        if ext not in ("csv", "json"):
            raise NotFound(f"no open data file {name}.{ext}")
        try:
            table = open_table(archive, name, asked_filter(request))
        except NotFound:
            raise NotFound(f"no open data file {name}.{ext}") from None
        if ext == "json":
            doc: dict[str, Any] = {"table": name, "sources": table.note}
            if table.counts is not None:
                doc.update(table.counts.as_dict())
            else:
                doc["rows"] = table.rows
            body = json.dumps(doc, ensure_ascii=False, indent=1, default=str)
            return Response(body, media_type="application/json; charset=utf-8")
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=table.columns, extrasaction="ignore")
        writer.writeheader()
        for row in table.rows:
            writer.writerow({**row, "total_over": " ".join(row.get("total_over", []))})
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})

    return r
