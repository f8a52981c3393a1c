"""The splink model for Korean person records, and splink's default settings as a baseline.

Comparisons (model.md-style summary; docs/linkage.md has the reasoning):

- given name: same in Hangul > a romanization spells the same Hangul (the name matcher's
  readings) > same name key (language/names.py) > same syllables in another order > keys
  one slip apart (symmetric deletion) > different;
- surname: same (이/리/Lee/Yi/Rhee, 박/Park/Pak/Bak, 김/Kim/Gim …) > different;
- birth year: same > ±1 > ±3 (estimates are rounded) > different;
- sex; place of origin: same county or city > same province > different;
- shared events, shared sources.

Every m and u is estimated from the records themselves: u by random sampling, m by
expectation maximisation over two blocking passes (each pass estimates what it does not
block on), the prior first from a strict deterministic rule, then by the EM step for the
prior over the scored pairs (``_prior_shift``). Nothing is hand-set.

Blocking keeps 100,000 persons tractable: pairs are only scored when they share the surname
and something of the given name (a name key, a Hangul reading, the syllables in any order, a
key at most one slip apart), or the surname and an event.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.exceptions import SplinkException

from sillok.linkage.gazetteer import Gazetteer
from sillok.linkage.pairs import Linkage, Pair
from sillok.linkage.records import LinkRecord, rows

MATCH_THRESHOLD = 0.5  # best pairwise F1 on the tuning set (seed 7)
BLOCKING_READINGS = 6
EM_ITERATIONS, EM_CONVERGENCE = 10, 0.001
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Level:
    """A comparison level and the reason it gives when it counts for a match."""

    creator: Any
    reason: str


@dataclass(frozen=True)
class Comparison:
    name: str
    null_column: str
    levels: tuple[Level, ...]  # best first; the else level is added at the end

    def creator(self) -> Any:
        levels: list[Any] = [cll.NullLevel(self.null_column)]
        levels += [lv.creator.configure(label_for_charts=lv.reason) for lv in self.levels]
        levels.append(cll.ElseLevel())
        return cl.CustomComparison(levels, output_column_name=self.name)


KOREAN: tuple[Comparison, ...] = (
    Comparison("given_name", "givens", (
        Level(cll.ArrayIntersectLevel("given_hangul"), "same given name in Hangul"),
        Level(cll.ArrayIntersectLevel("given_readings"), "given name spelt from the same Hangul"),
        Level(cll.ArrayIntersectLevel("givens"), "same given-name key"),
        Level(cll.ArrayIntersectLevel("givens_sorted"), "same given-name syllables, reordered"),
        # A slip of the keyboard or the ear: one letter dropped, added, changed or two
        # swapped (Hojong, Hojjong; 성봉, 셩봉). A brother's or sister's name differs by a whole
        # syllable, more than one letter.
        # (Not where both are written in Hangul and a syllable starts otherwise: 하숙, 하옥
        # are sisters, though their keys, hasok and haok, are one letter apart.)
        Level(cll.And(cll.ArrayIntersectLevel("givens_near"), cll.Or(
            cll.CustomLevel("hangul_onsets_l is null or hangul_onsets_r is null"),
            cll.ExactMatchLevel("hangul_onsets"))), "given names one slip apart"),
    )),
    Comparison("surname", "surnames", (
        # As rare as the surname is: 김 (one Korean in five) says less than 허 or 남궁.
        Level(cll.ExactMatchLevel("surname_primary", term_frequency_adjustments=True),
              "same surname"),
        Level(cll.ArrayIntersectLevel("surnames"), "same surname, spelt otherwise"),
    )),
    Comparison("birth_year", "birth_year", (
        Level(cll.ExactMatchLevel("birth_year"), "same birth year"),
        Level(cll.AbsoluteDifferenceLevel("birth_year", 1), "birth years one apart"),
        Level(cll.AbsoluteDifferenceLevel("birth_year", 3), "birth years within three"),
    )),
    Comparison("sex", "sex", (Level(cll.ExactMatchLevel("sex"), "same sex"),)),
    Comparison("origin", "origin", (
        Level(cll.ExactMatchLevel("origin"), "same place of origin"),
        Level(cll.ExactMatchLevel("origin_province"), "origin in the same province"),
    )),
    Comparison("events", "events", (
        Level(cll.ArrayIntersectLevel("events"), "named in the same event"),
    )),
    Comparison("sources", "sources", (
        Level(cll.ArrayIntersectLevel("sources"), "named in the same source"),
    )),
)


def korean_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[c.creator() for c in KOREAN],
        blocking_rules_to_generate_predictions=[
            block_on("name_key", arrays_to_explode=["name_key"]),
            block_on("surname_primary", "given_reading", arrays_to_explode=["given_reading"]),
            # Named in one event: two testimonies about one arrest name the same people.
            block_on("surname_primary", "event", arrays_to_explode=["event"]),
            # Syllables the other way round (신규익, Kyu Ik Sin for 신익규), in every reading of
            # every name of the record (Sok Won Kim: 석원김 or 김석원).
            block_on("name_sorted", arrays_to_explode=["name_sorted"]),
            # One slip of the keyboard or the ear in the given name, a syllable's first
            # consonant included, wherever province and birth year are missing: two keys one
            # letter dropped, added, changed or swapped apart share a key with one letter
            # dropped (Gim Bng Man and 김봉만: pngman, pongman → pngman); the surname with it,
            # in every reading of every name (Son Na Kim and 김선난).
            block_on("name_near", arrays_to_explode=["name_near"]),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # the mw_ columns give the reasons
        # Each EM pass settles within a few iterations here; splink's 25 (at a tolerance of
        # 0.0001) spent most of the training time at archive scale on changes in the fourth
        # decimal of an m (bench/README.md).
        max_iterations=EM_ITERATIONS,
        em_convergence=EM_CONVERGENCE,
    )


def baseline_settings() -> SettingsCreator:
    """Splink's own comparisons on the fields as written: the baseline."""
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("origin"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name"), block_on("birth_year", "origin"),
        ],
        retain_matching_columns=False,
    )


def _table(records: Sequence[LinkRecord], gazetteer: Gazetteer | None = None) -> pa.Table:
    data = rows(list(records), gazetteer)
    for row in data:
        row["surname_primary"] = row["surnames"][0] if row["surnames"] else None
        row["name_key"] = row["name_keys"]
        row["event"] = row["events"]
        # Blocking needs only the likeliest readings: all of them would multiply the pairs.
        row["given_reading"] = (row["given_readings"] or [])[:BLOCKING_READINGS] or None
        row["name_near"] = sorted({f"{surname}|{near}" for key in row["name_keys"] or ()
                                   for surname, given in [key.split("|", 1)]
                                   for near in one_deleted(given) or ()}) or None
        row["name_sorted"] = row.pop("name_keys_sorted")
        near = sorted({k for g in row["givens"] or () for k in one_deleted(g) or ()})
        row["givens_near"] = near or None
        row["hangul_onsets"] = hangul_onsets((row["given_hangul"] or [None])[0])
    return pa.Table.from_pylist(data)


NEAR_FROM = 4  # letters of a given-name key from which its one-deleted keys are blocked on


def one_deleted(key: str | None) -> list[str] | None:
    """The key and each key with one letter taken out: the symmetric-deletion neighbourhood.
    Two keys one edit apart (a letter dropped, added, changed, or two swapped) always share
    one of them. Keys under ``NEAR_FROM`` letters only stand for themselves: with a letter
    out, two letters fall on too many names of one surname.

    ㅢ keys as ``oe`` and ㅣ as ``i`` (language/names.py), two letters apart, though 의/이 and
    희/히 (Hui, Hee) are the commonest slip of ear in a given name: ``oe`` counts as one letter
    here (김숙임 and 김숙읨: sokim, sokem)."""
    if not key:
        return None
    key = _fold(key)
    if len(key) < NEAR_FROM:
        return [key]
    return sorted({key} | {_fold(key[:i] + key[i + 1:]) for i in range(len(key))})


def hangul_onsets(given: str | None) -> str | None:
    """The first consonant of each syllable of a Hangul given name (하옥 → ㅎㅇ): a slip of
    the ear changes a vowel or a final, rarely the consonant a syllable starts with."""
    if not given or not all("가" <= c <= "힣" for c in given):
        return None
    return "".join(chr(0x1100 + (ord(c) - 0xAC00) // 588) for c in given)


def _fold(key: str) -> str:
    while "oe" in key:  # a deletion can bring o and e together
        key = key.replace("oe", "e")
    return key


STARTING_PRIOR = 0.0001  # splink's own default for probability_two_random_records_match


def _train(linker: Linker, baseline: bool, seed: int, max_pairs: float) -> list[str]:
    """Estimate the prior, u and m from the records; the passes that a small archive cannot
    feed (no pair in a block, nothing to estimate) are skipped and named in the result, and
    what they would have estimated keeps splink's starting values."""
    training = linker.training
    em = training.estimate_parameters_using_expectation_maximisation
    name, place = ("first_name", "origin") if baseline else ("primary_key", "origin")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("prior", lambda: training.estimate_probability_two_random_records_match(
            [block_on(name, "birth_year")], recall=0.6)),
        ("u", lambda: training.estimate_u_using_random_sampling(max_pairs=max_pairs,
                                                                seed=seed)),
        ("m by name", lambda: em(block_on(name))),
        # Names are estimated on pairs of one birth year, sex and place: brothers and sisters
        # (same surname, place and events) rarely share all three, so do not pass for matches.
        ("m by birth and place", lambda: em(
            block_on("birth_year", place) if baseline else block_on("birth_year", place, "sex"))),
    ]
    skipped = []
    settings = linker._settings_obj  # splink keeps the trained prior only there
    for label, step in steps:
        try:
            step()
        except (SplinkException, ZeroDivisionError, duckdb.Error) as exc:
            LOG.info("linkage training: %s skipped (%s)", label, exc)
            skipped.append(label)
        # A prior estimated as 0, 1 or NaN (no pair, or every pair, of the deterministic
        # rules alike: a generated archive can do that) has no log-odds, and the next EM
        # pass or the prediction would fail on log2 of it: back to splink's starting value.
        if not 0.0 < settings._probability_two_random_records_match < 1.0:
            settings._probability_two_random_records_match = STARTING_PRIOR
            skipped += [] if label in skipped else [label]
    return skipped


def connection() -> duckdb.DuckDBPyConnection:
    """DuckDB in memory, without its progress bar: past two seconds a query draws one on
    standard output, inside the JSON of `sillok eval-linkage --json` and `sillok link`."""
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return con


def link(records: Sequence[LinkRecord], *, baseline: bool = False, seed: int = 1,
         threshold: float = MATCH_THRESHOLD, max_pairs: float = 1e6,
         gazetteer: Gazetteer | None = None) -> Linkage:
    """Score the candidate pairs of ``records`` and cluster those at ``threshold`` or above."""
    if len(records) < 2:
        return Linkage([], {r.id: r.id for r in records}, 0)
    db = DuckDBAPI(connection=connection())
    table = db.register(_table(records, gazetteer))
    settings = baseline_settings() if baseline else korean_settings()
    # splink's training notes (levels unseen in a pass, sampling advice) are for a person
    # tuning by hand; here they would only bury the command's answer.
    linker = Linker(table, settings, log_level=logging.ERROR)
    _train(linker, baseline, seed, max_pairs)
    predictions = linker.inference.predict()
    table_name = predictions.physical_name
    present = {d[0] for d in db._con.execute(f"select * from {table_name} limit 0").description}  # noqa: S608 (splink's own table)
    # A comparison that a small archive could not train has no weight column of its own.
    weights = [] if baseline else [c.name for c in KOREAN if f"mw_{c.name}" in present]
    shift = 0.0 if baseline else _prior_shift(db, table_name, linker, len(records))
    probability = _probability_sql(shift)
    columns = ", ".join(["unique_id_l", "unique_id_r", probability,
                         *(f"mw_{w}" for w in weights)])
    levels = _level_weights(linker)
    counted = db._con.execute(f"select count(*) from {table_name}").fetchone()  # noqa: S608
    scored = int(counted[0]) if counted else 0
    # Two records whose given names agree at no level are not one person, whatever else they
    # share: brothers and sisters share surname, home, birth decade and events, which the
    # model (comparisons independent) would otherwise add up to a match.
    # (Splink keeps only the match weights: the "different" level is the one that weighs
    # against a match; a missing name weighs nothing.)
    named = "" if baseline or "mw_given_name" not in present else (
        " and coalesce(mw_given_name, 0) >= 0")
    rows_ = db._con.execute(f"select {columns} from {table_name} "  # noqa: S608
                            f"where {probability} >= ?{named}", [threshold]).fetchall()
    pairs = []
    for row in rows_:
        reasons = [r for c, w in zip(weights, row[3:], strict=True)
                   if (r := _reason(levels.get(c, []), w))]
        pairs.append(Pair(int(row[0]), int(row[1]), float(row[2]), reasons))
    pairs.sort(key=lambda p: (-p.probability, p.a, p.b))
    if baseline:
        return Linkage(pairs, clusters_of([r.id for r in records], pairs), scored)
    apart, within = _within(db, table_name, present, pairs, shift)
    return Linkage(pairs, clusters_of([r.id for r in records], pairs, apart, within, threshold),
                   scored)


PRIOR_ROUNDS = 50


def _probability_sql(shift: float, table: str = "") -> str:
    """A scored pair's match probability at the prior ``_prior_shift`` found."""
    return f"1 / (1 + pow(2, -({table}match_weight + {shift!r})))"


def _prior_shift(db: DuckDBAPI, table_name: str, linker: Linker, records: int) -> float:
    """Log2-odds to add to every pair's match weight so that the prior is the one the scores
    themselves imply: the expectation-maximisation step for the prior with m and u held,
    λ = Σ P(match | pair) / all pairs, iterated to its fixed point (pairs that no blocking rule
    lets through count as non-matches). The deterministic-rule estimate it starts from needs
    a guessed recall, and one guess cannot fit every archive (on the evaluation sets it was
    a third of the true prior)."""
    start = linker._settings_obj._probability_two_random_records_match
    total = records * (records - 1) / 2
    if not 0.0 < start < 1.0 or total <= 0:
        return 0.0
    odds = math.log2(start / (1 - start))
    prior, shift = start, 0.0
    for _ in range(PRIOR_ROUNDS):
        found = db._con.execute(
            f"select sum(1 / (1 + pow(2, -least(greatest(match_weight + ?, -60), 60)))) "  # noqa: S608 (splink's own table)
            f"from {table_name}", [shift]).fetchone()
        expected = float(found[0]) / total if found and found[0] is not None else 0.0
        if not 0.0 < expected < 1.0:
            break
        done = abs(expected - prior) <= 1e-3 * prior
        prior, shift = expected, math.log2(expected / (1 - expected)) - odds
        if done:
            break
    return shift


def _together(one: Sequence[int], other: Sequence[int],
              scores: Mapping[tuple[int, int], float], threshold: float) -> bool:
    """Whether two clusters are one person by average linkage on the evidence scale: the mean
    log-odds of the scored pairs between them at the log-odds of ``threshold`` or above (pairs
    never scored say nothing). One likely pair does not join two clusters that their other
    records call apart; a near-certain pair (a name, a year and an event alike) is not undone
    by two loose ones as a mean of probabilities, which caps each pair at 1, would undo it."""
    found = [_log_odds(p) for a in one for b in other
             if (p := scores.get((a, b), scores.get((b, a)))) is not None]
    return not found or sum(found) / len(found) >= _log_odds(threshold)


def _log_odds(probability: float) -> float:
    p = min(max(probability, 1e-12), 1 - 1e-12)  # a pair splink scores 0 or 1
    return math.log2(p / (1 - p))


# Comparisons whose "different" level says two records are two persons, whatever the rest:
# another given name, another surname, birth years more than three apart.
APART = ("given_name", "surname", "birth_year")


def _within(db: DuckDBAPI, table_name: str, present: set[str], pairs: Sequence[Pair],
            shift: float) -> tuple[list[tuple[int, int]], dict[tuple[int, int], float]]:
    """The scored pairs of records in one component of the pairs found (elsewhere they could
    never meet in a cluster), with their probability, and those of them that some comparison
    says are different persons: no cluster may hold both (``clusters_of``)."""
    columns = [f"mw_{c}" for c in APART if f"mw_{c}" in present]
    if not pairs:
        return [], {}
    component = clusters_of(sorted({p.a for p in pairs} | {p.b for p in pairs}), pairs)
    against = " or ".join(f"p.{c} < 0" for c in columns) or "false"
    con = db._con
    con.execute("create or replace temporary table sillok_linked as select "
                "unnest(?::bigint[]) as id, unnest(?::bigint[]) as component",
                [list(component), list(component.values())])
    rows_ = con.execute(
        f"select p.unique_id_l, p.unique_id_r, {_probability_sql(shift, 'p.')}, ({against}) "  # noqa: S608 (splink's)
        f"from {table_name} p "
        "join sillok_linked l on l.id = p.unique_id_l "
        "join sillok_linked r on r.id = p.unique_id_r "
        "where l.component = r.component").fetchall()
    apart = [(int(a), int(b)) for a, b, _, no in rows_ if no]
    return apart, {(int(a), int(b)): float(p) for a, b, p, _ in rows_}


def _level_weights(linker: Linker) -> dict[str, list[tuple[float, str]]]:
    """The trained match weight of each level that speaks for a match, with its reason."""
    model = linker.misc.save_model_to_json()
    out: dict[str, list[tuple[float, str]]] = {}
    for comparison in model["comparisons"]:
        found = out.setdefault(comparison["output_column_name"], [])
        for level in comparison["comparison_levels"]:
            m_p, u_p = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not m_p or not u_p:
                continue
            weight = math.log2(m_p / u_p)
            if weight > 0:
                found.append((weight, level.get("label_for_charts", "")))
    return out


def _reason(levels: list[tuple[float, str]], weight: float | None) -> str | None:
    if weight is None or weight <= 0 or not levels:
        return None
    closest = min(levels, key=lambda lv: abs(lv[0] - weight))
    return closest[1] if abs(closest[0] - weight) < 1e-6 else None


def clusters_of(ids: Sequence[int], pairs: Sequence[Pair],
                apart: Sequence[tuple[int, int]] = (),
                scores: Mapping[tuple[int, int], float] | None = None,
                threshold: float = MATCH_THRESHOLD) -> dict[int, int]:
    """Clusters of the pairs, likeliest pair first: record id → smallest id of its cluster.

    Two clusters are joined by a pair unless a record of one and a record of the other are
    ``apart`` (scored, and found to be different persons), or, given the ``scores`` of the
    pairs, unless the pairs scored between them are under ``threshold`` on average, in
    log-odds (average linkage): connected components alone would chain 김영호 – Kim Yong-ho –
    김영호's brother through one loose pair."""
    parent = {i: i for i in ids}
    members: dict[int, list[int]] = {i: [i] for i in ids}
    against: dict[int, set[int]] = {}
    for a, b in apart:
        against.setdefault(a, set()).add(b)
        against.setdefault(b, set()).add(a)
    # Records each cluster may not take in, kept per cluster root.
    blocked: dict[int, set[int]] = {i: set(against[i]) for i in against}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in sorted(pairs, key=lambda p: (-p.probability, p.a, p.b)):
        ra, rb = find(p.a), find(p.b)
        if ra == rb:
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        no = blocked.get(ra)
        if no and any(x in no for x in members[rb]):
            continue
        if scores is not None and not _together(members[ra], members[rb], scores, threshold):
            continue
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
        if rb in blocked:
            blocked.setdefault(ra, set()).update(blocked.pop(rb))
    roots: dict[int, int] = {}
    for i in ids:
        r = find(i)
        roots[r] = min(roots.get(r, i), i)
    return {i: roots[find(i)] for i in ids}
