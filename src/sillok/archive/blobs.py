"""The content-addressed store of original bytes: DATA_DIR/blobs/ab/cd/<sha256>.

A blob is written (and fsynced) before the row that references it, so a crash can leave an
unreferenced file — which ``verify`` reports and a re-run reuses — but never a row without bytes.
A crash in the middle of a write leaves its temporary file, which the next batch removes
(``remove_abandoned``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from sillok.private_files import make_dir

TEMP = ".tmp-"  # the name of a blob being written begins so (verify reports one left behind)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and self.hash_file(target) == digest:
            return digest
        make_dir(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP)
        try:
            with os.fdopen(fd, "wb") as fh:
                # Held until the file has its name: the lock is what tells a write still going
                # on from one whose process died (remove_abandoned). The system drops it
                # whatever way the process ends, kill -9 included.
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @staticmethod
    def hash_file(path: Path) -> str:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def remove_abandoned(self) -> int:
        """Remove the temporary files of writes whose process died before finishing them (a
        batch killed mid-write); returns how many. A file another process is writing is
        locked, and stays."""
        removed = 0
        for path in self.root.glob(f"*/*/{TEMP}*"):
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue  # finished (renamed) or removed meanwhile
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            else:
                # Still under that name once locked: nobody will finish it. (Had the writer
                # finished first, the name would be gone and this a no-op.)
                path.unlink(missing_ok=True)
                removed += 1
            finally:
                os.close(fd)
        return removed

    def files(self) -> list[Path]:
        if not self.root.exists():
            return []
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
