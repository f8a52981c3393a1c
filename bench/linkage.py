"""Time person deduplication at archive scale: 100,000 fictional person records.

    python bench/linkage.py [--persons 50000] [--seed 2026] [--baseline] [--variant held-out]

Generates the fictional evaluation set (linkage/evalset.py) with about two records per true
person, then times each stage of ``linkage.model.link``: reading the names into keys, EM
training, scoring the pairs the blocking rules let through, clustering (the total), then the
keys alone again for their share. Prints JSON with the
timings (wall clock, and CPU seconds of this process and its workers: on a shared machine the
wall clock mostly measures the other jobs), the load average, and the pairwise and cluster
scores against the generator's truth.
Target (issue 20): 100,000 persons deduplicated in ≤ 2 minutes on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

from sillok.linkage import evalset
from sillok.linkage.evaluate import score
from sillok.linkage.model import link
from sillok.linkage.records import rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=50_000, help="true persons (≈2 records each)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--baseline", action="store_true", help="splink's defaults instead")
    ap.add_argument("--variant", default="tuning", choices=sorted(evalset.VARIANTS))
    args = ap.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    records = evalset.generate(args.seed, args.persons, args.variant)
    generated = time.perf_counter()
    cpu_before = _cpu()
    linkage = link(records, baseline=args.baseline, seed=args.seed)
    linked = time.perf_counter()
    cpu_linked = _cpu() - cpu_before
    rows(records)  # the keys again, alone, to show their share of the total
    keyed = time.perf_counter()
    scores = score(records, linkage)
    print(json.dumps({
        "records": len(records), "persons": args.persons,
        "model": "baseline" if args.baseline else "korean", "cores": os.cpu_count(),
        "seconds": {"generate": round(generated - started, 1),
                    "dedupe_total": round(linked - generated, 1),
                    "dedupe_cpu": round(cpu_linked, 1),
                    "of_which_keys": round(keyed - linked, 1)},
        "load_average": [round(x, 1) for x in (*load_before, *os.getloadavg())],
        "variant": args.variant, "pairs_scored": linkage.scored, "pairs_found": len(linkage.pairs),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "scores": scores.as_dict(),
    }, indent=2))


def _cpu() -> float:
    """CPU seconds (user and system) of this process, its threads and its finished workers."""
    own, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


if __name__ == "__main__":
    main()
