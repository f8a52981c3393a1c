"""``sillok import --uwazi URL``: read an Uwazi server through its API, report what would be
created, mapped and refused (and propose a template mapping), then import everything in one
transaction through the archive service, or nothing at all.

Every file of an entity becomes an original (exchange/uwazi_plan.py). The files are fetched
and stored as blobs (bytes first, then their rows, as every original) only on the real run and
only once the plan has no refusal. A file that cannot be fetched (larger than the limit, gone,
the server failing) does not stop the import: its source keeps the file's name and why it was
not fetched (``extra.imported_from.not_fetched``), and the outcome lists it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import SillokError
from sillok.exchange.uwazi_client import UwaziClient
from sillok.exchange.uwazi_map import guessed, mapping_path_for, read_mapping, write_mapping
from sillok.exchange.uwazi_plan import UwaziPlan, build_plan
from sillok.security.policy import Actor, require_write
from sillok.tables.dry_run import Outcome, check_level, finish
from sillok.tables.notes import Note


@dataclass
class UwaziImport(Outcome[UwaziPlan]):
    fetched: int = 0  # attachments stored as originals
    not_fetched: list[str] = field(default_factory=list)  # "title: why", one per file


def import_uwazi(archive: Archive, actor: Actor, client: UwaziClient, *,
                 mapping_file: Path | None, mapping_dir: Path, level: str = "internal",
                 dry_run: bool = True) -> UwaziImport:
    check_level(level)
    if not dry_run:
        require_write(actor)
    data = client.read()
    mapping = read_mapping(mapping_file, data) if mapping_file else guessed(data)
    with archive.transaction() as session:
        plan = build_plan(session, data, mapping, level, archive.settings.max_file_bytes)
    outcome = UwaziImport(plan)

    def fetch() -> Callable[[Session], None]:
        # Only once nothing is refused: the bytes are fetched for the real run alone.
        blobs = _store_originals(archive, client, outcome)

        def add_blobs(session: Session) -> None:
            for digest, (size, media_type) in blobs.items():
                if session.get(m.Blob, digest) is None:
                    session.add(m.Blob(sha256=digest, size=size, media_type=media_type))
            session.flush()
        return add_blobs

    finish(archive, actor, outcome, name=data.host, dry_run=dry_run, mapping_file=mapping_file,
           proposed=mapping_path_for(data, mapping_dir),
           write_mapping=lambda p: write_mapping(mapping, p, data), before=fetch)
    return outcome


def _store_originals(archive: Archive, client: UwaziClient, outcome: UwaziImport
                     ) -> dict[str, tuple[int, str | None]]:
    """Each file as a blob (its row is added with the records), its digest in its source's
    record; digest -> (size, media type). A file that cannot be fetched is noted, not fatal."""
    store = BlobStore(archive.settings.blob_dir)
    limit = archive.settings.max_file_bytes
    by_ref = {rec.get("ref"): rec for rec in outcome.plan.records}
    stored: dict[str, tuple[int, str | None]] = {}
    for ref, filename in outcome.plan.originals.items():
        record = by_ref[ref]
        try:
            content = client.fetch_file(filename, limit)
            why: str | None = None if content is not None else Note(
                "over_limit", name=filename, limit=f"{limit / 2**20:,.1f}")
        except SillokError as exc:
            content, why = None, str(exc)
        if content is None:
            record["extra"]["imported_from"]["not_fetched"] = str(why)
            outcome.not_fetched.append(Note("not_fetched", title=record["title"], why=why))
            continue
        digest = store.put(content)
        stored[digest] = (len(content), record.get("media_type"))
        record["blob_sha256"] = digest
        outcome.fetched += 1
    return stored
