"""Search at scale: N fictional sources of ~300 characters (30 % Korean), searched with 1–3-word
queries and facets through Sillok, and the same queries against a bare FTS5 table holding the
same analyzer terms.

    .venv/bin/python bench/search_scale.py --docs 1000000 [--backend sqlite|postgresql]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/sillok_scale] [--out F]

The texts are random sentences from fixed fictional word lists. To build a million-record index
in minutes, each distinct word is analysed once (Kiwi, stems, name keys) and a document's terms
are the concatenation of its words' terms; the build time reported is the time to write the
records and the index, not the time to analyse them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

SURNAMES = list("김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성차주우구")
SYLLABLES = list("철수영희민준서연지호현우은정광명성일혜숙옥순남길동진선미경태")
KO_WORDS = ("탈북민들이 중국 공안에 체포되어 강제북송되었다 보위부 구류장에서 조사를 받았다 "
            "교화소에 수감되었다 노동단련대 장마당에서 한국 드라마를 시청했다는 이유로 "
            "공개처형이 있었다 국경을 넘었다 가족과 함께 혜산에서 회령 출신 증언자는 "
            "정치범수용소 관리소 강제노동 고문 폭행 실종 납치 송환 밀수 휴대전화 "
            "브로커 어머니 아들 딸 여성 아이들 군인 경비대 마을 겨울 봄 새벽").split()
EN_WORDS = ("the witness said defectors were arrested by Chinese police and forcibly "
            "repatriated to North Korea detained interrogated in a holding centre sent to a "
            "labour camp for watching South Korean dramas public execution in the market "
            "border guards broker family mother son daughter women children soldiers village "
            "winter spring night river crossing prison camp torture beaten disappeared "
            "abducted smuggling mobile phone Hyesan Hoeryong Musan Yanji Shenyang Dandong").split()
PLACES_KO = "함경북도 양강도 평안남도 자강도 황해북도 강원도 평양 신의주 청진 함흥".split()


def make_docs(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(language, title, text) for n documents."""
    docs = []
    for i in range(n):
        korean = i % 10 < 3
        name = rng.choice(SURNAMES) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        words: list[str] = []
        pool = KO_WORDS if korean else EN_WORDS
        while sum(len(w) + 1 for w in words) < 300:
            roll = rng.random()
            if roll < 0.05:
                words.append(name)
            elif roll < 0.1:
                words.append(rng.choice(PLACES_KO) if korean else rng.choice(EN_WORDS[-8:]))
            elif roll < 0.13:
                words.append(str(rng.randint(1990, 2024)))
            else:
                words.append(rng.choice(pool))
        text = " ".join(words)
        docs.append(("ko" if korean else "en", f"[Fictional] #{i} {name}", text))
    return docs


def terms_for(docs: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    from sillok.language.analyzer import analyse_many

    distinct = sorted({w for _l, title, text in docs for w in (title + " " + text).split()})
    analysed = dict(zip(distinct, analyse_many(distinct), strict=True))
    return [(" ".join(t for w in title.split() for t in analysed[w]),
             " ".join(t for w in text.split() for t in analysed[w])) for _l, title, text in docs]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(archive: Any, docs: list[tuple[str, str, str]], terms: list[tuple[str, str]],
          rng: random.Random) -> float:
    from sqlalchemy import insert

    from sillok.db import models as m

    start = time.perf_counter()
    step = 5000
    with archive.engine.begin() as conn:
        first = 1
        for s in range(0, len(docs), step):
            chunk = docs[s:s + step]
            rows = []
            entries = []
            for j, (lang, title, text) in enumerate(chunk):
                rid = first + s + j
                level = "public" if rng.random() < 0.8 else rng.choice(["internal", "restricted"])
                published = date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
                rows.append({"id": rid, "level": level, "kind": "news_report", "title": title,
                             "text": text, "language": lang, "published_start": published,
                             "published_end": published, "published_precision": "month",
                             "extra": {}})
                t_title, t_body = terms[s + j]
                entries.append({"record_type": "source", "record_id": rid, "level": level,
                                "language": lang, "kind": "news_report",
                                "date_start": published, "title": t_title, "body": t_body})
            conn.execute(insert(m.Source), rows)
            conn.execute(insert(m.SearchEntry), entries)
    return time.perf_counter() - start


def queries(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        pool = KO_WORDS + PLACES_KO if rng.random() < 0.3 else EN_WORDS
        out.append(" ".join(rng.choice(pool) for _ in range(rng.randint(1, 3))))
    return out


def percentiles(ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=100)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(qs[94], 2),
            "p99_ms": round(qs[98], 2)}


def bare_fts(path: Path, terms: list[tuple[str, str]], qs: list[str]) -> dict[str, Any]:
    from sillok.language.analyzer import analyse

    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, "
                 "tokenize=\"unicode61 remove_diacritics 0\")")
    start = time.perf_counter()
    conn.executemany("INSERT INTO t(title, body) VALUES (?, ?)", terms)
    conn.commit()
    built = time.perf_counter() - start
    ms = []
    for q in qs:
        words = [" ".join(f'"{t}"' for t in analyse(w)) for w in q.split()]
        expr = " AND ".join(f"({w})" for w in words if w)
        t0 = time.perf_counter()
        conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 5.0, 1.0) LIMIT 10",
                     (expr,)).fetchall()
        ms.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return {"build_s": round(built, 1), "size_mb": round(path.stat().st_size / 2**20, 1),
            **percentiles(ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--url", help="PostgreSQL URL of an empty database (default: SQLite)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.search.service import search
    from sillok.security.policy import Actor

    rng = random.Random(7)
    docs = make_docs(args.docs, rng)
    t0 = time.perf_counter()
    terms = terms_for(docs)
    analysed_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", database_url=args.url)
        init_archive(settings)
        archive = Archive.open(settings)
        build_s = build(archive, docs, terms, rng)
        if archive.engine.dialect.name == "sqlite":
            size = (Path(tmp) / "data" / "sillok.db").stat().st_size / 2**20
        else:
            with archive.engine.connect() as conn:
                size = conn.exec_driver_sql("SELECT pg_database_size(current_database())"
                                            ).scalar_one() / 2**20
        qs = queries(rng, args.queries)
        anonymous = Actor.anonymous()
        for q in qs[:20]:  # warm the caches, as a running server has them
            search(archive, anonymous, q, limit=10, facets=True)
        ms = []
        for q in qs:
            start = time.perf_counter()
            search(archive, anonymous, q, limit=10, facets=True)
            ms.append((time.perf_counter() - start) * 1000)
        archive.close()
        bare = bare_fts(Path(tmp) / "bare.db", terms, qs) if not args.url else None
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
                   f"{os.cpu_count()} cores",
        "backend": "postgresql" if args.url else "sqlite", "docs": args.docs,
        "queries": len(qs), "analysis_of_distinct_words_s": round(analysed_s, 1),
        "build_s": round(build_s, 1), "size_mb": round(size, 1),
        "sillok_with_facets": percentiles(ms), "bare_fts5": bare,
        "overhead_p50": round(statistics.median(ms) / bare["p50_ms"], 2) if bare else None,
        "max_rss_mb": round(rss_mb(), 1),
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
