"""``sillok eval-search``: retrieval quality and speed on SQuAD v1-format question files.

Each paragraph becomes a public source in a temporary archive; each question is searched
(any of its words, ranked) and the rank of its paragraph gives MRR@10, Recall@1 and
Recall@10; latency is measured per query on the warm archive.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sillok.archive.lifecycle import init_archive
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import SillokError
from sillok.search.cache import forget_answers
from sillok.search.service import search
from sillok.security.policy import EVAL_NAME, Actor, Role

LOADER = Actor(EVAL_NAME, Role.admin)
PUBLIC = Actor.anonymous()


def load_squad(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """Paragraphs, and (question, index of its paragraph) pairs."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SillokError(f"{path}: not a readable SQuAD JSON file ({exc})") from None
    paragraphs: list[str] = []
    questions: list[tuple[str, int]] = []
    try:
        for article in doc["data"]:
            for para in article["paragraphs"]:
                paragraphs.append(para["context"])
                for qa in para["qas"]:
                    questions.append((qa["question"], len(paragraphs) - 1))
    except (KeyError, TypeError):
        raise SillokError(f"{path}: not SQuAD v1 (data → paragraphs → context, qas)") from None
    if not questions:
        raise SillokError(f"{path}: no questions")
    return paragraphs, questions


def evaluate(paths: list[Path], progress: Callable[[int, int], None] | None = None
             ) -> dict[str, Any]:
    paragraphs: list[str] = []
    questions: list[tuple[str, int]] = []
    for path in paths:
        p, q = load_squad(path)
        questions += [(text, i + len(paragraphs)) for text, i in q]
        paragraphs += p
    with tempfile.TemporaryDirectory(prefix="sillok-eval-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "archive")
        init_archive(settings)
        archive = Archive.open(settings)
        try:
            ids = _load(archive, paragraphs)
            return _run(archive, ids, questions, progress)
        finally:
            archive.close()


def _load(archive: Archive, paragraphs: list[str]) -> list[int]:
    ids = []
    with archive.transaction() as session:
        r = Resolver(session)
        for i, text in enumerate(paragraphs):
            ids.append(archive.create(LOADER, "source", {
                "level": "public", "kind": "other", "title": f"paragraph {i + 1}",
                "language": "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en",
                "text": text}, session=session, resolver=r))
    return ids


def _run(archive: Archive, ids: list[int], questions: list[tuple[str, int]],
         progress: Callable[[int, int], None] | None) -> dict[str, Any]:
    reciprocal, at1, at10, latencies = 0.0, 0, 0, []
    started = time.perf_counter()
    for n, (question, para) in enumerate(questions, 1):
        forget_answers()  # a question asked twice is searched twice: searching is timed here
        t0 = time.perf_counter()
        result = search(archive, PUBLIC, f"type:sources {question}", limit=10,
                        expand_terms=False, match_all=False)
        latencies.append((time.perf_counter() - t0) * 1000)
        ranked = [item["id"] for item in result.items]
        if ids[para] in ranked:
            rank = ranked.index(ids[para]) + 1
            reciprocal += 1 / rank
            at1 += rank == 1
            at10 += 1
        if progress:
            progress(n, len(questions))
    elapsed = time.perf_counter() - started
    count = len(questions)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"questions": count, "paragraphs": len(ids),
            "mrr_at_10": round(reciprocal / count, 4), "recall_at_1": round(at1 / count, 4),
            "recall_at_10": round(at10 / count, 4), "p50_ms": round(cuts[49], 2),
            "p95_ms": round(cuts[94], 2), "qps": round(count / elapsed, 1)}
