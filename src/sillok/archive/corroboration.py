"""Corroboration: how many independent sources support an act, as an actor may know it.

The definition (docs/corroboration.md says the same for readers): a source supports an act when
it has evidence on the act. Two supporting sources are *not* independent when

- one restates the other, or both restate the same source (``based_on``, followed to its end);
- they share a witness: the same person record (or records merged into one), or the same
  witness key; a source that restates another inherits that one's witness;
- they come from the same organisation (``publisher``, compared without case and spacing); a
  restating source shares its original's organisation too.

The count is the largest number of supporting sources no two of which are dependent.

Everything is read as the actor may see it, in the query (the policy's filter): evidence,
sources, the chain of restatements and the witness. So a count never depends on what the actor
may not see. Two consequences, both on the cautious side of a public claim:

- a source whose chain of restatements leads to a source the actor may not see is not counted
  for that actor (it restates something they cannot weigh);
- a witness the actor may not see (a restricted person; a witness key, which links one
  witness's testimonies, below restricted clearance) joins nothing: such sources are taken as
  having different witnesses, unless their organisation or origin already joins them.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, ColumnElement, Integer, and_, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from sillok.db import models as m
from sillok.security.policy import Actor, may_see_level, visible_filter

# An act with more supporting sources than this is counted greedily (a lower bound); the
# exact search is exponential in it, and acts have a handful.
EXACT_UP_TO = 18


@dataclass
class _Origin:
    """What a supporting source stands for: its origin, witnesses and organisations."""

    root: int
    witnesses: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)
    hidden: bool = False  # restates a source the actor may not see


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _supporting(session: Session, actor: Actor, act_ids: Collection[int] | None,
                minimum: int) -> dict[int, set[int]]:
    """Act id → ids of the visible sources with visible evidence on it, or on an act merged
    into it (linkage/merge.py: one act coded twice is one act, with the evidence of both)
    that the actor may see too."""
    ev, src = m.Evidence, m.Source
    coded = aliased(m.Act)  # the act the evidence is on
    root = func.coalesce(coded.merged_into_id, coded.id)
    where = [ev.record_type == "act", ev.retracted_at.is_(None), visible_filter(ev, actor),
             src.retracted_at.is_(None), visible_filter(src, actor),
             coded.retracted_at.is_(None), visible_filter(coded, actor)]
    if act_ids is not None:
        where.append(root.in_(sorted(act_ids)))

    def joined(*columns: Any) -> Any:
        return (select(*columns).select_from(ev).join(src, src.id == ev.source_id)
                .join(coded, coded.id == ev.record_id).where(*where))

    stmt = joined(root, ev.source_id)
    if minimum > 1:
        # Acts with fewer supporting sources than asked cannot reach it: leave them out first.
        enough = (joined(root).group_by(root)
                  .having(func.count(ev.source_id.distinct()) >= minimum))
        stmt = stmt.where(root.in_(enough))
    out: dict[int, set[int]] = {}
    for act_id, source_id in session.execute(stmt):
        out.setdefault(int(act_id), set()).add(int(source_id))
    return out


def _origins(session: Session, actor: Actor, source_ids: Iterable[int]) -> dict[int, _Origin]:
    src, person = m.Source, m.Person
    rows: dict[int, tuple[int | None, str | None, str | None, int | None]] = {}
    todo = set(source_ids)
    hidden: set[int] = set()
    while todo:
        found = session.execute(
            select(src.id, src.witness_id, src.witness_key, src.publisher, src.based_on_id)
            .where(src.id.in_(sorted(todo)), src.retracted_at.is_(None),
                   visible_filter(src, actor))).all()
        for sid, witness_id, witness_key, publisher, based_on in found:
            rows[sid] = (witness_id, witness_key, publisher, based_on)
        hidden |= todo - {row[0] for row in found}
        todo = {r[3] for r in rows.values() if r[3] is not None} - set(rows) - hidden
    witness_ids = {r[0] for r in rows.values() if r[0] is not None}
    # A witness is the person record the actor sees; records merged into another one
    # (linkage/merge.py) are that one, when the actor may see it too.
    seen: dict[int, int] = {}
    if witness_ids:
        found_persons = session.execute(select(person.id, person.merged_into_id).where(
            person.id.in_(sorted(witness_ids)), person.retracted_at.is_(None),
            visible_filter(person, actor))).all()
        targets = {t for _, t in found_persons if t is not None}
        shown_targets = set(session.execute(select(person.id).where(
            person.id.in_(sorted(targets)), visible_filter(person, actor))).scalars()) \
            if targets else set()
        seen = {pid: target if target in shown_targets else pid
                for pid, target in found_persons}
    keys_visible = may_see_level(actor, "restricted")
    out: dict[int, _Origin] = {}
    for sid in source_ids:
        origin = _Origin(root=sid)
        cursor: int | None = sid
        walked: set[int] = set()
        while cursor is not None and cursor not in walked:
            walked.add(cursor)
            if cursor not in rows:
                origin.hidden = True
                break
            witness_id, witness_key, publisher, based_on = rows[cursor]
            origin.root = cursor
            if witness_id is not None and witness_id in seen:
                origin.witnesses.add(f"p{seen[witness_id]}")
            if witness_key and keys_visible:
                origin.witnesses.add("k" + _norm(witness_key))
            if publisher:
                origin.publishers.add(_norm(publisher))
            cursor = based_on
        out[sid] = origin
    return out


def _dependent(a: _Origin, b: _Origin) -> bool:
    return a.root == b.root or bool(a.witnesses & b.witnesses) or bool(
        a.publishers & b.publishers)


def independent_count(origins: list[_Origin]) -> int:
    """The largest number of origins no two of which are dependent."""
    n = len(origins)
    if n <= 1:
        return n
    conflicts = [0] * n
    for i in range(n):
        for j in range(i + 1, n):
            if _dependent(origins[i], origins[j]):
                conflicts[i] |= 1 << j
                conflicts[j] |= 1 << i
    if n > EXACT_UP_TO:
        chosen, blocked = 0, 0
        for i in sorted(range(n), key=lambda k: conflicts[k].bit_count()):
            if not blocked >> i & 1:
                chosen += 1
                blocked |= conflicts[i] | 1 << i
        return chosen

    def best(candidates: int) -> int:
        if not candidates:
            return 0
        i = candidates.bit_length() - 1
        rest = candidates & ~(1 << i)
        without = best(rest)
        with_i = 1 + best(rest & ~conflicts[i])
        return max(without, with_i)

    return best((1 << n) - 1)


def support_counts(session: Session, actor: Actor, act_ids: Collection[int] | None = None,
                   minimum: int = 0) -> dict[int, int]:
    """Act id → independent sources, for the acts given (all acts with support if None);
    with ``minimum``, only acts that reach it are returned."""
    supporting = _supporting(session, actor, act_ids, minimum)
    origins = _origins(session, actor, {s for ids in supporting.values() for s in ids})
    counts: dict[int, int] = {}
    for act_id, source_ids in supporting.items():
        kept = [origins[s] for s in sorted(source_ids) if not origins[s].hidden]
        count = independent_count(kept)
        if count >= minimum:
            counts[act_id] = count
    if act_ids is not None and minimum <= 0:
        for act_id in act_ids:
            counts.setdefault(act_id, 0)
    return counts


def acts_with_support(session: Session, actor: Actor, minimum: int) -> set[int]:
    """Ids of the acts the actor may see that have at least ``minimum`` independent sources."""
    counts = support_counts(session, actor, None, minimum)
    if not counts:
        return set()
    act = m.Act
    visible = session.execute(select(act.id).where(
        and_(act.id.in_(sorted(counts)), act.retracted_at.is_(None),
             visible_filter(act, actor)))).scalars()
    return set(visible)


def id_in(column: Any, ids: Collection[int], dialect: str) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as one bound JSON array, not one parameter each: the
    acts with support can be more than SQLite's 32,766 parameters."""
    values = literal(json.dumps(sorted(ids)))
    if dialect == "postgresql":
        rows = func.json_array_elements_text(cast(values, JSON)).table_valued("value")
        clause: ColumnElement[bool] = column.in_(select(cast(rows.c.value, Integer)))
        return clause
    rows = func.json_each(values).table_valued("value")
    clause = column.in_(select(rows.c.value))
    return clause


def ids_sql(dialect: str) -> str:
    """The same set for a statement written in SQL: a subquery over the JSON array bound as
    ``:f_supported``."""
    if dialect == "postgresql":
        return ("(SELECT CAST(value AS INTEGER) FROM "
                "json_array_elements_text(CAST(:f_supported AS json)))")
    return "(SELECT value FROM json_each(:f_supported))"
