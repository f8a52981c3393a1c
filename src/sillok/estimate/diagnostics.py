"""Convergence diagnostics for Markov chains: split R-hat and effective sample size.

The standard formulas of Gelman et al., *Bayesian Data Analysis* (3rd ed., 2013), §11.4–11.5:
each chain is split in halves, R-hat compares the variance between the halves with the
variance within them, and the effective sample size sums the chains' autocorrelations up to
Geyer's initial monotone sequence (as Stan computes it). Written here rather than imported:
statsmodels has no R-hat, and ArviZ would bring a plotting stack for two functions.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def _split(draws: NDArray[np.float64]) -> NDArray[np.float64]:
    """(chains, draws) → (2·chains, draws//2): the first and second half of every chain."""
    _chains, n = draws.shape
    half = n // 2
    return np.concatenate([draws[:, :half], draws[:, n - half:]], axis=0)


def split_rhat(draws: NDArray[np.float64]) -> float:
    """Potential scale reduction; near 1 when the chains agree (1.01 is the usual bar)."""
    x = _split(np.asarray(draws, dtype=np.float64))
    _m, n = x.shape
    if n < 2:
        return math.nan
    means = x.mean(axis=1)
    within = x.var(axis=1, ddof=1).mean()
    between = n * means.var(ddof=1)
    if within <= 0:
        return 1.0 if between <= 0 else math.inf
    var_plus = (n - 1) / n * within + between / n
    return float(math.sqrt(var_plus / within))


def _autocovariance(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Autocovariance of one chain at every lag, by FFT."""
    n = len(x)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(x - x.mean(), size)
    acov = np.fft.irfft(f * np.conjugate(f), size)[:n]
    return np.asarray(acov / n, dtype=np.float64)


def effective_sample_size(draws: NDArray[np.float64]) -> float:
    """How many independent draws the chains are worth for the mean (BDA3 eq. 11.8)."""
    x = _split(np.asarray(draws, dtype=np.float64))
    m, n = x.shape
    if n < 4:
        return math.nan
    acov = np.array([_autocovariance(c) for c in x])
    within = acov[:, 0].mean() * n / (n - 1)
    means = x.mean(axis=1)
    var_plus = within * (n - 1) / n + (means.var(ddof=1) if m > 1 else 0.0)
    if var_plus <= 0:
        return float(m * n)
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs of autocorrelations while positive, kept monotone
    total = 0.0
    previous = math.inf
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        pair = min(pair, previous)
        previous = pair
        total += pair
    tau = -1.0 + 2.0 * total
    return float(m * n / max(tau, 1.0 / math.log10(m * n + 10)))
