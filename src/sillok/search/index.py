"""Keeping the search index in step with the records, inside the same transaction.

What is indexed per record type (never a protected detail; a person's names are indexed at
the person's own level, so only those allowed to see the person can find them by name):
sources (title; text), events (title; description), acts (act type labels; description),
persons (names; description), places (names), terms (labels and synonyms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.language.analyzer import analyse

INDEXED = ("source", "event", "act", "person", "place", "term")


def _terms(*texts: str | None) -> str:
    return " ".join(t for text in texts if text for t in analyse(text))


def _term_labels(session: Session, vocabulary: str, code: str | None) -> str:
    if code is None:
        return ""
    term = session.execute(select(m.Term).where(m.Term.vocabulary == vocabulary,
                                                m.Term.code == code)).scalar_one_or_none()
    if term is None:
        return code
    return " ".join([term.label_en, term.label_ko, *term.synonyms_en, *term.synonyms_ko])


def document(session: Session, kind: str, obj: Any) -> dict[str, Any] | None:
    """Title terms, body terms and the facts used for filters, or None if not indexed."""
    if kind == "source":
        return {"title": _terms(obj.title), "body": _terms(obj.text), "language": obj.language,
                "kind": obj.kind, "date_start": obj.published_start}
    if kind == "event":
        return {"title": _terms(obj.title), "body": _terms(obj.description),
                "date_start": obj.date_start}
    if kind == "act":
        return {"title": _terms(_term_labels(session, "act_type", obj.act_type)),
                "body": _terms(obj.description), "kind": obj.act_type,
                "date_start": obj.date_start}
    if kind == "person":
        return {"title": _terms(" ".join(n.name for n in obj.names)),
                "body": _terms(obj.description), "kind": obj.kind}
    if kind == "place":
        names = " ".join([obj.name_en, obj.name_ko, *(n.name for n in obj.names)])
        return {"title": _terms(names), "body": "", "kind": obj.kind}
    if kind == "term":
        labels = " ".join([obj.label_en, obj.label_ko, *obj.synonyms_en, *obj.synonyms_ko])
        return {"title": _terms(labels), "body": _terms(obj.description_en, obj.description_ko),
                "kind": obj.vocabulary}
    return None


def index_record(session: Session, kind: str, obj: Any) -> None:
    """Write (or rewrite) the record's entry; a retracted record leaves the index."""
    if kind not in INDEXED:
        return
    if obj.retracted_at is not None:
        remove_record(session, kind, obj.id)
        return
    doc = document(session, kind, obj)
    if doc is None:
        return
    entry = session.execute(select(m.SearchEntry).where(
        m.SearchEntry.record_type == kind, m.SearchEntry.record_id == obj.id)
    ).scalar_one_or_none()
    if entry is None:
        entry = m.SearchEntry(record_type=kind, record_id=obj.id)
        session.add(entry)
    entry.level = obj.level
    entry.title, entry.body = doc["title"], doc["body"]
    entry.language, entry.kind = doc.get("language"), doc.get("kind")
    entry.date_start = doc.get("date_start")


def remove_record(session: Session, kind: str, record_id: int) -> None:
    session.execute(delete(m.SearchEntry).where(m.SearchEntry.record_type == kind,
                                                m.SearchEntry.record_id == record_id))


def reindex_all(session: Session, progress: Callable[[str, int, int], None] | None = None
                ) -> dict[str, int]:
    """Rebuild every entry (after an upgrade, or to repair); returns counts per type."""
    from sillok.archive.resolve import MODELS

    session.execute(delete(m.SearchEntry))
    counts: dict[str, int] = {}
    for kind in INDEXED:
        model = MODELS[kind]
        ids = session.execute(select(model.id).where(model.retracted_at.is_(None))
                              .order_by(model.id)).scalars().all()
        for i, rid in enumerate(ids, 1):
            index_record(session, kind, session.get_one(model, rid))
            if progress and (i % 200 == 0 or i == len(ids)):
                progress(kind, i, len(ids))
            if i % 500 == 0:
                session.flush()
                session.expunge_all()
        counts[kind] = len(ids)
    return counts
