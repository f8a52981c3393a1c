"""Sillok records as FollowTheMoney entities (https://followthemoney.tech), for Aleph and the
tools that read its JSON Lines: persons as ``Person``, events and acts as ``Event``, sources as
``Document``, places as ``Address``, evidence as ``Documentation``, the links between acts,
events and perpetrators as ``UnknownLink``, and relations between persons as ``Family`` (kin)
or ``UnknownLink`` (a witness, another tie).

Built on :func:`sillok.archive.transfer.export_lines`, so an FtM export holds exactly what the
role may export as JSON Lines: the same levels, protected names and redacted passages. What FtM
has no property for travels as ``sillok:KEY=VALUE`` tags (exchange/tags.py) so that
``sillok import`` reads the file back into the same records (docs/import.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from sillok.archive import dates
from sillok.archive.service import Archive
from sillok.archive.transfer import audit_export, export_lines
from sillok.exchange.tags import tag
from sillok.security.policy import Actor

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

FORMAT = "ftm"
# Names in a writing system are the person's own (FtM ``name``); the rest are aliases.
ALIAS_SYSTEMS = ("alias",)
# Relation kinds FtM's ``Family`` holds; the others (witness_of, other) are an ``UnknownLink``.
FAMILY_KINDS = ("parent", "child", "sibling", "spouse")


def entity_id(kind: str, key: object) -> str:
    return f"sillok-{kind}-{key}"


def _entity(schema: str, kind: str, key: object) -> EntityProxy:
    # followthemoney loads its whole schema model on import (seconds): only exports pay it.
    from followthemoney import model

    proxy = model.make_entity(schema)
    proxy.id = entity_id(kind, key)
    return proxy


def ftm_dates(expression: str | None, prefix: str = "") -> dict[str, str]:
    """FtM dates for a Sillok fuzzy date: a single value of its precision as ``date``, or
    ``startDate``/``endDate`` (a quarter becomes its first and last month); the exact
    expression goes in a tag beside it."""
    if not expression:
        return {}
    body = expression.strip().lstrip("~")
    left, _, right = body.partition("/")
    first, last = dates.parse(left), dates.parse(right or left)
    # Each end at its own precision (``2019-03-01/2019-05``); a quarter as its months.
    start = _prefix(first.start.isoformat(), first.precision)
    end = _prefix(last.end.isoformat(), last.precision)
    if start == end:
        return {f"{prefix}date" if prefix else "date": start}
    return {"startDate": start, "endDate": end}


def _prefix(iso: str, precision: str) -> str:
    return iso[:4] if precision == "year" else iso if precision == "day" else iso[:7]


class _Writer:
    """Turns the export lines into entities; keeps the few facts later lines refer to."""

    def __init__(self) -> None:
        self.places: dict[str, dict[str, Any]] = {}
        self.emitted_places: set[str] = set()
        self.person_names: dict[int, str] = {}
        self.act_types: dict[str, str] = {}

    def convert(self, line: dict[str, Any]) -> Iterator[EntityProxy]:
        kind, record = line["type"], line.get("record") or {}
        if kind == "term":
            if record.get("vocabulary") == "act_type":
                self.act_types[record["code"]] = record.get("en") or record["code"]
            return
        if kind == "place":
            self.places[record["code"]] = record
            return
        if (line.get("meta") or {}).get("retracted_at"):
            return  # a retracted record is not part of what others should read
        handler = getattr(self, f"_{kind}", None)
        if handler is not None:
            yield from handler(line["id"], record)

    def _address(self, code: str | None) -> Iterator[EntityProxy]:
        if not code or code in self.emitted_places or code not in self.places:
            return
        self.emitted_places.add(code)
        place = self.places[code]
        proxy = _entity("Address", "place", code)
        proxy.add("full", place.get("ko"))
        proxy.add("name", [place.get("ko"), place.get("en")])
        proxy.add("alias", [n["name"] for n in place.get("names") or []])
        if place.get("iso") and len(place["iso"]) == 2:
            proxy.add("country", place["iso"].lower())
        parent = self.places.get(place.get("parent") or "")
        if parent is not None:
            proxy.add("region", parent.get("en"))
        proxy.add("latitude", place.get("latitude"))
        proxy.add("longitude", place.get("longitude"))
        proxy.add("keywords", [tag("place", code), tag("place_kind", place.get("kind"))])
        proxy.add("description", place.get("source"))
        yield proxy

    def _common(self, proxy: EntityProxy, record: dict[str, Any]) -> None:
        proxy.add("keywords", tag("level", record.get("level", "internal")))

    def _person(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        proxy = _entity("Person", "person", record_id)
        for name in record.get("names") or []:
            system = name.get("system") or "alias"
            prop = "alias" if system in ALIAS_SYSTEMS else "name"
            proxy.add(prop, name["name"])
            proxy.add("keywords", tag("name", f"{system}:{name['name']}"))
        names = record.get("names") or []
        self.person_names[record_id] = names[0]["name"] if names else f"#{record_id}"
        if not proxy.has("name"):
            proxy.add("name", self.person_names[record_id])
        proxy.add("gender", record.get("sex"))
        if record.get("birth_year"):
            proxy.add("birthDate", str(record["birth_year"]))
            if record.get("birth_year_estimate"):
                proxy.add("keywords", tag("birth_year", f"~{record['birth_year']}"))
        proxy.add("description", record.get("description") or None)
        proxy.add("keywords", [tag("kind", record.get("kind")),
                               *(tag("role", r) for r in record.get("roles") or [])])
        origin = record.get("origin_place")
        if origin:
            yield from self._address(origin)
            proxy.add("addressEntity", entity_id("place", origin))
            proxy.add("keywords", tag("origin_place", origin))
        self._common(proxy, record)
        yield proxy

    def _dated(self, proxy: EntityProxy, expression: str | None) -> None:
        for prop, value in ftm_dates(expression).items():
            proxy.add(prop, value)
        if expression:
            proxy.add("keywords", tag("date", expression))

    def _event(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        proxy = _entity("Event", "event", record_id)
        proxy.add("name", record.get("title"))
        proxy.add("summary", record.get("description") or None)
        self._dated(proxy, record.get("date"))
        for code in record.get("places") or []:
            yield from self._address(code)
            proxy.add("addressEntity", entity_id("place", code))
            proxy.add("keywords", tag("place", code))
        self._common(proxy, record)
        yield proxy

    def _act(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        proxy = _entity("Event", "act", record_id)
        act_type = record["act_type"]
        victim = int(record["victim"])
        proxy.add("name", f"{self.act_types.get(act_type, act_type)}: "
                          f"{self.person_names.get(victim, f'#{victim}')}")
        proxy.add("summary", record.get("description") or None)
        proxy.add("involved", entity_id("person", victim))
        self._dated(proxy, record.get("date"))
        proxy.add("keywords", [tag("act_type", act_type), tag("victim", victim),
                               tag("event", record["event"])])
        for key in ("place", "facility"):
            code = record.get(key)
            if code:
                yield from self._address(code)
                proxy.add("addressEntity", entity_id("place", code))
                proxy.add("keywords", tag(key, code))
        if record.get("victim_status"):
            proxy.add("keywords", tag("victim_status", record["victim_status"]))
        self._common(proxy, record)
        yield proxy
        link = _entity("UnknownLink", "act-of", record_id)
        link.add("subject", proxy.id)
        link.add("object", entity_id("event", record["event"]))
        link.add("role", "act of event")
        yield link

    def _involvement(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        link = _entity("UnknownLink", "involvement", record_id)
        link.add("subject", entity_id("person", record["perpetrator"]))
        link.add("object", entity_id("act", record["act"]))
        link.add("role", "perpetrator")
        link.add("summary", record.get("description") or None)
        link.add("description", [tag("agency", record.get("agency") or ""),
                                 tag("degree", record.get("degree") or ""),
                                 tag("level", record.get("level", "internal"))])
        yield link

    def _relation(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        """"A is the KIND of B": in ``Family`` B is the person and A the relative."""
        kind = record["kind"]
        a, b = entity_id("person", record["person_a"]), entity_id("person", record["person_b"])
        if kind in FAMILY_KINDS:
            link = _entity("Family", "relation", record_id)
            link.add("relative", a)
            link.add("person", b)
            link.add("relationship", kind)
        else:
            link = _entity("UnknownLink", "relation", record_id)
            link.add("subject", a)
            link.add("object", b)
            link.add("role", kind)
        link.add("summary", record.get("description") or None)
        link.add("description", [tag("relation_kind", kind),
                                 tag("level", record.get("level", "internal"))])
        yield link

    def _source(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        proxy = _entity("Document", "source", record_id)
        proxy.add("title", record.get("title"))
        proxy.add("bodyText", record.get("text") or None)
        proxy.add("language", record.get("language"))
        proxy.add("publisher", record.get("publisher"))
        proxy.add("fileName", record.get("original_filename"))
        proxy.add("mimeType", record.get("media_type"))
        proxy.add("notes", record.get("origin"))
        for prop, value in ftm_dates(record.get("published")).items():
            proxy.add("publishedAt" if prop in ("date", "startDate") else "date", value)
        proxy.add("keywords", [tag("kind", record.get("kind"))])
        for key in ("published", "recorded", "reliability", "blob_sha256", "witness_key",
                    "witness", "based_on", "parent"):
            if record.get(key):
                proxy.add("keywords", tag(key, record[key]))
        if record.get("parent"):
            proxy.add("parent", entity_id("source", record["parent"]))
        self._common(proxy, record)
        yield proxy

    def _evidence(self, record_id: int, record: dict[str, Any]) -> Iterator[EntityProxy]:
        target = record["record"]
        link = _entity("Documentation", "evidence", record_id)
        link.add("document", entity_id("source", record["source"]))
        link.add("entity", entity_id(target["type"], target["id"]))
        link.add("role", record.get("connection") or "evidence")
        link.add("summary", record.get("quote"))
        link.add("description", [tag("chars", f"{record['start']}-{record['end']}"),
                                 tag("level", record.get("level", "internal"))])
        if record.get("page") is not None:
            link.add("description", tag("page", record["page"]))
        if record.get("reliability"):
            link.add("status", record["reliability"])
        yield link


def ftm_entities(archive: Archive, actor: Actor) -> Iterator[EntityProxy]:
    writer = _Writer()
    for line in export_lines(archive, actor):
        yield from writer.convert(line)


def write_ftm(archive: Archive, actor: Actor, out: IO[str]) -> dict[str, int]:
    """One entity per line, as ``ftm`` and Aleph's ``alephclient write-entities`` read them."""
    counts: dict[str, int] = {}
    for proxy in ftm_entities(archive, actor):
        out.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        counts[proxy.schema.name] = counts.get(proxy.schema.name, 0) + 1
    audit_export(archive, actor, counts, FORMAT)
    return counts
