"""Ingest: files in, sources out — every original byte kept, every file's outcome reported.

For each file: the size is checked before it is read; identical bytes already in the archive are
reported as a duplicate and not stored again; the bytes are parsed in the worker process (time
and memory limits); the original is written to the blob store and fsynced; then one transaction
creates the source (with its search entry and audit entry), any attachments as child sources,
its near-duplicate links and its suggestions. A crash before the commit leaves at most a blob
file, which the re-run reuses; a crash after it leaves a finished source, which the re-run
reports as a duplicate. So a batch can be killed and re-run: every file ends up in exactly once.

A batch is written in chunks, one transaction each, and pipelined (``start`` then ``finish``):
while one chunk is written, the worker parses the next one and works out its near-duplicate
sketches, pattern suggestions, Kiwi's proper nouns and the search index's terms (Kiwi's
analysis of each text and title), which the chunk's transaction then writes as they are.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from sillok.archive import custody
from sillok.archive.blobs import BlobStore
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import SillokError
from sillok.extract.persons import prepare as prepare_persons
from sillok.extract.store import store_new_suggestions
from sillok.ingest import dedup, worker
from sillok.ingest.detect import Refused
from sillok.ingest.document import Attachment, Extracted, first_line
from sillok.ingest.guards import Limits
from sillok.ingest.ocr_store import store_readings
from sillok.ingest.textcodec import language_of
from sillok.ingest.worker import Pending, Prepared
from sillok.search.index import ANALYSED
from sillok.security.policy import Actor, require_write

# The source kind a file gets when --kind is not given.
DEFAULT_KIND = {"html": "news_report", "eml": "letter", "mbox": "letter", "msg": "letter"}


@dataclass
class Options:
    kind: str | None = None
    language: str = "auto"  # ko, en, mixed or auto
    level: str = "internal"
    origin: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    suggest: bool = True
    limits: Limits = field(default_factory=Limits)
    # How the files reached the archive, for the first step of each source's chain of
    # custody (archive/custody.py): cli, upload (the workspace) or api.
    received_via: str = "cli"


@dataclass
class Outcome:
    file: str
    status: str  # ingested, duplicate, near_duplicate, failed
    source_id: int | None = None
    duplicate_of: int | None = None
    near_duplicate_of: list[int] = field(default_factory=list)
    reason: str | None = None
    media_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    sources: list[int] = field(default_factory=list)  # every source created (rows, attachments)
    needs_ocr: bool = False
    notes: list[str] = field(default_factory=list)
    # A real document whose text cannot be read (a password, 배포용 문서, HWP 3): kept as an
    # original without text, and this says why. ``refused_parts``: (attachment, reason) alike.
    refused: str | None = None
    refused_parts: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def line(self) -> str:
        """The outcome as the one line a person reads."""
        if self.status == "failed":
            return f"failed: {self.reason}"
        if self.status == "duplicate":
            return f"duplicate of #{self.duplicate_of}"
        created = f"#{self.source_id}" if len(self.sources) <= 1 else (
            f"#{self.sources[0]}–#{self.sources[-1]} ({len(self.sources)} sources)")
        if self.refused:
            return f"kept as {created} without text: {self.refused}"
        if self.status == "near_duplicate":
            others = ", ".join(f"#{i}" for i in self.near_duplicate_of)
            return f"ingested as {created}, near duplicate of {others}"
        return f"ingested as {created}" + (" (needs OCR)" if self.needs_ocr else "")


@dataclass
class Item:
    data: bytes
    filename: str | None
    display: str
    origin: str | None = None
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        self.sha = hashlib.sha256(self.data).hexdigest()


@dataclass
class Child:
    """An attachment (or a message of an mbox) to write as a child source: ``parent`` is the
    index of the child it came from in the same list, or -1 for the file itself."""

    attachment: Attachment
    parsed: Extracted | None
    parent: int = -1


@dataclass
class Parsed:
    item: Item
    extracted: Extracted
    children: list[Child]
    outcome: Outcome
    prepared: Prepared | None = None
    notes: list[str] = field(default_factory=list)
    refused_parts: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.notes = list(self.outcome.notes)
        self.refused_parts = list(self.outcome.refused_parts)

    @property
    def contents(self) -> list[bytes]:
        return [self.item.data] + [c.attachment.data for c in self.children]

    @property
    def digests(self) -> list[str]:
        return [self.item.sha] + [hashlib.sha256(c.attachment.data).hexdigest()
                                  for c in self.children]

    def fresh(self) -> Outcome:
        """The outcome as it was before a write was attempted."""
        return Outcome(self.outcome.file, "failed", sha256=self.item.sha,
                       size=len(self.item.data), media_type=self.extracted.media_type,
                       notes=list(self.notes), refused_parts=list(self.refused_parts))


@dataclass
class Started:
    """A chunk read and handed to the parsing worker, not yet written (see Ingestor.start)."""

    outcomes: list[Outcome]
    parsing: list[tuple[Item, Outcome, Pending]]
    first_in_batch: dict[str, Outcome]


class Ingestor:
    def __init__(self, archive: Archive, actor: Actor, options: Options | None = None) -> None:
        require_write(actor)
        self.archive, self.actor = archive, actor
        self.options = options or Options()
        self.blobs = BlobStore(archive.settings.blob_dir)

    def ingest_path(self, path: Path, display: str | None = None) -> Outcome:
        return self.ingest_paths([(path, display or str(path))])[0]

    def ingest_paths(self, paths: list[tuple[Path, str]],
                     filenames: list[str | None] | None = None) -> list[Outcome]:
        """Ingest files (path, name to show) together; one outcome each, in order.
        ``filenames``: the original names to record, when the paths are not (an upload)."""
        return self.finish(self.start(paths, filenames))

    def start(self, paths: list[tuple[Path, str]],
              filenames: list[str | None] | None = None) -> Started:
        """Read the files and hand them to the parsing worker, without waiting for it: a
        batch starts chunk n+1 before it finishes chunk n, so that parsing overlaps writing.
        Nothing is written until ``finish``."""
        items: list[Item | Outcome] = []
        limit = self.options.limits.max_file_bytes
        for number, (path, name) in enumerate(paths):
            original = filenames[number] if filenames is not None else path.name
            try:
                size = path.stat().st_size
                if size > limit:
                    items.append(Outcome(name, "failed", size=size, reason=(
                        f"file of {size:,} bytes is over the limit of {limit:,}")))
                    continue
                items.append(Item(path.read_bytes(), original, name))
            except OSError as exc:
                items.append(Outcome(name, "failed",
                                     reason=f"cannot read: {exc.strerror or exc}"))
        return self._start_items(items)

    def ingest_bytes(self, data: bytes, filename: str | None, *, display: str | None = None,
                     origin: str | None = None) -> Outcome:
        """Ingest one file's bytes; never raises for a bad file, it returns a failed outcome."""
        return self.finish(self._start_items([Item(data, filename,
                                                   display or filename or "(upload)",
                                                   origin)]))[0]

    def _start_items(self, items: list[Item | Outcome]) -> Started:
        started = Started([], [], {})
        known = self._sources_with_blobs([i.sha for i in items if isinstance(i, Item)])
        for item in items:
            if isinstance(item, Outcome):
                started.outcomes.append(item)
                continue
            outcome = Outcome(item.display, "failed", sha256=item.sha, size=len(item.data))
            started.outcomes.append(outcome)
            if len(item.data) > self.options.limits.max_file_bytes:
                outcome.reason = (f"file of {len(item.data):,} bytes is over the limit of "
                                  f"{self.options.limits.max_file_bytes:,}")
            elif item.sha in known:
                outcome.status, outcome.duplicate_of = "duplicate", known[item.sha]
            elif item.sha in started.first_in_batch:
                outcome.status = "duplicate"  # of a file earlier in this batch; id set below
            else:
                started.first_in_batch[item.sha] = outcome
                pending = Pending(item.data, self.options.limits, self.options.mapping,
                                  prepare=True)
                started.parsing.append((item, outcome, pending))
        return started

    def finish(self, started: Started) -> list[Outcome]:
        """Wait for the chunk's parsing, then write it all in one transaction, so that the
        search index analyses its texts in one parallel batch and the disk is synced once.
        If any write is refused, the chunk is rolled back and its files are written one per
        transaction: a bad file costs time, never another file's place."""
        ready: list[Parsed] = []
        for item, outcome, pending in started.parsing:
            parsed = self._parse(item, outcome, pending)
            if parsed is not None:
                ready.append(parsed)
        # A file may have come in since ``start`` (the chunk before, in a pipelined batch).
        known = self._sources_with_blobs([p.item.sha for p in ready])
        for p in ready:
            if p.item.sha in known:
                p.outcome.status, p.outcome.duplicate_of = "duplicate", known[p.item.sha]
                p.outcome.media_type, p.outcome.notes = None, []
        ready = [p for p in ready if p.item.sha not in known]
        if ready:
            self._write_all(ready)
        for outcome in started.outcomes:
            if outcome.status == "duplicate" and outcome.duplicate_of is None:
                first = started.first_in_batch[outcome.sha256 or ""]
                if first.source_id is None:
                    outcome.status, outcome.reason = "failed", first.reason
                else:
                    outcome.duplicate_of = first.source_id
        return started.outcomes

    def _parse(self, item: Item, outcome: Outcome, pending: Pending) -> Parsed | None:
        try:
            extracted, prepared = pending.result()
            outcome.media_type = extracted.media_type
            children = self._parse_attachments(extracted, outcome)
        except Refused as exc:
            outcome.reason = str(exc)
            return None
        return Parsed(item, extracted, children, outcome, prepared)

    def _write_all(self, ready: list[Parsed], created: set[str] | None = None) -> None:
        """``created``: blobs this chunk wrote, when this is a retry one file at a time."""
        # The originals are written and fsynced in a thread while Kiwi analyses the texts the
        # worker did not (too long, or its extras failed): both mostly wait (on the disk, in
        # C++), and the rows come only after both.
        written: list[str] = []
        blob_error: list[BaseException] = []

        def store() -> None:
            try:
                written.extend(self._store_blobs([c for p in ready for c in p.contents]))
            except BaseException as exc:  # re-raised below, in the caller's thread
                blob_error.append(exc)

        storing = threading.Thread(target=store, name="ingest-blobs")
        storing.start()
        try:
            if self.options.suggest:
                prepare_persons([p.extracted.text for p in ready if p.prepared is None
                                 or p.prepared.ahead.proper is None])
        finally:
            storing.join()
        if blob_error:
            raise blob_error[0]
        # Blobs that are this chunk's doing: removed again if their file's rows are refused.
        mine = (set(written) | (created or set())) & {d for p in ready for d in p.digests}
        try:
            with self.archive.transaction() as session:
                # The index takes the terms the worker worked out (index.write_pending).
                session.info[ANALYSED] = {text: terms for p in ready if p.prepared is not None
                                          for text, terms in p.prepared.analysed.items()}
                self._write_chunk(session, ready)
            return
        except (Refused, SillokError) as exc:
            if len(ready) == 1:
                ready[0].outcome.status = "failed"
                ready[0].outcome.reason = str(exc).splitlines()[0]
                self._forget_blobs(sorted(mine))
                return
        for p in ready:  # one at a time, so that only the bad file fails
            p.outcome.__dict__.update(p.fresh().__dict__)
            self._write_all([p], mine)

    # -- steps ----------------------------------------------------------------------------
    def _sources_with_blobs(self, shas: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        with self.archive.sessions() as session:
            for start in range(0, len(shas), 500):
                rows = session.execute(
                    select(m.Source.blob_sha256, func.min(m.Source.id))
                    .where(m.Source.blob_sha256.in_(shas[start:start + 500]))
                    .group_by(m.Source.blob_sha256)
                ).all()
                found.update({str(sha): int(i) for sha, i in rows})
        return found

    def _parse_attachments(self, extracted: Extracted, outcome: Outcome) -> list[Child]:
        """The attachments, and theirs in turn (a forwarded mail's PDF, the messages of an
        mbox and their attachments), in the order they are written: each after its parent.
        Past ``max_depth`` levels, or ``max_parts`` in all, the bytes are still kept but no
        longer read; an attachment that cannot be read is kept as bytes all the same."""
        limits = self.options.limits
        children: list[Child] = []
        total = 0

        def walk(found: list[Attachment], parent: int, depth: int, path: str) -> None:
            nonlocal total
            for attachment in found:
                label = path + (attachment.filename or attachment.content_type)
                total += len(attachment.data)
                if len(children) >= limits.max_parts or total > limits.max_unpacked_bytes:
                    outcome.notes.append(f"attachment {label!r} and those after it: not kept "
                                         f"(over {limits.max_parts} parts or "
                                         f"{limits.max_unpacked_bytes:,} bytes in one file)")
                    return
                try:
                    parsed: Extracted | None = worker.parse(attachment.data, limits)
                except Refused as exc:
                    # Kept as bytes all the same: the attachment is part of the evidence.
                    outcome.notes.append(f"attachment {label!r}: not parsed ({exc})")
                    parsed = None
                if parsed is not None and parsed.refused:
                    outcome.notes.append(f"attachment {label!r}: kept without text "
                                         f"({parsed.refused})")
                    outcome.refused_parts.append((label, parsed.refused))
                children.append(Child(attachment, parsed, parent))
                if parsed is not None and parsed.attachments:
                    if depth >= limits.max_depth:
                        outcome.notes.append(f"attachment {label!r}: its own attachments kept "
                                             f"unread (nested deeper than {limits.max_depth})")
                        here = len(children) - 1
                        children.extend(Child(a, None, here) for a in parsed.attachments)
                    else:
                        walk(parsed.attachments, len(children) - 1, depth + 1, label + " › ")

        walk(extracted.attachments, -1, 1, "")
        return children

    def _store_blobs(self, contents: list[bytes]) -> list[str]:
        """Write the bytes (fsynced) before the rows that point at them: a crash in between
        leaves an unreferenced file the re-run reuses, never a row without its bytes. Returns
        the digests of files this call created."""
        created: list[str] = []
        for content in contents:
            digest = hashlib.sha256(content).hexdigest()
            if not self.blobs.path(digest).exists():
                created.append(digest)
            self.blobs.put(content)
        return created

    def _forget_blobs(self, digests: list[str]) -> None:
        # The rows were rolled back: remove the files they would have referred to, unless
        # another ingest stored the same bytes meanwhile.
        with self.archive.sessions() as session:
            for digest in digests:
                if session.get(m.Blob, digest) is None:
                    self.blobs.path(digest).unlink(missing_ok=True)

    def _write_chunk(self, session: Session, ready: list[Parsed]) -> None:
        """The chunk's rows, in file order, with as few statements as the order allows: runs
        of files are inserted together; a file with attachments is written on its own, so
        that its children's ids follow its own as they always have."""
        _blob_rows(session, [(p.item.sha, len(p.item.data), p.extracted.media_type)
                             for p in ready])
        resolver = Resolver(session)
        run: list[Parsed] = []
        for p in ready:
            if p.children:
                self._write_run(session, resolver, run)
                run = []
                self._write_run(session, resolver, [p])
                self._write_attachments(session, resolver, p)
            else:
                run.append(p)
        self._write_run(session, resolver, run)

    def _write_run(self, session: Session, resolver: Resolver, run: list[Parsed]) -> None:
        if not run:
            return
        built: list[tuple[Parsed, list[m.Source]]] = []
        for p in run:
            filename = _clean_name(p.item.filename)
            if p.extracted.rows:
                objs = [self._build_row(resolver, row, p.item.sha, filename, p.extracted,
                                        p.item.origin) for row in p.extracted.rows]
            else:
                objs = [self._build(resolver, p.extracted, p.item.sha, filename, p.item.origin,
                                    parent=None, prepared=p.prepared)]
            built.append((p, objs))
        self.archive.add_built(self.actor, "source", [o for _p, objs in built for o in objs],
                               session=session)
        custody.received(session, self.actor.name,
                         [(int(o.id), p.item.sha) for p, objs in built for o in objs],
                         self.options.received_via)
        whole = [(p, objs[0]) for p, objs in built if not p.extracted.rows]
        for p, obj in whole:
            store_readings(session, int(obj.id), p.extracted.ocr, self.actor.name)
        near = dedup.register_many(session, [
            (obj.id, p.extracted.text, p.prepared.sketch if p.prepared is not None
             else dedup.sketch(p.extracted.text)) for p, obj in whole])
        for p, objs in built:
            outcome = p.outcome
            outcome.sources = [int(o.id) for o in objs]
            outcome.source_id = outcome.sources[0]
            outcome.status = "ingested"
            outcome.refused = p.extracted.refused
            if not p.extracted.rows:
                outcome.needs_ocr = p.extracted.needs_ocr
                outcome.near_duplicate_of = [other for other, _ in near.get(outcome.source_id,
                                                                             [])]
                if outcome.near_duplicate_of:
                    outcome.status = "near_duplicate"
        self._suggest(session, [(o, p.prepared.ahead if p.prepared is not None
                                 and not p.extracted.rows else None)
                                for p, objs in built for o in objs])

    def _write_attachments(self, session: Session, resolver: Resolver, p: Parsed) -> None:
        outcome = p.outcome
        ids: list[int] = []  # the source id of each child, by its index
        for child in p.children:
            attachment, parsed = child.attachment, child.parsed
            parent = outcome.source_id if child.parent < 0 else ids[child.parent]
            child_sha = hashlib.sha256(attachment.data).hexdigest()
            known = session.execute(select(m.Source.id).where(m.Source.blob_sha256 == child_sha)
                                    .limit(1)).scalar_one_or_none()
            if known is not None:
                outcome.notes.append(f"attachment {attachment.filename!r}: duplicate of #{known}")
                ids.append(int(known))
                continue
            _blob_rows(session, [(child_sha, len(attachment.data),
                                  parsed.media_type if parsed else attachment.content_type)])
            made = parsed or Extracted("attachment", attachment.content_type, needs_ocr=False)
            # links to earlier children only (a reply comes after what it answers)
            links = {name: ids[index] for name, index in attachment.links.items()
                     if 0 <= index < len(ids)}
            obj = self._build(resolver, made, child_sha, _clean_name(attachment.filename),
                              p.item.origin, parent=parent,
                              attached={"as": attachment.role, **links})
            self.archive.add_built(self.actor, "source", [obj], session=session)
            custody.received(session, self.actor.name, [(int(obj.id), child_sha)],
                             self.options.received_via, note=f"part of source #{parent}")
            ids.append(int(obj.id))
            outcome.sources.append(int(obj.id))
            if parsed is not None:
                store_readings(session, int(obj.id), parsed.ocr, self.actor.name)
            if parsed is not None and parsed.text:
                dedup.register(session, int(obj.id), parsed.text)
            self._suggest(session, [(obj, None)])

    def _suggest(self, session: Session, made: list[tuple[m.Source, Any]]) -> None:
        if self.options.suggest:
            store_new_suggestions(session, [(int(o.id), o.text, o.published_start, ahead)
                                            for o, ahead in made if o.text])

    def _build(self, resolver: Resolver, extracted: Extracted, sha: str, filename: str | None,
               origin: str | None, parent: int | None,
               prepared: Prepared | None = None,
               attached: dict[str, Any] | None = None) -> m.Source:
        o = self.options
        text = extracted.text
        title = (extracted.title or filename or first_line(text) or "(untitled)")[:500]
        extra: dict[str, Any] = {
            "family": extracted.family, "encoding": extracted.encoding,
            "author": extracted.author, "paragraphs": extracted.paragraphs,
            "needs_ocr": extracted.needs_ocr, "metadata": extracted.metadata,
            "refused": extracted.refused,
            # how a child came with its parent (attachment, inline, message) and, for the
            # messages of an mbox, the sources of the message it answers and of its thread
            "attached": attached,
        }
        data = {
            "level": o.level, "kind": o.kind or DEFAULT_KIND.get(extracted.family, "other"),
            "title": title, "text": text, "language": self._language(text, prepared),
            "origin": o.origin or origin or extracted.metadata.get("url"),
            "published": extracted.published, "original_filename": filename,
            "media_type": extracted.media_type, "blob_sha256": sha, "parent": parent,
            "pages": extracted.pages, "extra": {k: v for k, v in extra.items() if v},
        }
        return self._built(resolver, data)

    def _build_row(self, resolver: Resolver, row: dict[str, Any], sha: str,
                   filename: str | None, extracted: Extracted, origin: str | None) -> m.Source:
        o = self.options
        text = row.get("text") or ""
        data = {
            "level": o.level, "kind": o.kind or row.get("kind") or "other",
            "title": (row.get("title") or first_line(text) or f"row {row['row']}")[:500],
            "text": text, "language": row.get("language") or self._language(text),
            "origin": row.get("origin") or o.origin or origin, "published": row.get("published"),
            "original_filename": filename, "media_type": extracted.media_type,
            "blob_sha256": sha, "extra": {"family": extracted.family, "row": row["row"]},
        }
        try:
            return self._built(resolver, data)
        except SillokError as exc:
            raise Refused(f"row {row['row']}: {str(exc).splitlines()[0]}") from None

    def _built(self, resolver: Resolver, data: dict[str, Any]) -> m.Source:
        obj: m.Source = self.archive.build("source", data, resolver)
        # Set before the insert (it is not part of the audited record): one write, not two.
        obj.ingested_by = self.actor.name
        return obj

    def _language(self, text: str, prepared: Prepared | None = None) -> str | None:
        if self.options.language != "auto":
            return self.options.language
        return prepared.language if prepared is not None else language_of(text)


def _blob_rows(session: Session, blobs: list[tuple[str, int, str]]) -> None:
    """Rows for the blobs (sha, size, media type) not yet in the table, in one statement."""
    wanted = {sha: (size, media) for sha, size, media in blobs}
    shas = list(wanted)
    have: set[str] = set()
    for start in range(0, len(shas), 500):
        have.update(session.execute(select(m.Blob.sha256).where(
            m.Blob.sha256.in_(shas[start:start + 500]))).scalars())
    rows = [{"sha256": sha, "size": size, "media_type": media[:120]}
            for sha, (size, media) in wanted.items() if sha not in have]
    if rows:
        session.execute(insert(m.Blob), rows)
    # Loaded into the session (and held: its identity map keeps only what is referenced), so
    # that validating each source's blob reference, which asks the session, needs no query.
    held: list[m.Blob] = session.info.setdefault("sillok.ingest.blobs", [])
    for start in range(0, len(shas), 500):
        held.extend(session.execute(select(m.Blob).where(
            m.Blob.sha256.in_(shas[start:start + 500]))).scalars())


def _clean_name(filename: str | None) -> str | None:
    """The name as data: NFC, no control characters, at most 255 characters. It is stored and
    shown (escaped), never used to build a path."""
    if not filename:
        return None
    name = unicodedata.normalize("NFC", filename)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[:255] or None
