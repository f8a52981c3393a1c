"""series and stats: the official series and the numbers computed from them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid, SillokError
from sillok.stats.arrivals import arrivals, sentence
from sillok.stats.charts import Lang, acts_spec, arrivals_spec, render
from sillok.stats.counts import DIMENSIONS, FILTERS, count_acts, term_labels, write_counts_csv
from sillok.stats.disclosure import MARK, MEASURES, NOT_ADDED
from sillok.stats.series_io import import_csv

series_app = typer.Typer(help="Statistical series (e.g. defector arrivals): list, show, import.",
                         no_args_is_help=True)
stats_app = typer.Typer(help="Statistics computed from series and records.",
                        no_args_is_help=True)


@series_app.command("list")
def series_list(data_dir: DataDir = None, as_role: AsRole = None, json_out: Json = False) -> None:
    """List the statistical series."""
    with archive_for(data_dir) as archive:
        page = archive.list_records(actor_for(as_role), "series", limit=1000)
    if json_out:
        print_json([{"id": i["id"], "code": i["fields"]["code"],
                     "title_en": i["fields"]["title_en"], "title_ko": i["fields"]["title_ko"],
                     "observations": len(i["fields"]["observations"])} for i in page.items])
        return
    table = Table("code", "title", "observations", "periods")
    for item in page.items:
        f = item["fields"]
        periods = sorted({o["period"] for o in f["observations"]})
        span = f"{periods[0]} – {periods[-1]}" if periods else ""
        table.add_row(f["code"], f"{f['title_ko']}\n{f['title_en']}",
                      str(len(f["observations"])), span)
    console.print(table)


@series_app.command("show")
def series_show(code: str = typer.Argument(..., help="Series code, e.g. mou-arrivals-quarter."),
                data_dir: DataDir = None, as_role: AsRole = None, json_out: Json = False) -> None:
    """Show every observation of a series with its flags and source."""
    with archive_for(data_dir) as archive:
        page = archive.list_records(actor_for(as_role), "series", {"code": code})
    if not page.items:
        from sillok.errors import NotFound

        raise NotFound(f"no series '{code}' (see 'sillok series list')")
    rec = page.items[0]
    if json_out:
        print_json(rec["fields"])
        return
    f = rec["fields"]
    table = Table("period", "breakdown", "value", "flags", "source",
                  title=f"{f['title_ko']} / {f['title_en']} ({f['unit']})")
    for o in f["observations"]:
        flags = ", ".join(x for x, on in (("provisional", o["provisional"]),
                                          ("derived", o["derived"])) if on)
        table.add_row(o["period"], o["breakdown"] or "total", f"{o['value']:,.0f}", flags,
                      o["source"] or "")
    console.print(table)


@series_app.command("import")
def series_import(
    source: Path = typer.Argument(..., help="CSV with columns series, period, value "
                                            "[, breakdown | sex, source, provisional, derived]."),
    title_en: str | None = typer.Option(None, help="Title of a new series, in English."),
    title_ko: str | None = typer.Option(None, help="Title of a new series, in Korean."),
    unit: str = typer.Option("persons", help="Unit of a new series."),
    note: str | None = typer.Option(None, "--source", help="Source note for rows without one."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Import observations from a CSV file, all or nothing."""
    with archive_for(data_dir) as archive:
        counts = import_csv(archive, actor_for(None), source,
                            {"en": title_en or "", "ko": title_ko or ""}, unit, note)
    if json_out:
        print_json({"imported": counts})
    else:
        console.print("imported " + ", ".join(f"{n} rows into {c}" for c, n in counts.items()))


@stats_app.command("arrivals")
def stats_arrivals(
    by: str = typer.Option("year", "--by", help="year, quarter or month (if a monthly series "
                                                "was imported)."),
    sex: bool = typer.Option(False, "--sex", help="Show men and women."),
    fmt: str = typer.Option("table", "--format", help="table, csv, json, png or svg."),
    out: Path | None = typer.Option(None, "--out", help="File for png/svg charts."),
    lang: str = typer.Option("en", "--lang", help="Language of chart labels: en or ko."),
    baseline: int = typer.Option(2019, help="Year to compare with (before COVID: 2019)."),
    period: str | None = typer.Option(None, help="Period to state as a sentence, e.g. 2023-Q1 "
                                                 "(default: the latest)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
) -> None:
    """North Korean defectors arriving in South Korea (Ministry of Unification), with changes."""
    with archive_for(data_dir) as archive:
        rows = arrivals(archive, actor_for(as_role), by, baseline)
    if fmt in ("png", "svg"):
        _write_chart(arrivals_spec(rows, _lang(lang)), fmt, out)
        return
    if fmt == "json":
        print_json([{**r.as_dict(), "sentence_en": sentence(r, "en"),
                     "sentence_ko": sentence(r, "ko")} for r in rows])
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["period", "total", "male", "female", "provisional", "derived",
                         "change_previous_pct", "change_year_before_pct",
                         f"change_vs_{baseline}_pct", "source"])
        for r in rows:
            writer.writerow([r.period, r.total, r.male, r.female, r.provisional, r.derived,
                             r.change_previous, r.change_year_before, r.change_baseline,
                             r.source])
        return
    if fmt != "table":
        raise Invalid({"format": f"'{fmt}' is not one of: table, csv, json, png, svg"})
    columns = ["period", "arrivals"] + (["men", "women"] if sex else []) + [
        "vs prev.", "vs yr before", f"vs {baseline}", "flags", "source"]
    table = Table(*columns, title="북한이탈주민 입국 / Defectors arriving in South Korea")
    for r in rows:
        total = "" if r.total is None else f"{r.total:,}" + ("*" if r.derived else "")
        cells = [r.period.replace("-", " "), total]
        if sex:
            cells += ["" if r.male is None else f"{r.male:,}",
                      "" if r.female is None else f"{r.female:,}"]
        flags = "".join(x for x, on in (("p", r.provisional), ("d", r.derived)) if on)
        # The table shows who reported the figure; --format csv/json carry the full note.
        cells += [_pct(r.change_previous), _pct(r.change_year_before), _pct(r.change_baseline),
                  flags, r.source.split(":")[0]]
        table.add_row(*cells)
    console.print(table)
    console.print("flags: p provisional / 잠정치, d derived by subtraction / 차감 계산값; "
                  "sources: Ministry of Unification figures, shared/reference/nk-facts.md §2")
    if any(r.derived for r in rows):
        console.print("* not a reported figure / 발표치가 아닌 값")
    chosen = rows[-1]
    if period is not None:
        wanted = period.upper().replace(" ", "-")
        matches = [r for r in rows if r.period == wanted]
        if not matches:
            raise Invalid({"period": f"no figure for '{period}' in this series"})
        chosen = matches[0]
    console.print(sentence(chosen, "en"), highlight=False)
    console.print(sentence(chosen, "ko"), highlight=False)


FILTER_HELP = (
    "Filters in the search bar's language, e.g. \"place:ryanggang act:forced_repatriation "
    "from:2015\" (repeatable; all must hold). Keys: " + ", ".join(FILTERS) + ". place: "
    "includes the places inside it, act: the narrower act types; alternatives with commas "
    "(act:torture,forced_labour). KEY=VALUE is read as KEY:VALUE.")


@stats_app.command("acts")
def stats_acts(
    by: str = typer.Option("type,year", "--by", help="Comma-separated: " + ", ".join(DIMENSIONS)),
    where: list[str] = typer.Option([], "--filter", "-f", help=FILTER_HELP),
    fmt: str = typer.Option("table", "--format", help="table, csv, json, png or svg."),
    out: Path | None = typer.Option(None, "--out", help="File for png/svg charts."),
    lang: str = typer.Option("en", "--lang", help="Language of chart labels: en or ko."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
) -> None:
    """Acts, victims (each counted once) and events from the coded records, with totals.

    As the public (--as anonymous) every table is cut from one protected table (act type x
    year x province): cells with fewer than SILLOK_MIN_CELL victims (default 5) are hidden,
    and so are the cells and totals that would give them away by subtraction, in every table
    alike; a hidden cell shows as x (null with suppressed=true in csv/json), never as 0.
    Breakdowns and filters that table cannot answer (sex, age, facility, agency, a place
    below its province, sources) are refused for the public.
    """
    text = " ".join(_legacy(item) for item in where)
    dims = [d.strip() for d in by.split(",") if d.strip()]
    with archive_for(data_dir) as archive:
        table = count_acts(archive, actor_for(as_role), dims, text or None,
                           min_cell=archive.settings.min_cell)
        labels = term_labels(archive, _lang(lang))
    if fmt in ("png", "svg"):
        _write_chart(acts_spec(table, _lang(lang), labels), fmt, out)
        return
    if fmt == "json":
        print_json(table.as_dict())
        return
    if fmt == "csv":
        write_counts_csv(table, sys.stdout)
        return
    if fmt != "table":
        raise Invalid({"format": f"'{fmt}' is not one of: table, csv, json, png, svg"})
    title = "행위·피해자·사건 / acts, victims, events"
    grid = Table(*table.by, "acts", "victims", "events",
                 title=title + (f" — {table.filter_text}" if table.filters else ""))
    for i, row in enumerate([*table.rows, *table.margins]):
        if i == len(table.rows):
            grid.add_section()  # the totals below the cells
        total_over = row.get("total_over", [])
        grid.add_row(*["total" if d in total_over else "" if row.get(d) is None else str(row[d])
                       for d in table.by],
                     *[MARK if row.get("suppressed") else NOT_ADDED if row[h] is None
                       else str(row[h]) for h in MEASURES])
    console.print(grid)
    if table.suppressed_below is not None:
        console.print(f"{MARK}: hidden — fewer than {table.suppressed_below} victims, or hidden "
                      "so that such a cell cannot be worked out from the totals", highlight=False)
    if any(r.get("summed") for r in [*table.rows, *table.margins]):
        console.print(f"{NOT_ADDED}: not added up — a row adding several cells adds their acts "
                      "only; a victim may be in several cells / 여러 항목을 합친 줄은 행위 수만 "
                      "더합니다", highlight=False)


def _legacy(item: str) -> str:
    """``province=kp-10`` (the earlier --filter form) as the search language's
    ``province:kp-10``."""
    key, sep, value = item.partition("=")
    if sep and ":" not in key and " " not in key.strip():
        return f"{key.strip()}:{value.strip()}"
    return item


def _lang(value: str) -> Lang:
    if value not in ("en", "ko"):
        raise Invalid({"lang": f"'{value}' is not one of: en, ko"})
    return "en" if value == "en" else "ko"


def _write_chart(spec: dict[str, Any], fmt: str, out: Path | None) -> None:
    if out is None:
        raise Invalid({"out": f"--out FILE is needed for a {fmt} chart"})
    data = render(spec, fmt)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise SillokError(f"cannot write {out}: {exc.strerror}") from None
    console.print(f"chart written to {out} ({len(data):,} bytes)")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.0f} %"


def register(app: typer.Typer) -> None:
    app.add_typer(series_app, name="series")
    app.add_typer(stats_app, name="stats")
