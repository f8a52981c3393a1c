"""Broad ranked full-text queries on PostgreSQL: three index designs side by side.

    PYTHONPATH=src .venv/bin/python bench/pg_ranked.py --korquad ~/qa/KorQuAD_v1.0_dev.json \
        --url postgresql://postgres@127.0.0.1:5432/postgres --docs 200000 [--json OUT]

Documents are made of the sentences of a Korean QA set's paragraphs drawn at random (3–8 each:
real Korean term frequencies, at any size), indexed as character bigrams in a ``simple``
tsvector; the questions, as the OR of their bigrams (how Sillok's search bar asks natural
questions, match_all=False) and as the AND of their two rarest-looking words' bigrams, are:

- ``gin``: GIN, every match ranked with ts_rank (what search/onepass.py does now);
- ``gin-bounded``: GIN, the first ``--bound`` matches ranked with ts_rank_cd (a bounded
  candidate set: fast, but which matches come first is the index's order, not relevance);
- ``rum``: the RUM extension's index (Debian's postgresql-NN-rum), matches read in rank
  order from the index (``ORDER BY tsv <=> query LIMIT``).

Reported per design: p50/p99 latency, and agreement with ``gin``'s top 10 (share of its top
10 in the design's top 10): how much ranking quality a faster design gives up.
A scratch database ``sillok_pg_ranked`` is made and dropped.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from pathlib import Path

import psycopg

from bench.search_quality import bigram_terms, load_squad_like

DB = "sillok_pg_ranked"


def sentences(path: Path) -> tuple[list[str], list[str]]:
    qa = load_squad_like(path, "src")
    out = [s for p in qa.paragraphs for s in re.split(r"(?<=[.?!])\s+", p) if len(s) > 10]
    return out, [q for q, _ in qa.questions]


def tsquery(terms: list[str], op: str) -> str:
    return f" {op} ".join(sorted({t for t in terms if re.fullmatch(r"\w+", t)}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--korquad", type=Path, required=True)
    ap.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--bound", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rng = random.Random(22)
    sents, questions = sentences(args.korquad)
    with psycopg.connect(args.url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    url = args.url.rsplit("/", 1)[0] + "/" + DB
    report: dict[str, object] = {"docs": args.docs, "bound": args.bound}
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION rum")
            conn.execute("CREATE TABLE docs (id serial PRIMARY KEY, body text, tsv tsvector)")
            t0 = time.perf_counter()
            with conn.cursor().copy("COPY docs (body) FROM STDIN") as copy:
                for _ in range(args.docs):
                    text = " ".join(rng.sample(sents, rng.randint(3, 8)))
                    copy.write_row((" ".join(bigram_terms(text)),))
            conn.execute("UPDATE docs SET tsv = to_tsvector('simple', body)")
            report["load_s"] = round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            conn.execute("CREATE INDEX docs_gin ON docs USING gin (tsv)")
            report["gin_build_s"] = round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            conn.execute("CREATE INDEX docs_rum ON docs USING rum (tsv rum_tsvector_ops)")
            report["rum_build_s"] = round(time.perf_counter() - t0, 1)
            conn.execute("VACUUM ANALYZE docs")
            sizes = conn.execute("SELECT pg_relation_size('docs_gin'), "
                                 "pg_relation_size('docs_rum')").fetchone()
            assert sizes is not None
            report["gin_mb"], report["rum_mb"] = (round(s / 2**20) for s in sizes)
            asked = rng.sample(questions, args.queries)
            q = "to_tsquery('simple', %(q)s)"
            designs = {
                "gin": f"SELECT id FROM docs WHERE tsv @@ {q} "
                       f"ORDER BY ts_rank(tsv, {q}) DESC, id LIMIT 10",
                "gin-bounded": f"SELECT id FROM (SELECT id, tsv FROM docs WHERE tsv @@ {q} "
                               f"LIMIT %(bound)s) c ORDER BY ts_rank_cd(tsv, {q}) DESC, id "
                               "LIMIT 10",
                "rum": f"SELECT id FROM docs WHERE tsv @@ {q} ORDER BY tsv <=> {q} LIMIT 10",
            }
            for shape, op in (("or", "|"), ("and2", "&")):
                queries = []
                for q in asked:
                    words = sorted(q.split(), key=len, reverse=True)
                    # AND: the first bigram of the question's two longest words (a stem each).
                    terms = (bigram_terms(q) if op == "|" else
                             [bigram_terms(w)[0] for w in words[:2]])
                    if tsquery(terms, op):
                        queries.append(tsquery(terms, op))
                tops: dict[str, list[list[int]]] = {}
                for name, sql in designs.items():
                    # GIN designs read the GIN index (a bitmap scan); RUM its own, in order.
                    conn.execute("SET enable_bitmapscan = " + ("off" if name == "rum" else "on"))
                    conn.execute("SET enable_indexscan = " + ("on" if name == "rum" else "off"))
                    lat, tops[name] = [], []
                    for tq in queries:
                        t0 = time.perf_counter()
                        rows = conn.execute(sql, {"q": tq, "bound": args.bound}).fetchall()
                        lat.append((time.perf_counter() - t0) * 1000)
                        tops[name].append([r[0] for r in rows])
                    cuts = statistics.quantiles(lat, n=100)
                    agree = statistics.mean([
                        len(set(a) & set(b)) / len(b)
                        for a, b in zip(tops[name], tops["gin"], strict=True) if b] or [0.0])
                    report[f"{shape}/{name}"] = {"p50_ms": round(cuts[49], 1),
                                                 "p99_ms": round(cuts[98], 1),
                                                 "agree_top10": round(agree, 3),
                                                 "queries": len(queries)}
                    print(shape, name, report[f"{shape}/{name}"], flush=True)
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    text = json.dumps(report, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
