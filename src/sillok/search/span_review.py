"""Reviewing the names the matcher finds in a source before it goes public.

The one name matcher (security/name_matcher.py) proposes every place a source names a
protected person, in any spelling; each is hidden from readers without clearance — on pages,
in snippets, exports, the API and the public search index — from the moment the name is
protected. An editor cleared for protected details sees each proposed span of a source with
the words around it and either accepts it (it stays hidden; the review is on record) or
rejects it (the words are not that person: "김철수 동무" of another town), which shows them
again and lets public search find them. Manual redaction marks (`sillok redact`) are listed
beside them: they are spans too, applied to the same public copy.

A decision is kept for the name and the words either side of it (archive/redact.py
``context_key``), not for offsets: it holds wherever the same words are shown, and when the
words change the name is hidden again until someone looks at it (failing closed). Every
decision is audited with a keyed digest of the name, never the name itself.

It lives with the search services because a decision rebuilds the source's public index
entry in the same transaction: from the commit on, search agrees with the page.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.digests import digest, digest_key
from sillok.archive.publishing import Outcome
from sillok.archive.redact import (
    NAMES,
    REAL_NAME,
    archive_secret,
    context_key,
    masker_for,
    matcher_for,
    pseudonym,
    rejected_for,
)
from sillok.archive.redacted_text import redact, spans_by_source
from sillok.archive.redactions import list_marks
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.search.index import index_record
from sillok.security.policy import Actor, may_see, may_see_protected, require_write

FIELDS = ("title", "text")
DECISIONS = {"accept": "accepted", "reject": "rejected", "reset": None}
AROUND = 40  # characters of context shown either side of a found name


def _require_cleared(actor: Actor) -> None:
    # The list shows the names themselves: only those cleared for protected details.
    if not may_see_protected(actor):
        raise Forbidden("only editors and administrators cleared for protected details review "
                        "the names found in a source")


def _owner(owner: Hashable) -> tuple[int, str]:
    """A span's owner as archive/redact.py's matchers make it: (person id, NAMES or
    REAL_NAME)."""
    person_id, part = cast(tuple[int, str], owner)
    if part not in (NAMES, REAL_NAME):
        raise ValueError(f"not a protected person's name: {owner!r}")
    return int(person_id), part


def _source(session: Session, actor: Actor, source_id: int) -> m.Source:
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source):
        raise NotFound(f"no source #{source_id}")
    return source


def name_spans(archive: Archive, actor: Actor, source_id: int) -> list[dict[str, Any]]:
    """Every protected name the matcher finds in a source's title and text, with its decision
    ('proposed' until an editor decides), then the source's manual redaction marks."""
    _require_cleared(actor)
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        found = _found(session, archive, source)
    marks = [{"kind": "manual", "field": "text", "start": mark["start"], "end": mark["end"],
              "name": mark["passage"], "before": "", "after": "", "status": "accepted",
              "reason": mark["reason"], "by": mark["by"], "at": mark["at"], "id": mark["id"]}
             for mark in list_marks(archive, actor, source_id)]
    return found + marks


def _found(session: Session, archive: Archive, source: m.Source) -> list[dict[str, Any]]:
    matcher = matcher_for(session)
    rejected = rejected_for(session)
    secret = archive_secret(archive.settings.data_dir)
    decided = {(r.person_id, r.part, r.context_key): r for r in session.execute(
        select(m.NameSpanReview).where(m.NameSpanReview.source_id == source.id)).scalars()}
    out: list[dict[str, Any]] = []
    for field in FIELDS:
        text = getattr(source, field) or ""
        for span in matcher.spans(text):
            person_id, part = _owner(span.owner)
            key = context_key(text, span.start, span.end)
            row = decided.get((person_id, part, key))
            # Rejected for the same words in another source: shown there, so here as well.
            status = (row.decision if row is not None
                      else "rejected" if ((person_id, part), key) in rejected else "proposed")
            out.append({
                "kind": "name", "field": field, "start": span.start, "end": span.end,
                "name": text[span.start:span.end],
                "before": text[max(0, span.start - AROUND):span.start],
                "after": text[span.end:span.end + AROUND],
                "person": person_id, "part": part,
                "pseudonym": pseudonym(secret, person_id, part),
                "status": status, "reason": row.reason if row is not None else "",
                "by": row.decided_by if row is not None else None,
                "at": row.decided_at.isoformat() if row is not None else None,
            })
    return out


def public_preview(archive: Archive, actor: Actor, source_id: int) -> dict[str, str]:
    """The source's title and text exactly as the public would see them once it is public:
    marked passages as [redacted], every name not rejected as its pseudonym — whatever the
    source's level is now, so that an editor sees it before publishing."""
    _require_cleared(actor)
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        masker = masker_for(session, archive.settings.data_dir)
        marks = spans_by_source(session, [source_id]).get(source_id, [])
        return {"title": masker.mask(source.title or ""),
                "text": masker.mask(redact(source.text or "", marks))}


def decide(archive: Archive, actor: Actor, source_id: int, field: str, start: int, end: int,
           decision: str, reason: str = "") -> dict[str, Any]:
    """Accept, reject or reset (back to proposed) the name found at ``start..end`` of a
    source's ``field``; returns the span as ``name_spans`` lists it."""
    require_write(actor)
    _require_cleared(actor)
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = f"'{decision}' is not one of: {', '.join(DECISIONS)}"
    if field not in FIELDS:
        errors["field"] = f"'{field}' is not one of: {', '.join(FIELDS)}"
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        errors["reason"] = "say why these words are not the protected person"
    if errors:
        raise Invalid(errors)
    with archive.transaction() as session:
        source = _source(session, actor, source_id)
        text = getattr(source, field) or ""
        spans = [s for s in matcher_for(session).spans(text) if (s.start, s.end) == (start, end)]
        if not spans:
            raise NotFound(f"no protected name found at {start}..{end} of source #{source_id}'s "
                           f"{field} (the text or the protected names have changed: list the "
                           "names again)")
        person_id, part = _owner(spans[0].owner)
        key = context_key(text, start, end)
        row = session.execute(select(m.NameSpanReview).where(
            m.NameSpanReview.source_id == source_id, m.NameSpanReview.person_id == person_id,
            m.NameSpanReview.part == part, m.NameSpanReview.context_key == key)
        ).scalar_one_or_none()
        before = row.decision if row is not None else "proposed"
        now = DECISIONS[decision]
        if now is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(m.NameSpanReview(
                source_id=source_id, person_id=person_id, part=part, field=field,
                start_offset=start, end_offset=end, context_key=key, decision=now,
                reason=reason, decided_by=actor.name))
        else:
            row.decision, row.reason, row.decided_by = now, reason, actor.name
            row.field, row.start_offset, row.end_offset = field, start, end
            row.decided_at = utcnow()
        session.flush()
        # Keyed digest of the name and whose it is: the trail shows that a name was judged,
        # and lets a cleared auditor check which, without holding the name itself.
        passage = digest(f"{person_id}:{part}:{text[start:end]}",
                         digest_key(session, archive.settings.data_dir))
        record_change(session, actor=actor.name, action=f"name-span-{decision}",
                      record_type="source", record_id=source_id, reason=reason or None,
                      before={"decision": before},
                      after={"decision": now or "proposed", "field": field, "start": start,
                             "end": end, "passage": passage})
        # The public index entry follows in this transaction.
        index_record(session, "source", source)
        found = [s for s in _found(session, archive, source)
                 if (s["field"], s["start"], s["end"]) == (field, start, end)]
    return found[0]


REVIEWED = "reviewed before publishing"


def accept_reviewed(archive: Archive, actor: Actor, type_name: str, record_id: int,
                     outcome: Outcome, reviewed: set[int]) -> None:
    """The names proposed in each source the editor reviewed and made public by a level
    change (archive/publishing.py) are accepted: they stay hidden, and the review is on
    record. The workspace's panel and the API's level change both end with it."""
    published = set(outcome.sources_published)
    if type_name == "source" and outcome.after == "public":
        published.add(record_id)
    for source_id in sorted(published & reviewed):
        for span in name_spans(archive, actor, source_id):
            if span["kind"] == "name" and span["status"] == "proposed":
                decide(archive, actor, source_id, span["field"], span["start"], span["end"],
                       "accept", REVIEWED)
