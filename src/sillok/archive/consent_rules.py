"""Which uses a witness's consent allows: the state of each source, the records that rest on
a source, and the gate every change of level passes (archive/service.py).

A consent entry is about a source or about a witness (a person: everything they gave). The
decision for a source and a scope is the **latest** entry about the source itself, one of the
sources it is part of (an attachment's message), or the witness of any of them: a witness's
withdrawal after a source's own consent takes that source out too, and a consent recorded for
one source after a witness-wide refusal lets that one source go ahead.

A record *rests on* a source when evidence that is not retracted ties it to the source; a
source rests on itself, evidence on its source, and a person also on every source they are the
witness of (for the use of their name). What a rule decides is applied by
:func:`sillok.security.policy.consent_allows` (the one policy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from sillok.archive.kinds import KINDS
from sillok.db import models as m
from sillok.security.policy import NO_CONSENT, consent_allows, consent_refusal


@dataclass(frozen=True)
class SourceConsent:
    source_id: int
    state: str  # given, refused, withdrawn or none
    needs_consent: bool  # a testimony, or a source with a witness
    entry_id: int | None = None  # the entry that decided


@dataclass
class _Source:
    id: int
    parent_id: int | None
    witness_id: int | None
    kind: str


def _load_sources(session: Session, ids: Iterable[int]) -> dict[int, _Source]:
    """The sources and every source they are part of (parent chains)."""
    found: dict[int, _Source] = {}
    wanted = {int(i) for i in ids}
    while wanted:
        rows = session.execute(select(m.Source.id, m.Source.parent_id, m.Source.witness_id,
                                      m.Source.kind).where(m.Source.id.in_(sorted(wanted))))
        wanted = set()
        for sid, parent, witness, kind in rows:
            found[sid] = _Source(sid, parent, witness, kind)
            if parent is not None and parent not in found:
                wanted.add(parent)
    return found


def _chain(sources: dict[int, _Source], source_id: int) -> list[_Source]:
    chain, seen, cursor = [], set(), sources.get(source_id)
    while cursor is not None and cursor.id not in seen:
        chain.append(cursor)
        seen.add(cursor.id)
        cursor = sources.get(cursor.parent_id) if cursor.parent_id is not None else None
    return chain


def source_states(session: Session, scope: str, source_ids: Iterable[int]
                  ) -> dict[int, SourceConsent]:
    """The consent of each source for ``scope`` (sources that do not exist are left out)."""
    ids = sorted({int(i) for i in source_ids})
    if not ids:
        return {}
    sources = _load_sources(session, ids)
    chains = {sid: _chain(sources, sid) for sid in ids if sid in sources}
    members = {s.id for chain in chains.values() for s in chain}
    witnesses = {s.witness_id for chain in chains.values() for s in chain if s.witness_id}
    entries = session.execute(
        select(m.ConsentEntry.id, m.ConsentEntry.subject_type, m.ConsentEntry.subject_id,
               m.ConsentEntry.decision)
        .where(m.ConsentEntry.scope == scope,
               or_(and_(m.ConsentEntry.subject_type == "source",
                        m.ConsentEntry.subject_id.in_(sorted(members))),
                   and_(m.ConsentEntry.subject_type == "person",
                        m.ConsentEntry.subject_id.in_(sorted(witnesses)))))
        .order_by(m.ConsentEntry.id)).all()
    out: dict[int, SourceConsent] = {}
    for sid, chain in chains.items():
        subjects = {("source", s.id) for s in chain} | {("person", s.witness_id)
                                                        for s in chain if s.witness_id}
        latest = None
        for entry_id, subject_type, subject_id, decision in entries:
            if (subject_type, subject_id) in subjects:
                latest = (entry_id, decision)
        head = chain[0]
        needs = head.kind == "testimony" or head.witness_id is not None
        out[sid] = SourceConsent(sid, latest[1] if latest else NO_CONSENT, needs,
                                 latest[0] if latest else None)
    return out


def blockers(session: Session, scope: str, source_ids: Iterable[int], *, required: bool
             ) -> list[SourceConsent]:
    """The sources among ``source_ids`` whose consent does not allow ``scope``."""
    states = source_states(session, scope, source_ids)
    return [c for _sid, c in sorted(states.items())
            if not consent_allows(c.state, needs_consent=c.needs_consent, required=required)]


def evidence_sources(session: Session, type_name: str, record_id: int) -> list[int]:
    """The sources a record rests on through evidence that is not retracted."""
    return list(session.execute(
        select(m.Evidence.source_id).where(
            m.Evidence.record_type == type_name, m.Evidence.record_id == record_id,
            m.Evidence.retracted_at.is_(None)).distinct()).scalars())


def publication_refusal(session: Session, type_name: str, obj: Any, *, required: bool
                        ) -> Exception | None:
    """Why ``obj`` (about to be public) may not be, or None: a source or a record resting on
    a source without publication consent, a witness without consent to use their name."""
    record_id = int(obj.id)
    if type_name == "source":
        sources = [record_id]
    elif type_name == "evidence":
        sources = [int(obj.source_id)]
    else:
        sources = evidence_sources(session, type_name, record_id)
    what = f"{type_name} #{record_id}"
    found = blockers(session, "publication", sources, required=required)
    if found:
        return consent_refusal(what, "publication", [(c.source_id, c.state) for c in found])
    if type_name == "person":
        given = list(session.execute(select(m.Source.id).where(
            m.Source.witness_id == record_id, m.Source.retracted_at.is_(None))).scalars())
        named = blockers(session, "name", given, required=required)
        if named:
            return consent_refusal(what, "name", [(c.source_id, c.state) for c in named])
    return None


ANY_ENTRY = "sillok.consent.any"


def any_entry(session: Session) -> bool:
    """Whether the archive holds a consent entry at all, asked once per transaction: an
    archive that keeps none (and does not require consent) pays one query per transaction."""
    known = session.info.get(ANY_ENTRY)
    if known is None:
        known = session.execute(select(m.ConsentEntry.id).limit(1)).first() is not None
        session.info[ANY_ENTRY] = known
    return bool(known)


def check_public(session: Session, type_name: str, obj: Any, *, required: bool) -> None:
    """Refuse (Invalid, naming the source and its consent) a public record that consent does
    not allow, and evidence that would make a public record rest on such a source; records of
    other levels pass untouched."""
    if not required and not any_entry(session):
        return
    if getattr(obj, "level", None) == "public":
        refusal = publication_refusal(session, type_name, obj, required=required)
        if refusal is not None:
            raise refusal
    if type_name == "evidence" and obj.retracted_at is None and obj.record_type in KINDS:
        target = session.get(KINDS[obj.record_type].model, int(obj.record_id))
        if target is not None and target.level == "public" and target.retracted_at is None:
            found = blockers(session, "publication", [int(obj.source_id)], required=required)
            if found:
                raise consent_refusal(f"{obj.record_type} #{obj.record_id} (public, cited by "
                                      "this evidence)", "publication",
                                      [(c.source_id, c.state) for c in found])


# -- statistics -----------------------------------------------------------------------------

def descendants(session: Session, ids: set[int]) -> set[int]:
    out, frontier = set(ids), set(ids)
    while frontier:
        frontier = set(session.execute(select(m.Source.id).where(
            m.Source.parent_id.in_(sorted(frontier)))).scalars()) - out
        out |= frontier
    return out


def decided_sources(session: Session, scope: str) -> dict[int, SourceConsent]:
    """Every source some entry of ``scope`` applies to, with its state."""
    rows = session.execute(select(m.ConsentEntry.subject_type, m.ConsentEntry.subject_id)
                           .where(m.ConsentEntry.scope == scope).distinct()).all()
    if not rows:
        return {}
    sources = {sid for kind, sid in rows if kind == "source"}
    persons = sorted({pid for kind, pid in rows if kind == "person"})
    if persons:
        sources |= set(session.execute(select(m.Source.id).where(
            m.Source.witness_id.in_(persons))).scalars())
    return source_states(session, scope, descendants(session, sources))


def statistics_exclusion(session: Session, act: Any, *, required: bool
                         ) -> ColumnElement[bool] | None:
    """A WHERE clause leaving out of counts every act resting on a source whose consent does
    not allow use in statistics; None when no act is to be left out (nothing recorded and
    consent not required), so that counts are the same queries as before."""
    decided = decided_sources(session, "statistics")
    denied = sorted(sid for sid, c in decided.items()
                    if not consent_allows(c.state, needs_consent=c.needs_consent,
                                          required=required))
    given = sorted(sid for sid, c in decided.items() if c.state == "given")
    ev = m.Evidence
    cited: list[ColumnElement[bool]] = []
    if denied:
        cited.append(ev.source_id.in_(denied))
    if required:
        needing = select(m.Source.id).where(or_(m.Source.kind == "testimony",
                                                m.Source.witness_id.is_not(None)))
        if given:
            needing = needing.where(m.Source.id.not_in(given))
        cited.append(ev.source_id.in_(needing))
    if not cited:
        return None
    return ~exists().where(ev.record_type == "act", ev.record_id == act.id,
                           ev.retracted_at.is_(None), or_(*cited))
