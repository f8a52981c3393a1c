"""Person linkage on the fictional evaluation set: name keys across scripts, the generator's
reproducibility, and ``sillok eval-linkage`` as a user calls it."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sillok.cli.main import app
from sillok.linkage import evalset
from sillok.linkage.keys import name_keys, person_keys
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
