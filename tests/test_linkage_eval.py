"""Person linkage on the fictional evaluation set: name keys across scripts, the generator's
reproducibility, and ``sillok eval-linkage`` as a user calls it."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from splink import DuckDBAPI, Linker
from typer.testing import CliRunner

from sillok.cli.main import app
from sillok.linkage import evalset
from sillok.linkage.keys import name_keys, person_keys
from sillok.linkage.model import (
    NEAR_FROM,
    _table,
    clusters_of,
    connection,
    korean_settings,
    one_deleted,
)
from sillok.linkage.pairs import Pair
from sillok.linkage.records import LinkRecord

SPELLINGS = {
    "김영희": ["Kim Young-hee", "Gim Yeong-hui", "KIM Yong Hui", "Young-hee Kim", "Kim, Younghee"],
    "이철수": ["리철수", "Lee Chul-soo", "Rhee Cheol Su", "Yi Ch'ŏl-su", "RI Chol Su"],
    "박정민": ["Park Jung-min", "Pak Chong Min", "Bak Jeongmin", "박 정민"],
}


def test_name_keys_join_hangul_and_romanizations() -> None:
    for hangul, others in SPELLINGS.items():
        own = person_keys([hangul])
        for other in others:
            keys = person_keys([other])
            assert set(own.surnames) & set(keys.surnames), (hangul, other)
            assert set(own.readings) & set(keys.readings), (hangul, other)


def test_surname_variants_meet_and_differ() -> None:
    def surnames(name: str) -> set[str]:
        return set(person_keys([name]).surnames)

    assert (surnames("Lee Chol-su") & surnames("Yi Chol-su") & surnames("Rhee Chol-su")
            & surnames("이철수"))
    assert (surnames("Park Chol-su") & surnames("Pak Chol-su") & surnames("Bak Chol-su")
            & surnames("박철수"))
    assert surnames("Kim Chol-su") & surnames("Gim Chol-su") & surnames("김철수")
    assert not surnames("Kim Chol-su") & surnames("Park Chol-su")
    assert person_keys(["김영희"]).readings[0] != person_keys(["김영호"]).readings[0]


def test_surname_written_last_or_in_capitals() -> None:
    first = name_keys("Kim Young-hee")
    assert first is not None
    for variant in ("Young-hee Kim", "YOUNG-HEE KIM"[:9].title() + " KIM", "Kim, Young Hee"):
        keys = name_keys(variant)
        assert keys is not None and keys.surname == first.surname, variant
        assert keys.given == first.given, variant


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(evalset.SURNAMES), st.lists(st.sampled_from(evalset.MALE + evalset.FEMALE),
                                                     min_size=2, max_size=2, unique=True),
       st.sampled_from(sorted(evalset.STYLES)), st.integers(0, 2**32))
def test_every_romanization_meets_its_hangul(surname: tuple[str, float, dict[str, float]],
                                             given_: list[str], style: str, seed: int) -> None:
    # Two-syllable given names: "So Kim" is Kim So or So Kim, which nothing can tell apart.
    hangul, _, spellings = surname
    given_name = "".join(given_)
    latin = evalset.romanize(hangul, given_name, spellings, style, random.Random(seed))
    own, other = person_keys([hangul + given_name]), person_keys([latin])
    # Surname last is tried by the examples above: "Su Chol So" may be 서수철 or 서철수.
    assume(latin.split()[0].strip(",") in {*spellings, "Ri", *(s.upper() for s in spellings)})
    assert set(own.surnames) & set(other.surnames), latin
    assert set(own.readings) & set(other.readings), latin


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_reads_or_is_refused(text: str) -> None:
    keys = person_keys([text])
    assert len(keys.givens) == len(keys.full) <= 2  # two readings when the order is in doubt
    assert len(keys.readings) <= 2 * 256


def test_generator_is_reproducible_and_fictional(tmp_path: Path) -> None:
    a, b = evalset.generate(3, 60), evalset.generate(3, 60)
    assert a == b and a != evalset.generate(4, 60)
    assert len({r.cluster for r in a}) == 60
    assert any(r.names and any("가" <= c <= "힣" for c in r.names[0]) for r in a)
    assert any(r.names and r.names[-1].isascii() for r in a)
    path = tmp_path / "set.jsonl"
    evalset.write(a, path)
    assert "Fictional" in path.read_text(encoding="utf-8").splitlines()[0]
    assert evalset.read(path) == a


def test_families_are_hard_negatives() -> None:
    records = evalset.generate(5, 300)
    by_cluster: dict[str, LinkRecord] = {}
    for r in records:
        by_cluster.setdefault(r.cluster or "", r)
    # Different true persons with one surname, origin and shared events exist: brothers and
    # sisters, not namesakes.
    shared = [(x, y) for x in by_cluster.values() for y in by_cluster.values()
              if x.cluster != y.cluster and set(x.events) & set(y.events)]
    assert shared


def _one_edit(key: str, kind: int, at: int, letter: str) -> str:
    at %= len(key)
    if kind == 0:
        return key[:at] + key[at + 1:]
    if kind == 1:
        return key[:at] + letter + key[at:]
    if kind == 2:
        return key[:at] + letter + key[at + 1:]
    at = min(at, len(key) - 2)
    return key[:at] + key[at + 1] + key[at] + key[at + 2:]


@given(st.text("aeiouyjkmnlpst", min_size=NEAR_FROM, max_size=12), st.integers(0, 3),
       st.integers(0, 20), st.sampled_from("aeioknlps"))
def test_keys_one_slip_apart_share_a_near_key(key: str, kind: int, at: int,
                                              letter: str) -> None:
    slipped = _one_edit(key, kind, at, letter)
    # oe is ㅢ's key and counts as one letter (e): a slip making or breaking it is no slip.
    assume(len(slipped) >= NEAR_FROM and "oe" not in key + slipped)
    assert set(one_deleted(key) or []) & set(one_deleted(slipped) or [])


def test_typos_are_compared_when_year_and_place_are_missing() -> None:
    """A slip in a syllable's first consonant (Bng for Bong, Ryyong for Ryong) or of 이 for 의,
    with birth year and origin missing on one side: blocking must still put the pair before
    the model; a different given name of the same surname stays out."""
    records = [LinkRecord(1, ["Gim Bng Man"], "M", 1954, False, "kp-09-musan"),
               LinkRecord(2, ["김봉만"]),
               LinkRecord(3, ["Kim Ryyong Myeong"], None, 1941),
               LinkRecord(4, ["김룡명"]),
               LinkRecord(5, ["김철수"]),
               LinkRecord(6, ["김숙임"], "F", 1960, False, "kp-09-musan"),
               LinkRecord(7, ["김숙읨"])]
    linker = Linker(DuckDBAPI().register(_table(records)), korean_settings(),
                    log_level=logging.ERROR)
    pairs = {(r["unique_id_l"], r["unique_id_r"])
             for r in linker.inference.deterministic_link().as_record_list()}
    assert pairs == {(1, 2), (3, 4), (6, 7)}


def test_every_reading_of_a_name_is_blocked_on() -> None:
    """Where a romanized name may have its surname at either end, the reading that is not the
    likelier one still meets the other record, with a slip (Son Na Kim, 김선난) or the
    syllables the other way round (Sok Won Kim, 김원석)."""
    records = [LinkRecord(1, ["Son Na Kim"]), LinkRecord(2, ["김선난"]),
               LinkRecord(3, ["Sok Won Kim"]), LinkRecord(4, ["김원석"])]
    linker = Linker(DuckDBAPI().register(_table(records)), korean_settings(),
                    log_level=logging.ERROR)
    pairs = {(r["unique_id_l"], r["unique_id_r"])
             for r in linker.inference.deterministic_link().as_record_list()}
    assert {(1, 2), (3, 4)} <= pairs


def test_clusters_join_by_average_linkage() -> None:
    """One likely pair does not join two clusters whose other scored pairs are unlikely; pairs
    never scored say nothing."""
    pairs = [Pair(1, 2, 0.99, []), Pair(3, 4, 0.98, []), Pair(2, 3, 0.9, [])]
    unlikely = {(1, 2): 0.99, (3, 4): 0.98, (2, 3): 0.9, (1, 3): 0.05, (2, 4): 0.1}
    assert len(set(clusters_of([1, 2, 3, 4], pairs, (), unlikely).values())) == 2
    likely = {(1, 2): 0.99, (3, 4): 0.98, (2, 3): 0.9, (1, 4): 0.6}
    assert set(clusters_of([1, 2, 3, 4], pairs, (), likely).values()) == {1}


def test_average_linkage_averages_log_odds() -> None:
    """A near-certain pair and two loose ones between two clusters: the mean of the log-odds
    (+6.6, −2, −2 bits) is for one person, though the mean probability (0.46) is under 0.5."""
    pairs = [Pair(1, 2, 0.999, []), Pair(3, 4, 0.999, []), Pair(2, 3, 0.99, [])]
    scores = {(1, 2): 0.999, (3, 4): 0.999, (2, 3): 0.99, (1, 3): 0.2, (2, 4): 0.2}
    assert set(clusters_of([1, 2, 3, 4], pairs, (), scores).values()) == {1}


def test_eval_linkage_cli(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    out = runner.invoke(app, ["eval-linkage", str(path), "--generate", "11", "--persons", "300",
                              "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    for model in ("korean", "baseline"):
        assert {"precision", "recall", "f1", "cluster_f1"} <= set(report[model])
    assert report["korean"]["f1"] > report["baseline"]["f1"]
    assert report["korean"]["f1"] > 0.7
    table = runner.invoke(app, ["eval-linkage", str(path)])
    assert table.exit_code == 0 and "F1" in table.stdout and "기록" in table.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"names": ["김영희"]}\n', encoding="utf-8")
    out = runner.invoke(app, ["eval-linkage", str(bad)])
    assert out.exit_code != 0 and "line 1" in out.stderr


def test_duckdb_draws_no_progress_bar_into_the_output() -> None:
    # Past two seconds a DuckDB query draws a bar on standard output, which landed inside
    # `sillok eval-linkage --json`'s JSON on a busy machine.
    con = connection()
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
