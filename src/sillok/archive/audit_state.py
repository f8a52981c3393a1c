"""What a record is, as the audit trail vouches for it: the state digest of a record.

Every audited change of a covered record stores, in its entry, an HMAC (audit key) of the
record's state after the change. ``sillok audit verify`` computes every covered record's state
again and compares it with its latest entry's: a record changed directly in the database,
without an audit entry, differs. Covered:

- every record type (sources, events, acts, involvements, persons, evidence, places, terms,
  series) as :meth:`Kind.to_input` gives it — for persons with their names and protected
  details, for sources with their text — and whether and why it is retracted;
- a source's redaction marks (a mark removed directly would publish a hidden passage);
- users: name, role, disabled, password hash and TOTP (a direct ``role = 'admin'``);
- consent and custody entries, whole (archive/ledgers.py): the two append-only ledgers;
- published estimates (estimate/published.py): the figures the public page shows, and
  whether they are still published (a figure edited in the database would reach the public).

Not covered: columns that change without a user's action (timestamps, sign-in counters,
sessions, tokens' last use), the search index (rebuilt from records) and jobs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.kinds import KINDS
from sillok.archive.ledgers import LEDGERS
from sillok.db import models as m

USER = "user"
ESTIMATE = "published_estimate"
COVERED = frozenset({*KINDS, USER, ESTIMATE, *LEDGERS})


def _model(record_type: str) -> Any:
    if record_type == USER:
        return m.User
    if record_type == ESTIMATE:
        return m.PublishedEstimate
    if record_type in LEDGERS:
        return LEDGERS[record_type][0]
    return KINDS[record_type].model


def _user(user: m.User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "disabled": bool(user.disabled),
            "password_hash": user.password_hash, "totp_enabled": bool(user.totp_enabled),
            "totp_secret": user.totp_secret}


def _marks(session: Session, source_ids: list[int]) -> dict[int, list[list[Any]]]:
    marks: dict[int, list[list[Any]]] = {}
    rows = session.execute(
        select(m.RedactionMark.source_id, m.RedactionMark.start_offset,
               m.RedactionMark.end_offset, m.RedactionMark.reason)
        .where(m.RedactionMark.source_id.in_(source_ids))
        .order_by(m.RedactionMark.source_id, m.RedactionMark.start_offset,
                  m.RedactionMark.end_offset, m.RedactionMark.id))
    for source_id, start, end, reason in rows:
        marks.setdefault(source_id, []).append([start, end, reason])
    return marks


def _estimate(row: m.PublishedEstimate) -> dict[str, Any]:
    return {"filter": row.filter_text, "lists_by": row.lists_by, "method": row.method,
            "settings": row.settings, "result": row.result, "observed": row.observed,
            "published_by": row.published_by, "unpublished_by": row.unpublished_by}


def _state(session: Session, record_type: str, obj: Any,
           marks: dict[int, list[list[Any]]] | None = None) -> Any:
    if record_type == USER:
        return _user(obj)
    if record_type == ESTIMATE:
        return _estimate(obj)
    if record_type in LEDGERS:
        return LEDGERS[record_type][1](obj)
    state: dict[str, Any] = {"record": KINDS[record_type].to_input(obj, session),
                             "retracted": obj.retraction_reason if obj.retracted_at else None}
    if record_type == "source":
        found = _marks(session, [obj.id]) if marks is None else marks
        state["marks"] = found.get(obj.id, [])
    return state


def digest(key: bytes, record_type: str, record_id: int, state: Any) -> str:
    body = json.dumps([record_type, record_id, state], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hmac.new(key, f"state:{body}".encode(), hashlib.sha256).hexdigest()


def record_state(session: Session, key: bytes, record_type: str, record_id: int) -> str | None:
    """The state digest of one record now (``deleted`` when it is gone), None when the type
    is not covered."""
    if record_type not in COVERED:
        return None
    obj = session.get(_model(record_type), record_id)
    if obj is None:
        return "deleted"
    # Read back as the database holds it (collections in their stored order, as verify
    # will read them), not as the change left the object in memory.
    session.expire(obj)
    return digest(key, record_type, record_id, _state(session, record_type, obj))



BATCH = 500


def record_states(session: Session, key: bytes, record_type: str, record_ids: list[int]
                  ) -> dict[int, str | None]:
    """:func:`record_state` of many records of one type, read back in batches: one query for
    a batch's rows (and one for its sources' marks) instead of one or more per record."""
    if record_type not in COVERED:
        return {}
    model = _model(record_type)
    out: dict[int, str | None] = {}
    for i in range(0, len(record_ids), BATCH):
        chunk = record_ids[i:i + BATCH]
        for rid in chunk:
            obj = session.identity_map.get(session.identity_key(model, rid))
            if obj is not None:
                # As the database holds it (collections in their stored order), as verify
                # will read it.
                session.expire(obj)
        found = {o.id: o for o in session.execute(
            select(model).where(model.id.in_(chunk))).scalars()}
        marks = (_marks(session, list(found)) if record_type == "source" and found
                 else None)
        for rid in chunk:
            obj = found.get(rid)
            out[rid] = ("deleted" if obj is None else
                        digest(key, record_type, rid, _state(session, record_type, obj, marks)))
    return out



def current_states(session: Session, key: bytes, record_type: str
                   ) -> Iterator[tuple[int, str]]:
    """Every record of a covered type with its state digest, by id (for ``audit verify``)."""
    model = _model(record_type)
    # The ids first, then each batch by its ids: a result streamed with yield_per dies when a
    # batch is let go (expunge_all), which broke verify past BATCH records of one type.
    ids = list(session.execute(select(model.id).order_by(model.id)).scalars())
    for i in range(0, len(ids), BATCH):
        objs = session.execute(select(model).where(model.id.in_(ids[i:i + BATCH]))
                               .order_by(model.id)).scalars().all()
        yield from _batch(session, key, record_type, list(objs))


def _batch(session: Session, key: bytes, record_type: str, objs: list[Any]
           ) -> Iterator[tuple[int, str]]:
    # Marks of a batch of sources in one query, not one per source.
    marks = _marks(session, [o.id for o in objs]) if record_type == "source" and objs else None
    for obj in objs:
        yield obj.id, digest(key, record_type, obj.id, _state(session, record_type, obj, marks))
    session.expunge_all()
