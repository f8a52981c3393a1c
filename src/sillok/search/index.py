"""Keeping the search index in step with the records, inside the same transaction.

What is indexed per record type (never a protected detail; a person's names are indexed at
the person's own level, so only those allowed to see the person can find them by name):
sources (title; text), events (title; description), acts (act type labels; description),
persons (names; description), places (names), terms (labels and synonyms).

Each reader searches the copy of a text made for them, so no search can match what they may not
read (archive/views.search_audiences says who reads which):
- those cleared for protected details, the text itself;
- analysts (restricted records, but no real names), the text with protected real names left out;
- everybody else, the public copy: every protected person's name left out.
A record with nothing to hide has one entry for all three ('all'); otherwise one entry per
distinct copy, its audience naming the readers it serves (AUDIENCES).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from sillok.archive.redact import (
    NAMES_TO_RESCAN,
    Rejected,
    matcher_for,
    names_let_go,
    protected_names,
    rejected_for,
    unrejected,
)
from sillok.archive.redacted_text import for_index, spans_by_source
from sillok.db import models as m
from sillok.language.analyzer import analyse_many
from sillok.search import merged, tantivy_store
from sillok.search.upkeep import after_bulk_write
from sillok.security.name_matcher import NameMatcher, replace

INDEXED = ("source", "event", "act", "person", "place", "term")
# Opens an archive's embedded index, if its settings ask for one (Archive.open).
attach_search_index = tantivy_store.attach
# Writes what it has still to write (Archive.close).
flush_search_index = tantivy_store.flush


log = logging.getLogger(__name__)
PENDING = "sillok.search.pending"
LABELS = "sillok.search.term_labels"
# Redaction marks of the sources being indexed, read once per batch (write_pending).
MARKS = "sillok.search.redaction_marks"
# Texts already analysed elsewhere (the ingest worker), as {text: analysed_texts([text])[0]}:
# set by the writer of the transaction, read by write_pending instead of analysing them again.
ANALYSED = "sillok.search.analysed"


def analysed_texts(texts: list[str]) -> list[str]:
    """Each text's index terms as an entry stores them. The one function both the writer of an
    entry and the ingest worker (which analyses a file's texts ahead) use, so they agree."""
    return [" ".join(terms) for terms in analyse_many(texts)]


def _term_labels(session: Session, vocabulary: str, code: str | None) -> str:
    if code is None:
        return ""
    # Looked up once per transaction: a batch of acts shares a handful of act types.
    cache: dict[tuple[str, str], str] = session.info.setdefault(LABELS, {})
    if (vocabulary, code) not in cache:
        term = session.execute(select(m.Term).where(m.Term.vocabulary == vocabulary,
                                                    m.Term.code == code)).scalar_one_or_none()
        cache[(vocabulary, code)] = code if term is None else " ".join(
            [term.label_en, term.label_ko, *term.synonyms_en, *term.synonyms_ko])
    return cache[(vocabulary, code)]


def document(session: Session, kind: str, obj: Any) -> dict[str, Any] | None:
    """Raw title and body text and the facts used for filters, or None if not indexed."""
    if kind == "source":
        # Marked passages are left out of the index, so nobody finds them by search.
        marks = session.info.get(MARKS)
        spans = (marks if marks is not None else spans_by_source(session, [obj.id])).get(obj.id)
        return {"title": obj.title, "body": for_index(obj.text, spans) if spans else obj.text,
                "language": obj.language,
                "kind": obj.kind, "date_start": obj.published_start}
    if kind == "event":
        return {"title": obj.title, "body": obj.description, "date_start": obj.date_start}
    if kind == "act":
        if merged.absorbed(session, obj):
            return None  # found as the act it is merged into (search/merged.py)
        texts = [obj.description, *merged.merged_descriptions(session, obj)]
        return {"title": _term_labels(session, "act_type", obj.act_type),
                "body": "\n".join(t for t in texts if t), "kind": obj.act_type,
                "date_start": obj.date_start}
    if kind == "person":
        if merged.absorbed(session, obj):
            return None  # found as the record it is merged into (search/merged.py)
        every = [n.name for n in obj.names] + merged.merged_names(session, obj)
        return {"title": " ".join(every), "body": obj.description, "kind": obj.kind}
    if kind == "place":
        names = " ".join([obj.name_en, obj.name_ko, *(n.name for n in obj.names)])
        return {"title": names, "body": "", "kind": obj.kind}
    if kind == "term":
        labels = " ".join([obj.label_en, obj.label_ko, *obj.synonyms_en, *obj.synonyms_ko])
        return {"title": labels,
                "body": " ".join(t for t in (obj.description_en, obj.description_ko) if t),
                "kind": obj.vocabulary}
    return None


def index_record(session: Session, kind: str, obj: Any) -> None:
    """Queue the record for (re)indexing; the entry is written before this transaction commits.

    Queuing lets a transaction of many records send all their texts through the analyser in
    one parallel batch instead of one at a time."""
    if kind in INDEXED:
        session.info.setdefault(PENDING, {})[(kind, obj.id)] = obj


def remove_record(session: Session, kind: str, record_id: int) -> None:
    """Drop every entry of the record (its own and its public copy's)."""
    session.info.get(PENDING, {}).pop((kind, record_id), None)
    session.info.setdefault(tantivy_store.TOUCHED, set()).add((kind, record_id))
    session.execute(delete(m.SearchEntry).where(m.SearchEntry.record_type == kind,
                                                m.SearchEntry.record_id == record_id))


def write_pending(session: Session) -> None:
    """Analyse every queued record in one batch and write its entries (or drop a retracted
    one's). A record a reader without clearance may see, whose text names a protected person,
    gets a second entry made from its public copy (migration 0010)."""
    session.flush()  # changes to names not flushed yet must be seen (below)
    pending: dict[tuple[str, int], Any] = session.info.pop(PENDING, {})
    named = _named_again(session)
    if len(named) >= TEND_AFTER:
        session.info[REWRITTEN] = session.info.get(REWRITTEN, 0) + len(named)
    pending.update(named)
    if not pending:
        return
    # A merged person's names (a merged act's description) are in the entry of the record it
    # is merged into.
    for (kind, _rid), obj in list(pending.items()):
        if kind in ("person", "act"):
            pending.update({(kind, r.id): r for r in merged.related(session, obj)})
    # An index outside the database follows these records at commit (tantivy_store.py).
    session.info.setdefault(tantivy_store.TOUCHED, set()).update(pending)
    docs: list[tuple[str, Any, dict[str, Any]]] = []
    session.info[MARKS] = spans_by_source(session, [rid for k, rid in pending if k == "source"])
    session.info[merged.ROOTS] = merged.roots(session) if any(
        k == "person" for k, _r in pending) else set()
    session.info[merged.ACT_ROOTS] = merged.roots(session, m.Act) if any(
        k == "act" for k, _r in pending) else set()
    try:
        for (kind, rid), obj in pending.items():
            doc = None if obj.retracted_at is not None else document(session, kind, obj)
            if doc is None:
                # Retracted, or a person or act found as the record it is merged into.
                remove_record(session, kind, rid)
                continue
            docs.append((kind, obj, doc))
    finally:
        session.info.pop(MARKS, None)
        session.info.pop(merged.ROOTS, None)
        session.info.pop(merged.ACT_ROOTS, None)
    matcher, rejected = matcher_for(session), rejected_for(session)
    real_names = matcher_for(session, real_names_only=True)
    entries: list[tuple[str, Any, dict[str, Any], str, str, str]] = []
    for kind, obj, doc in docs:
        full = (doc["title"] or "", doc["body"] or "")
        public = (full if obj.level == "restricted"
                  else (public_copy(full[0], matcher, rejected),
                        public_copy(full[1], matcher, rejected)))
        # An analyst's copy differs from the text only where a real name is: a text naming
        # no protected person at all (most) needs no second reading.
        analyst = full if public == full and obj.level != "restricted" else (
            public_copy(full[0], real_names, rejected), public_copy(full[1], real_names, rejected))
        if obj.level == "restricted":
            public = analyst  # not shown to the public at all; one entry fewer
        for audience, (title, body) in copies(full, analyst, public):
            entries.append((kind, obj, doc, audience, title, body))
    texts = [part for *_r, title, body in entries for part in (title, body)]
    # Only the exact texts analysed ahead are taken from there: a title or body that differs
    # (redacted, cleaned by validation) is analysed here, as it always was.
    ready: dict[str, str] = session.info.get(ANALYSED) or {}
    fresh = iter(analysed_texts([t for t in texts if t not in ready]))
    analysed = iter([ready[t] if t in ready else next(fresh) for t in texts])
    existing: dict[tuple[str, int, str], m.SearchEntry] = {}
    for kind in {k for k, _o, _d in docs}:
        ids = [o.id for k, o, _d in docs if k == kind]
        for start in range(0, len(ids), 500):
            rows = session.execute(select(m.SearchEntry).where(
                m.SearchEntry.record_type == kind,
                m.SearchEntry.record_id.in_(ids[start:start + 500]))).scalars()
            existing.update({(kind, e.record_id, e.audience): e for e in rows})
    new: list[dict[str, Any]] = []
    for kind, obj, doc, audience, _t, _b in entries:
        values = {"level": obj.level, "title": next(analysed),
                  "body": next(analysed), "language": doc.get("language"),
                  "kind": doc.get("kind"), "date_start": doc.get("date_start")}
        entry = existing.pop((kind, obj.id, audience), None)
        if entry is None:
            new.append({"record_type": kind, "record_id": obj.id, "audience": audience,
                        **values})
        else:
            for key, value in values.items():
                setattr(entry, key, value)
    for stale in existing.values():
        # A public copy no longer needed (the name is not protected any more), or an entry
        # for all that is now split in two.
        session.delete(stale)
    session.flush()
    if new:
        # New entries in one executemany rather than one ORM object each (a batch of ingested
        # sources or imported records is mostly new entries).
        session.execute(insert(m.SearchEntry), new)
    session.flush()


# Who reads an entry: 'all' (one copy for everybody), or the readers its copy is for — the
# cleared ('full'), analysts ('analyst'), the rest ('public'), or two of them whose copies are
# the same ('fa': cleared and analysts; 'ap': analysts and the rest).
AUDIENCES = ("all", "full", "fa", "analyst", "ap", "public")
Texts = tuple[str, str]


def copies(full: Texts, analyst: Texts, public: Texts) -> list[tuple[str, Texts]]:
    """The entries a record needs: one per distinct copy, each with its readers."""
    if full == analyst == public:
        return [("all", full)]
    if full == analyst:
        return [("fa", full), ("public", public)]
    if analyst == public:
        return [("full", full), ("ap", analyst)]
    return [("full", full), ("analyst", analyst), ("public", public)]


# Every protected name becomes a space in the public index: the words either side must not
# join into a new word.
_SPACE: defaultdict[Hashable, str] = defaultdict(lambda: " ")


def public_copy(text: str, matcher: NameMatcher, rejected: Rejected = frozenset()) -> str:
    """The text as the public index holds it: every protected name left out, but for the
    places an editor has said are not the person (archive/span_review.py)."""
    return replace(text, unrejected(text, matcher.spans(text), rejected), _SPACE)


def _named_again(session: Session) -> dict[tuple[str, int], Any]:
    """Records that name a person whose names or protection changed in this transaction:
    their copies are made again before it commits, so that from the commit on no search finds
    a newly protected name where its reader may not read it, and a name taken off the list is
    found again. Found by reading every text with a matcher of those persons' names alone."""
    todo = {pid for pid in session.info.pop(NAMES_TO_RESCAN, ()) if pid is not None}
    if not todo:
        return {}
    # Their names now, and the names they no longer have protected (a copy that hid one is
    # made again, showing it): either may be in a text whose copy must change.
    let_go = [((pid, "let-go"), tuple(sorted(names)))
              for pid, names in names_let_go(session, todo).items() if names]
    matcher = NameMatcher([*((who, names) for who, names in protected_names(session)
                             if who[0] in todo), *let_go])
    if matcher.empty:
        return {}
    found: dict[tuple[str, int], Any] = {}
    for kind, model, columns in _TEXTS:
        # Restricted records too: analysts read them with real names left out.
        stmt = (select(model.id, *columns)
                .where(model.retracted_at.is_(None))
                .execution_options(yield_per=1000))
        for row in session.execute(stmt):
            if any(value and matcher.spans(value) for value in row[1:]):
                found[(kind, row[0])] = None
    names = select(m.PersonName.person_id, m.PersonName.name).join(m.Person).where(
        m.Person.retracted_at.is_(None))
    for person_id, name in session.execute(names):
        if matcher.spans(name):
            found[("person", person_id)] = None
    model_of = {kind: model for kind, model, _c in _TEXTS}
    return {(kind, rid): session.get_one(model_of[kind], rid) for kind, rid in found}


# The texts of each record type that may name a person (place names and terms do not).
_TEXTS: list[tuple[str, Any, tuple[Any, ...]]] = [
    ("source", m.Source, (m.Source.title, m.Source.text)),
    ("event", m.Event, (m.Event.title, m.Event.description)),
    ("act", m.Act, (m.Act.description,)),
    ("person", m.Person, (m.Person.description,)),
]


@event.listens_for(Session, "before_flush")
def _merges(session: Session, _context: Any, _instances: Any) -> None:
    """A person or act merged or unmerged (linkage/merge.py): its entry, and those of the
    records it was and is merged into, are written again (search/merged.py)."""
    for obj in list(session.dirty):
        if not isinstance(obj, (m.Person, m.Act)):
            continue
        history = get_history(obj, "merged_into_id")
        if not history.has_changes():
            continue
        kind = "person" if isinstance(obj, m.Person) else "act"
        index_record(session, kind, obj)
        for rid in (*history.added, *history.deleted):
            other = session.get(type(obj), rid) if rid is not None else None
            if other is not None:
                index_record(session, kind, other)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # The index is part of the record's transaction: written here, committed with it.
    write_pending(session)
    tantivy_store.before_commit(session)


# A change of names or protection whose copies were made again for this many records or more
# is followed by a merge of the index (upkeep.after_bulk_write). Each such transaction deletes
# and writes again the entries of every record naming the person: FTS5 keeps the deletions as
# a segment of their own that every search then reads through. After four such changes to
# frequent names (3,000 sources, 5,000 protected persons) the public search statement took
# 3 times as long (0.44 → 1.32 ms a query) until the index was merged (bench/README.md,
# masking). The merge takes the write lock for as long as it runs (about 2 s at 100,000
# sources); the change itself re-reads every text, which takes far longer.
TEND_AFTER = 20
REWRITTEN = "sillok.search.rewritten"


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(REWRITTEN, 0):
        bind = session.get_bind()
        try:
            after_bulk_write(bind.engine if isinstance(bind, Connection) else bind, force=True)
        except SQLAlchemyError as exc:
            # The change is committed and searches are right; only slower until the next
            # merge (a bulk write, `sillok reindex`): not a reason to report the change failed.
            log.warning("search index merge after a change of protected names failed: %s",
                        exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(REWRITTEN, None)


def reindex_all(session: Session, progress: Callable[[str, int, int], None] | None = None
                ) -> dict[str, int]:
    """Rebuild every entry (after an upgrade, or to repair); returns counts per type."""
    from sillok.archive.resolve import MODELS

    session.execute(delete(m.SearchEntry))
    session.info[tantivy_store.REBUILD] = True
    counts: dict[str, int] = {}
    for kind in INDEXED:
        model = MODELS[kind]
        ids = session.execute(select(model.id).where(model.retracted_at.is_(None))
                              .order_by(model.id)).scalars().all()
        for i, rid in enumerate(ids, 1):
            index_record(session, kind, session.get_one(model, rid))
            if i % 200 == 0 or i == len(ids):
                write_pending(session)
                session.expunge_all()
                if progress:
                    progress(kind, i, len(ids))
        counts[kind] = len(ids)
    return counts
