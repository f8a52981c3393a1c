"""Multiple systems estimation: agreement with R, interval coverage, time.

    python bench/estimate.py [--populations 200] [--part reference,coverage,timing]
                             [--out bench/out/estimate.json]

Targets (issue 21): log-linear estimates within 1 % of R's Rcapture on the reference
datasets; LCMCR posterior median within 5 % of the R package's (seeds averaged); 95 %
intervals covering the true size of 90–99 % of 200 simulated populations; one LCMCR estimate
with 4 lists in ≤ 30 s. The simulated populations are fictional.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from sillok.estimate import lcmcr, loglinear, simulate
from sillok.estimate.estimator import estimate
from sillok.estimate.overlap import read_overlap_csv

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "estimate"
SEEDS = (1, 2, 3)
# Coverage runs shorter chains than the default: 2 × 400 kept draws after 2,000 sweeps,
# enough for the 2.5 % and 97.5 % quantiles of well-mixed chains, and 200 runs stay minutes.
COVERAGE_CHAINS = lcmcr.Settings(chains=2, burnin=2_000, samples=400, thinning=5)


def reference() -> dict[str, Any]:
    ref = json.loads((DATA / "reference.json").read_text())
    out: dict[str, Any] = {}
    for name in ("kosovo", "kosovo3", "hiv", "lesbian", "duck"):
        table = read_overlap_csv(DATA / f"{name}.csv")
        r = ref[name]
        row: dict[str, Any] = {}
        mt = loglinear.fit_model(table, ())
        row["Mt_rel_diff"] = abs(mt.estimate / r["Mt"]["abundance"] - 1)
        if "best_bic" in r:
            for crit in ("bic", "aic"):
                got = estimate(table, criterion="aic" if crit == "aic" else "bic")
                want = r[f"best_{crit}"]
                row[f"{crit}_model"] = [got.model, want["model"]]
                row[f"{crit}_rel_diff"] = abs(got.estimate / want["abundance"] - 1)
                row[f"{crit}_interval_rel_diff"] = max(abs(got.lower / want["lower"] - 1),
                                                       abs(got.upper / want["upper"] - 1))
            medians, lowers, uppers, rhats, secs = [], [], [], [], []
            for seed in SEEDS:
                post = lcmcr.sample(table, lcmcr.Settings(seed=seed))
                lo, hi = post.interval()
                medians.append(post.median)
                lowers.append(lo)
                uppers.append(hi)
                rhats.append(round(post.rhat, 3))
                secs.append(round(post.seconds, 1))
            lc = r["lcmcr"]
            row["lcmcr"] = {
                "median": round(float(np.mean(medians)), 1), "r_median": lc["median"],
                "rel_diff": abs(float(np.mean(medians)) / lc["median"] - 1),
                "interval": [round(float(np.mean(lowers))), round(float(np.mean(uppers)))],
                "r_interval": [round(lc["lower"]), round(lc["upper"])],
                "per_seed": [round(m) for m in medians], "rhat": rhats, "seconds": secs,
            }
        out[name] = row
    return out


def coverage(populations: int, scenario_names: list[str], methods: list[str],
             long_chains: bool, start: int = 0) -> dict[str, Any]:
    scenarios = {
        "independent": simulate.homogeneous(2000, (0.15, 0.2, 0.25, 0.3)),
        "heterogeneous": simulate.heterogeneous(2000, 4),
    }
    base = lcmcr.Settings() if long_chains else COVERAGE_CHAINS
    out: dict[str, Any] = {"lcmcr_settings": {k: v for k, v in base.__dict__.items()
                                              if k != "seed"}}
    for label in scenario_names:
        scenario = scenarios[label]
        rng = np.random.default_rng(2016)
        hits = dict.fromkeys(methods, 0)
        errors: dict[str, list[float]] = {m: [] for m in methods}
        started = time.perf_counter()
        for i in range(start + populations):
            table = simulate.draw(scenario, rng)
            if i < start:  # drawn, not fitted: population i is the same in every run
                continue
            detail: dict[str, Any] = {}
            for method in methods:
                chains = lcmcr.Settings(**{**base.__dict__, "seed": i})
                result = estimate(table, "lcmcr" if method == "lcmcr" else "loglinear",
                                  settings=chains)
                hits[method] += result.lower <= scenario.size <= result.upper
                errors[method].append(result.estimate / scenario.size - 1)
                # Which side a miss falls on, and whether the chains agreed, say why it missed.
                detail[method] = {"estimate": round(result.estimate), "lower": round(result.lower),
                                  "upper": round(result.upper),
                                  **{k: round(result.details[k], 3) for k in ("rhat", "ess")
                                     if k in result.details}}
            # A line per population on stderr: a long run that is stopped still says how far
            # it got and what it had covered.
            print(json.dumps({"scenario": label, "population": i + 1, "hits": hits,
                              "observed": table.observed, **detail,
                              "seconds": round(time.perf_counter() - started, 1)}),
                  file=sys.stderr, flush=True)
        out[label] = {
            "populations": populations, "first": start + 1, "true_size": scenario.size,
            "coverage": {m: hits[m] / populations for m in hits},
            "median_rel_error": {m: round(float(np.median(errors[m])), 4) for m in errors},
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def timing() -> dict[str, Any]:
    table = read_overlap_csv(DATA / "kosovo.csv")
    started = time.perf_counter()
    result = estimate(table, "lcmcr")
    lcmcr_s = time.perf_counter() - started
    started = time.perf_counter()
    estimate(table, "loglinear")
    loglinear_s = time.perf_counter() - started
    return {"lcmcr_4_lists_default_s": round(lcmcr_s, 2),
            "lcmcr_settings": {k: result.details[k] for k in
                               ("chains", "burnin", "samples_per_chain", "thinning")},
            "loglinear_4_lists_113_models_s": round(loglinear_s, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--populations", type=int, default=200)
    ap.add_argument("--part", default="reference,coverage,timing")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--scenarios", default="independent,heterogeneous")
    ap.add_argument("--methods", default="loglinear,lcmcr")
    ap.add_argument("--start", type=int, default=0,
                    help="skip (draw but do not fit) the first START populations, to extend a run")
    ap.add_argument("--long-chains", action="store_true",
                    help="coverage with LCMCR's default settings instead of short chains")
    args = ap.parse_args()
    parts = set(args.part.split(","))
    result: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if "timing" in parts:
        result["timing"] = timing()
    if "reference" in parts:
        result["reference"] = reference()
    if "coverage" in parts:
        result["coverage"] = coverage(args.populations, args.scenarios.split(","),
                                      args.methods.split(","), args.long_chains, args.start)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
