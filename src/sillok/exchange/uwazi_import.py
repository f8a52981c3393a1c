"""``sillok import --uwazi URL``: read an Uwazi server through its API, report what would be
created, mapped and refused (and propose a template mapping), then import everything in one
transaction through the archive service, or nothing at all.

Attachments that become originals are fetched and stored as blobs (bytes first, then their
rows, as every original) only on the real run and only once the plan has no refusal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.exchange.uwazi_client import UwaziClient
from sillok.exchange.uwazi_map import guessed, mapping_path_for, read_mapping, write_mapping
from sillok.exchange.uwazi_plan import UwaziPlan, build_plan
from sillok.security.policy import Actor, require_write
from sillok.tables.dry_run import Outcome, check_level, finish


@dataclass
class UwaziImport(Outcome[UwaziPlan]):
    fetched: int = 0  # attachments stored as originals


def import_uwazi(archive: Archive, actor: Actor, client: UwaziClient, *,
                 mapping_file: Path | None, mapping_dir: Path, level: str = "internal",
                 dry_run: bool = True) -> UwaziImport:
    check_level(level)
    if not dry_run:
        require_write(actor)
    data = client.read()
    mapping = read_mapping(mapping_file, data) if mapping_file else guessed(data)
    with archive.transaction() as session:
        plan = build_plan(session, data, mapping, level)
    outcome = UwaziImport(plan)

    def fetch() -> Callable[[Session], None]:
        # Only once nothing is refused: the bytes are fetched for the real run alone.
        blobs = _store_originals(archive, client, plan)
        outcome.fetched = len(blobs)

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


def _store_originals(archive: Archive, client: UwaziClient, plan: UwaziPlan
                     ) -> dict[str, tuple[int, str | None]]:
    """Each source's attachment as a blob file (its row is added with the records), its
    digest in the source's record; digest -> (size, media type)."""
    store = BlobStore(archive.settings.blob_dir)
    by_ref = {rec.get("ref"): rec for rec in plan.records}
    stored: dict[str, tuple[int, str | None]] = {}
    for ref, filename in plan.originals.items():
        content = client.fetch_file(filename)
        record = by_ref[ref]
        if content is None:
            record["extra"]["imported_from"]["not_fetched"] = f"{filename} (too large)"
            continue
        digest = store.put(content)
        stored[digest] = (len(content), record.get("media_type"))
        record["blob_sha256"] = digest
    return stored
