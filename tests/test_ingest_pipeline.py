"""The pipelined batch: chunk n+1 parsed while chunk n is written — outcomes in file order,
every file exactly once, duplicates and near duplicates across chunks, a refused write or a
parser over its time limit costing only its own file. Both backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.db import models as m
from sillok.ingest import batch
from sillok.ingest.batch import run_batch
from sillok.ingest.guards import Limits
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN


def _retyped(text: str) -> str:
    """The same testimony typed again with a few words changed: a near duplicate."""
    words = text.split()
    for i in range(5, len(words), 40):
        words[i] = words[i].upper() + "s"
    return " ".join(words)


def _folder(root: Path) -> dict[str, str]:
    """70 files over three chunks, with the expected status of each."""
    root.mkdir()
    expected: dict[str, str] = {}
    texts = {i: files.fiction(500 + i, words=120) for i in range(70)}
    for i, text in texts.items():
        (root / f"{i:03d}.txt").write_text(text, encoding="utf-8")
        expected[f"{i:03d}.txt"] = "ingested"
    (root / "010.txt").write_bytes(b"\x00\x01 not text \x00" * 20)  # fails in the worker
    expected["010.txt"] = "failed"
    (root / "021.txt").write_text(texts[20], encoding="utf-8")  # same chunk as its original
    expected["021.txt"] = "duplicate"
    (root / "045.txt").write_text(texts[3], encoding="utf-8")  # a later chunk
    expected["045.txt"] = "duplicate"
    (root / "066.txt").write_text(_retyped(texts[40]), encoding="utf-8")
    expected["066.txt"] = "near_duplicate"
    # A file with an attachment is written on its own, its child right after it.
    (root / "050.eml").write_bytes(files.eml("[Fictional] a letter with a note attached.",
                                             [("note.txt", b"[Fictional] the note.")]))
    expected["050.eml"] = "ingested"
    return expected


def _count(archive: Archive) -> int:
    with archive.sessions() as session:
        return int(session.execute(select(func.count()).select_from(m.Source)).scalar_one())


def test_outcomes_in_order_and_each_file_once(archive: Archive, tmp_path: Path) -> None:
    assert batch.CHUNK_FILES < 35  # so that the folder spans three chunks
    expected = _folder(tmp_path / "in")
    progress: list[int] = []
    report = run_batch(Ingestor(archive, ADMIN, Options()), [tmp_path / "in"],
                       progress=lambda _o, done, _total: progress.append(done))
    assert [Path(o.file).name for o in report.outcomes] == sorted(expected)
    assert progress == list(range(1, len(expected) + 1))
    got = {Path(o.file).name: o for o in report.outcomes}
    assert {name: o.status for name, o in got.items()} == expected
    assert got["021.txt"].duplicate_of == got["020.txt"].source_id
    assert got["045.txt"].duplicate_of == got["003.txt"].source_id
    assert got["066.txt"].near_duplicate_of == [got["040.txt"].source_id]
    letter = got["050.eml"]
    assert len(letter.sources) == 2 and letter.sources[1] == letter.sources[0] + 1
    # Source ids follow the files' order.
    firsts = [o.source_id for o in report.outcomes if o.source_id is not None]
    assert firsts == sorted(firsts)
    assert _count(archive) == sum(s in ("ingested", "near_duplicate")
                                  for s in expected.values()) + 1  # the attachment
    assert verify(archive).ok

    again = run_batch(Ingestor(archive, ADMIN, Options()), [tmp_path / "in"])
    assert [o.status for o in again.outcomes] == [
        "failed" if s == "failed" else "duplicate" for _n, s in sorted(expected.items())]
    assert _count(archive) == sum(s in ("ingested", "near_duplicate")
                                  for s in expected.values()) + 1


def test_a_refused_write_fails_only_its_file_and_leaves_no_blob(archive: Archive,
                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(files.fiction(700 + i), encoding="utf-8")
    bad = b"text,date\n[Fictional] a row with a date that is none,not a date\n"
    (folder / "3-table.csv").write_bytes(bad)
    report = run_batch(Ingestor(archive, ADMIN, Options()), [folder])
    got = {Path(o.file).name: o for o in report.outcomes}
    assert got["3-table.csv"].status == "failed"
    assert "row 1" in (got["3-table.csv"].reason or "")
    assert all(o.status == "ingested" for name, o in got.items() if name != "3-table.csv")
    assert _count(archive) == 6
    blobs = BlobStore(archive.settings.blob_dir)
    assert not blobs.path(hashlib.sha256(bad).hexdigest()).exists()
    assert verify(archive).ok


def test_a_parser_over_its_time_limit_mid_chunk(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_text(files.fiction(800 + i), encoding="utf-8")
    # Tens of seconds of parsing here, so that it outlasts the limit on a much faster machine
    # too (5,000 pages sometimes parsed within it); the batch waits only the limit for it.
    pages = [f"Fictional page {i} " + "text " * 50 for i in range(30_000)]
    (folder / "1-slow.pdf").write_bytes(files.pdf(pages))
    ingestor = Ingestor(archive, ADMIN, Options())
    ingestor.ingest_bytes(b"[Fictional] warming the worker up.", "warm.txt")
    ingestor.options.limits = Limits(seconds_per_file=3)
    report = run_batch(ingestor, [folder])
    got = {Path(o.file).name: o for o in report.outcomes}
    assert "time limit" in (got["1-slow.pdf"].reason or "")
    # The files queued behind it go to the new worker and in, in order.
    assert [got[f"{i}.txt"].status for i in range(4)] == ["ingested"] * 4
    assert _count(archive) == 5
    assert verify(archive).ok
