"""One entry point: an overlap table in, an :class:`Estimate` with its cautions out."""

from __future__ import annotations

import math
from typing import Literal

from sillok.errors import Invalid
from sillok.estimate import lcmcr, loglinear
from sillok.estimate.cautions import (
    chain_cautions,
    interval_cautions,
    model_uncertainty_caution,
    saturated_caution,
    table_cautions,
)
from sillok.estimate.overlap import OverlapTable
from sillok.estimate.result import Caution, Estimate

Method = Literal["loglinear", "lcmcr"]
METHODS: tuple[Method, ...] = ("loglinear", "lcmcr")
CLOSE = 2.0  # criterion points: models this close to the best fit about as well
DIFFERENT = 0.25  # estimates this far apart (relative) make the choice of model matter


def estimate(table: OverlapTable, method: Method = "loglinear", *,
             criterion: loglinear.Criterion = "bic", model: str | None = None,
             settings: lcmcr.Settings | None = None) -> Estimate:
    if method == "loglinear":
        return _loglinear(table, criterion, model)
    if method == "lcmcr":
        return _lcmcr(table, settings or lcmcr.Settings())
    raise Invalid({"method": f"'{method}' is not one of: {', '.join(METHODS)}"})


def _loglinear(table: OverlapTable, criterion: loglinear.Criterion,
               model: str | None) -> Estimate:
    cautions = table_cautions(table)
    fits: list[loglinear.Fit]
    if model is not None:
        try:
            terms = loglinear.parse_model(model, table.n_lists)
        except ValueError as exc:
            raise Invalid({"model": str(exc)}) from None
        chosen = loglinear.fit_model(table, terms)
        if chosen.problem is not None and not math.isfinite(chosen.estimate):
            raise Invalid({"model": f"{chosen.name} cannot be estimated: {chosen.problem}"})
        fits = [chosen]
    else:
        try:
            chosen, fits = loglinear.select(table, criterion)
        except ValueError:
            raise Invalid({"table": "no log-linear model can be estimated: the lists share too "
                                    "few people (try --method lcmcr, or more lists)"}) from None
    lower, upper = loglinear.profile_interval(table, chosen.terms, chosen.estimate)
    if chosen.df == 0:
        cautions.append(saturated_caution(chosen.name))
    if chosen.problem is not None:
        cautions.append(Caution("model_problem", f"{chosen.name}: {chosen.problem}.",
                                f"{chosen.name}: {_problem_ko(chosen.problem)}."))
    usable = [f for f in fits if f.problem is None]
    rivals = [f for f in usable if f.score(criterion) - chosen.score(criterion) <= CLOSE]
    spread = [f for f in rivals
              if abs(f.estimate - chosen.estimate) > DIFFERENT * chosen.estimate]
    if spread:
        cautions.append(model_uncertainty_caution(
            [(f.name, f.estimate) for f in [chosen, *spread[:3]]]))
    cautions += interval_cautions(lower, upper)
    return Estimate(
        estimate=chosen.estimate, lower=lower, upper=upper, method="loglinear",
        model=chosen.name, observed=table.observed, lists=table.lists,
        warnings=tuple(cautions),
        details={
            "criterion": criterion if model is None else "given",
            "interval": "95% profile likelihood",
            "stderr": round(chosen.stderr, 1),
            "deviance": round(chosen.deviance, 3), "df": chosen.df,
            "aic": round(chosen.aic, 3), "bic": round(chosen.bic, 3),
            "models_fitted": len(fits),
            "models_usable": len(usable),
            "top_models": [{"model": f.name, "estimate": round(f.estimate, 1),
                            "aic": round(f.aic, 3), "bic": round(f.bic, 3)}
                           for f in usable[:5]],
        })


def _problem_ko(problem: str) -> str:
    return {
        "design not of full rank": "설계 행렬의 계수가 부족합니다",
        "the fit did not converge": "적합이 수렴하지 않았습니다",
        "asymptotic bias above 10 % of the estimate": "점근 편향이 추정치의 10 %를 넘습니다",
    }.get(problem, "이 모형의 추정치는 신뢰할 수 없습니다")


def _lcmcr(table: OverlapTable, settings: lcmcr.Settings) -> Estimate:
    cautions = table_cautions(table)
    post = lcmcr.sample(table, settings)
    lower, upper = post.interval()
    rhat, ess = post.rhat, post.ess
    capped = bool((post.draws >= 21 * table.observed).any())
    cautions += chain_cautions(rhat, ess, capped)
    cautions += interval_cautions(lower, upper)
    s = settings
    return Estimate(
        estimate=post.median, lower=lower, upper=upper, method="lcmcr",
        model=f"latent classes K={s.classes}", observed=table.observed, lists=table.lists,
        warnings=tuple(cautions),
        details={
            "interval": "95% credible (posterior 2.5 % and 97.5 % quantiles)",
            "posterior_mean": round(float(post.draws.mean()), 1),
            "rhat": round(rhat, 3), "ess": round(ess, 1),
            "chains": s.chains, "burnin": s.burnin, "samples_per_chain": s.samples,
            "thinning": s.thinning, "seed": s.seed,
            "a_alpha": s.a_alpha, "b_alpha": s.b_alpha,
            "classes_used": round(post.classes_used, 2),
            "seconds": round(post.seconds, 2),
        })
