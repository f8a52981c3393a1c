"""Server CPU time per search of search_scale.py's queries on a PostgreSQL archive it built, for
comparing code on a shared machine, where wall time is noise: the CPU time (utime + stime,
10 ms ticks, from /proc) of the database's server processes during each search, beside its
wall time. The server must run on this machine.

    .venv/bin/python bench/pg_search_cpu.py cpu URL DATA_DIR OUT      # first-time queries
                                                  # with facets, then the same without
    .venv/bin/python bench/pg_search_cpu.py explain URL DATA_DIR OUT [N...]  # EXPLAIN
                                                  # (ANALYZE, BUFFERS) of each statement of
                                                  # the queries numbered N (default: the 10
                                                  # slowest of a cpu run's OUT.json beside)
    .venv/bin/python bench/pg_search_cpu.py dump URL DATA_DIR OUT     # every answer (3
                                                  # roles, with facets), to compare code

DATA_DIR holds the queries search_scale.py saved (``bench-pg-DB-…json``). 20 queries warm the
process first, as in search_scale.py; the 300 others are timed, each the first time this
process sees it. The load average is recorded before and after.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def percentiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    n = len(xs)
    return {"mean": round(sum(xs) / n, 2), "p50": round(xs[n // 2], 2),
            "p95": round(xs[int(n * 0.95)], 2), "p99": round(xs[int(n * 0.99)], 2),
            "all_s": round(sum(xs) / 1000, 2)}


class ServerClock:
    """CPU time of the server processes connected to one database, but the one asking."""

    def __init__(self, engine: Any) -> None:
        import psycopg

        # A connection of its own (not the pool's, which the searches use), in autocommit:
        # a fresh view of the server's processes each time.
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(url, autocommit=True)

    def pids(self) -> list[int]:
        cur = self.conn.cursor()
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")
        return [int(r[0]) for r in cur.fetchall()]

    def ticks(self) -> dict[int, int]:
        out = {}
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        return out


def queries_of(data: Path, url: str) -> list[str]:
    db = url.rsplit("/", 1)[-1]
    found = next(data.glob(f"bench-pg-{db}-*.json"))
    return list(json.loads(found.read_text(encoding="utf-8"))["queries"])


def main() -> None:
    from sqlalchemy import event

    from sillok.config import Settings
    from sillok.search import onepass
    from sillok.search.service import search
    from sillok.security.policy import Actor, Role

    sys.path.insert(0, str(Path(__file__).parent))
    from search_cpu import warmed  # a sibling script

    mode, url, data, out = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    queries = queries_of(data, url)
    result: dict[str, Any] = {"load_before": os.getloadavg()}
    archive, timed = warmed(Settings(data_dir=data, database_url=url), queries)
    anonymous = Actor.anonymous()
    try:
        if mode == "cpu":
            clock = ServerClock(archive.engine)
            per_query = []
            for facets in (True, False):
                cpu, wall = [], []
                for q in timed:
                    before = clock.ticks()
                    w = time.perf_counter()
                    search(archive, anonymous, q, limit=10, facets=facets)
                    wall.append((time.perf_counter() - w) * 1000)
                    after = clock.ticks()
                    cpu.append(sum(t - before.get(p, 0) for p, t in after.items()) * TICK_MS)
                if facets:
                    per_query = [{"n": i, "q": q, "cpu_ms": c, "wall_ms": round(w, 1)}
                                 for i, (q, c, w) in enumerate(zip(timed, cpu, wall,
                                                                   strict=True))]
                result[f"facets={facets}"] = {"server_cpu_ms": percentiles(cpu),
                                              "wall_ms": percentiles(wall)}
            result["per_query"] = per_query
        elif mode == "explain":
            numbers = [int(a) for a in sys.argv[5:]]
            if not numbers:
                ran = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
                numbers = [r["n"] for r in sorted(ran["per_query"],
                                                  key=lambda r: -r["cpu_ms"])[:10]]
            seen: list[tuple[str, Any]] = []

            def keep(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any,
                     _many: bool) -> None:
                if "to_tsquery" in statement:
                    seen.append((statement, params))

            event.listen(archive.engine, "before_cursor_execute", keep)
            lines = []
            for n in numbers:
                seen.clear()
                w = time.perf_counter()
                search(archive, anonymous, timed[n], limit=10, facets=True)
                lines.append(f"##### query {n}: {timed[n]!r} "
                             f"({(time.perf_counter() - w) * 1000:.0f} ms)")
                statements = list(seen)
                raw = archive.engine.raw_connection()
                try:
                    cur = raw.cursor()
                    cur.execute(onepass.BITMAPS_ONLY)  # the settings the search runs with
                    for statement, params in statements:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                        lines.append(f"--- {statement[:300]}")
                        lines += [r[0] for r in cur.fetchall()]
                finally:
                    raw.close()
            event.remove(archive.engine, "before_cursor_execute", keep)
            out.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
        elif mode == "dump":
            dump = []
            for who in (anonymous, Actor("bench-admin", Role.admin),
                        Actor("bench-viewer", Role.viewer)):
                for q in timed:
                    r = search(archive, who, q, limit=10, facets=True)
                    dump.append({"who": who.role.value, "q": q, "total": r.total,
                                 "capped": r.total_capped, "facets": r.facets,
                                 "items": [[i["type"], i["id"], i["score"]] for i in r.items]})
            out.write_text(json.dumps(dump, ensure_ascii=False, indent=0), encoding="utf-8")
            return
    finally:
        archive.close()
    result["load_after"] = os.getloadavg()
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "per_query"}))


if __name__ == "__main__":
    main()
