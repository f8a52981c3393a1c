"""Batches: files and folders in, one outcome per file, whatever happens to the others."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.ingest.pipeline import Ingestor, Outcome, Started

CHUNK_FILES = 32
CHUNK_BYTES = 32 * 1024 * 1024


@dataclass
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(o.status for o in self.outcomes)
        return {s: counted.get(s, 0) for s in ("ingested", "near_duplicate", "duplicate",
                                               "failed")}

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def refusals(self) -> list[dict[str, Any]]:
        """Every file (or attachment) refused, with its reason, in file order: those that
        failed and those kept as originals without text (a password, 배포용 문서)."""
        return refusals([o.as_dict() for o in self.outcomes])

    def as_dict(self) -> dict[str, Any]:
        return {"files": len(self.outcomes), "counts": self.counts,
                "refusals": self.refusals,
                "outcomes": [o.as_dict() for o in self.outcomes]}


def refusals(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The refusals among outcomes (as ``Outcome.as_dict`` gives them, or a job keeps them);
    ``kept``: whether the original is in the archive, as a source without text."""
    found: list[dict[str, Any]] = []
    for o in outcomes:
        if o["status"] == "failed":
            found.append({"file": o["file"], "reason": o.get("reason") or "failed",
                          "kept": False})
            continue
        if o.get("refused"):
            found.append({"file": o["file"], "reason": o["refused"], "kept": True})
        for part, reason in o.get("refused_parts") or []:
            found.append({"file": f"{o['file']} › {part}", "reason": reason, "kept": True})
    return found


def files_in(paths: list[Path], recursive: bool) -> Iterator[tuple[Path, str]]:
    """(path, name to show) for every file named or found in a named folder, in a stable order;
    hidden files and folders (.git, .DS_Store) are skipped inside folders."""
    for path in paths:
        if path.is_dir():
            if recursive:
                for root, dirs, names in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(names):
                        if not name.startswith("."):
                            yield Path(root) / name, str(Path(root) / name)
            else:
                for child in sorted(path.iterdir()):
                    if child.is_file() and not child.name.startswith("."):
                        yield child, str(child)
        else:
            yield path, str(path)


def run_batch(ingestor: Ingestor, paths: list[Path], recursive: bool = False,
              progress: Callable[[Outcome, int, int], None] | None = None) -> BatchReport:
    """Ingest every file; ``progress(outcome, done, total)`` is called after each one.

    Pipelined: the next chunk is read and handed to the parsing worker before this one is
    analysed and written, so the worker parses (and sketches) chunk n+1 while chunk n is
    written. Outcomes are still reported in file order, each after its chunk's commit."""
    report = BatchReport()
    # A batch killed mid-write left its temporary file; re-running the batch cleans it up.
    ingestor.blobs.remove_abandoned()
    todo = list(files_in(paths, recursive))
    pieces = list(chunks(todo))
    ahead = _start(ingestor, pieces[0]) if pieces else None
    for number in range(len(pieces)):
        assert ahead is not None
        (started, missing), ahead = ahead, (_start(ingestor, pieces[number + 1])
                                            if number + 1 < len(pieces) else None)
        done = iter(ingestor.finish(started))
        for path, name in pieces[number]:
            outcome = (Outcome(name, "failed", reason="no such file or folder")
                       if path in missing else next(done))
            report.outcomes.append(outcome)
            if progress is not None:
                progress(outcome, len(report.outcomes), len(todo))
    return report


def _start(ingestor: Ingestor, chunk: list[tuple[Path, str]]) -> tuple[Started, set[Path]]:
    missing = {p for p, _n in chunk if not p.exists()}
    return ingestor.start([(p, n) for p, n in chunk if p not in missing]), missing


def chunks(todo: list[tuple[Path, str]]) -> Iterator[list[tuple[Path, str]]]:
    """Files are committed in chunks (one transaction, one parallel analysis of their texts);
    a chunk is small enough that a crash loses little and memory stays flat."""
    chunk: list[tuple[Path, str]] = []
    size = 0
    for path, name in todo:
        with contextlib.suppress(OSError):  # a vanished file fails later, with its reason
            size += path.stat().st_size
        chunk.append((path, name))
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
