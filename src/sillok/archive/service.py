"""The Archive: the typed core that the CLI and the web app both call.

Every change goes through :meth:`Archive.create`, :meth:`Archive.update` or
:meth:`Archive.retract`, which validate, apply, and write the audit entry in one transaction.
Every read goes through the policy's query filter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from sillok.archive import audit_anchor, views
from sillok.archive.audit import audit_bulk_read, record_change, record_changes
from sillok.archive.consent_rules import check_public
from sillok.archive.digests import digest_key
from sillok.archive.editing import check_version, field_changes, stale_version
from sillok.archive.kinds import Kind, kind_named, protected_digest
from sillok.archive.redact import mask_view
from sillok.archive.replica import reading_public
from sillok.archive.resolve import Resolver
from sillok.archive.schemas import validate_shape
from sillok.config import Settings
from sillok.db import migrate
from sillok.db import models as m
from sillok.db.engine import make_engine, make_sessionmaker, transaction
from sillok.db.models import AuditEntry
from sillok.db.types import utcnow
from sillok.errors import Conflict, Invalid, NotFound, StorageError
from sillok.search.index import (
    attach_search_index,
    flush_search_index,
    index_record,
    remove_record,
)
from sillok.security import at_rest
from sillok.security.policy import (
    Actor,
    may_see,
    may_see_relation,
    relation_filter,
    require_write,
    visible_filter,
)


@dataclass
class Page:
    total: int
    items: list[dict[str, Any]]


class Archive:
    """One archive (database + blob directory)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self.sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        # Protected details encrypted at rest are opened with this archive's key file.
        at_rest.attach(self.engine, settings)
        # Audit entries are signed with this archive's audit key, kept beside it.
        audit_anchor.attach(self.engine, settings)
        # Anonymous visitors' reads go to a streaming replica if one is named (replica.py).
        self.public_engine: Engine | None = None
        self.public_sessions: sessionmaker[Session] | None = None
        if settings.public_database_url and engine is None:
            self.public_engine = make_engine(
                replace(settings, database_url=settings.public_database_url))
            self.public_sessions = make_sessionmaker(self.public_engine)
            at_rest.attach(self.public_engine, settings)

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        """Open an existing, up-to-date archive (``sillok init`` creates or upgrades one)."""
        if settings.is_sqlite and not (settings.data_dir / "sillok.db").exists():
            # Checked first: connecting would quietly create an empty database file.
            raise StorageError(f"no archive at {settings.data_dir}: run 'sillok init' first")
        archive = cls(settings)
        migrate.require_current(archive.engine)
        # An embedded search index beside the database, when the settings ask for one: opened
        # and repaired here (search/tantivy_store.py).
        attach_search_index(archive.engine, settings)
        return archive

    def close(self) -> None:
        flush_search_index(self.engine)
        self.engine.dispose()
        if self.public_engine is not None:
            self.public_engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        sessions = (self.public_sessions if self.public_sessions is not None
                    and reading_public() else self.sessions)
        with transaction(sessions) as session:
            yield session

    # -- writing ------------------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        type_name: str,
        data: dict[str, Any],
        *,
        session: Session | None = None,
        resolver: Resolver | None = None,
        record_id: int | None = None,
        action: str = "create",
    ) -> int:
        """Validate and insert one record; returns its id. Raises Invalid with field errors."""
        require_write(actor)
        kind = kind_named(type_name)
        if session is None:
            with self.transaction() as s:
                return self.create(actor, type_name, data, session=s, record_id=record_id,
                                   action=action)
        if record_id is not None and session.get(kind.model, record_id) is not None:
            raise Conflict(f"{kind.name} #{record_id} exists already")
        obj = self.build(kind.name, data, resolver or Resolver(session), record_id=record_id)
        self.add_built(actor, kind.name, [obj], session=session, action=action)
        return int(obj.id)

    def build(self, type_name: str, data: dict[str, Any], resolver: Resolver,
              record_id: int | None = None) -> Any:
        """A new record validated from ``data`` and not yet added; raises Invalid. With
        :meth:`add_built`, what :meth:`create` does, for callers that insert many at once."""
        kind = kind_named(type_name)
        shaped = validate_shape(kind.schema, data)
        obj = kind.model()
        if record_id is not None:
            obj.id = record_id
        kind.check_unique(obj, shaped, resolver)
        with resolver.session.no_autoflush:
            kind.apply(obj, shaped, resolver)
        resolver.raise_if_errors()
        return obj

    def add_built(self, actor: Actor, type_name: str, objs: list[Any], *, session: Session,
                  action: str = "create") -> None:
        """Insert records made by :meth:`build`, in order, with one flush (one multi-row
        INSERT instead of one per record), then queue their index entries and append their
        audit entries to the chain in the same order."""
        require_write(actor)
        kind = kind_named(type_name)
        session.add_all(objs)
        session.flush()
        for i, obj in enumerate(objs):
            # A witness's consent decides what may be public (security/policy.py).
            try:
                check_public(session, kind.name, obj, required=self.settings.consent_required)
            except Invalid as exc:
                exc.position = i  # which record of a batch (archive/bulk.py)
                raise
        changes = []
        for obj in objs:
            index_record(session, kind.name, obj)
            changes.append((int(obj.id), self._audit_view(kind, obj, session)))
        record_changes(session, actor=actor.name, action=action, record_type=kind.name,
                       changes=changes)

    def update(
        self,
        actor: Actor,
        type_name: str,
        record_id: int,
        changes: dict[str, Any],
        *,
        session: Session | None = None,
        resolver: Resolver | None = None,
        action: str = "update",
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> bool:
        """Change some fields of a record, validated as a whole; False if nothing changed.

        With ``expected_version`` (the version the editor read), a record changed since is
        not touched: :class:`StaleVersion` says by whom and when (archive/editing.py). The
        UPDATE itself also checks the version it loaded, so a change made at the same moment
        by someone else is refused the same way, never silently overwritten. ``reason`` goes
        into the audit entry (a change of level says why: archive/levels.py)."""
        require_write(actor)
        kind = kind_named(type_name)
        if not isinstance(changes, dict) or not changes:
            raise Invalid({"record": "give at least one field to change"})
        if session is None:
            with self.transaction() as s:
                return self.update(actor, type_name, record_id, changes, session=s,
                                   action=action, expected_version=expected_version,
                                   reason=reason)
        try:
            return self._update(actor, kind, record_id, changes, session, resolver, action,
                                expected_version, reason)
        except StaleDataError:
            # Another transaction changed the row between our read and our UPDATE (which
            # matched no row): read who did in a transaction of its own, this one is spent.
            with self.transaction() as s:
                current = s.get(kind.model, record_id)
                raise stale_version(s, kind.name, record_id,
                                    int(current.version) if current else 0,
                                    expected_version) from None

    def _update(self, actor: Actor, kind: Kind, record_id: int, changes: dict[str, Any],
                session: Session, resolver: Resolver | None, action: str,
                expected_version: int | None, reason: str | None = None) -> bool:
        obj = self._load(session, actor, kind, record_id)
        if obj.retracted_at is not None:
            raise Conflict(f"{kind.name} #{record_id} is retracted and cannot be changed")
        check_version(session, kind.name, obj, expected_version)
        before = kind.to_input(obj, session)
        shaped = validate_shape(kind.schema, {**before, **changes})
        if shaped == validate_shape(kind.schema, before):
            # Nothing to do: applying would still churn child rows (names, observations).
            return False
        r = resolver or Resolver(session)
        kind.check_unique(obj, shaped, r)
        with session.no_autoflush:
            kind.apply(obj, shaped, r)
        r.raise_if_errors()
        with session.no_autoflush:
            # Read back before any flush: a flush now and another for updated_at would count
            # the version up twice for one change.
            after = kind.to_input(obj, session)
        if after == before:
            return False
        obj.updated_at = utcnow()
        session.flush()
        retied = kind.name == "evidence" and (before.get("source"), before.get("record")) != (
            after.get("source"), after.get("record"))
        if after.get("level") == "public" or retied:
            check_public(session, kind.name, obj, required=self.settings.consent_required)
        index_record(session, kind.name, obj)
        record_change(session, actor=actor.name, action=action, record_type=kind.name,
                      record_id=record_id, before=self._digest(session, before),
                      after=self._digest(session, after), reason=reason)
        return True

    def retract(self, actor: Actor, type_name: str, record_id: int, reason: str) -> None:
        """Withdraw a record without deleting it; it stays in history with the reason."""
        require_write(actor)
        kind = kind_named(type_name)
        if not reason or not reason.strip():
            raise Invalid({"reason": "a retraction needs a reason"})
        with self.transaction() as session:
            obj = self._load(session, actor, kind, record_id)
            if obj.retracted_at is not None:
                raise Conflict(f"{kind.name} #{record_id} is already retracted")
            obj.retracted_at, obj.retracted_by = utcnow(), actor.name
            obj.retraction_reason = reason.strip()
            remove_record(session, kind.name, record_id)
            record_change(session, actor=actor.name, action="retract", record_type=kind.name,
                          record_id=record_id, reason=obj.retraction_reason)

    # -- reading ------------------------------------------------------------------------
    def get(self, actor: Actor, type_name: str, record_id: int) -> dict[str, Any]:
        kind = kind_named(type_name)
        with self.transaction() as session:
            obj = self._load(session, actor, kind, record_id)
            shown = views.view(kind, obj, session, actor, full=True)
            if obj.level == "restricted" or shown["fields"].get("protected"):
                # Every look at restricted data is on the record (protection issue, item 5).
                record_change(session, actor=actor.name, action="view", record_type=kind.name,
                              record_id=record_id)
            return self._masked(session, actor, [shown])[0]

    def views_of(self, actor: Actor, type_name: str, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The records of these ids that the actor may see, by id, as a list shows them (their
        fields, without related records): one statement for a page of search results, where
        ``get`` for each cost a transaction, the related records and the support counts. The
        restricted ones shown are on the record as one bulk read."""
        kind = kind_named(type_name)
        if not ids:
            return {}
        with self.transaction() as session:
            rows = session.execute(
                select(kind.model).where(_visible(kind, actor), kind.model.id.in_(ids))
            ).scalars().all()
            items = self._listed(session, actor, kind, rows, "view", {"ids": sorted(ids)})
        return {int(item["id"]): item for item in items}

    def list_records(
        self,
        actor: Actor,
        type_name: str,
        filters: dict[str, str] | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        include_retracted: bool = False,
        newest_first: bool = False,
    ) -> Page:
        """A page of the records the actor may see, by id, or newest first (by the record's
        own date where it has one: publication for sources, the date for events and acts)."""
        kind = kind_named(type_name)
        where = [_visible(kind, actor)]
        if not include_retracted:
            where.append(kind.model.retracted_at.is_(None))
        for key, value in (filters or {}).items():
            if key not in kind.filters:
                allowed = ", ".join(sorted(kind.filters)) or "none"
                raise Invalid({f"filter.{key}": f"unknown filter for {kind.plural} "
                                                f"(filters: {allowed})"})
            try:
                where.append(kind.filters[key](value))
            except ValueError as exc:
                raise Invalid({f"filter.{key}": str(exc)}) from None
        if limit < 1 or offset < 0:
            raise Invalid({"limit": "limit must be at least 1 and offset not negative"})
        with self.transaction() as session:
            where.extend(views.filter_guard(session, actor, kind.name, filters or {}))
            total = session.execute(
                select(func.count()).select_from(kind.model).where(*where)
            ).scalar_one()
            rows = session.execute(
                select(kind.model).where(*where).order_by(*_order(kind.model, newest_first))
                .limit(limit).offset(offset)
            ).scalars().all()
            items = self._listed(session, actor, kind, rows, "list", {
                "filters": filters or {}, "limit": limit, "offset": offset,
                "total": int(total)})
        return Page(total=int(total), items=items)

    def _listed(self, session: Session, actor: Actor, kind: Kind, rows: Sequence[Any],
                action: str, asked: dict[str, Any]) -> list[dict[str, Any]]:
        """Records as a list shows them (no related records), names masked for the reader,
        and the restricted ones among them on the record as one bulk read."""
        items = self._masked(session, actor, [views.view(kind, obj, session, actor, full=False)
                                              for obj in rows])
        audit_bulk_read(session, actor, action, kind.name,
                        [obj.id for obj in rows if obj.level == "restricted"], asked)
        return items

    def _masked(self, session: Session, actor: Actor,
                items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Names masked in every text shown to a reader not cleared for them: a restricted
        person's names for the public and viewers, real names for analysts too
        (views.masker_of)."""
        masker = views.masker_of(session, self.settings.data_dir, actor)
        if masker is None:
            return items
        return [mask_view(item, masker) for item in items]

    def history(self, actor: Actor, type_name: str, record_id: int) -> list[dict[str, Any]]:
        """Every audit entry of a record, oldest first (only for records the actor may see)."""
        kind = kind_named(type_name)
        with self.transaction() as session:
            self._load(session, actor, kind, record_id, allow_retracted=True)
            entries = session.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == kind.name, AuditEntry.record_id == record_id,
                       AuditEntry.action != "view")
                .order_by(AuditEntry.id)
            ).scalars()
            shown = [views.audit_view(session, e, actor) for e in entries]
            # Snapshots are texts like any other, masked as in every record view.
            shown = self._masked(session, actor, shown)
        # Each entry's changes, field by field, from the snapshots as this reader sees them.
        for entry in shown:
            entry["changes"] = field_changes(entry["before"], entry["after"])
        return shown

    # -- helpers ------------------------------------------------------------------------
    def _load(self, session: Session, actor: Actor, kind: Kind, record_id: int,
              allow_retracted: bool = True) -> Any:
        obj = session.get(kind.model, record_id)
        # A record the actor may not see is reported exactly like a missing one, so that its
        # existence is not disclosed either.
        if obj is None or not may_see(actor, obj) or (
                kind.name == "relation"
                and not may_see_relation(actor, obj, obj.person_a, obj.person_b)):
            raise NotFound(f"no {kind.name} #{record_id}")
        return obj

    def _audit_view(self, kind: Kind, obj: Any, session: Session) -> dict[str, Any]:
        return self._digest(session, kind.to_input(obj, session))

    def _digest(self, session: Session, snapshot: dict[str, Any]) -> dict[str, Any]:
        if not snapshot.get("protected"):
            return snapshot
        return protected_digest(snapshot, digest_key(session, self.settings.data_dir))


def _visible(kind: Kind, actor: Actor) -> Any:
    """What of ``kind`` the actor may see, as a WHERE clause: a relation needs both of its
    persons seen too (policy.may_see_relation)."""
    if kind.name == "relation":
        return relation_filter(m.Relation, m.Person, actor)
    return visible_filter(kind.model, actor)


def _order(model: Any, newest_first: bool) -> list[Any]:
    if not newest_first:
        return [model.id]
    dated = getattr(model, "published_start", None) or getattr(model, "date_start", None)
    if dated is None:
        return [model.id.desc()]
    return [dated.desc().nulls_last(), model.id.desc()]
