"""Table import speed: an N-row NKDB-style victim list (xlsx or csv; Korean headers, fuzzy
Korean dates, places by any spelling, one act type or two per row, a source column shared by
a few rows) imported with ``sillok import`` into a new archive: the dry run and the real run.

    .venv/bin/python bench/table_import.py [--rows 2000] [--format xlsx] [--profile]
        [--database-url postgresql+psycopg://...]   (an empty database; default: SQLite)
        [--out bench/out/table-import.json]

Every name, place and event here is fictional (가상), made by the script.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import platform
import pstats
import random
import tempfile
import time
from pathlib import Path
from typing import Any

HEADERS = ["이름", "성별", "출생연도", "사건일", "장소", "위반유형", "출처", "비고"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "가나다라마바사아자차카타파하영민수진현정은지"
PLACES = ["회령", "Hoeryŏng", "혜산", "Onsong", "함경북도 청진", "무산", "신의주", "가상리"]
DATES = ["2019년 3월경", "2019.3", "19년 봄", "2020-05-01", "2018년 겨울쯤", "약 2017년", "2021"]
TYPES = ["강제북송", "구금", "구금|고문", "arrest_abroad", "고문"]


def rows(n: int, seed: int = 7) -> list[list[Any]]:
    rng = random.Random(seed)
    out: list[list[Any]] = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2)) + "(가상)"
        out.append([name, rng.choice(["여", "남", "female", None]),
                    rng.choice([1970 + i % 40, f"{1960 + i % 50}년경", None]),
                    rng.choice(DATES), rng.choice(PLACES), rng.choice(TYPES),
                    f"증언 T-{i // 5:04d} (가상)", rng.choice([None, "가상 자료입니다"])])
    return out


def write(path: Path, data: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            w.writerows(data)
        return path
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.security.policy import Actor, Role
    from sillok.tables.importing import import_table

    tmp = Path(tempfile.mkdtemp(prefix="sillok-bench-table-"))
    settings = Settings(data_dir=tmp / "data", database_url=args.database_url)
    init_archive(settings)
    table = write(tmp / f"list.{args.format}", rows(args.rows))
    actor = Actor("bench", Role.admin)
    result: dict[str, Any] = {"rows": args.rows, "format": args.format,
                              "database": "postgresql" if args.database_url else "sqlite",
                              "machine": f"{platform.node()} {platform.machine()} "
                                         f"{platform.python_version()}",
                              "date": time.strftime("%Y-%m-%d")}
    archive = Archive.open(settings)
    try:
        t0 = time.perf_counter()
        plan = import_table(archive, actor, table, mapping_file=None, dry_run=True).plan
        result["dry_run_s"] = round(time.perf_counter() - t0, 2)
        result["would_create"] = plan.counts()
        profiler = cProfile.Profile() if args.profile else None
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        outcome = import_table(archive, actor, table, mapping_file=None, dry_run=False)
        if profiler:
            profiler.disable()
        result["import_s"] = round(time.perf_counter() - t0, 2)
        # The machine may be shared: CPU time of this process says what the import costs.
        result["import_cpu_s"] = round(time.process_time() - c0, 2)
        result["load_avg"] = round(os.getloadavg()[0], 1)
        assert outcome.result is not None
        result["created"] = outcome.result.counts()
    finally:
        archive.close()
    result["rows_per_s"] = round(args.rows / result["import_s"], 1)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
