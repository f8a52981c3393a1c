"""Time the public statistics page (/stats) on a fictional archive: the first request after a
change (the public base cube is counted and protected) and the requests after it.

    python bench/stats_page.py --data-dir /tmp/stats-page [--acts 6000] [--requests 20]

The archive is built on the first run (fictional persons, events and public acts spread over
act types, years and places) and reused after, so that two versions of the code can be timed
on the same data: run it once with each on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from sillok.archive.bulk import add_records
from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.security.policy import Actor, Role
from sillok.web.app import create_app

TYPES = ("torture", "forced_labour", "execution_public", "denial_of_food", "forced_repatriation",
         "arrest_abroad", "detention_kyohwaso", "detention_jipkyulso", "sexual_violence",
         "religious_persecution", "enforced_disappearance", "restriction_of_movement")
PLACES = ("kp-09-musan", "kp-10-hyesan", "kp-02", "kp-02-kaechon-kyohwaso", "cn-yanji", "kp",
          "kp-01", None)
ADMIN = Actor("bench", Role.admin)


def build(settings: Settings, acts: int) -> None:
    init_archive(settings)
    archive = Archive.open(settings)
    rng = random.Random(20261206)
    people = max(acts // 4, 1)
    try:
        records: list[dict[str, Any]] = []
        for i in range(people):
            records += [
                {"type": "person", "ref": f"p{i}", "level": "public",
                 "names": [{"name": f"가상 인물 {i}", "system": "hangul"}]},
                {"type": "event", "ref": f"e{i}", "level": "public", "date": "2015",
                 "title": f"Fictional bench event {i}"}]
        for _ in range(acts):
            i = rng.randrange(people)
            act: dict[str, Any] = {
                "type": "act", "level": "public" if rng.random() < 0.8 else "restricted",
                "event": f"e{i}", "victim": f"p{i}", "act_type": rng.choice(TYPES),
                "date": str(rng.choice(range(2000, 2025)))}
            place = rng.choice(PLACES)
            if place:
                act["place"] = place
            records.append(act)
        add_records(archive, ADMIN, records)  # one transaction: references are per call
    finally:
        archive.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/stats-page"))
    ap.add_argument("--acts", type=int, default=6000)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    settings = Settings(data_dir=args.data_dir)
    built = 0.0
    if not (args.data_dir / "sillok.db").exists():
        started = time.perf_counter()
        build(settings, args.acts)
        built = time.perf_counter() - started
    with TestClient(create_app(settings)) as client:
        started = time.perf_counter()
        first = client.get("/stats", params={"lang": "en"})
        cold = time.perf_counter() - started
        assert first.status_code == 200, first.status_code
        warm = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get("/stats", params={"lang": "en"})
            warm.append(time.perf_counter() - started)
        filtered = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get("/stats", params={"lang": "en", "filter": "from:2015 act:torture"})
            filtered.append(time.perf_counter() - started)
    print(json.dumps({"acts": args.acts, "build_s": round(built, 1),
                      "first_request_s": round(cold, 3),
                      "p50_s": round(statistics.median(warm), 3),
                      "p50_filtered_s": round(statistics.median(filtered), 3),
                      "hidden_marks": first.text.count("<td>x</td>")}, indent=1))


if __name__ == "__main__":
    main()
