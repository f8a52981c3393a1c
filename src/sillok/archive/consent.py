"""Recording a witness's consent, withdrawing it, and taking down at once what it no longer
allows (docs/evidence.md, Consent).

Each decision is a new entry (archive/ledgers.py: append-only, in the audit chain). A
refusal or withdrawal of publication or of the use of a name makes every public record that
rests on the sources concerned ``internal`` in the same transaction as the entry — the
public pages, the public search index, the public copies, the exports and the public
statistics all read public records only, so they follow in one step — and the report names
each record taken down. Which records may be public is decided by the one policy
(security/policy.py ``consent_allows``) through archive/consent_rules.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.consent_rules import (
    ANY_ENTRY,
    decided_sources,
    descendants,
    evidence_sources,
    publication_refusal,
    source_states,
)
from sillok.archive.kinds import KINDS
from sillok.archive.ledgers import CONSENT, consent_state
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.security.policy import (
    CONSENT_DECISIONS,
    CONSENT_SCOPES,
    Actor,
    consent_allows,
    may_see,
    may_see_level,
    require_write,
)

SUBJECTS = {"source": m.Source, "person": m.Person}
# A takedown makes records this level: staff keep working on them, the public loses them.
TAKEDOWN_LEVEL = "internal"
TAKEDOWN_ACTION = "consent_takedown"
# Dependants first: evidence before the records it ties, acts before their events.
TAKEDOWN_ORDER = ("evidence", "involvement", "act", "event", "person", "source")


def parse_subject(text: str) -> tuple[str, int]:
    """``source:12``, ``person:3`` or a bare number (a source)."""
    kind, _, ident = text.strip().rpartition(":")
    kind = kind or "source"
    if kind not in SUBJECTS or not ident.isdigit():
        raise Invalid({"subject": f"'{text}' is not source:ID or person:ID"})
    return kind, int(ident)


def _subject(session: Session, actor: Actor, subject_type: str, subject_id: int) -> Any:
    obj = session.get(SUBJECTS[subject_type], subject_id)
    if obj is None or not may_see(actor, obj):
        raise NotFound(f"no {subject_type} #{subject_id}")
    return obj


def record(archive: Archive, actor: Actor, subject_type: str, subject_id: int,
           decisions: dict[str, str], *, partners: list[str] | None = None,
           decided_on: date | None = None, note: str = "") -> dict[str, Any]:
    """Add one entry per scope decided (``{"publication": "given", ...}``); returns the
    entries and every record a refusal or withdrawal took down."""
    require_write(actor)
    if subject_type not in SUBJECTS:
        raise Invalid({"subject": "consent is recorded for a source or a person"})
    if not decisions:
        raise Invalid({"scope": f"decide at least one of: {', '.join(CONSENT_SCOPES)}"})
    for scope, decision in decisions.items():
        if scope not in CONSENT_SCOPES:
            raise Invalid({"scope": f"'{scope}' is not one of: {', '.join(CONSENT_SCOPES)}"})
        if decision not in CONSENT_DECISIONS:
            raise Invalid({scope: f"'{decision}' is not one of: {', '.join(CONSENT_DECISIONS)}"})
    names = [p.strip() for p in partners or [] if p.strip()]
    if names and decisions.get("partners") != "given":
        raise Invalid({"partners": "name partners only with consent to share given"})
    with archive.transaction() as session:
        _subject(session, actor, subject_type, subject_id)
        made = [m.ConsentEntry(subject_type=subject_type, subject_id=subject_id, scope=scope,
                               decision=decision,
                               partners=names if scope == "partners" else [],
                               decided_on=decided_on, note=note.strip(),
                               recorded_by=actor.name)
                for scope, decision in decisions.items()]
        session.add_all(made)
        session.flush()
        session.info[ANY_ENTRY] = True
        for entry in made:
            record_change(session, actor=actor.name, action="create", record_type=CONSENT,
                          record_id=entry.id, after=consent_state(entry),
                          reason=note.strip() or None)
        taken: list[dict[str, Any]] = []
        if any(decisions.get(s, "given") != "given" for s in ("publication", "name")):
            taken = _take_down(archive, actor, session, subject_type, subject_id)
        return {"subject": f"{subject_type}:{subject_id}",
                "entries": [{"id": e.id, **consent_state(e)} for e in made],
                "taken_down": taken}


def withdraw(archive: Archive, actor: Actor, subject_type: str, subject_id: int,
             scopes: list[str] | None = None, *, decided_on: date | None = None,
             note: str = "") -> dict[str, Any]:
    """A withdrawal of ``scopes`` (all four by default), with the records it took down."""
    chosen = scopes or list(CONSENT_SCOPES)
    return record(archive, actor, subject_type, subject_id,
                  dict.fromkeys(chosen, "withdrawn"), decided_on=decided_on, note=note)


def subject_sources(session: Session, subject_type: str, subject_id: int) -> list[int]:
    """The sources an entry about the subject applies to: the source and its parts, or every
    source the person is the witness of, with theirs."""
    if subject_type == "source":
        roots = {subject_id}
    else:
        roots = set(session.execute(select(m.Source.id).where(
            m.Source.witness_id == subject_id)).scalars())
    return sorted(descendants(session, roots)) if roots else []


def _resting(session: Session, sources: list[int]) -> set[tuple[str, int]]:
    """Every record that rests on the sources: themselves, evidence citing them, the records
    that evidence ties, and the witnesses of the sources."""
    found: set[tuple[str, int]] = {("source", s) for s in sources}
    rows = session.execute(select(m.Evidence.id, m.Evidence.record_type, m.Evidence.record_id)
                           .where(m.Evidence.source_id.in_(sources),
                                  m.Evidence.retracted_at.is_(None))).all()
    for evidence_id, record_type, record_id in rows:
        found.add(("evidence", int(evidence_id)))
        found.add((str(record_type), int(record_id)))
    found |= {("person", int(p)) for p in session.execute(select(m.Source.witness_id).where(
        m.Source.id.in_(sources), m.Source.witness_id.is_not(None))).scalars() if p}
    return found


def _take_down(archive: Archive, actor: Actor, session: Session, subject_type: str,
               subject_id: int) -> list[dict[str, Any]]:
    sources = subject_sources(session, subject_type, subject_id)
    if subject_type == "person":
        candidates = _resting(session, sources) | {("person", subject_id)}
    else:
        candidates = _resting(session, sources)
    return _demote(archive, actor, session, candidates)


def check(archive: Archive, actor: Actor, *, take_down: bool = False) -> list[dict[str, Any]]:
    """Every public record that consent does not allow to be public now — after
    ``SILLOK_CONSENT_REQUIRED`` was switched on, say, which refuses only new publications.
    With ``take_down``, each is made internal as a withdrawal would (one transaction)."""
    if take_down:
        require_write(actor)
    elif not may_see_level(actor, "restricted"):
        raise Forbidden("checking consent reads every record: for roles cleared for "
                        "restricted records")
    required = archive.settings.consent_required
    with archive.transaction() as session:
        sources: set[int] = set()
        for scope in ("publication", "name"):
            decided = decided_sources(session, scope)
            sources |= {sid for sid, c in decided.items() if not consent_allows(
                c.state, needs_consent=c.needs_consent, required=required)}
        if required:
            sources |= set(session.execute(select(m.Source.id).where(
                or_(m.Source.kind == "testimony", m.Source.witness_id.is_not(None)),
                m.Source.retracted_at.is_(None))).scalars())
        candidates = _resting(session, sorted(sources)) if sources else set()
        if take_down:
            return _demote(archive, actor, session, candidates)
        return _demote(archive, actor, session, candidates, dry_run=True)


def _demote(archive: Archive, actor: Actor, session: Session,
            candidates: set[tuple[str, int]], *, dry_run: bool = False) -> list[dict[str, Any]]:
    """Make internal each public record among ``candidates`` that the policy does not allow
    to be public (dependants first); with ``dry_run`` only list them."""
    required = archive.settings.consent_required
    order = {name: i for i, name in enumerate(TAKEDOWN_ORDER)}
    taken: list[dict[str, Any]] = []
    for type_name, record_id in sorted(candidates, key=lambda c: (order.get(c[0], 9), c[1])):
        if type_name not in KINDS:
            continue
        obj = session.get(KINDS[type_name].model, record_id)
        if obj is None or obj.level != "public" or obj.retracted_at is not None:
            continue
        refusal = publication_refusal(session, type_name, obj, required=required)
        if refusal is None:
            continue
        if not dry_run:
            archive.update(actor, type_name, record_id, {"level": TAKEDOWN_LEVEL},
                           session=session, action=TAKEDOWN_ACTION)
        taken.append({"type": type_name, "id": record_id, "label": KINDS[type_name].label(obj),
                      "level": obj.level, "reason": refusal.errors.get("level", "")
                      if isinstance(refusal, Invalid) else str(refusal)})
    return taken


def show(archive: Archive, actor: Actor, subject_type: str, subject_id: int
         ) -> dict[str, Any]:
    """The subject's consent now (per scope, for a source as decided by every entry that
    applies to it) and the history of entries about it."""
    with archive.transaction() as session:
        _subject(session, actor, subject_type, subject_id)
        history = session.execute(select(m.ConsentEntry).where(
            m.ConsentEntry.subject_type == subject_type,
            m.ConsentEntry.subject_id == subject_id).order_by(m.ConsentEntry.id)).scalars()
        entries = [{"id": e.id, **consent_state(e)} for e in history]
        required = archive.settings.consent_required
        current: dict[str, dict[str, Any]] = {}
        if subject_type == "source":
            for scope in CONSENT_SCOPES:
                c = source_states(session, scope, [subject_id])[subject_id]
                current[scope] = {"state": c.state, "entry": c.entry_id,
                                  "allowed": consent_allows(c.state,
                                                            needs_consent=c.needs_consent,
                                                            required=required)}
        else:
            for scope in CONSENT_SCOPES:
                own = [e for e in entries if e["scope"] == scope]
                state = own[-1]["decision"] if own else "none"
                current[scope] = {"state": state, "entry": own[-1]["id"] if own else None,
                                  "allowed": consent_allows(state, needs_consent=True,
                                                            required=required)}
        partners: list[str] = next((e["partners"] for e in reversed(entries)
                         if e["scope"] == "partners" and e["decision"] == "given"), [])
        return {"subject": f"{subject_type}:{subject_id}", "required": required,
                "current": current, "partners": partners, "entries": entries}


def resting_on(archive: Archive, actor: Actor, type_name: str, record_id: int
               ) -> list[dict[str, Any]]:
    """The sources a record rests on with their publication consent, for the workspace's
    badge on every record page (sources the actor may not see are left out)."""
    with archive.transaction() as session:
        if type_name == "source":
            ids = [record_id]
        elif type_name == "evidence":
            evidence = session.get(m.Evidence, record_id)
            ids = [int(evidence.source_id)] if evidence is not None else []
        else:
            ids = evidence_sources(session, type_name, record_id)
        visible = [s for s in ids if (src := session.get(m.Source, s)) is not None
                   and may_see(actor, src)]
        states = source_states(session, "publication", visible)
        required = archive.settings.consent_required
        return [{"source": sid, "state": c.state, "needs_consent": c.needs_consent,
                 "allowed": consent_allows(c.state, needs_consent=c.needs_consent,
                                           required=required)}
                for sid, c in sorted(states.items())]
