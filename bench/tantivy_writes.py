"""Cost of a write with the embedded tantivy index against the database's own index.

    PYTHONPATH=src .venv/bin/python bench/tantivy_writes.py database 100
    PYTHONPATH=src .venv/bin/python bench/tantivy_writes.py tantivy 100

Creates N public sources in a fresh SQLite archive, one transaction each (as the workspace
writes a record), and prints the wall time per write, the index's last batch included.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search import tantivy_store
from sillok.search.evaluate import LOADER


def main() -> None:
    backend, n = sys.argv[1], int(sys.argv[2])
    settings = Settings(data_dir=Path(tempfile.mkdtemp()) / "archive", search_backend=backend)
    init_archive(settings)
    archive = Archive.open(settings)
    fields = {"level": "public", "kind": "other", "language": "ko"}
    archive.create(LOADER, "source", {**fields, "title": "warm", "text": "탈북민 증언"})
    t0 = time.perf_counter()
    for i in range(n):
        archive.create(LOADER, "source", {**fields, "title": f"p {i}",
                                          "text": f"[가상] 탈북민 {i}명이 회령에서 송환된 증언."})
    tantivy_store.flush(archive.engine)  # the last batch counts too
    elapsed = time.perf_counter() - t0
    archive.close()
    print(f"{backend} {n} writes: {elapsed:.2f} s, {elapsed / n * 1000:.1f} ms a write")


if __name__ == "__main__":
    main()
