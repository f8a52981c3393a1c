"""FollowTheMoney entities (JSON Lines, as ``sillok export --format ftm``, Aleph or ``ftm``
write them) read into Sillok records, in one transaction: all or nothing.

Persons, events, documents and the links between them map back as ftm_export.py wrote them;
``sillok:`` tags restore what FtM has no property for. Entities from other tools map by their
FtM properties alone: an ``Event`` without an act type is an event, a ``Document`` a source,
``Documentation`` with a quote an evidence passage. Places are found in the gazetteer by code
or by any name it holds; what cannot be placed or has no Sillok counterpart is reported, never
silently dropped. Records take the stricter of their exported level and ``--level``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.archive.transfer import json_lines
from sillok.db import models as m
from sillok.errors import Invalid, SillokError
from sillok.exchange.tags import first, tags
from sillok.security.policy import Actor, require_write
from sillok.tables.cells import HANGUL, Places, Vocabulary
from sillok.tables.notes import Note

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

LEVELS = ("public", "internal", "restricted")
_DIACRITIC = re.compile("[ŏŭŎŬ]")


class _Rollback(Exception):
    """Ends a dry run's transaction without writing."""


@dataclass
class FtmImport:
    created: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "entity id: why", for the report
    ids: dict[str, tuple[str, int]] = field(default_factory=dict)  # entity -> (kind, id)
    dry_run: bool = False

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def is_ftm(path: Path) -> bool:
    """An FtM file: JSON Lines whose first object has ``schema`` and ``properties``."""
    try:
        with path.open(encoding="utf-8") as fh:
            for raw in fh:
                if raw.strip():
                    head = json.loads(raw)
                    return isinstance(head, dict) and "schema" in head and "properties" in head
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def read_entities(path: Path) -> Iterator[EntityProxy]:
    # followthemoney loads its whole schema model on import (seconds): only imports pay it.
    from followthemoney import model
    from followthemoney.exc import InvalidData

    what = "a FollowTheMoney entity"
    for number, data in json_lines(path, what):
        try:
            yield model.get_proxy(data)
        except (InvalidData, KeyError, TypeError, AttributeError) as exc:
            raise SillokError(f"{path}:{number}: not {what} ({exc})") from None


def _stricter(a: str | None, b: str) -> str:
    a = a if a in LEVELS else b
    return max(a, b, key=LEVELS.index)


def _name_system(name: str) -> str:
    if HANGUL.search(name):
        return "hangul"
    return "mr" if _DIACRITIC.search(name) else "english"


class _Reader:
    def __init__(self, archive: Archive, actor: Actor, session: Session, level: str,
                 result: FtmImport, file: str) -> None:
        self.archive, self.actor, self.session, self.file = archive, actor, session, file
        self.level, self.result = level, result
        self.resolver = Resolver(session)
        self.places = Places.load(session)
        self.codes = set(session.scalars(select(m.Place.code)))
        self.vocabularies = {name: Vocabulary.load(session, name)
                             for name in ("connection", "reliability", "relation_kind")}
        self.ids = result.ids  # FtM entity id -> (Sillok kind, id)
        self.place_codes: dict[str, str] = {}  # Address entity id -> gazetteer code

    # -- helpers ------------------------------------------------------------------------
    def _create(self, proxy: EntityProxy, kind: str, record: dict[str, Any]) -> None:
        try:
            new_id = self.archive.create(self.actor, kind, record, session=self.session,
                                         resolver=self.resolver, action="import")
        except Invalid as exc:
            raise Invalid(exc.errors, f"entity {proxy.id} ({proxy.schema.name}): nothing "
                                      "was imported") from None
        if proxy.id:
            self.ids[proxy.id] = (kind, new_id)
        self.result.count(kind)

    def _ref(self, entity: str | None, kind: str | None = None) -> int | None:
        found = self.ids.get(entity or "")
        if found is None or (kind is not None and found[0] != kind):
            return None
        return found[1]

    def _level(self, found: dict[str, list[str]]) -> str:
        return _stricter(first(found, "level"), self.level)

    def _place(self, found: dict[str, list[str]], key: str,
               entities: list[str]) -> str | None:
        """By the code Sillok wrote, else by the Address entity found in the gazetteer."""
        code = first(found, key)
        if code in self.codes:
            return code
        for entity in entities:
            if entity in self.place_codes:
                return self.place_codes[entity]
        return None

    def _code(self, proxy: EntityProxy, vocabulary: str, prop: str) -> str | None:
        """A vocabulary code from a free-text FtM property; another tool's word that is not
        in the vocabulary is reported rather than refused."""
        value = proxy.first(prop)
        if not value or (prop == "role" and value == "evidence"):
            return None
        code = self.vocabularies[vocabulary].code(value)
        if code is None:
            self.result.skipped.append(Note("ftm_not_a_code", entity=proxy.id, what=prop,
                                            value=value, vocabulary=vocabulary))
        return code

    # -- entities -----------------------------------------------------------------------
    def address(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("keywords"))
        code = first(found, "place")
        if code in self.codes:
            self.place_codes[str(proxy.id)] = str(code)
            return
        for name in [*proxy.get("name"), *proxy.get("full"), *proxy.get("alias")]:
            code, _why = self.places.find(name)
            if code:
                self.place_codes[str(proxy.id)] = code
                return
        self.result.skipped.append(Note("ftm_place", entity=proxy.id, value=proxy.caption))

    def person(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("keywords"))
        names: list[dict[str, str]] = []
        if "name" in found:  # written by Sillok: each name with its system
            for value in found["name"]:
                system, _, name = value.partition(":")
                names.append({"name": name, "system": system})
        else:
            names += [{"name": n, "system": _name_system(n)} for n in proxy.get("name")]
            names += [{"name": n, "system": "alias"} for n in proxy.get("alias")]
            names += [{"name": n, "system": "alias"} for n in proxy.get("weakAlias")]
        birth = next(iter(proxy.get("birthDate")), None)
        estimate = first(found, "birth_year")
        record: dict[str, Any] = {
            "names": names, "level": self._level(found),
            "sex": next(iter(proxy.get("gender")), None),
            "birth_year": int(birth[:4]) if birth else None,
            "birth_year_estimate": bool(estimate and estimate.startswith("~")),
            "description": "\n".join(proxy.get("description")),
            "kind": first(found, "kind") or "individual",
            "roles": found.get("role", []),
            "origin_place": self._place(found, "origin_place", proxy.get("addressEntity")),
        }
        self._create(proxy, "person", record)

    def document(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("keywords"))
        published = first(found, "published") or next(iter(proxy.get("publishedAt")), None)
        language = next(iter(proxy.get("language")), None)
        record: dict[str, Any] = {
            "kind": first(found, "kind") or "other",
            "title": proxy.first("title") or proxy.caption,
            "text": "\n\n".join(proxy.get("bodyText")),
            "language": {"kor": "ko", "eng": "en"}.get(language or "", language),
            "origin": "\n".join(proxy.get("notes")) or None,
            # Where the record came from, for audit: the file and the entity in it.
            "extra": {"imported_from": {"format": "ftm", "file": self.file,
                                        "entity": proxy.id}},
            "reliability": first(found, "reliability"),
            "published": published, "recorded": first(found, "recorded"),
            "original_filename": proxy.first("fileName"), "media_type": proxy.first("mimeType"),
            "publisher": proxy.first("publisher"), "witness_key": first(found, "witness_key"),
            "level": self._level(found),
        }
        if record["language"] not in (None, "ko", "en", "mixed"):
            record["language"] = None
        for key in ("parent", "based_on"):
            ref = self._ref(f"sillok-source-{first(found, key)}", "source")
            if ref is not None:
                record[key] = ref
        witness = self._ref(f"sillok-person-{first(found, 'witness')}", "person")
        if witness is not None:
            record["witness"] = witness
        self._create(proxy, "source", record)

    def event(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("keywords"))
        if "act_type" in found:
            return  # an act: read once every event is in (acts name their event)
        places = [self.place_codes[e] for e in proxy.get("addressEntity")
                  if e in self.place_codes]
        record: dict[str, Any] = {
            "title": proxy.first("name") or proxy.caption,
            "description": "\n".join(proxy.get("summary") + proxy.get("description")),
            "date": first(found, "date") or _date_of(proxy), "places": places,
            "level": self._level(found),
        }
        self._create(proxy, "event", record)

    def act(self, proxy: EntityProxy, event_links: dict[str, str]) -> None:
        found = tags(proxy.get("keywords"))
        if "act_type" not in found:
            return
        event = self._ref(event_links.get(str(proxy.id)), "event")
        if event is None:
            event = self._ref(f"sillok-event-{first(found, 'event')}", "event")
        victim = self._ref(next(iter(proxy.get("involved")), None), "person")
        if event is None or victim is None:
            self.result.skipped.append(Note("ftm_act", entity=proxy.id))
            return
        record: dict[str, Any] = {
            "act_type": first(found, "act_type"), "event": event, "victim": victim,
            "date": first(found, "date") or _date_of(proxy),
            "description": "\n".join(proxy.get("summary")),
            "place": self._place(found, "place", []),
            "facility": self._place(found, "facility", []),
            "victim_status": first(found, "victim_status"), "level": self._level(found),
        }
        self._create(proxy, "act", record)

    def involvement(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("description"))
        act = self._ref(proxy.first("object"), "act")
        perpetrator = self._ref(proxy.first("subject"), "person")
        if act is None or perpetrator is None:
            self.result.skipped.append(Note("ftm_perpetrator", entity=proxy.id))
            return
        record = {"act": act, "perpetrator": perpetrator,
                  "agency": first(found, "agency") or None,
                  "degree": first(found, "degree") or None,
                  "description": "\n".join(proxy.get("summary")), "level": self._level(found)}
        self._create(proxy, "involvement", record)

    def relation(self, proxy: EntityProxy) -> None:
        """A ``Family`` (relative is the KIND of person) or an ``UnknownLink`` Sillok wrote
        with a ``relation_kind`` tag (subject is the KIND of object)."""
        found = tags(proxy.get("description"))
        family = proxy.schema.name == "Family"
        a = self._ref(proxy.first("relative" if family else "subject"), "person")
        b = self._ref(proxy.first("person" if family else "object"), "person")
        if a is None or b is None or a == b:
            self.result.skipped.append(Note("ftm_relation", entity=proxy.id))
            return
        word = first(found, "relation_kind") or proxy.first("relationship") or ""
        kind = self.vocabularies["relation_kind"].code(word) or "other"
        description = "\n".join(proxy.get("summary"))
        if kind == "other" and word and word != "other":
            description = "\n".join(x for x in (description, word) if x)
        self._create(proxy, "relation", {"person_a": a, "person_b": b, "kind": kind,
                                         "description": description,
                                         "level": self._level(found)})

    def evidence(self, proxy: EntityProxy) -> None:
        found = tags(proxy.get("description"))
        source = self._ref(proxy.first("document"), "source")
        target = self.ids.get(proxy.first("entity") or "")
        quote = proxy.first("summary")
        if source is None or target is None or not quote:
            self.result.skipped.append(Note("ftm_documentation", entity=proxy.id))
            return
        record: dict[str, Any] = {"source": source, "record": {"type": target[0],
                                                               "id": target[1]},
                                  "quote": quote, "level": self._level(found),
                                  "connection": self._code(proxy, "connection", "role"),
                                  "reliability": self._code(proxy, "reliability", "status")}
        chars = first(found, "chars")
        if chars and re.fullmatch(r"\d+-\d+", chars):
            start, end = (int(x) for x in chars.split("-"))
            record.update(start=start, end=end)
        if first(found, "page"):
            record["page"] = int(str(first(found, "page")))
        self._create(proxy, "evidence", record)


def _date_of(proxy: EntityProxy) -> str | None:
    single = proxy.first("date")
    if single:
        return str(single)
    start, end = proxy.first("startDate"), proxy.first("endDate")
    if start and end:
        return f"{start}/{end}"
    return str(start or end) if (start or end) else None


def _sources_in_order(docs: list[EntityProxy]) -> list[EntityProxy]:
    """Parents and restated sources before the sources that point to them."""
    by_id = {str(d.id): d for d in docs}
    done: set[str] = set()
    ordered: list[EntityProxy] = []

    def visit(doc: EntityProxy, path: set[str]) -> None:
        if str(doc.id) in done or str(doc.id) in path:
            return
        found = tags(doc.get("keywords"))
        for key in ("parent", "based_on"):
            ref = by_id.get(f"sillok-source-{first(found, key)}")
            if ref is not None:
                visit(ref, path | {str(doc.id)})
        done.add(str(doc.id))
        ordered.append(doc)

    for doc in docs:
        visit(doc, set())
    return ordered


def import_ftm(archive: Archive, actor: Actor, path: Path, *, level: str = "internal",
               dry_run: bool = False) -> FtmImport:
    require_write(actor)
    if level not in LEVELS:
        raise Invalid({"--level": f"'{level}' is not one of {', '.join(LEVELS)}"})
    entities = list(read_entities(path))
    if not entities:
        raise SillokError(f"{path}: no entities")
    by_schema: dict[str, list[EntityProxy]] = {}
    for proxy in entities:
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    known = {"Address", "Person", "Document", "Event", "UnknownLink", "Documentation", "Family"}
    result = FtmImport(dry_run=dry_run)
    for schema, items in sorted(by_schema.items()):
        if schema not in known:
            result.skipped.append(Note("ftm_schema", count=len(items), schema=schema))
    event_links = {str(p.first("subject")): str(p.first("object"))
                   for p in by_schema.get("UnknownLink", []) if p.first("role") == "act of event"}
    try:
        with archive.transaction() as session:
            reader = _Reader(archive, actor, session, level, result, path.name)
            for proxy in by_schema.get("Address", []):
                reader.address(proxy)
            for proxy in by_schema.get("Person", []):
                reader.person(proxy)
            for proxy in _sources_in_order(by_schema.get("Document", [])):
                reader.document(proxy)
            for proxy in by_schema.get("Event", []):
                reader.event(proxy)
            for proxy in by_schema.get("Event", []):
                reader.act(proxy, event_links)
            for proxy in by_schema.get("UnknownLink", []):
                if proxy.first("role") == "perpetrator":
                    reader.involvement(proxy)
                elif first(tags(proxy.get("description")), "relation_kind"):
                    reader.relation(proxy)
            for proxy in by_schema.get("Family", []):
                reader.relation(proxy)
            for proxy in by_schema.get("Documentation", []):
                reader.evidence(proxy)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result
