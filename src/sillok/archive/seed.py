"""Loading the shipped vocabularies and gazetteer into an archive, idempotently.

New terms and places are added, changed labels updated, nothing renumbered or removed: codes
are the stable identity, so records coded years ago keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.security.policy import SEED_NAME, Actor, Role

SEED_ACTOR = Actor(SEED_NAME, Role.admin)


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=lambda: {"term": 0, "place": 0, "series": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"term": 0, "place": 0, "series": 0})

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())


def _data_files(sub: str) -> list[tuple[str, Any]]:
    root = resources.files("sillok") / "data" / sub
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append((entry.name, yaml.safe_load(entry.read_text(encoding="utf-8"))))
    return out


def vocabulary_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for _name, doc in _data_files("vocabularies"):
        vocabulary = doc["vocabulary"]
        for i, term in enumerate(doc["terms"]):
            records.append({
                "vocabulary": vocabulary, "code": term["code"], "en": term["en"],
                "ko": term["ko"], "parent": term.get("parent"),
                "synonyms_en": term.get("synonyms_en") or [],
                "synonyms_ko": term.get("synonyms_ko") or [],
                "description_en": term.get("description_en"),
                "description_ko": term.get("description_ko"),
                "source": term.get("source") or doc.get("source"),
                "sort_order": i, "level": "public",
            })
    return records


def gazetteer_records() -> list[dict[str, Any]]:
    text = (resources.files("sillok") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    default_source = doc.get("source")
    out = []
    for place in doc["places"]:
        out.append({
            "code": place["code"], "kind": place["kind"], "parent": place.get("parent"),
            "iso": place.get("iso"), "en": place["en"], "ko": place["ko"],
            "names": place.get("names") or [], "facility_type": place.get("facility_type"),
            "agency": place.get("agency"), "latitude": place.get("latitude"),
            "longitude": place.get("longitude"), "opened": _text(place.get("opened")),
            "closed": _text(place.get("closed")),
            "source": place.get("source") or default_source, "level": "public",
        })
    return out


def _text(value: Any) -> str | None:
    # YAML reads an unquoted year (closed: 2014) as a number; dates are text here.
    return None if value is None else str(value)


def series_records() -> list[dict[str, Any]]:
    """The official statistical series shipped with Sillok (data/series/*.yaml)."""
    return [doc for _name, doc in _data_files("series")]


def seed(archive: Archive) -> SeedReport:
    """Add or update the shipped terms, places and series, in one transaction."""
    report = SeedReport()
    with archive.transaction() as session:
        r = Resolver(session)
        for rec in vocabulary_records():
            existing = session.execute(
                select(m.Term).where(m.Term.vocabulary == rec["vocabulary"],
                                     m.Term.code == rec["code"])
            ).scalar_one_or_none()
            _upsert(archive, session, r, "term", existing, rec, report)
        for rec in gazetteer_records():
            place = session.execute(
                select(m.Place).where(m.Place.code == rec["code"])
            ).scalar_one_or_none()
            _upsert(archive, session, r, "place", place, rec, report)
        for rec in series_records():
            found = session.execute(
                select(m.Series).where(m.Series.code == rec["code"])
            ).scalar_one_or_none()
            _upsert(archive, session, r, "series", found, rec, report)
    return report


def _upsert(archive: Archive, session: Session, r: Resolver, type_name: str, existing: Any,
            rec: dict[str, Any], report: SeedReport) -> None:
    try:
        if existing is None:
            archive.create(SEED_ACTOR, type_name, rec, session=session, resolver=r,
                           action="seed")
            report.added[type_name] += 1
            return
        if archive.update(SEED_ACTOR, type_name, existing.id, rec, session=session,
                          resolver=r, action="seed-update"):
            report.updated[type_name] += 1
    except Invalid as exc:
        raise Invalid(exc.errors, f"shipped {type_name} '{rec['code']}'") from None
