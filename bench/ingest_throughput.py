"""Ingest throughput: N fictional ~2 KB text files, half Korean, ingested end to end into a new
SQLite archive, against the Korean analyzer's own speed on the same texts.

    .venv/bin/python bench/ingest_throughput.py [--files 10000] [--out bench/out/ingest.json]
        [--database-url postgresql+psycopg://...]   (an empty database; default: SQLite)

Everything generated here is fictional (random sentences from fixed phrase lists).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import tempfile
import time
from pathlib import Path

KO_PARTS = [
    "[가상 자료] 증언자는", "함경북도 회령에서", "양강도 혜산 근처에서", "평안남도의 한 마을에서",
    "장마당에서 일하던 중", "보위부원들에게", "중국 공안에 의해", "국경 경비대가", "가족과 함께",
    "새벽에 강을 건너", "구류장에 갇혀", "노동단련대로 보내졌다고", "교화소에서 3년을 보냈다고",
    "한국 드라마를 봤다는 이유로", "강제북송된 뒤", "심문을 받으며", "말했다.", "증언했다.",
    "기억했다.", "이웃 주민 네 명이", "작년 3월", "2019년 겨울", "탈북민들이",
    "브로커에게 돈을 주고",
]
EN_PARTS = [
    "[Fictional]", "the witness said", "near Hyesan", "in North Hamgyong province",
    "border guards", "Chinese police arrested", "a group of five", "was sent to a labour camp",
    "after watching South Korean dramas", "during the winter of 2019", "forced repatriation",
    "interrogated for weeks", "her brother", "the market", "a broker", "crossed the Tumen river",
    "detained in a holding centre", "released in March 2021", "public execution", "neighbours",
]


# Common syllables, so that made-up words look like Korean to the analyzer.
SYLLABLES = sorted(set("가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주"
                       "기니디리미비시이지치키피히강남동상성정장전선산신인민한국경영용원안연"
                       "김박최윤임송홍황서문양손배백허유심노곽진엄채천방공현함변염여추석설"
                       + "".join(KO_PARTS)) - set(" .[]0123456789"))
LETTERS = "bcdfghjklmnprstvwz"


def _lexicon(rng: random.Random, korean: bool, size: int = 6000) -> list[str]:
    if korean:
        return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
                for _ in range(size)]
    return ["".join(rng.choice(LETTERS) + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
            for _ in range(size)]


def text_for(i: int, rng: random.Random) -> str:
    """~2 KB: phrases of the fixed lists (real words for the analyzer) among words drawn from a
    large made-up vocabulary with a Zipf-like distribution, so that documents differ as real
    ones do instead of all sharing the same few phrases."""
    korean = i % 2 == 0
    parts = KO_PARTS if korean else EN_PARTS
    vocabulary = _VOCABULARY[korean]
    words: list[str] = [f"#{i}"]
    while sum(len(w.encode()) + 1 for w in words) < 2000:
        if rng.random() < 0.2:
            words.append(rng.choice(parts))
        else:
            rank = min(int(rng.paretovariate(1.1)) - 1, len(vocabulary) - 1)
            words.append(vocabulary[rank if rng.random() < 0.5 else rng.randrange(len(vocabulary))])
    return " ".join(words)


_VOCABULARY = {True: _lexicon(random.Random(1), True), False: _lexicon(random.Random(2), False)}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: the pages a process shares with others (the Kiwi model the
    workers share with the server they are forked from) counted once between them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_cpu() -> float:
    """CPU seconds of this process, all its threads (Kiwi's among them)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of the children it has waited for (the forkserver reaps the
    workers it forked, so theirs is counted in it once they end)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--search-backend", choices=("database", "tantivy"), default="",
                        help="the search engine (default: the product's, tantivy on SQLite)")
    args = parser.parse_args()
    load_before = os.getloadavg()

    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.ingest import worker
    from sillok.ingest.batch import run_batch
    from sillok.ingest.pipeline import Ingestor, Options, Outcome
    from sillok.language.analyzer import analyse_many
    from sillok.security.policy import Actor, Role

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        texts = [text_for(i, rng) for i in range(args.files)]
        for i, text in enumerate(texts):
            (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")

        # The analyzer alone, in the batches the index uses.
        analyse_many(texts[:10])  # load Kiwi first, as ingest's first file does
        start, cpu = time.perf_counter(), process_cpu()
        for i in range(0, len(texts), 64):
            analyse_many(texts[i:i + 64])
        analyzer_s, analyzer_cpu_s = time.perf_counter() - start, process_cpu() - cpu
        # What the index analyses of an ingested text file: its text and its title (the
        # first line, up to 200 characters; these generated files are one line each).
        titled = [part for text in texts for part in (text[:200], text)]
        start, cpu = time.perf_counter(), process_cpu()
        for i in range(0, len(titled), 128):
            analyse_many(titled[i:i + 128])
        titled_s, titled_cpu_s = time.perf_counter() - start, process_cpu() - cpu

        engine = Settings.from_env({"SILLOK_DATABASE_URL": args.database_url,
                                    "SILLOK_SEARCH_BACKEND": args.search_backend}).search_backend
        settings = Settings(data_dir=Path(tmp) / "data", database_url=args.database_url or None,
                            search_backend=engine)
        init_archive(settings)
        archive = Archive.open(settings)
        memory: list[tuple[int, float]] = []
        # The parsing workers (which analyse the texts) and their forkserver: summed PSS.
        workers: list[tuple[int, float]] = []

        def progress(outcome: Outcome, done: int, total: int) -> None:
            if done % max(1, total // 20) == 0:
                memory.append((done, round(rss_mb(), 1)))
                workers.append((done, round(sum(pss_mb(p) for p in worker.pids()), 1)))

        ingestor = Ingestor(archive, Actor("bench", Role.admin), Options(kind="testimony"))
        start, cpu = time.perf_counter(), process_cpu()
        report = run_batch(ingestor, [folder], progress=progress)
        ingest_s, main_cpu_s = time.perf_counter() - start, process_cpu() - cpu
        server = worker.pids()[-1]
        worker.shutdown()
        time.sleep(1)  # for the forkserver to reap the workers
        workers_cpu_s = cpu_seconds(server)
        archive.close()

    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {platform.python_version()}, "
                   f"{__import__('os').cpu_count()} cores",
        "files": args.files,
        "counts": report.counts,
        "backend": "postgresql" if args.database_url else "sqlite",
        "search_backend": engine,
        "analyzer_docs_per_s": round(args.files / analyzer_s, 1),
        "analyzer_with_titles_docs_per_s": round(args.files / titled_s, 1),
        "ingest_docs_per_s": round(args.files / ingest_s, 1),
        "ratio": round(analyzer_s / ingest_s, 3),
        "ratio_with_titles": round(titled_s / ingest_s, 3),
        "ingest_seconds": round(ingest_s, 1),
        # Where ingest's CPU went: the process that writes, and the workers that parse and
        # analyse (with their forkserver, which loads the parsers and Kiwi once).
        "cpu_seconds": {"main": round(main_cpu_s, 1), "workers": round(workers_cpu_s, 1),
                        "analyzer": round(analyzer_cpu_s, 1),
                        "analyzer_with_titles": round(titled_cpu_s, 1)},
        # The work each does, whatever share of the cores the machine's other work left it:
        # the analyzer's CPU time per document over ingest's (the docs/s ratios above move
        # with the load, which can change between the phases of one run).
        "cpu_ratio": round(analyzer_cpu_s / (main_cpu_s + workers_cpu_s), 3),
        "cpu_ratio_with_titles": round(titled_cpu_s / (main_cpu_s + workers_cpu_s), 3),
        "rss_mb_over_batch": memory,
        "worker_pss_mb_over_batch": workers,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # Other work shares the machine: its load before and after the run, 1/5/15 minutes.
        "load_average": [list(load_before), list(os.getloadavg())],
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
