"""Search quality on public Korean QA sets Sillok was never tuned on, beside two bare baselines.

    PYTHONPATH=src .venv/bin/python bench/search_quality.py \
        --korquad ~/qa/KorQuAD_v1.0_dev.json --klue-mrc ~/qa/klue-mrc-v1.1_dev.json \
        --klue-nli ~/qa/klue-nli-v1.1_dev.json --tuning bench/eval/*.json [--json OUT]

The data sets are not in the repository (licences, size): bench/README.md says where to get
them. Each set's paragraphs become public sources in a temporary SQLite archive; each question
is searched as the public search bar would (any of its words, ranked, no vocabulary
expansion) and the rank of its paragraph gives MRR@10 and R@10. In the same run, the same
paragraphs and questions go through two bare indexes in an in-memory FTS5 table, ranked by
FTS5's BM25 with the question's terms OR-ed:

- ``bigram``: the character bigrams of every Hangul word (and other words whole);
- ``kiwi``: Kiwi's content morphemes (the analyser's part-of-speech filter).

Sets:
- KorQuAD 1.0 (train or dev; SQuAD v1 JSON) and KLUE-MRC v1.1 (the same shape; questions
  marked impossible are left out: their paragraph does not answer them);
- KLUE-NLI v1.1 (a list of premise/hypothesis pairs): each distinct premise is a paragraph,
  each hypothesis labelled entailment a question. Not QA, but a public Korean retrieval task
  of another genre (reviews, news, policy, Wikipedia) with paraphrased queries.
- ``--tuning``: the sets ranking may be tuned on (the project's own, bench/eval/); reported
  apart, so that nobody mistakes them for the unseen ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

Ranker = Callable[[str], list[int]]


@dataclass
class QASet:
    name: str
    paragraphs: list[str]
    questions: list[tuple[str, int]]  # (question, index of its paragraph)


def load_squad_like(path: Path, name: str) -> QASet:
    """KorQuAD 1.0 or KLUE-MRC: data → paragraphs → context, qas (SQuAD v1)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    questions: list[tuple[str, int]] = []
    for article in doc["data"]:
        for para in article["paragraphs"]:
            paragraphs.append(para["context"])
            for qa in para["qas"]:
                if qa.get("is_impossible"):
                    continue
                questions.append((qa["question"], len(paragraphs) - 1))
    return QASet(name, paragraphs, questions)


def load_klue_nli(path: Path, name: str = "klue-nli") -> QASet:
    pairs = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, int] = {}
    questions: list[tuple[str, int]] = []
    for pair in pairs:
        at = index.setdefault(pair["premise"], len(index))
        if pair["gold_label"] == "entailment":
            questions.append((pair["hypothesis"], at))
    return QASet(name, list(index), questions)


def load_klue_sts(path: Path, name: str = "klue-sts", least: float = 3.0) -> QASet:
    """KLUE-STS: each second sentence is a paragraph; each first sentence whose pair is rated
    at least ``least`` (of 5) a question about it."""
    pairs = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, int] = {}
    questions: list[tuple[str, int]] = []
    for pair in pairs:
        at = index.setdefault(pair["sentence2"], len(index))
        if pair["labels"]["real-label"] >= least:
            questions.append((pair["sentence1"], at))
    return QASet(name, list(index), questions)


def sample(qa: QASet, limit: int | None, seed: int) -> QASet:
    if limit is None or limit >= len(qa.questions):
        return qa
    picked = random.Random(seed).sample(qa.questions, limit)
    return QASet(qa.name, qa.paragraphs, picked)


# --- bare baselines -----------------------------------------------------------------------

WORD = re.compile(r"[\uac00-\ud7a3]+|[^\W_]+")


def bigram_terms(text: str) -> list[str]:
    out: list[str] = []
    for run in WORD.findall(text.lower()):
        if "\uac00" <= run[0] <= "\ud7a3" and len(run) > 1:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def kiwi_terms(text: str) -> list[str]:
    from sillok.language.analyzer import korean_morphemes, normalise

    norm = normalise(text)
    latin = [w for w in re.findall(r"[a-z0-9]+", norm)]
    return korean_morphemes(norm) + latin


def bare_index(paragraphs: list[str], terms: Callable[[str], list[str]]) -> Ranker:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = \"unicode61 "
               "remove_diacritics 0 tokenchars '0123456789'\")")
    db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                   ((i, " ".join(terms(p))) for i, p in enumerate(paragraphs)))
    db.commit()

    def rank(question: str) -> list[int]:
        words = sorted({t.replace('"', "") for t in terms(question) if t})
        if not words:
            return []
        expr = " OR ".join(f'"{w}"' for w in words)
        return [r[0] for r in db.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10", (expr,))]

    return rank


# --- Sillok -------------------------------------------------------------------------------

# Where Sillok's archive lives (--search-backend, --server): SQLite by default, or a fresh
# database on a PostgreSQL server for each set, dropped afterwards.
ENGINE: dict[str, str] = {"search_backend": "database", "server": ""}


def _fresh_database(server: str) -> tuple[str, Callable[[], None]]:
    """A new empty database on the PostgreSQL server at ``server`` (a URL of any of its
    databases), and how to drop it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"sillok_quality_{os.getpid()}_{time.monotonic_ns()}"
    admin = create_engine(make_url(server).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def sillok_ranker(paragraphs: list[str], tmp: Path) -> tuple[Ranker, Callable[[], None]]:
    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.search.cache import forget_answers
    from sillok.search.evaluate import PUBLIC, _load
    from sillok.search.service import search

    url, drop = _fresh_database(ENGINE["server"]) if ENGINE["server"] else (None, None)
    settings = Settings(data_dir=tmp / "archive", database_url=url,
                        search_backend=ENGINE["search_backend"])
    init_archive(settings)
    archive = Archive.open(settings)
    ids = _load(archive, paragraphs)
    back = {rid: i for i, rid in enumerate(ids)}

    def rank(question: str) -> list[int]:
        forget_answers()
        result = search(archive, PUBLIC, f"type:sources {question}", limit=10,
                        expand_terms=False, match_all=False)
        return [back[item["id"]] for item in result.items]

    def close() -> None:
        archive.close()
        if drop is not None:
            drop()

    return rank, close


# --- scoring ------------------------------------------------------------------------------

def score(ranker: Ranker, questions: Iterable[tuple[str, int]]) -> dict[str, float]:
    reciprocal, at10, n, latencies = 0.0, 0, 0, []
    for question, para in questions:
        t0 = time.perf_counter()
        ranked = ranker(question)[:10]
        latencies.append((time.perf_counter() - t0) * 1000)
        n += 1
        if para in ranked:
            reciprocal += 1 / (ranked.index(para) + 1)
            at10 += 1
    return {"mrr_at_10": round(reciprocal / n, 4), "recall_at_10": round(at10 / n, 4),
            "p50_ms": round(statistics.median(latencies), 2), "questions": n}


def run_set(qa: QASet, systems: list[str]) -> dict[str, dict[str, float]]:
    import tempfile

    out: dict[str, dict[str, float]] = {}
    for system in systems:
        t0 = time.perf_counter()
        if system == "sillok":
            with tempfile.TemporaryDirectory(prefix="sillok-quality-") as tmp:
                rank, close = sillok_ranker(qa.paragraphs, Path(tmp))
                try:
                    out[system] = score(rank, qa.questions)
                finally:
                    close()
        else:
            terms = bigram_terms if system == "bigram" else kiwi_terms
            out[system] = score(bare_index(qa.paragraphs, terms), qa.questions)
        out[system]["seconds"] = round(time.perf_counter() - t0, 1)
        print(f"{qa.name:12} {system:7} {json.dumps(out[system])}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--korquad", type=Path, action="append", default=[])
    ap.add_argument("--klue-mrc", type=Path, action="append", default=[])
    ap.add_argument("--klue-nli", type=Path, action="append", default=[])
    ap.add_argument("--tuning", type=Path, nargs="*", default=[])
    ap.add_argument("--tuning-sts", type=Path, action="append", default=[],
                    help="KLUE-STS v1.1, a second tuning set")
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                    help="override a ranking constant for this run (tuning only)")
    ap.add_argument("--systems", default="bigram,kiwi,sillok")
    ap.add_argument("--limit", type=int, default=None, help="questions sampled per set")
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--search-backend", default="database", choices=("database", "tantivy"),
                    help="Sillok's full-text engine")
    ap.add_argument("--server", default="",
                    help="a PostgreSQL URL: Sillok's archive in a fresh database there per set "
                         "(default: SQLite)")
    args = ap.parse_args(argv)
    ENGINE.update(search_backend=args.search_backend, server=args.server)
    sets: list[tuple[str, QASet]] = []
    for path in args.korquad:
        sets.append(("unseen", load_squad_like(path, "korquad-" + path.stem.split("_")[-1])))
    for path in args.klue_mrc:
        sets.append(("unseen", load_squad_like(path, "klue-mrc")))
    for path in args.klue_nli:
        sets.append(("unseen", load_klue_nli(path)))
    if args.tuning:
        merged = QASet("tuning", [], [])
        for path in args.tuning:
            part = load_squad_like(path, path.stem)
            merged.questions += [(q, i + len(merged.paragraphs)) for q, i in part.questions]
            merged.paragraphs += part.paragraphs
        sets.append(("tuning", merged))
    for path in args.tuning_sts:
        sets.append(("tuning", load_klue_sts(path)))
    for assignment in args.set:
        target, value = assignment.split("=", 1)
        module, attr = target.rsplit(".", 1)
        setattr(__import__(module, fromlist=[attr]), attr, float(value) if "." in value
                else int(value))
    if not sets:
        ap.error("give at least one set")
    systems = args.systems.split(",")
    report = {}
    for role, qa in sets:
        qa = sample(qa, args.limit, args.seed)
        report[qa.name] = {"role": role, "paragraphs": len(qa.paragraphs),
                           "questions": len(qa.questions), **run_set(qa, systems)}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
