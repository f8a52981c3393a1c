"""Owner-only files and directories: the archive's data directory holds testimonies, original
files, the database and its keys, none of which another account on the machine may read.

Directories are made 0700 and files 0600 from the start (not chmod-ed after, which would leave
a moment when they are readable), whatever the process's umask. SQLite gives its -wal and -shm
files the mode of the database file, so creating that file 0600 covers them. :func:`tighten`
brings an archive made before this (or copied with loose modes) into line; ``sillok init`` runs
it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_dir(path: Path) -> None:
    """``mkdir -p`` where every directory it makes is owner-only (``Path.mkdir``'s mode applies
    to the last one only)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        # Made meanwhile by another process or thread: fine.
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)


def create_file(path: Path) -> None:
    """Create ``path`` empty and owner-only if it does not exist; leave it alone if it does."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new or truncated owner-only file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def tighten(path: Path) -> int:
    """Take group and other permissions away from ``path`` and everything under it (without
    following symbolic links); returns how many files and directories were changed."""
    changed = 0
    if not path.exists():
        return 0
    entries = [path] if not path.is_dir() else [path, *_walk(path)]
    for entry in entries:
        info = entry.lstat()
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            continue
        entry.chmod(stat.S_IMODE(info.st_mode) & ~(stat.S_IRWXG | stat.S_IRWXO))
        changed += 1
    return changed


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        out.extend(Path(folder) / name for name in (*dirs, *files))
    return out
