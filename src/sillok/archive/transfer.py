"""Export of an archive to JSON Lines and import into another archive, records kept exactly.

Each line is one object: ``{"type": "blob", ...}`` lines carry original bytes (base64), then
records in dependency order (terms, places, series, sources, persons, events, acts,
involvements, evidence) as ``{"type", "id", "record", "meta"}`` where ``record`` is the input
shape. Importing into an empty archive keeps ids, so the export of the copy equals the original.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.blobs import BlobStore
from sillok.archive.kinds import KINDS, Kind, PersonKind, kind_named
from sillok.archive.redacted_text import redact_quote, source_text, spans_by_source
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Invalid, SillokError
from sillok.search.index import index_record
from sillok.security.policy import (
    Actor,
    may_see_level,
    may_see_protected,
    require_write,
    visible_filter,
    visible_levels,
)

FORMAT = "sillok-export/1"
# Terms and places are seeded by init in every archive; import matches them by code.
BY_CODE = ("term", "place", "series")


def export_lines(archive: Archive, actor: Actor) -> Iterator[dict[str, Any]]:
    store = BlobStore(archive.settings.blob_dir)
    yield {"type": "header", "format": FORMAT}
    with archive.transaction() as session:
        blob_rows = session.execute(
            select(m.Blob).where(m.Blob.sha256.in_(
                select(m.Source.blob_sha256).where(visible_filter(m.Source, actor))
            )).order_by(m.Blob.sha256)
        ).scalars()
        for blob in blob_rows:
            yield {"type": "blob", "sha256": blob.sha256, "size": blob.size,
                   "media_type": blob.media_type,
                   "data": base64.b64encode(store.get(blob.sha256)).decode("ascii")}
        for kind in KINDS.values():
            rows = session.execute(
                select(kind.model).where(visible_filter(kind.model, actor))
                .order_by(kind.model.id).execution_options(yield_per=500)
            ).scalars()
            for obj in rows:
                yield export_line(session, actor, kind, obj)
        if may_see_level(actor, "restricted"):
            # Marks travel with the archive, or an imported copy would show the passages.
            # (Readers without clearance got the text with the passages already out.)
            marks = session.execute(select(m.RedactionMark).where(
                m.RedactionMark.source_id.in_(select(m.Source.id).where(
                    visible_filter(m.Source, actor)))).order_by(m.RedactionMark.id)).scalars()
            for mark in marks:
                yield {"type": "redaction", "id": mark.id, "source": mark.source_id,
                       "start": mark.start_offset, "end": mark.end_offset,
                       "reason": mark.reason, "created_by": mark.created_by,
                       "created_at": mark.created_at.isoformat()}


def export_line(session: Session, actor: Actor, kind: Kind, obj: Any) -> dict[str, Any]:
    """One record as an export line, as ``actor`` may take it out: protected details only
    for those cleared for them, marked passages out of texts and quotes below restricted
    clearance. The whole-archive export and a list's "export selected" both use it."""
    if isinstance(kind, PersonKind) and not may_see_protected(actor):
        record = kind.to_input(obj, session, protected=False)
    else:
        record = kind.to_input(obj, session)
    if kind.name == "source" and not may_see_level(actor, "restricted"):
        # Marked passages stay hidden from readers without restricted clearance.
        record["text"] = source_text(session, obj.id, record["text"])
    if kind.name == "evidence" and not may_see_level(actor, "restricted"):
        record["quote"] = redact_quote(
            record["quote"], obj.start_offset, obj.end_offset,
            spans_by_source(session, [obj.source_id]).get(obj.source_id, []))
    return {"type": kind.name, "id": obj.id, "record": record, "meta": _meta(obj)}


def export_selected(archive: Archive, actor: Actor, type_name: str, ids: list[int]
                    ) -> list[dict[str, Any]]:
    """The export lines of the selected records the actor may see (others are left out, as
    if missing), in the order given; audited like any export that can hold restricted ones."""
    kind = kind_named(type_name)
    wanted = list(dict.fromkeys(int(i) for i in ids))
    with archive.transaction() as session:
        rows = session.execute(select(kind.model).where(
            kind.model.id.in_(wanted), visible_filter(kind.model, actor))).scalars().all()
        by_id = {int(obj.id): obj for obj in rows}
        lines = [export_line(session, actor, kind, by_id[i]) for i in wanted if i in by_id]
    audit_export(archive, actor, {kind.name: len(lines)}, fmt="selected",
                 ids=[int(line["id"]) for line in lines])
    return lines


def _meta(obj: Any) -> dict[str, Any]:
    return {
        "created_at": obj.created_at.isoformat(), "updated_at": obj.updated_at.isoformat(),
        "retracted_at": obj.retracted_at.isoformat() if obj.retracted_at else None,
        "retracted_by": obj.retracted_by, "retraction_reason": obj.retraction_reason,
    }


def write_export(archive: Archive, actor: Actor, out: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in export_lines(archive, actor):
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        counts[line["type"]] = counts.get(line["type"], 0) + 1
    counts.pop("header", None)
    audit_export(archive, actor, counts)
    return counts


def audit_export(archive: Archive, actor: Actor, counts: dict[str, int],
                 fmt: str = "jsonl", ids: list[int] | None = None) -> None:
    """An export that can hold restricted records is audited, whatever its format (with the
    ids of the records when they were chosen one by one)."""
    if "restricted" in visible_levels(actor):
        after: dict[str, Any] = {"role": actor.role.value, "counts": counts}
        if fmt != "jsonl":
            after["format"] = fmt
        if ids is not None:
            after["ids"] = ids
        with archive.transaction() as session:
            record_change(session, actor=actor.name, action="export", record_type="archive",
                          record_id=None, after=after)


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)


def json_lines(path: Path, what: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of a JSON Lines file with its number; a line that is not JSON
    stops the read with the file, the line and ``what`` was expected."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise SillokError(f"{path}: cannot read ({exc.strerror})") from None
    with fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise SillokError(f"{path}:{number}: not {what}") from None


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in json_lines(path, "a JSON line"):
        if not isinstance(line, dict) or "type" not in line:
            raise SillokError(f"{path}:{number}: not a Sillok export line")
        yield number, line


def import_file(archive: Archive, actor: Actor, path: Path) -> ImportResult:
    """Import an export in one transaction; refuses ids already taken (import into an empty
    archive) so that nothing is half-imported or silently merged."""
    require_write(actor)
    result = ImportResult()
    store = BlobStore(archive.settings.blob_dir)
    first = True
    with archive.transaction() as session:
        r = Resolver(session, allow_retracted=True)
        for number, line in _lines(path):
            if first:
                if line.get("type") != "header" or line.get("format") != FORMAT:
                    raise SillokError(f"{path}: not a Sillok export ({FORMAT} header missing)")
                first = False
                continue
            kind_name = line["type"]
            try:
                if kind_name == "blob":
                    _import_blob(session, store, line)
                elif kind_name == "redaction":
                    _import_mark(session, actor, line)
                elif kind_name in KINDS:
                    _import_record(archive, session, r, actor, line)
                else:
                    raise Invalid({"type": f"unknown line type '{kind_name}'"})
            except Invalid as exc:
                raise Invalid(exc.errors, f"{path}:{number}: nothing was imported") from None
            except Conflict as exc:
                raise Conflict(f"{path}:{number}: {exc.message}; import into an empty archive"
                               ) from None
            result.counts[kind_name] = result.counts.get(kind_name, 0) + 1
        if first:
            raise SillokError(f"{path}: empty file, not a Sillok export")
        _reset_sequences(session)
    return result


def _import_blob(session: Session, store: BlobStore, line: dict[str, Any]) -> None:
    data = base64.b64decode(line["data"], validate=True)
    digest = store.put(data)
    if digest != line["sha256"]:
        raise Invalid({"data": f"bytes do not match sha256 {line['sha256']}"})
    if session.get(m.Blob, digest) is None:
        session.add(m.Blob(sha256=digest, size=len(data), media_type=line["media_type"]))
        session.flush()


def _import_record(archive: Archive, session: Session, r: Resolver, actor: Actor,
                   line: dict[str, Any]) -> None:
    kind = KINDS[line["type"]]
    record, meta, record_id = line["record"], line.get("meta") or {}, line.get("id")
    if kind.name in BY_CODE:
        existing = _by_code(session, kind.name, record)
        if existing is not None:
            archive.update(actor, kind.name, existing.id, record, session=session, resolver=r,
                           action="import")
            _restore_meta(session, existing, meta)
            _audit_retraction(session, actor, kind.name, existing)
            return
        if record_id is not None and session.get(kind.model, record_id) is not None:
            record_id = None  # a code-matched record may take any free id
    new_id = archive.create(actor, kind.name, record, session=session, resolver=r,
                            record_id=record_id, action="import")
    obj = session.get_one(kind.model, new_id)
    _restore_meta(session, obj, meta)
    _audit_retraction(session, actor, kind.name, obj)
    index_record(session, kind.name, obj)  # a restored retraction leaves the index


def _audit_retraction(session: Session, actor: Actor, kind_name: str, obj: Any) -> None:
    """A retraction the import restored is a change of the record's audited state
    (archive/audit_state.py): on the record, like the retraction it copies."""
    if obj.retracted_at is not None:
        record_change(session, actor=actor.name, action="import", record_type=kind_name,
                      record_id=obj.id, reason=obj.retraction_reason)


def _import_mark(session: Session, actor: Actor, line: dict[str, Any]) -> None:
    source = session.get(m.Source, int(line["source"]))
    start, end = int(line["start"]), int(line["end"])
    if source is None or not 0 <= start < end <= len(source.text):
        raise Invalid({"redaction": f"no passage {start}..{end} of source #{line['source']}"})
    if session.get(m.RedactionMark, int(line["id"])) is not None:
        raise Conflict(f"redaction mark #{line['id']} exists already")
    session.add(m.RedactionMark(
        id=int(line["id"]), source_id=source.id, start_offset=start, end_offset=end,
        reason=str(line["reason"]), created_by=str(line["created_by"]),
        created_at=datetime.fromisoformat(line["created_at"])))
    session.flush()
    index_record(session, "source", source)
    record_change(session, actor=actor.name, action="import", record_type="source",
                  record_id=source.id, reason=str(line["reason"]),
                  after={"mark": int(line["id"]), "start": start, "end": end})


def _by_code(session: Session, kind_name: str, record: dict[str, Any]) -> Any:
    if kind_name == "term":
        return session.execute(select(m.Term).where(
            m.Term.vocabulary == record.get("vocabulary"), m.Term.code == record.get("code"))
        ).scalar_one_or_none()
    model = m.Place if kind_name == "place" else m.Series
    return session.execute(
        select(model).where(model.code == record.get("code"))
    ).scalar_one_or_none()


def _restore_meta(session: Session, obj: Any, meta: dict[str, Any]) -> None:
    for key in ("created_at", "updated_at", "retracted_at"):
        if meta.get(key):
            setattr(obj, key, datetime.fromisoformat(meta[key]))
    obj.retracted_by = meta.get("retracted_by")
    obj.retraction_reason = meta.get("retraction_reason")
    session.flush()


def _reset_sequences(session: Session) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    models: list[Any] = [*(kind.model for kind in KINDS.values()), m.RedactionMark]
    for model in models:
        table = model.__tablename__
        top = session.execute(select(func.max(model.id))).scalar_one()
        if top is not None:
            session.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                {"t": table, "v": top},
            )
