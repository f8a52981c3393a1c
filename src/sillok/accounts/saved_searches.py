"""Saved searches: a staff list's query and filters kept under a name, per user, to run again
(issue 18 point 8). A user sees, runs and deletes only their own; saving under a name the user
has already used replaces what it held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor, require_write

MAX_NAME = 120
MAX_VALUE = 500
MAX_PER_USER = 200


@dataclass(frozen=True)
class Saved:
    id: int
    name: str
    record_type: str
    params: dict[str, str]
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.record_type,
                "params": self.params, "updated_at": self.updated_at.isoformat()}


def _shown(row: m.SavedSearch) -> Saved:
    return Saved(int(row.id), row.name, row.record_type, dict(row.params or {}),
                 row.updated_at)


def _clean(name: str, record_type: str, params: dict[str, Any], types: tuple[str, ...],
           keys: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "give the search a name"
    elif len(name) > MAX_NAME:
        errors["name"] = f"at most {MAX_NAME} characters"
    if record_type not in types:
        errors["type"] = f"'{record_type}' is not one of: {', '.join(types)}"
    kept: dict[str, str] = {}
    for key, value in params.items():
        text = str(value).strip()
        if key not in keys:
            errors[f"params.{key}"] = "not a parameter of a list"
        elif len(text) > MAX_VALUE:
            errors[f"params.{key}"] = f"at most {MAX_VALUE} characters"
        elif text:
            kept[key] = text
    if errors:
        raise Invalid(errors)
    return name, kept


def save_search(archive: Archive, actor: Actor, name: str, record_type: str,
                params: dict[str, Any], *, types: tuple[str, ...],
                keys: tuple[str, ...]) -> tuple[Saved, bool]:
    """Save (or, under a name already used, replace) a search of ``actor``'s; ``types`` and
    ``keys`` are the lists and parameters the caller knows. Returns it and whether it
    replaced one."""
    require_write(actor)
    name, kept = _clean(name, record_type, params, types, keys)
    with archive.transaction() as session:
        row = session.execute(select(m.SavedSearch).where(
            m.SavedSearch.owner == actor.name, m.SavedSearch.name == name)
        ).scalar_one_or_none()
        replaced = row is not None
        if row is None:
            count = session.execute(select(func.count()).select_from(m.SavedSearch).where(
                m.SavedSearch.owner == actor.name)).scalar_one()
            if count >= MAX_PER_USER:
                raise Invalid({"name": f"you have {MAX_PER_USER} saved searches already: "
                                       "delete one first"})
            row = m.SavedSearch(owner=actor.name, name=name)
            session.add(row)
        row.record_type, row.params, row.updated_at = record_type, kept, utcnow()
        session.flush()
        return _shown(row), replaced


def list_searches(archive: Archive, actor: Actor) -> list[Saved]:
    """The actor's saved searches, by name."""
    with archive.transaction() as session:
        rows = session.execute(select(m.SavedSearch).where(
            m.SavedSearch.owner == actor.name).order_by(m.SavedSearch.name)).scalars()
        return [_shown(r) for r in rows]


def get_search(archive: Archive, actor: Actor, search_id: int) -> Saved:
    """One of the actor's saved searches; another user's is reported as missing."""
    with archive.transaction() as session:
        row = session.get(m.SavedSearch, search_id)
        if row is None or row.owner != actor.name:
            raise NotFound(f"no saved search #{search_id}")
        return _shown(row)


def delete_search(archive: Archive, actor: Actor, search_id: int) -> str:
    """Delete one of the actor's saved searches; returns its name."""
    require_write(actor)
    with archive.transaction() as session:
        row = session.get(m.SavedSearch, search_id)
        if row is None or row.owner != actor.name:
            raise NotFound(f"no saved search #{search_id}")
        name = row.name
        session.delete(row)
        return name
