"""Time every two-way breakdown of ``sillok stats acts`` on an archive built by build_archive.py.

    python bench/stats_breakdowns.py --data-dir /tmp/nkdb-scale [--database-url URL]

Target (statistics issue): any two-way breakdown over 150,000 acts in ≤ 1 s on SQLite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import Invalid
from sillok.security.policy import Actor, Role
from sillok.stats.counts import DIMENSIONS, count_acts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=Path("bench/out/nkdb-scale"))
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--role", default="analyst")
    args = ap.parse_args()
    archive = Archive.open(Settings(data_dir=args.data_dir, database_url=args.database_url))
    actor = Actor("bench", Role(args.role))
    timings = {}
    try:
        for a, b in itertools.combinations(DIMENSIONS, 2):
            started = time.perf_counter()
            try:
                table = count_acts(archive, actor, [a, b])
            except Invalid:
                continue  # the public gets only what its base cube answers (stats/base_cube)
            timings[f"{a},{b}"] = (round(time.perf_counter() - started, 3), len(table.rows))
    finally:
        archive.close()
    worst = max(timings.items(), key=lambda kv: kv[1][0])
    print(json.dumps({"role": args.role, "breakdowns": len(timings),
                      "worst": {worst[0]: worst[1][0]},
                      "median_s": sorted(t for t, _ in timings.values())[len(timings) // 2],
                      "seconds_and_rows": timings}, indent=1))


if __name__ == "__main__":
    main()
