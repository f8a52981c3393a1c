"""Making a record from a passage of a source: the choices the workspace forms offer, their
fields, and the record created together with its evidence link (an evidence link may point
at a record of any type, so a person or a place has the passage as evidence too)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy.orm import Session

from sillok.archive.kinds import LEVEL_ORDER
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor, may_see
from sillok.web import i18n

# The vocabularies the two forms offer as choices.
VOCABULARIES = ("name_system", "person_kind", "sex", "role", "connection", "place_kind",
                "facility_type")
LEVELS = ("public", "internal", "restricted")
PERSON_FIELDS = ("name", "system", "kind", "sex", "birth_year", "roles", "origin_place",
                 "connection", "level", "passage")
PLACE_FIELDS = ("ko", "en", "kind", "parent", "facility_type", "code", "level", "passage")


def passage_choices(archive: Archive, actor: Actor) -> dict[str, Any]:
    """What the workspace template needs for the person and place forms."""
    return {"vocab": {v: [t["fields"] for t in archive.list_records(
        actor, "term", {"vocabulary": v}, limit=200).items] for v in VOCABULARIES},
        "levels": LEVELS}


def place_code(text: str) -> str:
    """The code of a place as the bilingual autocomplete offers it ("code — 이름 / name")."""
    return text.split("—")[0].strip()


def offsets(start: str, end: str) -> tuple[int, int] | None:
    """The selected passage's offsets, or None when nothing (or nothing sensible) is
    selected."""
    if not (start.strip().isdigit() and end.strip().isdigit()) or int(end) <= int(start):
        return None
    return int(start), int(end)


def refuse_if(*checks: tuple[str, str, bool]) -> None:
    """One Invalid naming every field whose check (field, message, wrong) failed."""
    errors = {field: message for field, message, wrong in checks if wrong}
    if errors:
        raise Invalid(errors)


def no_passage() -> str:
    return i18n.gettext("Select a passage of the source text first.")


def form_fields(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """The archive's error paths (``names.0.system``, ``roles.1``) as the form's field names;
    what belongs to no field is the form's."""
    out: dict[str, str] = {}
    for path, message in errors.items():
        first = path.split(".")[0]
        if first == "names":
            first = "system" if path.endswith("system") else "name"
        out.setdefault(first if first in fields else "form", message)
    return out


def _stricter(a: str, b: str) -> str:
    return a if LEVEL_ORDER.get(a, 0) >= LEVEL_ORDER.get(b, 0) else b


def create_with_evidence(archive: Archive, actor: Actor, source_id: int, type_name: str,
                         data: dict[str, Any], passage: tuple[int, int],
                         connection: str) -> int:
    """Create the record and its evidence link to the passage, both or neither."""
    with archive.transaction() as session:
        source = seen_source(session, actor, source_id)
        record_id = archive.create(actor, type_name, data, session=session)
        add_evidence(archive, actor, session, source, (type_name, record_id),
                     str(data["level"]), passage, connection)
        return record_id


def seen_source(session: Session, actor: Actor, source_id: int) -> m.Source:
    source = session.get(m.Source, source_id)
    if source is None or not may_see(actor, source):
        raise NotFound(f"source #{source_id} not found")
    return source


def add_evidence(archive: Archive, actor: Actor, session: Session, source: m.Source,
                 record: tuple[str, int], level: str, passage: tuple[int, int],
                 connection: str) -> int:
    """The passage as evidence of the record, at the record's level or the source's, whichever
    is stricter; its errors named by the workspace's fields (``passage``, ``connection``)."""
    evidence: dict[str, Any] = {
        # A quote is the source's own words: never shown more widely than the source.
        "level": _stricter(level, source.level), "source": source.id,
        "record": {"type": record[0], "id": record[1]}, "start": passage[0],
        "end": passage[1]}
    if connection:
        evidence["connection"] = connection
    try:
        return archive.create(actor, "evidence", evidence, session=session)
    except Invalid as exc:
        raise Invalid({"connection" if k == "connection" else "passage": v
                       for k, v in exc.errors.items()}) from None


def made_code(parent: str, en: str) -> str:
    """``kp-09-hoeryong-holding-cell`` from the parent ``kp-09`` and "Hoeryong holding cell";
    empty when the English name has no letters or digits to make one from (the code field
    then says so)."""
    plain = unicodedata.normalize("NFKD", en).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60]
    if not slug:
        return ""
    return f"{parent}-{slug}" if parent else slug
