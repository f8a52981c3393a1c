"""estimate: how many people there were, documented or not (multiple systems estimation)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid
from sillok.estimate import lcmcr
from sillok.estimate.archive_lists import estimate_lists
from sillok.estimate.estimator import METHODS, Method, estimate
from sillok.estimate.loglinear import Criterion
from sillok.estimate.overlap import read_overlap_csv
from sillok.estimate.result import Estimate
from sillok.stats.counts import FILTERS
from sillok.stats.overlaps import LIST_KEYS, Overlaps, victim_overlaps

FILTER_HELP = ("--from-archive: which victims, in the search bar's language as for 'stats acts' "
               "(e.g. \"act:forced_repatriation year:2020\"; repeatable). Keys: "
               + ", ".join(FILTERS) + ".")


def estimate_cmd(
    file: Path | None = typer.Argument(None, help="Overlap table as CSV: one 0/1 column per "
                                                  "list and a 'count' column (Rcapture / "
                                                  "LCMCR aggregated format).",
                                       show_default=False),
    from_archive: bool = typer.Option(False, "--from-archive",
                                      help="Build the overlap table from the archive: people "
                                           "are victims, lists are groups of sources."),
    where: list[str] = typer.Option([], "--filter", "-f", help=FILTER_HELP),
    lists_by: str = typer.Option("kind", "--lists-by",
                                 help="--from-archive: a list is a source kind or an origin "
                                      "(organisation or collection)."),
    lists: str | None = typer.Option(None, "--lists",
                                     help="--from-archive: the lists to use, comma-separated "
                                          "(default: every group that documents a victim)."),
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
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Estimate the total number of people, documented or not, from overlapping lists.

    The answer is an estimate with a 95 % interval, never a count: read docs/estimation.md
    before quoting it. From the archive (--from-archive) only for staff roles.
    """
    if method not in METHODS:
        raise Invalid({"method": f"'{method}' is not one of: {', '.join(METHODS)}"})
    if criterion not in ("aic", "bic"):
        raise Invalid({"criterion": f"'{criterion}' is not one of: aic, bic"})
    if burnin < 0 or samples < 10:
        raise Invalid({"samples": "--burnin must be ≥ 0 and --samples ≥ 10"})
    chosen: Method = "lcmcr" if method == "lcmcr" else "loglinear"
    settings = lcmcr.Settings(seed=seed, burnin=burnin, samples=samples)
    crit: Criterion = "aic" if criterion == "aic" else "bic"
    overlaps: Overlaps | None = None
    if from_archive:
        if file is not None:
            raise Invalid({"file": "give a CSV file or --from-archive, not both"})
        if lists_by not in LIST_KEYS:
            raise Invalid({"lists-by": f"'{lists_by}' is not one of: {', '.join(LIST_KEYS)}"})
        with archive_for(data_dir) as archive:
            overlaps = victim_overlaps(archive, actor_for(as_role), " ".join(where) or None,
                                       lists_by, lists.split(",") if lists else None)
        result = estimate_lists(overlaps, chosen, criterion=crit, model=model,
                                settings=settings)
    elif file is None:
        raise Invalid({"file": "give an overlap table (CSV) or --from-archive"})
    else:
        result = estimate(read_overlap_csv(file), chosen, criterion=crit, model=model,
                          settings=settings)
    if json_out:
        print_json(result.as_dict())
        return
    show(result)
    if overlaps is not None and overlaps.on_no_list:
        console.print(f"{overlaps.on_no_list:,} victims matching the filters are documented "
                      f"by no list here (no {overlaps.lists_by} given) / 목록에 없는 피해자 "
                      f"{overlaps.on_no_list:,}명", highlight=False)


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
