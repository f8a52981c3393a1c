"""Creating, upgrading and filling archives: what ``sillok init`` and ``sillok demo`` do."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from sillok.archive.audit import anchor_head
from sillok.archive.bulk import BulkResult, add_records, read_records
from sillok.archive.demo_gen import generated_records
from sillok.archive.seed import SeedReport, seed
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import migrate
from sillok.db import models as m
from sillok.errors import Conflict, Invalid, StorageError
from sillok.private_files import make_dir, tighten
from sillok.search.index import attach_search_index, reindex_all
from sillok.search.upkeep import after_bulk_write
from sillok.security.policy import DEMO_NAME, Actor, Role

DEMO_ACTOR = Actor(DEMO_NAME, Role.admin)


@dataclass
class InitReport:
    location: str
    schema_before: str  # empty | old | current
    schema_now: str
    seed: SeedReport
    # Files and directories whose group or other permissions were taken away.
    tightened: int = 0

    @property
    def changed(self) -> bool:
        return self.schema_before != "current" or self.seed.changed


def prepare_data_dir(settings: Settings) -> None:
    d = settings.data_dir
    if d.exists() and not d.is_dir():
        raise StorageError(f"data directory {d} is not a directory")
    try:
        make_dir(d)
        make_dir(settings.blob_dir)
    except PermissionError:
        raise StorageError(f"cannot create the data directory {d}: permission denied") from None
    except OSError as exc:
        raise StorageError(f"cannot create the data directory {d}: {exc.strerror}") from None
    if not os.access(d, os.W_OK):
        raise StorageError(f"data directory {d} is not writable")


# The last migration that changed what the search index holds: 0003 made it, 0009 added name
# key pairs, 0010 public copies, 0012 analysts' copies (real names left out; the audiences
# of search/index.py), 0029 a name matcher that finds more spellings (the copies made
# again). An archive upgraded from before it has its index rebuilt (revisions sort as text).
INDEX_REVISION = "0029"


def init_archive(settings: Settings,
                 progress: Callable[[str, int, int], None] | None = None) -> InitReport:
    """Create or upgrade the archive and load the shipped vocabularies and gazetteer;
    ``progress`` follows a rebuild of the search index, if the upgrade needs one."""
    prepare_data_dir(settings)
    # An archive made before files were created owner-only, or copied with loose modes: the
    # database, its -wal and -shm, blobs, spooled uploads and keys become readable by their
    # owner only. A key file kept elsewhere (SILLOK_KEY_FILE) too, but not its directory,
    # which may be a shared mount.
    tightened = tighten(settings.data_dir)
    if settings.key_file is not None:
        tightened += tighten(settings.key_file)
    archive = Archive(settings)
    try:
        revision = migrate.current_revision(archive.engine)
        before = migrate.upgrade(archive.engine)
        report = seed(archive)
        if revision is not None and revision < INDEX_REVISION:
            # The archive predates the search index, or what it holds now: build it. Other
            # upgrades keep the index as it is (rebuilding one of NKDB's size takes the better
            # part of an hour).
            with archive.transaction() as session:
                reindex_all(session, progress)
            after_bulk_write(archive.engine, rebuilt=True)
        # An embedded index the settings ask for (tantivy, the default beside SQLite) is
        # built here, with progress, when missing or behind: not at the next opening, where
        # a server would start minutes late without a word.
        attach_search_index(archive.engine, settings, progress)
        with archive.transaction() as session:
            anchor_head(session)
    finally:
        archive.close()
    where = str(settings.data_dir) if settings.is_sqlite else settings.url.split("@")[-1]
    return InitReport(where, before, migrate.head_revision(), report, tightened)


def demo_files() -> list[tuple[str, str]]:
    root = resources.files("sillok") / "data" / "demo"
    return sorted(
        (e.name, e.read_text(encoding="utf-8")) for e in root.iterdir() if e.name.endswith(".yaml")
    )


def build_demo(settings: Settings, generated: bool = False) -> dict[str, int]:
    """Initialise the archive and load the fictional demo content; refuses a non-empty archive.

    ``generated`` adds the few hundred generated fictional events and acts of
    archive/demo_gen.py on top of the hand-written stories (what ``sillok demo`` builds unless
    told ``--small``); tests that count the hand-written records leave it off."""
    init_archive(settings)
    archive = Archive.open(settings)
    try:
        with archive.transaction() as session:
            existing = session.execute(select(func.count()).select_from(m.Source)).scalar_one()
        if existing:
            raise Conflict(
                f"the archive already holds {existing} sources; build the demo in an empty "
                "data directory (--data-dir)"
            )
        totals: dict[str, int] = {}
        for name, _text in demo_files():
            path = Path(str(resources.files("sillok") / "data" / "demo" / name))
            try:
                result: BulkResult = add_records(archive, DEMO_ACTOR, read_records(path))
            except Invalid as exc:
                raise Invalid(exc.errors, f"demo file {name}") from None
            for kind, n in result.counts().items():
                totals[kind] = totals.get(kind, 0) + n
        if generated:
            for kind, n in add_records(archive, DEMO_ACTOR, generated_records()).counts().items():
                totals[kind] = totals.get(kind, 0) + n
        return totals
    finally:
        archive.close()
