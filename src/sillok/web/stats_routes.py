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
from sillok.errors import Invalid, NotFound, Said, in_language
from sillok.estimate.published import published
from sillok.security.policy import Actor
from sillok.stats.arrivals import arrivals, sentence
from sillok.stats.charts import Lang, acts_spec, arrivals_spec
from sillok.stats.counts import (
    CountTable,
    count_acts,
    counts_csv_columns,
    filter_choices,
    term_labels,
)
from sillok.stats.disclosure import MARK, MEASURES, NOT_ADDED
from sillok.stats.filters import KEYS
from sillok.web import i18n
from sillok.web.labels import public_note
from sillok.web.stats_dashboard import CHART_TABLES, dashboard
from sillok.web.stats_dashboard import MAX_FILTER as MAX_FILTER  # map_routes reads it here

PUBLIC = Actor.anonymous()
SEED_QUARTER = "2023-Q1"  # the seed press release's headline: 34 arrivals (data/series)
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


# Column → (English, Korean) header of the open data CSV files, in the reader's language.
COLUMN_LABELS = {
    "period": ("Period", "기간"), "total": ("Total", "합계"), "male": ("Men", "남성"),
    "female": ("Women", "여성"), "provisional": ("Provisional", "잠정치"),
    "derived": ("Derived by subtraction", "차감 계산값"),
    "change_previous": ("Change on previous period (%)", "직전 기간 대비 증감(%)"),
    "change_year_before": ("Change on a year before (%)", "전년 같은 기간 대비 증감(%)"),
    "change_baseline": ("Change on baseline (%)", "기준 기간 대비 증감(%)"),
    "baseline_period": ("Baseline period", "기준 기간"), "source": ("Source", "출처"),
    "type": ("Violation", "침해 유형"), "year": ("Year", "연도"), "province": ("Province", "도"),
    "facility": ("Facility", "시설"), "agency": ("Agency", "기관"), "sex": ("Sex", "성별"),
    "age_group": ("Age group", "연령대"), "acts": ("Acts", "행위"),
    "victims": ("Victims", "피해자"),
    "events": ("Events", "사건"), "suppressed": ("Suppressed", "비공개"),
    "total_over": ("Total over", "합산 기준"), "summed": ("Summed", "합산 행"),
}
TABLE_TITLES = {
    "arrivals-year": ("Defector arrivals per year", "연도별 북한이탈주민 입국 인원"),
    "arrivals-quarter": ("Defector arrivals per quarter", "분기별 북한이탈주민 입국 인원"),
    "acts-type": ("Documented violations by type", "유형별 기록된 인권침해"),
    "acts-year": ("Documented violations by year", "연도별 기록된 인권침해"),
    "acts-province": ("Documented violations by province", "지역별 기록된 인권침해"),
    "acts-type-year": ("Documented violations by type and year", "유형·연도별 기록된 인권침해"),
}


def pick_lang(_request: Request) -> Lang:
    """The reader's language as every page has it: ?lang=, the cookie, Accept-Language
    (i18n.pick_lang, set by the language middleware)."""
    return "ko" if i18n.current.get() == "ko" else "en"


def column_label(column: str, lang: Lang) -> str:
    if column.endswith("_label"):
        return f"{column_label(column[:-6], lang)} ({'이름' if lang == 'ko' else 'name'})"
    pair = COLUMN_LABELS.get(column)
    return (pair[1] if lang == "ko" else pair[0]) if pair else column


def asked_filter(request: Request) -> str:
    return (request.query_params.get("filter") or "").strip()[:MAX_FILTER]


def footnotes(rows: list[Any]) -> tuple[list[str], dict[str, int]]:
    """The distinct sources of a series' rows, numbered from 1, and each period's number: a
    table cites each figure by number, the citations follow it once each."""
    cited: list[str] = []
    numbers: dict[str, int] = {}
    for row in rows:
        if row.source and row.source not in cited:
            cited.append(row.source)
        if row.source:
            numbers[row.period] = cited.index(row.source) + 1
    return cited, numbers


def _counts_note(table: CountTable, lang: Lang = "en") -> str:
    summed = any(r.get("summed") for r in [*table.rows, *table.margins])
    if lang == "ko":
        note = (f"실록에 공개된 기록으로, 보호된 하나의 표(침해 유형 × 연도 × 도)에서 잘라 낸 값. "
                f"피해자가 {table.suppressed_below}명 미만인 칸은 가리며, 빼기로 그 값을 알아낼 "
                f"수 있는 칸과 합계도 함께 가림(빈 값이며 0이 아님: CSV에서는 비공개 열이 '예', "
                f"JSON에서는 suppressed=true)")
        if summed:
            note += ("; 합산 행('예', JSON에서는 summed=true)은 공개된 여러 칸의 행위 수를 "
                     "더한 값이며, 한 번씩만 세는 피해자와 사건은 더하지 않음(빈 값)")
        return note + (f"; 필터: {table.filter_text}" if table.filters else "")
    note = (f"Sillok records visible to the public, cut from one protected table (act type x "
            f"year x province); cells with fewer than {table.suppressed_below} victims are "
            f"suppressed, and so are the cells and totals that would reveal them by subtraction "
            f"(empty, never 0: Suppressed is 'yes' in the CSV, suppressed=true in the JSON)")
    if summed:
        note += ("; summed rows ('yes', summed=true in the JSON) add up the acts of several "
                 "published cells, and victims and events, each counted once, are not added up "
                 "there (empty)")
    return note + (f"; filter: {table.filter_text}" if table.filters else "")


def _arrivals_note(lang: Lang) -> str:
    if lang == "ko":
        return "통일부 발표 수치. 각 행의 출처 열에 보도·자료(발행처, 제목, 날짜, 주소)를 밝힘"
    return ("Ministry of Unification figures: the source column of each row cites the report "
            "or data set (publisher, title, date, address)")


def open_table(archive: Archive, name: str, flt: str = "", lang: Lang = "en") -> OpenTable:
    """One public table: columns, rows, the note on its sources and, for counts, the table.
    ``flt`` (search-language filters) narrows the counts, not the official series."""
    if name.startswith("arrivals-") and name[9:] in ("year", "quarter"):
        rows = [{**r.as_dict(), "source": public_note(r.source)}
                for r in arrivals(archive, PUBLIC, name[9:])]
        return OpenTable(ARRIVAL_COLUMNS, rows, _arrivals_note(lang))
    if name not in COUNT_TABLES:
        raise NotFound(f"no open data table {name}")
    counts = count_acts(archive, PUBLIC, COUNT_TABLES[name], flt or None,
                        min_cell=archive.settings.min_cell)
    return OpenTable(counts_csv_columns(counts), [*counts.rows, *counts.margins],
                     _counts_note(counts, lang), counts)


def open_tables(archive: Archive, flt: str = "", lang: Lang = "en") -> dict[str, OpenTable]:
    return {name: open_table(archive, name, flt, lang)
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


def _csv(archive: Archive, name: str, table: OpenTable, lang: Lang) -> Response:
    """A table as a CSV download: headers in the reader's language, each coded dimension
    (type, province) followed by its label, the code kept beside it for programs."""
    dims = table.counts.by if table.counts is not None else []
    columns = [name for c in table.columns
               for name in ((c, f"{c}_label") if c in dims else (c,))]
    labels = term_labels(archive, lang) if dims else {}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    # The header in the reader's language (?lang=, cookie, Accept-Language); the JSON
    # keeps the column names as keys for programs.
    writer.writerow({c: column_label(c, lang) for c in columns})
    for row in table.rows:
        over = row.get("total_over") or []
        named = {f"{d}_label": _dim_label(labels, d, row.get(d), d in over, lang)
                 for d in dims}
        flags = {c: _yes_no(row[c], lang) for c in columns if isinstance(row.get(c), bool)}
        writer.writerow({**row, **named, **flags,
                         "total_over": ", ".join(column_label(d, lang) for d in over)})
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                             "Content-Language": lang, "Vary": "Accept-Language, Cookie"})


# A flag of the CSV files as the file's reader says it (the JSON keeps true/false).
YES_NO = {"en": ("yes", "no"), "ko": ("예", "아니요")}


def _yes_no(flag: bool, lang: Lang) -> str:
    return YES_NO[lang][0 if flag else 1]


def _dim_label(labels: dict[str, str], dim: str, value: Any, summed_over: bool,
               lang: Lang) -> str:
    """A dimension's name in a row: the term's label; on a total row, "All"; where the
    records do not say (no province), "Unknown" — never an empty cell a reader must guess."""
    if value is not None:
        return labels.get(str(value), str(value))
    if summed_over:
        return "전체" if lang == "ko" else "All"
    return "미상" if lang == "ko" else "Unknown"


def reason(exc: Invalid, lang: Lang) -> str:
    """An error's reasons; where one is given in both languages ("한국어 / English"), the
    reader's half."""
    out = []
    for text in exc.errors.values():
        if isinstance(text, Said):  # written in both languages (stats/filters.py)
            out.append(in_language(text, lang))
            continue
        ko, sep, en = text.partition(" / ")
        out.append((ko if lang == "ko" else en) if sep else text)
    return "; ".join(out)


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/stats", response_class=HTMLResponse)
    def stats_page(request: Request) -> HTMLResponse:
        lang = pick_lang(request)
        board = dashboard(request)
        flt = board.filter
        yearly = arrivals(archive, PUBLIC, "year")
        quarterly = arrivals(archive, PUBLIC, "quarter")
        for row in (*yearly, *quarterly):
            row.source = public_note(row.source)  # a stored internal note is never shown
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
            found = {dim: count_acts(archive, board.actor, [dim], flt or None, min_cell=k)
                     for dim in board.tables}
        except Invalid as exc:
            # A filter that names nothing, or one the public figures cannot answer (sex:):
            # said on the page, in the reader's language where the reason has both.
            error = reason(exc, lang)
        else:
            counts = found["type"]
            for dim, table in found.items():
                specs[f"chart-acts-{dim}"] = acts_spec(table, lang, labels,
                                                       by_value=dim not in ("year", "age_group"))
                tables[dim] = _html_table(table, labels, lang)
        shown = published(archive)
        latest_q1 = next((q for q in reversed(quarterly) if q.period.endswith("Q1")), None)
        query = board.query(lang)
        page = templates.TemplateResponse(request, "stats.html", {
            "lang": lang, "yearly": yearly, "quarterly": quarterly,
            "yearly_sources": footnotes(yearly), "quarterly_sources": footnotes(quarterly),
            "headline": sentence(quarterly[-1], lang) if quarterly else "",
            "q1": sentence(latest_q1, lang) if latest_q1 else "",
            "seed_quarter": next((q for q in quarterly if q.period == SEED_QUARTER), None),
            "specs": json.dumps(specs, ensure_ascii=False).replace("</", "<\\/"),
            "suppressed": k, "mark": MARK, "not_added": NOT_ADDED, "tables": tables,
            "summed": any(t["summed"] for t in tables.values()),
            "filter": board.text, "filter_error": error, "filter_keys": KEYS,
            "board": board, "choices": filter_choices(archive, board.actor, lang),
            "csv_query": urlencode(query),
            "filter_query": ("?" + urlencode({"filter": flt, "lang": lang}))
                            if flt and not error else "",
            "estimates": [p.public() for p in shown if not p.withheld],
            "withheld": sum(p.withheld for p in shown),
            "all_suppressed": counts is not None and bool(counts.rows)
                              and all(x.get("suppressed") for x in counts.rows),
        })
        return page

    @r.get("/stats/{name}.csv")
    def chart_csv(request: Request, name: str) -> Response:
        """One dashboard chart's figures, as the page shows them to this reader (the same
        filters, the public's protected figures or, for staff, the true counts)."""
        board = dashboard(request)
        if name not in board.tables:
            raise NotFound(f"no statistics table {name}")
        lang = pick_lang(request)
        counts = count_acts(archive, board.actor, [CHART_TABLES[name]], board.filter or None,
                            min_cell=archive.settings.min_cell)
        table = OpenTable(counts_csv_columns(counts), [*counts.rows, *counts.margins],
                          _counts_note(counts, lang), counts)
        return _csv(archive, f"acts-{name}", table, lang)

    @r.get("/data", response_class=HTMLResponse)
    def data_page(request: Request) -> HTMLResponse:
        flt = asked_filter(request)
        lang = pick_lang(request)
        error = ""
        try:
            tables = open_tables(archive, flt, lang)
        except Invalid as exc:
            error = reason(exc, lang)
            tables = open_tables(archive, lang=lang)
            flt = ""
        return templates.TemplateResponse(request, "data.html", {
            "lang": lang, "filter": flt, "filter_error": error,
            "query": ("?" + urlencode({"filter": flt})) if flt else "",
            "tables": [(name, t.note, len(t.rows), t.counts is not None,
                        TABLE_TITLES.get(name, (name, name))[1 if lang == "ko" else 0],
                        [column_label(c, lang) for c in t.columns])
                       for name, t in tables.items()],
        })

    @r.get("/data/{name}.{ext}")
    def download(request: Request, name: str, ext: str) -> Response:
        if ext not in ("csv", "json"):
            raise NotFound(f"no open data file {name}.{ext}")
        lang = pick_lang(request)
        try:
            table = open_table(archive, name, asked_filter(request), lang)
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
        return _csv(archive, name, table, lang)

    return r
