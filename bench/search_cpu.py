"""CPU time per query of search_scale.py's queries on an archive it built (--data-dir), for
comparing code on a shared machine, where wall time is noise: each query's
``time.process_time`` (the process's, tantivy's threads included) beside its wall time.

    .venv/bin/python bench/search_cpu.py cpu DATA_DIR OUT   # Sillok, anonymous: first-time
                                                            # queries with facets, then without
    .venv/bin/python bench/search_cpu.py bare DATA_DIR OUT  # the same match on the public
                                                            # tantivy index alone (3 passes)
    .venv/bin/python bench/search_cpu.py prof DATA_DIR OUT  # cProfile of the first-time pass
    .venv/bin/python bench/search_cpu.py dump DATA_DIR OUT  # every answer (3 roles, with and
                                                            # without facets), to compare code

The archive's search backend is tantivy. 20 queries warm the process first, as in
search_scale.py; the 300 others are timed. The load average is recorded before and after.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any


def percentiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    n = len(xs)
    return {"mean": round(sum(xs) / n, 3), "p50": round(xs[n // 2], 3),
            "p95": round(xs[int(n * 0.95)], 3), "p99": round(xs[int(n * 0.99)], 3)}


def bare(archive: Any, queries: list[str]) -> dict[str, Any]:
    from sillok.search.tantivy_search import _matching

    sys.path.insert(0, str(Path(__file__).parent))
    from search_scale import public_tantivy  # a sibling script

    found = public_tantivy(archive, queries)
    assert found is not None, "the archive has no tantivy index"
    searcher, level, compiled = found
    out: dict[str, Any] = {}
    for n in range(3):
        cpu, wall = [], []
        for query in compiled:
            c, w = time.process_time(), time.perf_counter()
            if query is not None:
                searcher.search(_matching(query, level), 10, count=True)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        out[f"bare{n}"] = {"cpu_ms": percentiles(cpu), "wall_ms": percentiles(wall)}
    return out


WARM = 20  # queries asked first, untimed: Kiwi loaded, the index's pages read


def warmed(settings: Any, queries: list[str]) -> tuple[Any, list[str]]:
    """The archive, warmed by the first WARM queries as an anonymous reader, and the queries
    left to time (also bench/pg_search_cpu.py)."""
    from sillok.archive.service import Archive
    from sillok.search.service import search
    from sillok.security.policy import Actor

    archive = Archive.open(settings)
    try:
        for q in queries[:WARM]:
            search(archive, Actor.anonymous(), q, limit=10, facets=True)
    except BaseException:
        archive.close()
        raise
    return archive, queries[WARM:]


def main() -> None:
    from sillok.config import Settings
    from sillok.search.service import search
    from sillok.security.policy import Actor, Role

    mode, data, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    queries = json.loads(next(data.glob("bench-*.json")).read_text(encoding="utf-8"))["queries"]
    result: dict[str, Any] = {"load_before": os.getloadavg()}
    archive, timed = warmed(Settings(data_dir=data, search_backend="tantivy"), queries)
    anonymous = Actor.anonymous()
    try:
        if mode == "bare":
            result |= bare(archive, timed)
        elif mode == "cpu":
            for facets in (True, False):
                cpu, wall = [], []
                for q in timed:
                    c, w = time.process_time(), time.perf_counter()
                    search(archive, anonymous, q, limit=10, facets=facets)
                    cpu.append((time.process_time() - c) * 1000)
                    wall.append((time.perf_counter() - w) * 1000)
                result[f"facets={facets}"] = {"cpu_ms": percentiles(cpu),
                                              "wall_ms": percentiles(wall)}
        elif mode == "prof":
            profile = cProfile.Profile()
            profile.enable()
            for q in timed:
                search(archive, anonymous, q, limit=10, facets=True)
            profile.disable()
            profile.dump_stats(str(out))
            pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
            return
        elif mode == "dump":
            dump = []
            for who in (anonymous, Actor("bench-admin", Role.admin),
                        Actor("bench-viewer", Role.viewer)):
                for facets in (True, False):
                    for q in timed:
                        r = search(archive, who, q, limit=10, facets=facets)
                        dump.append({"who": who.role.value, "q": q, "total": r.total,
                                     "facets": r.facets,
                                     "items": [[i["type"], i["id"], i["label"], i["score"],
                                                i["snippet"]] for i in r.items]})
            out.write_text(json.dumps(dump, ensure_ascii=False, indent=0), encoding="utf-8")
            return
    finally:
        archive.close()
    result["load_after"] = os.getloadavg()
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
