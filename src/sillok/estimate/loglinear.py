"""Log-linear models for multiple systems estimation (Fienberg 1972; Bishop, Fienberg and
Holland 1975, ch. 6), fitted as Poisson GLMs with statsmodels, as R's Rcapture does.

The observed cells of the 2^L table (every capture pattern but "on no list") are modelled as
``log mu = X beta`` with an intercept, one main effect per list and interaction terms between
lists (dependence: one list's documenters pass names to another, or people easy to document
for one are easy for all). The cell "on no list" has every covariate 0, so its expected count
is ``exp(intercept)``; the estimate is the observed count plus that. The highest-order
interaction can never be estimated: it is what the missing cell would tell.

Models are named as Rcapture names them: ``[12,13,4]`` is the hierarchical model whose top
terms are lists 1×2, 1×3 and list 4 (every lower-order term of a top term is in the model);
``[1,2,3,4]`` is independence (Rcapture's Mt).

Selection: every hierarchical model up to order L − 1 for 3 or 4 lists (8 and 113 models, as
Rcapture's closedpMS.t), every set of two-list interactions for 5 lists (1,024), and forward
stepwise over two-list interactions beyond that. A model is left out of the choice when it
cannot be estimated: its design is not of full rank, a term's cells hold no one (its MLE is
−∞: the usual zero-cell trap), the fit does not converge, or its asymptotic bias is above 10 %
of its estimate (Rcapture's warning, with Rcapture's formula). The lowest BIC wins by default
(Rcapture's order); AIC on request.

Interval: profile likelihood for N (Cormack 1992), as Rcapture's closedpCI.t: the multinomial
log-likelihood of N, maximised over the model's other parameters, by refitting the model with
the missing cell filled with N − n, and the set of N within chi-square(1)/2 of its maximum.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from sillok.estimate.overlap import OverlapTable, pattern_matrix

Term = frozenset[int]
Criterion = Literal["aic", "bic"]
BIAS_LIMIT = 0.10  # Rcapture flags a model whose asymptotic bias is above 10 % of N
EXHAUSTIVE_PAIRS_UP_TO = 5  # lists; 2^(5 choose 2) = 1,024 models, a few seconds


@dataclass(frozen=True)
class Fit:
    """One fitted log-linear model."""

    terms: tuple[Term, ...]  # interaction terms (two lists or more), sorted
    name: str
    estimate: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    bias: float
    problem: str | None = None  # why it is left out of the choice, if it is

    def score(self, criterion: Criterion) -> float:
        return self.aic if criterion == "aic" else self.bic


def model_name(terms: Sequence[Term], n_lists: int) -> str:
    """Rcapture's name: the maximal terms, higher orders first, lists numbered from 1, e.g.
    ``[123,14,5]``."""
    covered: set[int] = set()
    tops: list[Term] = []
    for term in sorted(terms, key=lambda t: (-len(t), sorted(t))):
        if not any(term < other for other in tops):
            tops.append(term)
        covered |= term
    tops += [frozenset([j]) for j in range(n_lists) if j not in covered]
    label = ["".join(str(j + 1) for j in sorted(t)) for t in tops]
    return "[" + ",".join(sorted(label, key=lambda s: (-len(s), s))) + "]"


def parse_model(name: str, n_lists: int) -> tuple[Term, ...]:
    """The interaction terms of a model named as Rcapture names it (``[12,34]``) — the
    hierarchy filled in; ``ValueError`` for a name that is not one."""
    body = name.strip().removeprefix("[").removesuffix("]")
    terms: set[Term] = set()
    for part in filter(None, (p.strip() for p in body.split(","))):
        if not part.isdigit() or len(set(part)) != len(part):
            raise ValueError(f"'{part}' is not a term such as 12 or 134")
        lists = frozenset(int(c) - 1 for c in part)
        if min(lists) < 0 or max(lists) >= n_lists:
            raise ValueError(f"term '{part}' names a list that is not there (1–{n_lists})")
        if len(lists) == n_lists:
            raise ValueError("the interaction of all lists cannot be estimated")
        for size in range(2, len(lists) + 1):
            terms.update(frozenset(c) for c in combinations(sorted(lists), size))
    return tuple(sorted(terms, key=lambda t: (len(t), sorted(t))))


def design(n_lists: int, terms: Sequence[Term]) -> NDArray[np.float64]:
    """Intercept, main effects and interactions, one row per observed pattern."""
    pats = pattern_matrix(n_lists).astype(np.float64)
    cols = [np.ones(len(pats)), *(pats[:, j] for j in range(n_lists))]
    cols += [np.prod(pats[:, sorted(t)], axis=1) for t in terms]
    return np.column_stack(cols)


def hierarchical_models(n_lists: int, max_order: int | None = None) -> Iterator[tuple[Term, ...]]:
    """Every hierarchical model (as its interaction terms) with terms up to ``max_order``."""
    top = n_lists - 1 if max_order is None else min(max_order, n_lists - 1)

    def extend(order: int, chosen: tuple[Term, ...]) -> Iterator[tuple[Term, ...]]:
        if order > top:
            yield chosen
            return
        have = set(chosen)
        allowed = [frozenset(c) for c in combinations(range(n_lists), order)
                   if order == 2 or all(frozenset(s) in have
                                        for s in combinations(sorted(c), order - 1))]
        for mask in range(2 ** len(allowed)):
            picked = tuple(t for i, t in enumerate(allowed) if mask >> i & 1)
            if order > 2 and not picked:
                yield chosen  # nothing of this order: nothing of higher orders either
                continue
            yield from extend(order + 1, chosen + picked)

    yield from extend(2, ())


def fit_model(table: OverlapTable, terms: Sequence[Term]) -> Fit:
    """Fit one model; ``problem`` says why it cannot be trusted, if it cannot."""
    n_lists = table.n_lists
    name = model_name(terms, n_lists)
    x = design(n_lists, terms)
    y = table.counts.astype(np.float64)
    n = table.observed
    nan = float("nan")
    failed = Fit(tuple(terms), name, nan, nan, nan, 0, math.inf, math.inf, nan, "")
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return _with(failed, "design not of full rank")
    support = x[:, 1:].T @ y  # each term's sufficient statistic: people in its cells
    if np.any(support <= 0):
        return _with(failed, "a term's cells hold no one (zero cell: estimate is unbounded)")
    # statsmodels and scipy are imported where they are used: loading them takes seconds,
    # and every command and server start would pay that, estimating or not.
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # A model with as many parameters as cells fits them exactly: statsmodels calls that
        # "perfect prediction", harmless for Poisson counts (zero cells are caught above).
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            res = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return _with(failed, "the fit did not converge")
    beta = np.asarray(res.params)
    cov = np.asarray(res.cov_params())
    if not np.all(np.isfinite(beta)) or beta[0] > math.log(1e12):
        return _with(failed, "the fit did not converge")
    mu0 = math.exp(beta[0])
    rank = x.shape[1]
    aic = -2.0 * float(res.llf) + 2.0 * rank
    bic = aic + (math.log(n) - 2.0) * rank
    stderr = math.sqrt(mu0 + mu0 * mu0 * cov[0, 0])
    bias = _asymptotic_bias(x, np.asarray(res.fittedvalues), cov, mu0)
    estimate = n + mu0
    problem = None
    if abs(bias) > BIAS_LIMIT * estimate:
        problem = "asymptotic bias above 10 % of the estimate"
    return Fit(tuple(terms), name, estimate, stderr, float(res.deviance),
               round(res.df_resid), aic, bic, bias, problem)


def _with(fit: Fit, problem: str) -> Fit:
    return Fit(fit.terms, fit.name, fit.estimate, fit.stderr, fit.deviance, fit.df, fit.aic,
               fit.bic, fit.bias, problem)


def _asymptotic_bias(x: NDArray[np.float64], mu: NDArray[np.float64],
                     cov: NDArray[np.float64], mu0: float) -> float:
    """Rcapture's first-order bias of exp(intercept) (Rivest and Lévesque 2001)."""
    xi = -0.5 * np.einsum("ij,jk,ik->i", x, cov, x)
    psi = -2.0 * x.T @ (mu * xi)
    psi[0] -= 1.0
    return float(0.5 * mu0 * (-cov @ psi)[0])


def candidate_models(n_lists: int) -> list[tuple[Term, ...]] | None:
    """The models searched exhaustively, or None where the search is stepwise."""
    if n_lists <= 4:
        return list(hierarchical_models(n_lists))
    if n_lists <= EXHAUSTIVE_PAIRS_UP_TO:
        return list(hierarchical_models(n_lists, max_order=2))
    return None


def select(table: OverlapTable, criterion: Criterion = "bic") -> tuple[Fit, list[Fit]]:
    """The chosen model and every model fitted (usable ones first, best first)."""
    candidates = candidate_models(table.n_lists)
    if candidates is not None:
        fits = [fit_model(table, terms) for terms in candidates]
    else:
        fits = _stepwise(table, criterion)
    usable = sorted((f for f in fits if f.problem is None), key=lambda f: f.score(criterion))
    unusable = [f for f in fits if f.problem is not None]
    if not usable:
        raise ValueError("no log-linear model can be estimated from this table")
    return usable[0], usable + unusable


def _stepwise(table: OverlapTable, criterion: Criterion) -> list[Fit]:
    pairs = [frozenset(c) for c in combinations(range(table.n_lists), 2)]
    current: tuple[Term, ...] = ()
    best = fit_model(table, current)
    fits = [best]
    while True:
        trials = [fit_model(table, (*current, p)) for p in pairs if p not in current]
        fits += trials
        ok = [f for f in trials if f.problem is None]
        if not ok:
            return fits
        step = min(ok, key=lambda f: f.score(criterion))
        if best.problem is None and step.score(criterion) >= best.score(criterion):
            return fits
        best, current = step, step.terms


def profile_interval(table: OverlapTable, terms: Sequence[Term], estimate: float,
                     level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for N under one model (Cormack 1992)."""
    import statsmodels.api as sm
    from scipy.optimize import brentq
    from scipy.special import gammaln
    from scipy.stats import chi2

    n = table.observed
    x = design(table.n_lists, terms)
    x_full = np.vstack([x, np.eye(1, x.shape[1])])  # the missing cell: intercept only
    y = table.counts.astype(np.float64)
    cut = chi2.ppf(level, 1) / 2.0

    def loglik(big_n: float) -> float:
        n0 = big_n - n
        yy = np.append(y, n0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(yy, x_full, family=sm.families.Poisson()).fit()
        mu = np.asarray(res.fittedvalues)
        # multinomial log-likelihood of the cells given N, up to a constant in N
        cells = yy > 0
        value = float(gammaln(big_n + 1) - gammaln(n0 + 1)
                      + np.sum(yy[cells] * np.log(mu[cells] / big_n)))
        return value

    top = loglik(estimate)
    floor = n + 0.5  # with the missing cell at exactly 0 the intercept runs off to −∞
    lower = float(n)
    if estimate > floor and loglik(floor) - top + cut < 0:
        lower = brentq(lambda v: loglik(v) - top + cut, floor, estimate, xtol=0.01)
    step = max(estimate - n, 1.0)
    hi = estimate + step
    while loglik(hi) - top + cut > 0:
        step *= 2
        hi = estimate + step
        if hi > 1e9:
            return lower, math.inf
    upper = brentq(lambda v: loglik(v) - top + cut, estimate, hi, xtol=0.01)
    return lower, upper
