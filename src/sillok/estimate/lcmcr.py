"""Bayesian latent-class multiple systems estimation: the LCMCR model of Manrique-Vallier
(2016, *Biometrics* 72: 1246–1254), as in his R package LCMCR.

People differ in how easy they are to document, and that heterogeneity is what biases simple
estimates. The model lets each person belong to one of K latent classes; within a class the
lists find people independently, list j with probability lambda[k, j]. Class weights follow a
truncated stick-breaking (Dirichlet process) prior with concentration alpha ~ Gamma(a, b), every
lambda ~ Beta(1, 1), and the population size has the prior p(N) ∝ 1/N. With K large enough
(10 here, as HRDAG uses it) the classes not needed stay empty, so the data choose how much
heterogeneity there is.

Why a Gibbs sampler written with numpy, not numpyro or PyMC: the model is a mixture with a
discrete unknown (the number of people missed, and the class of everyone, seen or not).
Hamiltonian samplers (NUTS, in numpyro and PyMC) cannot move discrete variables and would need
the classes and N summed out, which turns the estimate into a harder, slower problem; PyMC
would fall back to Metropolis steps for N. Every full conditional here is a standard
distribution (multinomial, beta, negative binomial, gamma), so the exact Gibbs sampler of the
paper is short, needs no new dependency (numpy is here already; numpyro would bring JAX, PyMC
a compiler stack), works on the aggregated table rather than on one row per person, and runs
all chains at once as one array: a few seconds for 4 lists. Same seed, same draws.

One sweep, in the order of the R package: (1) the class of everyone observed, as class counts
per capture pattern; (2) lambda; (3) the stick-breaking weights; (4) the number missed,
n0 ~ NegBinomial(n, 1 − p0) where p0 is the chance of being on no list (draws above 20·n are
redrawn, as the R package does); (5) the classes of the missed; (6) alpha.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sillok.estimate.diagnostics import effective_sample_size, split_rhat
from sillok.estimate.overlap import OverlapTable

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Settings:
    """Sampler settings; the defaults are the R package's documented use with K = 10.

    classes=1 is the Bayesian independence model, whose posterior of N is known exactly:
    tests check the sampler against it.
    """

    classes: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    chains: int = 4
    burnin: int = 10_000
    samples: int = 1_000  # kept per chain
    thinning: int = 10
    seed: int = 2016


@dataclass(frozen=True)
class Posterior:
    """Draws of N (chains × samples) and what the chains say about themselves."""

    draws: NDArray[np.int64]
    observed: int
    settings: Settings
    seconds: float
    classes_used: float  # mean number of classes with anyone in them

    @property
    def median(self) -> float:
        return float(np.median(self.draws))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        tail = (1.0 - level) / 2.0
        lo, hi = np.quantile(self.draws, [tail, 1.0 - tail])
        return float(lo), float(hi)

    @property
    def rhat(self) -> float:
        return split_rhat(np.log(self.draws.astype(np.float64)))

    @property
    def ess(self) -> float:
        return effective_sample_size(self.draws.astype(np.float64))


WARMUP = 500  # the R package's initial sweeps with alpha held at 0.3/K
ALPHA_FLOOR = 1e-8


class _Chains:
    """The state of every chain, as arrays with the chain first."""

    def __init__(self, table: OverlapTable, s: Settings, rng: np.random.Generator) -> None:
        keep = table.counts > 0
        self.x = table.patterns().astype(np.float64)[keep]  # (P, L) observed patterns
        self.counts = table.counts[keep]
        self.xt, self.missing = self.x.T.copy(), 1.0 - self.x.T
        self.n = table.observed
        self.rng = rng
        self.s = s
        c, k, n_lists = s.chains, s.classes, self.x.shape[1]
        # As the R package starts: every class at the lists' marginal frequencies, weights
        # from the stick-breaking prior with alpha = 1, alpha itself at 0.3/K.
        marginal = (self.counts @ self.x) / self.n
        self.lam = np.clip(np.broadcast_to(marginal, (c, k, n_lists)).copy(), 1e-6, 1 - 1e-6)
        v = rng.beta(1.0, 1.0, size=(c, k - 1))
        self.log_pi = np.concatenate([np.log(v), np.zeros((c, 1))], axis=1)
        self.log_pi[:, 1:] += np.cumsum(np.log1p(-v), axis=1)
        self.alpha = np.full(c, 0.3 / k)
        self.m0 = np.zeros((c, k), dtype=np.int64)
        self.n0 = np.zeros(c, dtype=np.int64)
        self.occupied = np.zeros(c, dtype=np.int64)
        # Every gamma variate of a sweep comes from one call (numpy's per-call cost dominates
        # at these sizes): lambda as G1/(G1+G2), the sticks in logs, n0's gamma-Poisson
        # mixture and alpha, each scaled after the draw.
        self.n_lam = 2 * c * k * n_lists
        self.n_stick = 2 * c * (k - 1)
        self.shapes = np.empty(self.n_lam + self.n_stick + 2 * c)
        self.shapes[self.n_lam + self.n_stick:self.n_lam + self.n_stick + c] = self.n
        self.shapes[self.n_lam + self.n_stick + c:] = s.a_alpha + k - 1.0

    def sweep(self, update_alpha: bool = True) -> None:
        c, k = self.s.chains, self.s.classes
        n_lam, n_stick, n, rng = self.n_lam, self.n_stick, self.n, self.rng
        lam = self.lam
        # (1) classes of the observed, as counts per pattern: (C, P, K)
        logp = self.log_pi[:, :, None] + np.log(lam) @ self.xt + np.log1p(-lam) @ self.missing
        logp -= logp.max(axis=1, keepdims=True)
        prob = np.exp(logp)
        prob /= prob.sum(axis=1, keepdims=True)
        m_obs = rng.multinomial(self.counts, prob.transpose(0, 2, 1))
        ones = m_obs.transpose(0, 2, 1) @ self.x  # (C, K, L): people in class k on list j
        size = m_obs.sum(axis=1) + self.m0  # (C, K), with the last sweep's missed people
        after = np.cumsum(size[:, ::-1], axis=1)[:, ::-1] - size  # people in later classes
        shapes = self.shapes
        shapes[:n_lam] = np.concatenate([(1.0 + ones).ravel(),
                                         (1.0 + size[:, :, None] - ones).ravel()])
        # V_k ~ Beta(1 + m_k, alpha + people after k), each gamma drawn at shape + 1
        shapes[n_lam:n_lam + n_stick] = np.concatenate(
            [(2.0 + size[:, :-1]).ravel(), (1.0 + self.alpha[:, None] + after[:, :-1]).ravel()])
        g = rng.standard_gamma(shapes)
        u = 1.0 - rng.random(n_stick)  # in (0, 1]: log(u) is finite
        # (2) lambda, from everyone in the class, seen or missed
        g1 = g[:n_lam // 2].reshape(lam.shape)
        g2 = g[n_lam // 2:n_lam].reshape(lam.shape)
        lam = self.lam = np.clip(g1 / (g1 + g2), 1e-12, 1.0 - 1e-12)
        # (3) stick-breaking weights, in logs: G(a) = G(a + 1)·U^(1/a) keeps tiny shapes
        lg = np.log(g[n_lam:n_lam + n_stick]) + np.log(u) / (shapes[n_lam:n_lam + n_stick] - 1)
        la, lb = lg[:n_stick // 2].reshape(c, k - 1), lg[n_stick // 2:].reshape(c, k - 1)
        log_sum = np.logaddexp(la, lb)
        log_pi = np.zeros((c, k))
        np.cumsum(lb - log_sum, axis=1, out=log_pi[:, 1:])
        log_last = log_pi[:, -1].copy()  # log pi_K = sum of log(1 - V_k)
        log_pi[:, :-1] += la - log_sum
        self.log_pi = log_pi
        # (4) how many were missed: NegBinomial(n, 1 - p0) as Poisson(Gamma(n)·p0/(1 - p0))
        log_miss = log_pi + np.log1p(-lam).sum(axis=2)  # (C, K): in class k, on no list
        p0 = np.clip(np.exp(log_miss).sum(axis=1), 1e-300, 1.0 - 1e-12)
        n0 = rng.poisson(g[n_lam + n_stick:n_lam + n_stick + c] * p0 / (1.0 - p0))
        over = n0 > 20 * n
        while over.any():
            n0[over] = rng.negative_binomial(n, 1.0 - p0[over])
            over = n0 > 20 * n
        self.n0 = n0
        # (5) classes of the missed
        pm = np.exp(log_miss - log_miss.max(axis=1, keepdims=True))
        self.m0 = rng.multinomial(n0, pm / pm.sum(axis=1, keepdims=True))
        self.occupied = ((m_obs.sum(axis=1) + self.m0) > 0).sum(axis=1)
        # (6) concentration: Gamma(a + K - 1, rate b - log pi_K)
        if update_alpha:
            # Floored: once an empty last class's log-weight underflows to −∞, alpha would be
            # exactly 0 and every later class shut for good (a float trap, not the model).
            self.alpha = np.maximum(g[n_lam + n_stick + c:] / (self.s.b_alpha - log_last),
                                    ALPHA_FLOOR)

    def order_classes(self) -> None:
        """Largest class first in every chain (as the R package does after warming up)."""
        order = np.argsort(-self.log_pi, axis=1)
        rows = np.arange(self.s.chains)[:, None]
        self.log_pi = self.log_pi[rows, order]
        self.lam = self.lam[rows, order]
        self.m0 = self.m0[rows, order]


def sample(table: OverlapTable, settings: Settings | None = None) -> Posterior:
    """Run the chains side by side and return the draws of N after burn-in and thinning."""
    s = settings or Settings()
    if min(s.classes, s.chains, s.samples, s.thinning) < 1 or s.burnin < 0:
        raise ValueError("at least 1 class, 1 chain, 1 sample and thinning 1")
    started = time.perf_counter()
    chains = _Chains(table, s, np.random.default_rng(s.seed))
    for _ in range(WARMUP):
        chains.sweep(update_alpha=False)
    chains.order_classes()
    for _ in range(s.burnin):
        chains.sweep()
    out = np.empty((s.chains, s.samples), dtype=np.int64)
    used = np.empty((s.chains, s.samples))
    for i in range(s.samples):
        for _ in range(s.thinning):
            chains.sweep()
        out[:, i] = table.observed + chains.n0
        used[:, i] = chains.occupied
    return Posterior(out, table.observed, s, time.perf_counter() - started, float(used.mean()))
