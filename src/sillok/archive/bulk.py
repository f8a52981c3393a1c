"""Adding many records from one YAML or JSON file, all or nothing.

Records may name each other with ``ref`` strings local to the file; the whole file is one
transaction, so one bad record leaves the archive exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sillok.archive.kinds import kind_named
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.errors import Invalid, SillokError
from sillok.security.policy import Actor

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


def add_records(archive: Archive, actor: Actor, records: list[Any],
                action: str = "create") -> BulkResult:
    """Create every record in one transaction; raises Invalid listing every bad field."""
    result = BulkResult()
    errors: dict[str, str] = {}
    with archive.transaction() as session:
        r = Resolver(session)
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
                if kind is None:
                    raise Invalid({"type": "required"})
                if ref is not None and (not isinstance(ref, str) or ref in r.refs):
                    raise Invalid({"ref": f"'{ref}' must be a string used once in the file"})
                new_id = archive.create(actor, kind.name, body, session=session, resolver=r,
                                        action=action)
            except Invalid as exc:
                for key, msg in exc.errors.items():
                    errors[f"{where}.{key}"] = msg
                continue
            if ref is not None:
                r.refs[ref] = (kind.name, new_id)
            result.created.append((kind.name, new_id, ref))
        if errors:
            shown = dict(list(errors.items())[:MAX_REPORTED])
            if len(errors) > MAX_REPORTED:
                shown["…"] = f"{len(errors) - MAX_REPORTED} more"
            # Raising rolls the whole file back.
            raise Invalid(shown, "nothing was added")
    return result


def add_file(archive: Archive, actor: Actor, path: Path, action: str = "create") -> BulkResult:
    records = read_records(path)
    try:
        return add_records(archive, actor, records, action)
    except Invalid as exc:
        raise Invalid(exc.errors, f"{path}: nothing was added") from None
