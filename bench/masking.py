"""The cost of masking (Protection II): the name matcher, the public copies' rebuild, and the
time it adds to a public search. Everything is generated and FICTIONAL.

    .venv/bin/python bench/masking.py --sources 100000 --persons 5000 \\
        --out bench/out/masking-<commit>.json [--queries 300] [--rounds 3] [--profile DIR]

Texts and queries are search_scale.py's (~300 characters each, 30 % Korean, a person's name
in most: Hangul in Korean texts, romanized in English ones; queries are 1–3 of a document's
words as a user types them), and for the matcher also build_archive.py's ~2 KB texts (no
names in them). The sources are written straight into the tables (no index entries, no
audit entries): what is timed is what comes after.

Restricted persons: a surname from search_scale.py's list plus one or two given syllables.
Four in five are drawn from the corpus's own names (so texts name them), the others are
made with one given syllable; every third also has a romanized name (system mr) and every
tenth a protected real name (another made-up Hangul name).

1. Matcher alone: NameMatcher of the persons' names (as protected_names gives them) — build
   time, memory (tracemalloc peak and RSS growth) — and spans() per text, p50/p95 by text
   kind, and text throughput in MB/s (UTF-8 bytes).
2. Rebuild: the full reindex (what `sillok reindex` does: reindex_all in one transaction,
   then after_bulk_write) with no protected persons, then with them (persons written with
   Archive.create, their own re-making skipped since the full reindex follows); then the
   in-transaction re-making (_named_again) when one restricted person is created
   (Archive.create) and when a public person is made restricted (Archive.update), each for
   a frequent and a rare name.
3. Public search: anonymous searches (with facets, each query's kept answer forgotten
   before it, after a first pass over all of them, reported apart) against the archive with
   the persons and against a copy of it taken before they were added (same sources, same
   code), alternated for --rounds rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import build_archive  # bench/ is not a package: found through sys.path above
import search_scale

ROMANIZED_EVERY = 3
REAL_NAME_EVERY = 10


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def rss_mb() -> float:
    return search_scale.rss_mb()


def pct(values: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {"n": len(values), "p50_ms": round(statistics.median(values), 3),
            "p95_ms": round(qs[94], 3), "max_ms": round(max(values), 3)}


def one_syllable_name(rng: random.Random) -> tuple[str, str]:
    s, g = rng.randrange(len(search_scale.SURNAMES)), rng.randrange(len(search_scale.GIVEN))
    return (search_scale.SURNAMES[s] + search_scale.GIVEN[g],
            f"{search_scale.SURNAMES_EN[s]} {search_scale.GIVEN_EN[g].capitalize()}")


def people(corpus: search_scale.Corpus, n: int, seed: int = 11
           ) -> tuple[list[dict[str, Any]], set[int]]:
    """The restricted persons' records, and the corpus name ranks they took."""
    rng = random.Random(seed)
    taken = set(rng.sample(range(len(corpus.names)), n * 4 // 5))
    out = []
    for i, rank in enumerate(sorted(taken) + [-1] * (n - len(taken))):
        ko, en = corpus.names[rank] if rank >= 0 else one_syllable_name(rng)
        names = [{"name": ko, "system": "hangul"}]
        if i % ROMANIZED_EVERY == 0:
            names.append({"name": en, "system": "mr"})
        data: dict[str, Any] = {"level": "restricted", "sex": rng.choice(["female", "male"]),
                                "roles": ["victim"], "names": names}
        if i % REAL_NAME_EVERY == 0:
            real = corpus.names[rng.randrange(len(corpus.names))][0]
            data["protected"] = {"real_name": real}
        out.append(data)
    rng.shuffle(out)
    return out, taken


def names_of(data: dict[str, Any]) -> tuple[str, ...]:
    names = [n["name"] for n in data["names"]]
    if "protected" in data:
        names.append(data["protected"]["real_name"])
    return tuple(sorted(set(names)))


# -- 1. the matcher alone -------------------------------------------------------------------
def matcher_alone(persons: list[dict[str, Any]], texts: dict[str, list[str]]) -> dict[str, Any]:
    from sillok.security.name_matcher import NameMatcher, _reverse_index

    _reverse_index()  # built once per process, not per matcher
    pairs = [(i, names_of(p)) for i, p in enumerate(persons, 1)]
    gc.collect()
    rss0 = rss_mb()
    tracemalloc.start()
    t0 = time.perf_counter()
    traced = NameMatcher(pairs)
    traced_s = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    gc.collect()
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        matcher = NameMatcher(pairs)
        builds.append(time.perf_counter() - t0)
    rss1 = rss_mb()
    out: dict[str, Any] = {
        "persons": len(pairs), "names": sum(len(n) for _p, n in pairs),
        "build_s": [round(b, 3) for b in builds],
        "build_s_under_tracemalloc": round(traced_s, 3),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "rss_growth_mb_after_build": round(rss1 - rss0, 1),
        "hangul_words_in_automaton": len(matcher._hangul),
        "latin_spellings_in_automaton": len(matcher._spelled),
        "spans": {}}
    for t in [*texts["corpus_ko"][:20], *texts["corpus_en"][:20]]:
        matcher.spans(t)  # warm
    all_bytes, all_s = 0, 0.0
    for kind, group in texts.items():
        ms, found = [], 0
        for t in group:
            t0 = time.perf_counter()
            found += len(matcher.spans(t))
            ms.append((time.perf_counter() - t0) * 1000)
        size = sum(len(t.encode("utf-8")) for t in group)
        all_bytes += size
        all_s += sum(ms) / 1000
        out["spans"][kind] = {**pct(ms), "avg_chars": round(sum(map(len, group)) / len(group)),
                              "spans_found": found,
                              "mb_per_s": round(size / 2**20 / (sum(ms) / 1000), 2)}
    out["mb_per_s_all"] = round(all_bytes / 2**20 / all_s, 2)
    return out


# -- 2. the archive ------------------------------------------------------------------------
def write_sources(archive: Any, corpus: search_scale.Corpus, n: int, want: set[int]
                  ) -> tuple[float, list[str]]:
    """n sources straight into the table (as search_scale.build, without index entries)."""
    import itertools

    from sqlalchemy import insert

    from sillok.db import models as m

    rng = random.Random(corpus.seed + 2)
    found: dict[int, str] = {}
    start = time.perf_counter()
    docs = corpus.documents(n, want)
    with archive.engine.begin() as conn:
        for s in range(0, n, 5000):
            rows = []
            for j, (lang, title, text, query) in enumerate(itertools.islice(docs, 5000)):
                if query:
                    found[s + j] = " ".join(query)
                level = "public" if rng.random() < 0.8 else rng.choice(["internal", "restricted"])
                published = date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
                rows.append({"id": s + j + 1, "level": level, "kind": "news_report",
                             "title": title, "text": text, "language": lang,
                             "published_start": published, "published_end": published,
                             "published_precision": "month", "extra": {}})
            conn.execute(insert(m.Source), rows)
    return time.perf_counter() - start, [found[i] for i in sorted(want)]


def reindex(archive: Any, profile: Path | None = None) -> dict[str, Any]:
    """What `sillok reindex` does, timed (its progress bar left out)."""
    from sillok.search.index import reindex_all
    from sillok.search.upkeep import after_bulk_write

    before = load()
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    with archive.transaction() as session:
        counts = reindex_all(session)
    t1 = time.perf_counter()
    after_bulk_write(archive.engine, rebuilt=True)
    if prof:
        prof.disable()
        assert profile is not None
        prof.dump_stats(str(profile))
    t2 = time.perf_counter()
    return {"seconds": round(t2 - t0, 1), "reindex_all_s": round(t1 - t0, 1),
            "upkeep_s": round(t2 - t1, 1), "counts": counts, "entries": audiences(archive),
            "load_before": before, "load_after": load()}


def audiences(archive: Any) -> dict[str, int]:
    from sqlalchemy import text

    with archive.engine.connect() as conn:
        return {str(a): int(n) for a, n in conn.execute(text(
            "SELECT audience, count(*) FROM search_index GROUP BY audience"))}


def add_persons(archive: Any, persons: list[dict[str, Any]], batch: int = 1000) -> float:
    """The restricted persons through Archive.create; their public copies are not re-made
    here (taken off the rescan set), since the full reindex that follows makes them."""
    from sillok.archive.redact import NAMES_TO_RESCAN
    from sillok.archive.resolve import Resolver

    t0 = time.perf_counter()
    for s in range(0, len(persons), batch):
        with archive.transaction() as session:
            r = Resolver(session)
            for data in persons[s:s + batch]:
                archive.create(build_archive.ACTOR, "person", data, session=session, resolver=r)
            session.flush()
            session.info.pop(NAMES_TO_RESCAN, None)
    return time.perf_counter() - t0


def one_change(archive: Any, what: str, data: dict[str, Any], profile: Path | None
               ) -> dict[str, Any]:
    """The time an officer waits: one Archive.create or .update of a person, commit included,
    with the re-making of the public copies it brings (_named_again)."""
    from sqlalchemy import text

    from sillok.search import index as index_module

    calls: list[float] = []
    found: list[int] = []
    original = index_module._named_again

    def timed_named_again(session: Any) -> dict[tuple[str, int], Any]:
        t0 = time.perf_counter()
        got = original(session)
        calls.append(time.perf_counter() - t0)
        found.append(len(got))
        return got

    index_module._named_again = timed_named_again
    with archive.engine.connect() as conn:
        before_public = int(conn.execute(text(
            "SELECT count(*) FROM search_index WHERE audience = 'public'")).scalar_one())
    prof = cProfile.Profile() if profile else None
    load_before = load()
    try:
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        if what == "create":
            pid = archive.create(build_archive.ACTOR, "person", data)
        else:
            archive.update(build_archive.ACTOR, "person", data["id"], {"level": "restricted"})
            pid = data["id"]
        if prof:
            prof.disable()
            assert profile is not None
            prof.dump_stats(str(profile))
        total = time.perf_counter() - t0
    finally:
        index_module._named_again = original
    with archive.engine.connect() as conn:
        after_public = int(conn.execute(text(
            "SELECT count(*) FROM search_index WHERE audience = 'public'")).scalar_one())
    return {"what": what, "person": pid, "seconds": round(total, 2),
            "named_again_s": round(sum(calls), 2),
            "records_named": sum(found), "public_entries_added": after_public - before_public,
            "load_before": load_before, "load_after": load()}


def frequent_and_rare(corpus: search_scale.Corpus, taken: set[int]) -> tuple[int, int]:
    """A corpus name not already restricted near the head (many texts) and one in the tail."""
    head = next(r for r in range(len(corpus.names)) if r not in taken)
    tail = next(r for r in range(len(corpus.names) * 2 // 3, len(corpus.names))
                if r not in taken)
    return head, tail


# -- 3. public search ----------------------------------------------------------------------
def timed(archive: Any, qs: list[str]) -> list[float]:
    """Each query once, anonymously, with facets (as the web UI asks), its kept answer
    forgotten first so that it is searched (as eval-search does); what else the process
    keeps (clause frequencies, the masker) stays warm, as in a running server."""
    from sillok.search.cache import forget_answers
    from sillok.search.service import search
    from sillok.security.policy import Actor

    anonymous = Actor.anonymous()
    ms = []
    for q in qs:
        forget_answers()
        start, cpu = time.perf_counter(), time.process_time()
        search(archive, anonymous, q, limit=10, facets=True)
        ms.append((time.perf_counter() - start) * 1000)
        CPU_MS.append((time.process_time() - cpu) * 1000)
    return ms


# The CPU time of each search timed, in order (process_time): on a machine that other work
# loads, wall time mostly measures waiting for a core, CPU time much less so.
CPU_MS: list[float] = []


def paired(with_cpu: list[list[float]], without_cpu: list[list[float]]) -> dict[str, Any]:
    """The added CPU time per query, query by query: each query's fastest run over the rounds
    with the persons minus its fastest without; the median and quartiles of those differences
    are what masking adds to a search, with the load's noise (which only ever adds) left out
    as far as the rounds allow."""
    best_with = [min(runs) for runs in zip(*with_cpu, strict=True)]
    best_without = [min(runs) for runs in zip(*without_cpu, strict=True)]
    added = [w - o for w, o in zip(best_with, best_without, strict=True)]
    base = statistics.median(best_without)
    q = statistics.quantiles(added, n=4)
    return {"base_cpu_p50_ms": round(base, 3),
            "added_cpu_p50_ms": round(statistics.median(added), 3),
            "added_cpu_quartiles_ms": [round(q[0], 3), round(q[2], 3)],
            "added_cpu_share_of_base": round(statistics.median(added) / base, 4)}


def search_rounds(with_persons: Any, without: Any, qs: list[str], rounds: int
                  ) -> dict[str, Any]:
    runs: dict[str, list[list[float]]] = {"with_persons": [], "without_persons": []}
    cpu: dict[str, list[list[float]]] = {"with_persons": [], "without_persons": []}
    order = [("without_persons", without), ("with_persons", with_persons)]
    # A first pass over every query, reported apart: clause frequencies counted and the
    # masker built, as a running server has them.
    cold = {name: pct(timed(archive, qs)) for name, archive in order}
    loads = [load()]
    for i in range(rounds):
        for name, archive in order if i % 2 == 0 else order[::-1]:
            CPU_MS.clear()
            runs[name].append(timed(archive, qs))
            cpu[name].append(list(CPU_MS))
        loads.append(load())
    out: dict[str, Any] = {"first_pass": cold, "load_avg_by_round": loads}
    for name, lists in runs.items():
        flat = [x for ms in lists for x in ms]
        out[name] = {"all_rounds": pct(flat),
                     "p50_by_round_ms": [round(statistics.median(ms), 3) for ms in lists],
                     "p95_by_round_ms": [round(statistics.quantiles(ms, n=100)[94], 3)
                                         for ms in lists]}
    base = out["without_persons"]["all_rounds"]["p50_ms"]
    added = out["with_persons"]["all_rounds"]["p50_ms"] - base
    out["added_p50_ms"] = round(added, 3)
    out["added_p50_share_of_base"] = round(added / base, 4)
    out["added_p95_ms"] = round(out["with_persons"]["all_rounds"]["p95_ms"]
                                - out["without_persons"]["all_rounds"]["p95_ms"], 3)
    per_round = [w - o for w, o in zip(out["with_persons"]["p50_by_round_ms"],
                                       out["without_persons"]["p50_by_round_ms"], strict=True)]
    out["added_p50_by_round_ms"] = [round(x, 3) for x in per_round]
    out["cpu_paired"] = paired(cpu["with_persons"], cpu["without_persons"])
    out["goal_met_5_percent"] = added <= 0.05 * base
    out["goal_met_5_percent_cpu"] = (out["cpu_paired"]["added_cpu_p50_ms"]
                                     <= 0.05 * out["cpu_paired"]["base_cpu_p50_ms"])
    return out


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings

    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"), "commit": commit(),
        "machine": f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, "
                   f"SQLite {sqlite3.sqlite_version}",
        "sources": args.sources, "persons": args.persons, "load_start": load()}
    corpus = search_scale.Corpus(7)
    persons, taken = people(corpus, args.persons)
    want = set(random.Random(corpus.seed + 3).sample(range(args.sources), args.queries))

    # 1. The matcher alone, over the bench's texts.
    sample = list(corpus.documents(min(args.sources, 4000), set()))
    rng = random.Random(5)
    texts = {"corpus_ko": [t for lang, _ti, t, _q in sample if lang == "ko"][:1000],
             "corpus_en": [t for lang, _ti, t, _q in sample if lang == "en"][:1000],
             "archive_2kb_ko": [build_archive.text_of(rng, True) for _ in range(200)],
             "archive_2kb_en": [build_archive.text_of(rng, False) for _ in range(200)]}
    result["matcher"] = matcher_alone(persons, texts)
    print(json.dumps(result["matcher"], ensure_ascii=False), file=sys.stderr)

    # 2. The archive, the rebuild with and without the persons.
    with_dir, without_dir = tmp / "with", tmp / "without"
    settings = Settings(data_dir=with_dir)
    init_archive(settings)
    archive = Archive.open(settings)
    other = None
    try:
        written_s, qs = write_sources(archive, corpus, args.sources, want)
        result["sources_written_s"] = round(written_s, 1)
        prof = args.profile
        result["reindex_without_persons"] = reindex(
            archive, prof / "reindex-without.prof" if prof else None)
        print("without:", result["reindex_without_persons"], file=sys.stderr)
        archive.close()
        shutil.copytree(with_dir, without_dir)
        archive = Archive.open(settings)
        result["persons_written_s"] = round(add_persons(archive, persons), 1)
        result["reindex_with_persons"] = reindex(
            archive, prof / "reindex-with.prof" if prof else None)
        print("with:", result["reindex_with_persons"], file=sys.stderr)
        share = result["reindex_with_persons"]["seconds"] / result[
            "reindex_without_persons"]["seconds"] - 1
        result["reindex_added_share"] = round(share, 3)

        # One more restricted person, and a public person made restricted.
        head, tail = frequent_and_rare(corpus, taken)
        changes = []
        for label, rank in (("frequent", head), ("rare", tail)):
            ko, en = corpus.names[rank]
            data = {"level": "restricted", "roles": ["victim"],
                    "names": [{"name": ko, "system": "hangul"}, {"name": en, "system": "mr"}]}
            got = one_change(archive, "create", data,
                             prof / f"create-{label}.prof" if prof else None)
            changes.append({"name_rank": rank, "kind": label, **got})
            print(changes[-1], file=sys.stderr)
        for label, rank in (("frequent", head + 1), ("rare", tail + 1)):
            while rank in taken:
                rank += 1
            ko, en = corpus.names[rank]
            pid = archive.create(build_archive.ACTOR, "person", {
                "level": "public", "roles": ["victim"],
                "names": [{"name": ko, "system": "hangul"}, {"name": en, "system": "mr"}]})
            got = one_change(archive, "update", {"id": pid},
                             prof / f"update-{label}.prof" if prof else None)
            changes.append({"name_rank": rank, "kind": label, **got})
            print(changes[-1], file=sys.stderr)
        result["one_person"] = changes

        # 3. Public searches, with the persons and without (the copy before they were added).
        (tmp / "queries.json").write_text(json.dumps(qs, ensure_ascii=False), encoding="utf-8")
        other = Archive.open(Settings(data_dir=without_dir))
        result["search"] = search_rounds(archive, other, qs, args.rounds)
        result["search"]["queries"] = len(qs)
        if prof:
            # One more pass of each, profiled apart (not in the timings above).
            for name, which in (("search-with", archive), ("search-without", other)):
                searcher = cProfile.Profile()
                searcher.runcall(timed, which, qs)
                searcher.dump_stats(str(prof / f"{name}.prof"))
    finally:
        archive.close()
        if other is not None:
            other.close()
    result["size_mb"] = round((with_dir / "sillok.db").stat().st_size / 2**20, 1)
    result["max_rss_mb"] = round(rss_mb(), 1)
    result["load_end"] = load()
    if args.profile:
        for name in sorted(args.profile.glob("*.prof")):
            buf = name.with_suffix(".txt")
            with buf.open("w", encoding="utf-8") as fh:
                pstats.Stats(str(name), stream=fh).sort_stats("cumulative").print_stats(40)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3,
                        help="search passes per archive, alternated")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here (slower)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", type=Path,
                        help="build the archives here and keep them (with/, without/ and the "
                             "queries in queries.json), to look into a result afterwards")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.keep:
        args.keep.mkdir(parents=True)  # refuses an existing directory: nothing overwritten
        result = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            result = run(args, Path(tmp))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
