"""Overlap of two organisations' victim lists found with encodings against the overlap found
with names. Everything is generated and FICTIONAL.

    PYTHONPATH=src .venv/bin/python bench/encodings.py [--persons 5000] [--seed 7] \\
        [--threshold 0.86] [--no-chance-check] [--share-a 0.6] [--share-b 0.5] \\
        [--out bench/out/encodings.json]

A population of fictional persons (surnames by their rough frequency, given names from
tests/name_spellings.py's syllables, sex, birth year, one to three acts) with families among
them: siblings share surname, the generation syllable of the given name, sex often and birth
decade (the hard negatives). Organisation A holds 60 % of them, mostly in Hangul; B holds 50 %,
mostly romanized the ways people write names (Revised Romanization, McCune–Reischauer,
passport spellings, the North's ㄹ, given name first), sometimes both scripts. Each list
misses a field now and then, has a birth year one off (an estimate) and records only some of
a person's acts.

Three overlaps are counted: the truth (the generator knows who is who), the overlap *with
names* (what the two could find if they shared names: same name keys — language/names.py —
sex agreeing or unknown, birth years at most one apart or unknown, one-to-one), and the
overlap *with encodings* (`sillok link compare`'s matcher on the encodings files' contents,
with its chance check unless --no-chance-check).
Target (issue 20): encodings within 2 % of names.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sillok.privlink.compare import DEFAULT_THRESHOLD, match  # noqa: E402
from sillok.privlink.encodings import Victim, encode_victims  # noqa: E402
from sillok.privlink.scheme import Scheme  # noqa: E402
from sillok.privlink.tokens import name_key  # noqa: E402
from tests.name_spellings import GIVEN, SOUND_LAW, SURNAMES, romanize  # noqa: E402

# Rough shares of the commonest surnames; the rest share what is left.
SURNAME_WEIGHTS = {"김": 21, "이": 14, "박": 8, "최": 5, "정": 5, "강": 2, "조": 2, "윤": 2,
                   "장": 2, "임": 2, "리": 3}
ACT_TYPES = ["detention_kyohwaso", "forced_repatriation", "torture", "forced_labour",
             "enforced_disappearance", "sexual_violence", "execution_public"]


@dataclass
class Truth:
    surname: str
    given: str
    sex: str
    birth_year: int
    acts: list[tuple[str, int]] = field(default_factory=list)


def population(n: int, rng: random.Random) -> list[Truth]:
    surnames = sorted(SURNAMES)
    weights = [SURNAME_WEIGHTS.get(s, 1) for s in surnames]
    syllables = sorted(s for s in GIVEN if len(s) == 1)
    people: list[Truth] = []
    while len(people) < n:
        surname = rng.choices(surnames, weights)[0]
        generation = rng.choice(syllables)  # 돌림자: siblings share it
        decade = rng.randrange(1940, 2000, 10)
        for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 4)):
            given = generation + rng.choice(syllables) if rng.random() < 0.9 \
                else rng.choice(syllables)
            sex = rng.choice(["female", "male"])
            year = decade + rng.randrange(10)
            acts = [(rng.choice(ACT_TYPES), rng.randint(2000, 2024))
                    for _ in range(rng.randint(1, 3))]
            people.append(Truth(surname, given, sex, year, acts))
    return people[:n]


def latin(syllable: str, table: dict[str, list[str]], rng: random.Random) -> str:
    options = [romanize(syllable, "rr"), romanize(syllable, "mr"),
               "".join(c for c in unicodedata.normalize("NFD", romanize(syllable, "mr"))
                       if not unicodedata.combining(c)),
               *table.get(syllable, [])]
    return rng.choice(options)


def written(person: Truth, hangul_share: float, rng: random.Random) -> list[str]:
    names = []
    if rng.random() < hangul_share or rng.random() < 0.15:
        surname = SOUND_LAW.get(person.surname, person.surname) if rng.random() < 0.1 \
            else person.surname
        names.append(surname + person.given)
    if not names or rng.random() < 0.2:
        last = latin(person.surname, SURNAMES, rng).capitalize()
        parts = [latin(s, GIVEN, rng) for s in person.given]
        given = rng.choice(["-", " ", ""]).join(parts).capitalize()
        names.append(f"{given} {last}" if rng.random() < 0.25 else f"{last} {given}")
    return names


def holding(people: list[Truth], share: float, hangul_share: float,
            rng: random.Random) -> tuple[list[Victim], list[int]]:
    chosen = sorted(rng.sample(range(len(people)), int(len(people) * share)))
    out = []
    for i in chosen:
        p = people[i]
        year: int | None = p.birth_year + rng.choice([-1, 1]) if rng.random() < 0.05 \
            else p.birth_year
        if rng.random() < 0.1:
            year = None
        sex = None if rng.random() < 0.05 else p.sex
        acts = rng.sample(p.acts, rng.randint(1, len(p.acts)))
        out.append(Victim(names=tuple(written(p, hangul_share, rng)), sex=sex,
                          birth_year=year, acts=tuple(sorted(acts))))
    return out, chosen


def by_names(a: list[Victim], b: list[Victim]) -> list[tuple[int, int]]:
    """One-to-one matches in the clear: a shared name key, sex and birth year agreeing (a
    year apart at most) where both are known. Best first: both fields known and equal."""
    keys: dict[str, list[int]] = {}
    for j, v in enumerate(b):
        for key in {name_key(n) for n in v.names}:
            keys.setdefault(key, []).append(j)
    candidates = []
    for i, v in enumerate(a):
        for j in sorted({j for n in v.names for j in keys.get(name_key(n), [])}):
            w = b[j]
            if v.sex and w.sex and v.sex != w.sex:
                continue
            if v.birth_year and w.birth_year and abs(v.birth_year - w.birth_year) > 1:
                continue
            score = (v.sex == w.sex) + (v.birth_year == w.birth_year)
            candidates.append((-score, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def quality(pairs: list[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    right = len(set(pairs) & truth)
    return {"found": len(pairs), "correct": right,
            "precision": round(right / len(pairs), 4) if pairs else 0.0,
            "recall": round(right / len(truth), 4) if truth else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--no-chance-check", action="store_true",
                        help="compare by the threshold alone (as before the chance check)")
    parser.add_argument("--share-a", type=float, default=0.6, help="share of the population in A")
    parser.add_argument("--share-b", type=float, default=0.5, help="share of the population in B")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = population(args.persons, rng)
    list_a, ids_a = holding(people, args.share_a, 0.85, rng)
    list_b, ids_b = holding(people, args.share_b, 0.3, rng)
    where_b = {pid: j for j, pid in enumerate(ids_b)}
    truth = {(i, where_b[pid]) for i, pid in enumerate(ids_a) if pid in where_b}

    # The secret follows the seed, so that a run can be repeated bit for bit.
    secret = random.Random(f"secret/{args.seed}").randbytes(32)
    started = time.perf_counter()
    # Encoded without the shuffle's effect on indices: the matcher sees only the encodings.
    doc_a = encode_victims(list_a, secret, Scheme(), "A")
    doc_b = encode_victims(list_b, secret, Scheme(), "B")
    encode_s = time.perf_counter() - started
    # The files are shuffled; map each encoding back to its list position through its hex.
    pos_a = _positions(doc_a, list_a, secret)
    pos_b = _positions(doc_b, list_b, secret)
    started = time.perf_counter()
    matching = match([bytes.fromhex(r["clk"]) for r in doc_a["records"]],
                     [bytes.fromhex(r["clk"]) for r in doc_b["records"]], args.threshold,
                     chance_check=not args.no_chance_check)
    compare_s = time.perf_counter() - started
    enc_pairs = [(pos_a[i], pos_b[j]) for i, j in matching.pairs]
    name_pairs = by_names(list_a, list_b)
    enc, names = quality(enc_pairs, truth), quality(name_pairs, truth)
    result = {
        "date": date.today().isoformat(), "machine": f"{platform.node()} "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "persons": args.persons, "seed": args.seed, "threshold": args.threshold,
        "chance_check": not args.no_chance_check, "set_aside": matching.set_aside,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "list_a": len(list_a), "list_b": len(list_b), "true_overlap": len(truth),
        "with_names": names, "with_encodings": enc,
        "encodings_vs_names": round((enc["found"] - names["found"]) / names["found"], 4),
        "encode_seconds": round(encode_s, 2), "compare_seconds": round(compare_s, 2),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def _positions(document: dict[str, object], victims: list[Victim], secret: bytes
               ) -> dict[int, int]:
    """Record index in the (shuffled) file → index in the generated list, for scoring only.
    Two victims with the same encoding are interchangeable for the count."""
    from sillok.privlink.scheme import Encoder
    from sillok.privlink.tokens import person_fields
    encoder = Encoder(secret, Scheme())
    by_clk: dict[str, list[int]] = {}
    for i, v in enumerate(victims):
        clk = encoder.encode(person_fields(v.names, v.sex, v.birth_year)).hex()
        by_clk.setdefault(clk, []).append(i)
    records = document["records"]
    assert isinstance(records, list)
    return {r: by_clk[rec["clk"]].pop() for r, rec in enumerate(records)}


if __name__ == "__main__":
    main()
