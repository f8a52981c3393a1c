"""Multiple systems estimation: the overlap-table reader, log-linear models against R's
Rcapture, the latent-class sampler against R's LCMCR, simulated populations of known size,
the cautions, and `sillok estimate` as a user calls it.

Reference numbers (tests/data/estimate/reference.json) were computed once by R with Rcapture
1.4-4 and LCMCR 0.4.14 on the public datasets those packages ship; make_reference.R beside
them says how. The simulated populations are fictional.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln
from typer.testing import CliRunner

from sillok.cli.main import app
from sillok.errors import Invalid, SillokError
from sillok.estimate import lcmcr, loglinear, simulate
from sillok.estimate.cautions import table_cautions
from sillok.estimate.diagnostics import effective_sample_size, split_rhat
from sillok.estimate.estimator import estimate
from sillok.estimate.overlap import (
    OverlapTable,
    from_patterns,
    parse_overlap_csv,
    read_overlap_csv,
    write_overlap_csv,
)

DATA = Path(__file__).parent / "data" / "estimate"
REF: dict[str, Any] = json.loads((DATA / "reference.json").read_text())
DATASETS = ["kosovo", "kosovo3", "hiv", "lesbian", "duck"]
SELECTED = ["kosovo", "kosovo3", "hiv", "lesbian"]  # ≤ 4 lists: R's model search too


def table(name: str) -> OverlapTable:
    return read_overlap_csv(DATA / f"{name}.csv")


def close(ours: float, theirs: float, tol: float = 0.01) -> bool:
    return abs(ours - theirs) <= tol * abs(theirs)


# ---------------------------------------------------------------- reading overlap tables

def test_reads_the_r_format_and_sums_repeated_patterns() -> None:
    t = parse_overlap_csv("a,b,c,Freq\n1,0,0,5\n0,1,1,2\n1,0,0,3\n0,0,0,0\n")
    assert t.lists == ("a", "b", "c") and t.observed == 10
    assert dict(t.rows())[(1, 0, 0)] == 8 and t.overlap(1, 2) == 2
    again = parse_overlap_csv(write_overlap_csv(t))
    assert again.lists == t.lists and np.array_equal(again.counts, t.counts)
    semi = parse_overlap_csv("a;b;count\n1;1;4\n1;0;6\n")
    assert semi.list_sizes() == {"a": 10, "b": 4}


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"),
    ("a,b,c\n1,0,1\n", "no 'count' column"),
    ("a,count\n1,5\n", "at least 2"),
    ("a,b,count\n1,2,5\n", "'2' in column 'b' is not 0 or 1"),
    ("a,b,count\n1,0,-3\n", "count '-3' is not a whole number"),
    ("a,b,count\n1,0,2.5\n", "count '2.5' is not a whole number"),
    ("a,b,count\n0,0,7\n", "no list"),
    ("a,b,count\n1,0\n", "line 2: has 2 fields"),
    ("a,A,count\n1,0,1\n", "appears twice"),
    ("a,b,count,n\n1,0,1,1\n", "more than one count column"),
    ("a,b,count\n", "no rows"),
    ("a,b,count\n1,0,0\n", "no one is on any list"),
])
def test_bad_input_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_overlap_csv(text, "lists.csv")
    assert message in err.value.message and "\n" not in err.value.message
    assert err.value.message.startswith("lists.csv: invalid")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(SillokError, match="no such file"):
        read_overlap_csv(tmp_path / "none.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("목록,b,count\n1,0,3\n".encode("euc-kr"))
    with pytest.raises(SillokError, match="not UTF-8"):
        read_overlap_csv(bad)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("01,;\tabc count\n-2.x\"")), max_size=80))
def test_any_text_gives_a_table_or_invalid(text: str) -> None:
    """Whatever a person types, the reader answers with a table or a one-line Invalid."""
    try:
        t = parse_overlap_csv(text)
    except Invalid as exc:
        assert "\n" not in exc.message
        return
    assert t.observed > 0 and len(t.counts) == 2 ** t.n_lists - 1


# ---------------------------------------------------------------- log-linear vs Rcapture

@pytest.mark.parametrize("name", DATASETS)
def test_independence_model_matches_rcapture(name: str) -> None:
    t, ref = table(name), REF[name]
    assert t.observed == ref["observed"] and list(t.lists) == ref["lists"]
    fit = loglinear.fit_model(t, ())
    r = ref["Mt"]
    assert close(fit.estimate, r["abundance"]) and close(fit.stderr, r["stderr"])
    assert close(fit.aic, r["aic"]) and close(fit.bic, r["bic"])
    lower, upper = loglinear.profile_interval(t, (), fit.estimate)
    assert close(lower, r["lower"]) and close(upper, r["upper"])


@pytest.mark.parametrize("name", SELECTED)
@pytest.mark.parametrize("criterion", ["bic", "aic"])
def test_model_selection_matches_rcapture(name: str, criterion: str) -> None:
    t, ref = table(name), REF[name][f"best_{criterion}"]
    result = estimate(t, "loglinear", criterion="aic" if criterion == "aic" else "bic")
    assert result.model == ref["model"]
    assert close(result.estimate, ref["abundance"])
    assert close(result.lower, ref["lower"]) and close(result.upper, ref["upper"])
    assert result.lower <= result.estimate <= result.upper


def test_every_model_rcapture_fitted_cleanly_agrees() -> None:
    """All 113 hierarchical models of a 4-list table, one by one."""
    t = table("lesbian")
    ours = {f.name: f for f in (loglinear.fit_model(t, m)
                                for m in loglinear.hierarchical_models(4))}
    assert len(ours) == 113
    clean = [m for m in REF["lesbian"]["models"] if m["info"] == 0]
    assert len(clean) > 50
    for m in clean:
        assert close(ours[m["model"]].estimate, m["abundance"]), m["model"]
        assert close(ours[m["model"]].bic, m["bic"]), m["model"]


def test_model_names_round_trip() -> None:
    for terms in loglinear.hierarchical_models(4):
        name = loglinear.model_name(terms, 4)
        assert set(loglinear.parse_model(name, 4)) == set(terms)
    with pytest.raises(ValueError, match="cannot be estimated"):
        loglinear.parse_model("[1234]", 4)
    with pytest.raises(ValueError, match="not there"):
        loglinear.parse_model("[15]", 4)


def test_zero_cells_do_not_give_an_unbounded_estimate() -> None:
    """No one on both lists 1 and 2: any model with 1×2 is left out, not chosen."""
    t = from_patterns(["a", "b", "c"], [((1, 0, 0), 40), ((0, 1, 0), 35), ((0, 0, 1), 30),
                                        ((1, 0, 1), 12), ((0, 1, 1), 9)])
    fit = loglinear.fit_model(t, loglinear.parse_model("[12,3]", 3))
    assert fit.problem is not None and "zero cell" in fit.problem
    best, _fits = loglinear.select(t)
    assert frozenset({0, 1}) not in best.terms
    result = estimate(t)
    assert {w.code for w in result.warnings} >= {"sparse_overlaps"}


# ---------------------------------------------------------------- simulated populations

def test_independence_interval_covers_the_truth_at_about_its_rate() -> None:
    rng = np.random.default_rng(7)
    scenario = simulate.homogeneous(1500, (0.2, 0.25, 0.3))
    terms = loglinear.parse_model("[1,2,3]", 3)
    hits = 0
    for _ in range(40):
        t = simulate.draw(scenario, rng)
        fit = loglinear.fit_model(t, terms)
        lower, upper = loglinear.profile_interval(t, terms, fit.estimate)
        hits += lower <= scenario.size <= upper
    assert 34 <= hits <= 40  # nominal 95 %: 38 of 40 expected


def test_selection_finds_a_dependence_between_two_lists() -> None:
    rng = np.random.default_rng(3)
    scenario = simulate.Scenario(3000, ((0.2, 0.2, 0.25, 0.3),), dependence=4.0)
    t = simulate.draw(scenario, rng)
    naive = loglinear.fit_model(t, ())
    result = estimate(t)
    assert "12" in result.model.strip("[]").split(",")
    assert result.lower <= scenario.size <= result.upper
    _naive_lower, naive_upper = loglinear.profile_interval(t, (), naive.estimate)
    assert naive_upper < scenario.size  # what ignoring the dependence costs


def test_lcmcr_recovers_a_heterogeneous_population() -> None:
    rng = np.random.default_rng(11)
    scenario = simulate.heterogeneous(2000, 4)
    t = simulate.draw(scenario, rng)
    result = estimate(t, "lcmcr", settings=lcmcr.Settings(chains=2, burnin=1500, samples=300,
                                                          thinning=5, seed=5))
    assert result.lower <= scenario.size <= result.upper
    assert result.lower >= t.observed and result.details["rhat"] > 0.9


# ---------------------------------------------------------------- LCMCR vs the R package

def test_lcmcr_median_near_the_r_package_on_kosovo() -> None:
    """Shorter chains than R's (so the test stays quick): the bench runs R's full length."""
    t, ref = table("kosovo"), REF["kosovo"]["lcmcr"]
    post = lcmcr.sample(t, lcmcr.Settings(chains=2, burnin=3000, samples=500, thinning=5,
                                          seed=1))
    assert close(post.median, ref["median"], 0.05)
    lower, upper = post.interval()
    assert close(lower, ref["lower"], 0.10) and close(upper, ref["upper"], 0.15)
    assert post.draws.min() >= t.observed


def _exact_one_class(t: OverlapTable) -> tuple[np.ndarray, np.ndarray]:
    """The exact posterior of N for one class: independent lists, lambda ~ Beta(1, 1), p(N) ∝ 1/N.

    p(N | data) ∝ (1/N) · N!/(N − n)! · Π_j B(n_j + 1, N − n_j + 1), up to the sampler's cap of
    N ≤ 21·n. Sums over N, no sampling: what a correct Gibbs sampler must reproduce.
    """
    n = t.observed
    on_list = t.counts @ t.patterns()
    sizes = np.arange(n, 21 * n + 1, dtype=np.float64)
    logp = -np.log(sizes) + gammaln(sizes + 1) - gammaln(sizes - n + 1)
    for m in on_list:
        logp += gammaln(m + 1.0) + gammaln(sizes - m + 1) - gammaln(sizes + 2)
    p = np.exp(logp - logp.max())
    return sizes, p / p.sum()


def test_lcmcr_with_one_class_draws_the_exact_posterior() -> None:
    """The steps that move N (lambda's beta draw, n0's negative binomial, the missed people
    feeding lambda) checked against a sum on a sparse table. Leaving the missed out of lambda
    fails it; so would a wrong negative binomial. The prior's own pull (1/N against flat) is
    about one person here, under this test's resolution and small beside the interval."""
    t = simulate.draw(simulate.homogeneous(150, (0.2, 0.25, 0.3)), np.random.default_rng(3))
    sizes, p = _exact_one_class(t)
    cdf = np.cumsum(p)
    want = sizes[np.searchsorted(cdf, [0.1, 0.5, 0.9])]
    post = lcmcr.sample(t, lcmcr.Settings(classes=1, chains=2, burnin=100, samples=1500,
                                          thinning=1, seed=1))
    got = np.quantile(post.draws, [0.1, 0.5, 0.9])
    assert np.all(np.abs(got - want) <= 0.02 * want), (got, want)
    assert abs(post.draws.mean() / float(p @ sizes) - 1) < 0.015


def test_lcmcr_is_reproducible_with_its_seed() -> None:
    t = table("hiv")
    small = lcmcr.Settings(chains=2, burnin=50, samples=20, thinning=1, seed=42)
    a, b = lcmcr.sample(t, small), lcmcr.sample(t, small)
    assert np.array_equal(a.draws, b.draws)
    other = lcmcr.sample(t, lcmcr.Settings(chains=2, burnin=50, samples=20, thinning=1, seed=43))
    assert not np.array_equal(a.draws, other.draws)


def test_diagnostics_tell_mixed_from_stuck_chains() -> None:
    rng = np.random.default_rng(0)
    mixed = rng.normal(size=(4, 1000))
    assert split_rhat(mixed) < 1.01 and effective_sample_size(mixed) > 2500
    stuck = mixed + np.array([[0.0], [0.0], [3.0], [3.0]])
    assert split_rhat(stuck) > 1.5
    walk = np.cumsum(rng.normal(size=(4, 1000)), axis=1)
    assert effective_sample_size(walk) < 100


# ---------------------------------------------------------------- cautions

def test_two_lists_and_a_list_that_restates_another_are_flagged() -> None:
    two = from_patterns(["a", "b"], [((1, 0), 300), ((0, 1), 200), ((1, 1), 100)])
    result = estimate(two)
    assert "few_lists" in {w.code for w in result.warnings}
    assert close(result.estimate, 400 * 300 / 100)  # Lincoln–Petersen
    copied = from_patterns(["a", "b", "c"], [((1, 0, 0), 200), ((1, 1, 0), 95),
                                             ((0, 1, 0), 5), ((0, 0, 1), 150),
                                             ((1, 0, 1), 40), ((1, 1, 1), 12)])
    codes = {w.code for w in estimate(copied).warnings}
    assert "dependent_lists" in codes
    for w in estimate(copied).warnings:
        assert w.en and w.ko and w.en != w.ko


def test_many_sparse_pairs_name_the_sparsest_few() -> None:
    """One list per source origin gives dozens of pairs: the caution stays readable."""
    names = [f"origin{i:02d}" for i in range(12)]
    rows = [(tuple(int(j == i) for j in range(12)), 20) for i in range(12)]
    rows.append((tuple(int(j in (0, 1)) for j in range(12)), 3))
    sparse = [w for w in table_cautions(from_patterns(names, rows))
              if w.code == "sparse_overlaps"]
    assert len(sparse) == 1
    en, ko = sparse[0].en, sparse[0].ko
    assert en.count("–") == 6 and "and 60 more pairs" in en and "외 60쌍" in ko
    assert "origin00–origin02 (0)" in en and "(3)" not in en  # sparsest first


# ---------------------------------------------------------------- the command

def test_cli_json_as_a_user_calls_it(runner: CliRunner) -> None:
    out = runner.invoke(app, ["estimate", str(DATA / "kosovo.csv"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {"estimate", "lower", "upper", "method", "model", "observed", "warnings"} <= set(data)
    assert data["method"] == "loglinear" and data["observed"] == 4400
    assert data["model"] == REF["kosovo"]["best_bic"]["model"]
    assert data["lower"] < data["estimate"] < data["upper"]


def test_cli_table_and_lcmcr(runner: CliRunner) -> None:
    out = runner.invoke(app, ["estimate", str(DATA / "hiv.csv")])
    assert out.exit_code == 0, out.output
    assert "추정치 / estimate" in out.stdout and "11,125" in out.stdout
    out = runner.invoke(app, ["estimate", str(DATA / "hiv.csv"), "--method", "lcmcr", "--json",
                              "--burnin", "200", "--samples", "50"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["method"] == "lcmcr" and data["details"]["seed"] == lcmcr.Settings.seed
    assert data["lower"] <= data["estimate"] <= data["upper"]
    assert "rhat" in data["details"] and "ess" in data["details"]


def test_cli_model_option_and_errors(runner: CliRunner, tmp_path: Path) -> None:
    out = runner.invoke(app, ["estimate", str(DATA / "hiv.csv"), "--model", "[12,3,4]",
                              "--json"])
    assert out.exit_code == 0, out.output
    assert close(json.loads(out.stdout)["estimate"], REF["hiv"]["best_aic"]["abundance"])
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c,count\n1,0,x,4\n")
    for args in (["estimate", str(bad)], ["estimate", str(tmp_path / "none.csv")],
                 ["estimate", str(DATA / "hiv.csv"), "--method", "magic"],
                 ["estimate", str(DATA / "hiv.csv"), "--model", "[1234]"]):
        out = runner.invoke(app, args)
        assert out.exit_code == 1, args
        assert out.output.startswith("error:") and out.output.count("\n") == 1, out.output


def test_the_documented_example_is_what_the_command_prints(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    """docs/estimation.md shows an overlap table and the answer: a documentation officer who
    types them in must get the numbers the page shows (the LCMCR figures there are from the
    default seed; the log-linear ones are checked here, quickly)."""
    doc = (Path(__file__).parents[1] / "docs" / "estimation.md").read_text()
    block = doc.split("nkdb,ngo_b,un_coi,count", 1)[1].split("```", 1)[0]
    rows = [line.split()[0] for line in block.splitlines()[1:] if line.strip()]  # no comments
    csv = tmp_path / "repatriations-2020.csv"
    csv.write_text("nkdb,ngo_b,un_coi,count\n" + "\n".join(rows) + "\n")
    out = runner.invoke(app, ["estimate", str(csv)])
    assert out.exit_code == 0, out.output
    got = estimate(read_overlap_csv(csv))
    shown = (f"추정치 / estimate       {got.estimate:,.0f}\n"
             f"95 % 구간 / interval    {got.lower:,.0f} – {got.upper:,.0f}\n"
             f"기록된 수 / documented  {got.observed:,}\n"
             f"모형 / model            {got.model}\n")
    assert shown in doc
    assert f"{got.lower:,.0f} – {got.upper:,.0f}" in out.stdout and got.model in out.stdout
    assert f"between about {round(got.lower, -1):,.0f} and {round(got.upper, -1):,.0f}" in doc


def test_every_option_the_guide_shows_exists() -> None:
    """A documentation officer copies the commands of docs/estimation.md: each option they
    show must be one `sillok estimate` takes."""
    import re

    import typer.main

    doc = (Path(__file__).parents[1] / "docs" / "estimation.md").read_text()
    command = typer.main.get_command(app).commands["estimate"]  # type: ignore[attr-defined]
    options = {o for p in command.params for o in p.opts}
    shown = {o for line in doc.splitlines() if line.startswith("sillok estimate")
             for o in re.findall(r"(?<!\S)(--?[a-z][a-z-]*)", line.split("#")[0])}
    assert {"--from-archive", "--lists-by", "--method", "-f"} <= shown
    assert shown <= options, shown - options
