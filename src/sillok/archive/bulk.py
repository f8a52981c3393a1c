"""Adding many records from one YAML or JSON file, all or nothing.

Records may name each other with ``ref`` strings local to the file; the whole file is one
transaction, so one bad record leaves the archive exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from sillok.archive.kinds import kind_named
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.errors import Invalid, SillokError
from sillok.security.policy import Actor, require_write

MAX_REPORTED = 25


@dataclass
class BulkResult:
    created: list[tuple[str, int, str | None]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _id, _ref in self.created:
            out[kind] = out.get(kind, 0) + 1
        return out


def read_records(path: Path) -> list[Any]:
    """The ``records`` list of a YAML/JSON file, or a one-line error saying what is wrong."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SillokError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SillokError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SillokError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        doc = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).splitlines()[0]
        raise SillokError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}"
                          f" ({first})") from None
    if isinstance(doc, dict) and "type" in doc:
        doc = {"records": [doc]}
    if isinstance(doc, list):
        doc = {"records": doc}
    if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
        raise SillokError(f"{path}: expected a mapping with a 'records:' list")
    records: list[Any] = doc["records"]
    return records


# Types with a natural key (a code): check_unique asks the database, so each is inserted
# before the next is checked.
KEYED = frozenset({"place", "term", "series"})
BATCH = 1000


@dataclass
class _Built:
    where: str
    kind: str
    obj: Any
    ref: str | None


def _mentions(value: Any, refs: set[str], depth: int = 0) -> bool:
    """Whether a record's body names one of ``refs`` (a ref string anywhere in it)."""
    if isinstance(value, str):
        return value in refs
    if depth > 3:
        return False
    if isinstance(value, dict):
        return any(_mentions(v, refs, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_mentions(v, refs, depth + 1) for v in value)
    return False


def add_records(archive: Archive, actor: Actor, records: list[Any],
                action: str = "create",
                before: Callable[[Session], None] | None = None) -> BulkResult:
    """Create every record in one transaction; raises Invalid listing every bad field.

    Consecutive records of one type are built and then inserted together (one multi-row
    INSERT, their audit entries and state digests in batches: Archive.add_built), until a
    record names one that is not inserted yet; the ids, audit entries and their order are
    those of one insert per record."""
    require_write(actor)
    result = BulkResult()
    errors: dict[str, str] = {}
    with archive.transaction() as session:
        if before is not None:
            before(session)  # e.g. the rows of blobs the records name, in the same unit
        r = Resolver(session)
        batch: list[_Built] = []
        waiting: set[str] = set()  # refs of the batch, not yet given an id

        def insert() -> None:
            if not batch:
                return
            try:
                archive.add_built(actor, batch[0].kind, [b.obj for b in batch],
                                  session=session, action=action)
            except Invalid as exc:
                where = batch[min(exc.position, len(batch) - 1)].where
                for key, msg in exc.errors.items():
                    errors[f"{where}.{key}"] = msg
                # The batch is half written; the transaction is rolled back below.
                raise _Stop from None
            for b in batch:
                if b.ref is not None:
                    r.refs[b.ref] = (b.kind, int(b.obj.id))
                result.created.append((b.kind, int(b.obj.id), b.ref))
            batch.clear()
            waiting.clear()

        try:
            for i, rec in enumerate(records):
                where = f"records[{i}]"
                if not isinstance(rec, dict):
                    errors[where] = "must be a mapping with a 'type'"
                    continue
                body = dict(rec)
                type_name = str(body.pop("type", "") or "")
                ref = body.pop("ref", None)
                if ref is not None:
                    where = f"records[{i}] ({ref})"
                try:
                    kind = kind_named(type_name) if type_name else None
                except Invalid as exc:
                    errors[f"{where}.type"] = exc.errors["type"]
                    continue
                if kind is None:
                    errors[f"{where}.type"] = "required"
                    continue
                if batch and (batch[0].kind != kind.name or len(batch) >= BATCH
                              or kind.name in KEYED or _mentions(body, waiting)):
                    insert()
                if ref is not None and (not isinstance(ref, str) or ref in r.refs
                                        or ref in waiting):
                    errors[f"{where}.ref"] = f"'{ref}' must be a string used once in the file"
                    continue
                try:
                    obj = archive.build(kind.name, body, r)
                except Invalid as exc:
                    for key, msg in exc.errors.items():
                        errors[f"{where}.{key}"] = msg
                    continue
                batch.append(_Built(where, kind.name, obj, ref))
                if ref is not None:
                    waiting.add(ref)
            insert()
        except _Stop:
            pass
        if errors:
            shown = dict(list(errors.items())[:MAX_REPORTED])
            if len(errors) > MAX_REPORTED:
                shown["…"] = f"{len(errors) - MAX_REPORTED} more"
            # Raising rolls the whole file back.
            raise Invalid(shown, "nothing was added")
    return result


class _Stop(Exception):
    """A batch failed while being written: report what was found so far."""


def add_file(archive: Archive, actor: Actor, path: Path, action: str = "create") -> BulkResult:
    records = read_records(path)
    try:
        return add_records(archive, actor, records, action)
    except Invalid as exc:
        raise Invalid(exc.errors, f"{path}: nothing was added") from None
