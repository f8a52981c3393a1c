"""Public statistics and open data: charts drawn by the vendored vega-embed, tables and
CSV/JSON downloads with their sources — all computed as the anonymous public sees them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import NotFound
from sillok.security.policy import Actor
from sillok.stats.arrivals import arrivals, sentence
from sillok.stats.charts import Lang, acts_spec, arrivals_spec
from sillok.stats.counts import count_acts, term_labels

PUBLIC = Actor.anonymous()


def pick_lang(request: Request) -> Lang:
    asked = request.query_params.get("lang")
    if asked in ("ko", "en"):
        return "ko" if asked == "ko" else "en"
    accept = request.headers.get("accept-language", "")
    return "ko" if accept.lower().startswith("ko") else "en"


def open_tables(archive: Archive) -> dict[str, tuple[list[str], list[dict[str, Any]], str]]:
    """Each public table: columns, rows and the note on its sources."""
    tables: dict[str, tuple[list[str], list[dict[str, Any]], str]] = {}
    for by in ("year", "quarter"):
        rows = [r.as_dict() for r in arrivals(archive, PUBLIC, by)]
        tables[f"arrivals-{by}"] = (
            ["period", "total", "male", "female", "provisional", "derived", "change_previous",
             "change_year_before", "change_baseline", "baseline_period", "source"],
            rows, "Ministry of Unification figures: see the source column of each row")
    counts = count_acts(archive, PUBLIC, ["type", "year"], min_cell=archive.settings.min_cell)
    tables["acts-type-year"] = (
        ["type", "year", "acts", "victims", "events", "suppressed"], counts.rows,
        f"Sillok records visible to the public; cells with fewer than "
        f"{counts.suppressed_below} victims suppressed")
    return tables


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/stats", response_class=HTMLResponse)
    def stats_page(request: Request) -> HTMLResponse:
        lang = pick_lang(request)
        yearly = arrivals(archive, PUBLIC, "year")
        quarterly = arrivals(archive, PUBLIC, "quarter")
        k = archive.settings.min_cell
        counts = count_acts(archive, PUBLIC, ["type"], min_cell=k)
        labels = term_labels(archive, lang)
        specs = {
            "chart-year": arrivals_spec(yearly, lang),
            "chart-quarter": arrivals_spec(quarterly, lang),
            "chart-acts": acts_spec(counts, lang, labels),
            "chart-acts-year": acts_spec(count_acts(archive, PUBLIC, ["year"], min_cell=k),
                                         lang, labels, by_value=False),
            "chart-acts-province": acts_spec(
                count_acts(archive, PUBLIC, ["province"], min_cell=k), lang, labels),
        }
        latest_q1 = next((q for q in reversed(quarterly) if q.period.endswith("Q1")), None)
        return templates.TemplateResponse(request, "stats.html", {
            "lang": lang, "yearly": yearly, "quarterly": quarterly,
            "headline": sentence(quarterly[-1], lang) if quarterly else "",
            "q1": sentence(latest_q1, lang) if latest_q1 else "",
            "specs": json.dumps(specs, ensure_ascii=False).replace("</", "<\\/"),
            "suppressed": counts.suppressed_below,
            "all_suppressed": bool(counts.rows) and all(x.get("suppressed") for x in counts.rows),
        })

    @r.get("/data", response_class=HTMLResponse)
    def data_page(request: Request) -> HTMLResponse:
        tables = open_tables(archive)
        return templates.TemplateResponse(request, "data.html", {
            "lang": pick_lang(request),
            "tables": [(name, note, len(rows)) for name, (_c, rows, note) in tables.items()],
        })

    @r.get("/data/{name}.{ext}")
    def download(name: str, ext: str) -> Response:
        tables = open_tables(archive)
        if name not in tables or ext not in ("csv", "json"):
            raise NotFound(f"no open data file {name}.{ext}")
        columns, rows, note = tables[name]
        if ext == "json":
            body = json.dumps({"table": name, "sources": note, "rows": rows},
                              ensure_ascii=False, indent=1, default=str)
            return Response(body, media_type="application/json; charset=utf-8")
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})

    return r
