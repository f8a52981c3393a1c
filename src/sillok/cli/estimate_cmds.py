"""estimate: how many people there were, documented or not (multiple systems estimation)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sillok.cli.common import Json, console, print_json
from sillok.errors import Invalid
from sillok.estimate import lcmcr
from sillok.estimate.estimator import METHODS, Method, estimate
from sillok.estimate.overlap import read_overlap_csv
from sillok.estimate.result import Estimate


def estimate_cmd(
    file: Path = typer.Argument(..., help="Overlap table as CSV: one 0/1 column per list and a "
                                          "'count' column (Rcapture / LCMCR aggregated format)."),
    method: str = typer.Option("loglinear", "--method",
                               help="loglinear (model selection over list interactions) or "
                                    "lcmcr (Bayesian latent classes)."),
    criterion: str = typer.Option("bic", "--criterion",
                                  help="loglinear: choose the model by bic or aic."),
    model: str | None = typer.Option(None, "--model",
                                     help="loglinear: fit this model instead of choosing, "
                                          "named as Rcapture does, e.g. [12,3] or [1,2,3]."),
    seed: int = typer.Option(lcmcr.Settings.seed, "--seed", help="lcmcr: random seed."),
    burnin: int = typer.Option(lcmcr.Settings.burnin, "--burnin",
                               help="lcmcr: sweeps discarded per chain."),
    samples: int = typer.Option(lcmcr.Settings.samples, "--samples",
                                help="lcmcr: draws kept per chain."),
    json_out: Json = False,
) -> None:
    """Estimate the total number of people, documented or not, from overlapping lists.

    The answer is an estimate with a 95 % interval, never a count: read docs/estimation.md
    before quoting it.
    """
    if method not in METHODS:
        raise Invalid({"method": f"'{method}' is not one of: {', '.join(METHODS)}"})
    if criterion not in ("aic", "bic"):
        raise Invalid({"criterion": f"'{criterion}' is not one of: aic, bic"})
    if burnin < 0 or samples < 10:
        raise Invalid({"samples": "--burnin must be ≥ 0 and --samples ≥ 10"})
    table = read_overlap_csv(file)
    chosen: Method = "lcmcr" if method == "lcmcr" else "loglinear"
    result = estimate(table, chosen, criterion="aic" if criterion == "aic" else "bic",
                      model=model,
                      settings=lcmcr.Settings(seed=seed, burnin=burnin, samples=samples))
    if json_out:
        print_json(result.as_dict())
        return
    show(result)


def show(result: Estimate) -> None:
    grid = Table("", "", title="다중체계추정 / multiple systems estimation", show_header=False)
    grid.add_row("추정치 / estimate", f"{result.estimate:,.0f}")
    grid.add_row("95 % 구간 / interval", f"{result.lower:,.0f} – {result.upper:,.0f}")
    grid.add_row("기록된 수 / documented", f"{result.observed:,}")
    grid.add_row("방법 / method", result.method)
    grid.add_row("모형 / model", result.model)
    grid.add_row("목록 / lists", ", ".join(result.lists))
    d = result.details
    if result.method == "lcmcr":
        grid.add_row("R-hat / ESS", f"{d['rhat']:.3f} / {d['ess']:,.0f}")
    else:
        grid.add_row("deviance (df)", f"{d['deviance']:.2f} ({d['df']})")
    console.print(grid)
    for w in result.warnings:
        console.print(f"[yellow]주의 / caution[/] ({w.code}): {w.en}\n  {w.ko}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_cmd)
