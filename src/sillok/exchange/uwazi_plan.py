"""What importing an Uwazi server would do, entity by entity: the records it would create (in
the bulk format of archive/bulk.py), the values it mapped, those kept for review, and the
entities it refuses.

An entity of a template mapped as ``person`` becomes a person (its title in every language a
name; its relationships to other persons relations, exchange/uwazi_relations.py), ``event``
an event with one act per victim (a relationship to a person entity) and violation type,
``source`` a source (its first file the original, each further file a source under it).
Values are read as the table import reads cells (tables/cells.py): vocabularies and the
gazetteer by any label or spelling, Korean dates. Every imported record keeps its origin:
one source record holds the server's address and one line per entity (``entity SHAREDID
(Template): …``), and each record made from an entity has an evidence link to that line.

Uwazi keeps an entity once per language (one ``sharedId``): titles, text properties and
thesaurus labels differ by language, dates and numbers do not. A person's titles and names in
every language become its names; an event's or source's text in every language is kept (the
main language, Korean first, then ``property__en: …``); values are read from the main language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from sillok.archive import dates
from sillok.exchange.uwazi_client import MAX_ATTACHMENT, UwaziData
from sillok.exchange.uwazi_map import TemplateMap, UwaziMapping
from sillok.exchange.uwazi_relations import Wanted, relation_records, wanted
from sillok.tables import cells
from sillok.tables.dry_run import LEVELS, ORIGIN, ItemReport, Lookups, OriginLines, PlanBase
from sillok.tables.notes import CellError, Note, Word
from sillok.tables.notes import why as why_not

__all__ = ["LEVELS", "EntityReport", "UwaziPlan", "build_plan"]

@dataclass
class EntityReport(ItemReport):
    entity: str
    template: str
    title: str

    @property
    def where(self) -> str:
        return f"entity {self.entity}"

    def as_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "template": self.template, "title": self.title,
                **self.lists()}


@dataclass
class UwaziPlan(PlanBase[EntityReport]):
    unit: ClassVar[str] = "entities"
    server: str
    level: str
    mapping: UwaziMapping
    entities: list[EntityReport] = field(default_factory=list)
    # Attachments to fetch for source records: record ref -> Uwazi file name.
    originals: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> list[EntityReport]:
        return self.entities

    def as_json(self) -> dict[str, Any]:
        return {"server": self.server, "level": self.level,
                "mapping": {n: {"as": t.kind, "properties": t.properties}
                            for n, t in self.mapping.templates.items()},
                "would_create": self.counts(),
                "refused_entities": [e.entity for e in self.refused],
                "entities": [e.as_json() for e in self.entities]}


def _values(entity: dict[str, Any], prop: str) -> list[Any]:
    raw = (entity.get("metadata") or {}).get(prop) or []
    return [v.get("value") if isinstance(v, dict) else v for v in raw]


def _shown(entity: dict[str, Any], prop: str) -> list[str]:
    """A property's values as the origin line writes them: labels, dates, coordinates."""
    out: list[str] = []
    for v in (entity.get("metadata") or {}).get(prop) or []:
        value = v.get("value") if isinstance(v, dict) else v
        if isinstance(v, dict) and v.get("label") and not isinstance(value, dict):
            out.append(str(v["label"]))
        elif isinstance(value, dict) and "lat" in value:
            out.append(f"{value.get('lat')}|{value.get('lon')}")
        elif isinstance(value, dict) or (isinstance(value, int | float)
                                         and abs(value) > 100_000):
            try:
                out.append(_date_text(value))
            except ValueError:
                out.append(str(value))
        elif value is not None:
            out.append(str(value))
    return out


def _labels(versions: dict[str, dict[str, Any]], prop: str) -> list[list[str]]:
    """Each value's label (thesaurus values) in every language the entity has."""
    out: list[list[str]] = []
    for entity in versions.values():
        for i, v in enumerate((entity.get("metadata") or {}).get(prop) or []):
            if not isinstance(v, dict):
                continue
            while len(out) <= i:
                out.append([])
            for text in (v.get("label"), v.get("value")):
                if text is not None and str(text) not in out[i]:
                    out[i].append(str(text))
    return out


def _day(seconds: Any) -> str:
    return datetime.fromtimestamp(float(seconds), UTC).date().isoformat()


def _date_text(value: Any) -> str:
    """An Uwazi date (seconds since 1970), date range ({from, to}) or text, as Sillok writes
    dates; raises ValueError."""
    if isinstance(value, dict):
        start, end = value.get("from"), value.get("to")
        if start is None and end is None:
            raise CellError(Note("empty_range"))
        left = _day(start) if start is not None else _day(end)
        right = _day(end) if end is not None else left
        return left if left == right else f"{left}/{right}"
    if isinstance(value, int | float):
        return _day(value)
    return cells.parse_date(value).text


def build_plan(session: Session, data: UwaziData, mapping: UwaziMapping,
               level: str, max_bytes: int = MAX_ATTACHMENT) -> UwaziPlan:
    """``max_bytes``: an attachment Uwazi says is larger is listed, not fetched."""
    look = Lookups.load(session)
    plan = UwaziPlan(data.url, level, mapping)
    builder = _Builder(plan, data, look, max_bytes)
    builder.origin()
    # Sources and persons first: events name them.
    for kind in ("source", "person", "event"):
        for shared, versions in data.entities.items():
            tmap = builder.template(versions)
            if tmap is not None and tmap.kind == kind:
                builder.entity(shared, versions, tmap)
    # Relations once every person is planned: either end may come first.
    plan.records += relation_records(builder.wanted, builder.refs, builder.levels,
                                     builder.persons, builder.lines)
    return plan


@dataclass
class _Builder:
    plan: UwaziPlan
    data: UwaziData
    look: Lookups
    max_bytes: int
    lines: OriginLines = field(default_factory=OriginLines)
    _file_text: dict[str, str] = field(default_factory=dict)  # file source ref -> its text
    # Persons by sharedId (their records and levels) and the relations they ask for.
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    wanted: list[Wanted] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # sharedId -> record ref
    quotes: dict[str, str] = field(default_factory=dict)  # source ref -> its title

    def template(self, versions: dict[str, dict[str, Any]]) -> TemplateMap | None:
        first = next(iter(versions.values()))
        return self.plan.mapping.for_template(self.data, str(first.get("template")))

    def _main(self, versions: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return versions[self._main_language(versions)]

    def _main_language(self, versions: dict[str, dict[str, Any]]) -> str:
        for lang in ("ko", self.data.default_language, "en"):
            if lang in versions:
                return lang
        return next(iter(versions))

    def _languages(self, versions: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
        """(language, suffix) of every version, the main one first with no suffix: what a
        property in another language is written as (``summary__en``)."""
        main = self._main_language(versions)
        return [(main, "")] + [(lang, f"__{lang or '?'}") for lang in versions if lang != main]

    def _titles(self, versions: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
        """(language, title), Korean first, without repeats."""
        order = {"ko": 0, "": 1}
        out: dict[str, str] = {}
        for lang in sorted(versions, key=lambda k: order.get(k, 2)):
            title = str(versions[lang].get("title") or "").strip()
            if title and title not in out:
                out[title] = lang
        return [(lang, title) for title, lang in out.items()]

    # -- the origin record: one line per imported entity ----------------------------------
    def origin(self) -> None:
        for shared, versions in self.data.entities.items():
            tmap = self.template(versions)
            if tmap is None or tmap.kind == "ignore":
                continue
            parts = [f"title{'__' + lang if lang else ''}={title}"
                     for lang, title in self._titles(versions)]
            for prop, target in tmap.properties.items():
                if target == "ignore":
                    continue  # what the officer left out does not enter by this way either
                # Each language's values, where they differ from the main language's (Uwazi
                # keeps text and translated labels per language, the rest shared).
                said: list[list[str]] = []
                for lang, suffix in self._languages(versions):
                    shown = _shown(versions[lang], prop)
                    if shown and shown not in said:
                        said.append(shown)
                        parts.append(f"{prop}{suffix}={'|'.join(shown)}")
            line = f"entity {shared} ({tmap.name}): " + "; ".join(parts)
            self.lines.add(shared, line)
        self.plan.records.append({
            "type": "source", "ref": ORIGIN, "level": self.plan.level, "kind": "other",
            "title": f"Uwazi에서 가져옴 / Imported from Uwazi: {self.data.host}"[:500],
            "text": self.lines.text, "origin": f"uwazi:{self.data.url}",
            "extra": {"import": {"uwazi": self.data.url, "entities": len(self.lines.lines),
                                 "languages": self.data.languages}}})

    def _cite(self, shared: str, refs: list[str], level: str) -> None:
        for ref in refs:
            self.plan.records.append(self.lines.cite(shared, ref, level))

    def _level(self, versions: dict[str, dict[str, Any]]) -> str:
        # An entity unpublished in Uwazi is never made public here.
        if self.plan.level == "public" and not any(v.get("published")
                                                   for v in versions.values()):
            return "internal"
        return self.plan.level

    # -- one entity ---------------------------------------------------------------------
    def entity(self, shared: str, versions: dict[str, dict[str, Any]],
               tmap: TemplateMap) -> None:
        titles = self._titles(versions)
        report = EntityReport(shared, tmap.name, titles[0][1] if titles else "")
        self.plan.entities.append(report)
        level = self._level(versions)
        if level != self.plan.level:
            report.mapped.append(Note("unpublished", level=level))
        getattr(self, f"_{tmap.kind}")(shared, versions, tmap, report, level)
        made = {"person": f"p:{shared}", "event": f"e:{shared}"}.get(tmap.kind)
        if made is not None and not report.refused:
            # A person's or event's files (a photograph, a document): each a source of its
            # own with its original, cited as evidence of the record.
            for i, f in enumerate(self._files(versions), start=1):
                ref = self._file_source(shared, f, i, f"{report.title or shared}", "other",
                                        level, None, report)
                self.plan.records.append({"type": "evidence", "level": level, "source": ref,
                                          "record": made, "quote": self._file_text[ref]})

    def _files(self, versions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Every file of the entity, each once (by its stored name): each language version's
        main documents (Uwazi keeps them per language), the main language's first, and the
        attachments."""
        out: dict[str, dict[str, Any]] = {}
        for key in ("documents", "attachments"):
            for lang, _suffix in self._languages(versions):
                for f in versions[lang].get(key) or []:
                    if isinstance(f, dict) and f.get("filename"):
                        out.setdefault(str(f["filename"]), f)
        return list(out.values())

    def _original(self, record: dict[str, Any], f: dict[str, Any],
                  report: EntityReport) -> None:
        """Make Uwazi file ``f`` the original of source ``record``: fetched on the real run
        unless Uwazi says it is larger than the limit."""
        name = str(f.get("originalname") or f.get("filename"))
        record["original_filename"] = name
        record["media_type"] = f.get("mimetype")
        size = f.get("size")
        if isinstance(size, int) and size > self.max_bytes:
            why = Note("too_large", name=name, size=f"{size / 2**20:,.1f}",
                       limit=f"{self.max_bytes / 2**20:,.1f}")
            record["extra"]["imported_from"]["not_fetched"] = str(why)
            report.review.append(Note("file_not_fetched", why=why))
            return
        self.plan.originals[record["ref"]] = str(f["filename"])
        report.creates.append(Note("creates_original", name=name))

    def _file_source(self, shared: str, f: dict[str, Any], number: int, title: str,
                     kind: str, level: str, parent: str | None,
                     report: EntityReport) -> str:
        """A source for the entity's file number ``number``; its text names the file, so
        evidence can quote it."""
        name = str(f.get("originalname") or f.get("filename"))
        ref = f"f:{shared}:{number}"
        text = f"첨부 파일 / attachment {number}: {name} (Uwazi {shared})"
        record: dict[str, Any] = {
            "type": "source", "ref": ref, "level": level, "kind": kind,
            "title": f"{title} — {name}"[:500], "text": text,
            "origin": f"uwazi:{self.data.url}#{shared}/{f['filename']}",
            "extra": {"imported_from": {"uwazi": self.data.url, "entity": shared,
                                        "file": str(f["filename"])}}}
        if parent is not None:
            record["parent"] = parent
        self._original(record, f, report)
        self.plan.records.append(record)
        self._file_text[ref] = text
        report.creates.append(Note("creates_file_source", name=name))
        return ref

    def _by_target(self, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
                   target: str) -> list[tuple[str, Any]]:
        """(property, value) in the main language: for values the same in every language
        (dates, numbers, coordinates)."""
        main = self._main(versions)
        return [(p, v) for p, t in tmap.properties.items() if t == target
                for v in _values(main, p) if v is not None]

    def _texts(self, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
               target: str) -> list[tuple[str, str]]:
        """(property, text) in every language the entity has, a text said again in another
        language left out; the property of another language named ``prop__en``."""
        out: list[tuple[str, str]] = []
        for prop, t in tmap.properties.items():
            if t != target:
                continue
            seen: set[str] = set()
            for lang, suffix in self._languages(versions):
                for v in _values(versions[lang], prop):
                    text = str(v).strip() if v is not None else ""
                    if text and text not in seen:
                        seen.add(text)
                        out.append((prop + suffix, text))
        return out

    def _person(self, shared: str, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
                report: EntityReport, level: str) -> None:
        names = [t for _lang, t in self._titles(versions)]
        names += [v for _p, v in self._texts(versions, tmap, "person.name")]
        if not names:
            report.refused.append(Note("no_title"))
            return
        person: dict[str, Any] = {"names": [{"name": n, "system": cells.name_system(n)}
                                            for n in dict.fromkeys(names)]}
        notes: list[str] = []
        for prop, labels in self._select(versions, tmap, "person.sex"):
            code = self.look.sex(labels)
            if code:
                person["sex"] = code
                report.mapped.append(Note("mapped", what=prop, value=labels[0], to=code))
            else:
                notes.append(f"성별 / sex: {labels[0]}")
                report.review.append(Note("not_in_vocabulary", what=prop, value=labels[0],
                                          vocabulary=Word("sex"), kept=Word("description")))
        for prop, value in self._by_target(versions, tmap, "person.birth_year"):
            try:
                # A date property holds seconds since 1970; a number or text property a year.
                seconds = isinstance(value, int | float) and abs(value) > 3000
                year, estimate = cells.parse_year(_date_text(value) if seconds else value)
            except ValueError as exc:
                report.refused.append(Note("cell", what=prop, why=why_not(exc)))
                continue
            person["birth_year"], person["birth_year_estimate"] = year, estimate
            report.mapped.append(Note("mapped", what=prop, value=value,
                                      to=f"{'~' if estimate else ''}{year}"))
        for prop, labels in self._select(versions, tmap, "person.origin_place"):
            code, why = self.look.places.find(labels[0])
            if code:
                person["origin_place"] = code
                report.mapped.append(Note("mapped", what=prop, value=labels[0], to=code))
            else:
                notes.append(f"출신지 / origin: {labels[0]}")
                report.review.append(Note("kept", what=prop, why=why, kept=Word("description")))
        notes += [f"{p}: {v}" for p, v in self._texts(versions, tmap, "description")]
        if notes:
            person["description"] = "\n".join(notes)
        if report.refused:
            return
        ref = f"p:{shared}"
        self.refs[shared] = ref
        record = {"type": "person", "ref": ref, "level": level, "roles": ["victim"], **person}
        self.plan.records.append(record)
        self.persons[shared], self.levels[shared] = record, level
        self.wanted += wanted(shared, self._main(versions), tmap.properties, report)
        report.creates.append(Note("creates_person", names=", ".join(dict.fromkeys(names))))
        self._cite(shared, [ref], level)

    def _select(self, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
                target: str) -> list[tuple[str, list[str]]]:
        """(property, the value's labels in every language) for select-like values."""
        return [(p, labels) for p, t in tmap.properties.items() if t == target
                for labels in _labels(versions, p) if labels]

    def _source(self, shared: str, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
                report: EntityReport, level: str) -> None:
        titles = self._titles(versions)
        title = titles[0][1] if titles else f"Uwazi {shared}"
        # The title heads the text: what an event cites this source by (its quote).
        text = [t for _l, t in titles]
        text += [v for _p, v in self._texts(versions, tmap, "description")]
        kind = "other"
        for prop, labels in self._select(versions, tmap, "source.kind"):
            found = next((c for t in labels if (c := self.look.source_kinds.code(t))), None)
            if found:
                kind = found
                report.mapped.append(Note("mapped", what=prop, value=labels[0], to=kind))
            else:
                report.review.append(Note("not_a_source_kind", what=prop, value=labels[0]))
        if kind == "other":
            kind = next((c for w in [tmap.name, *tmap.name.split()]
                         if (c := self.look.source_kinds.code(w))), "other")
        record: dict[str, Any] = {"type": "source", "ref": f"s:{shared}", "level": level,
                                  "kind": kind, "title": title[:500], "text": "\n".join(text),
                                  "origin": f"uwazi:{self.data.url}#{shared}",
                                  "extra": {"imported_from": {"uwazi": self.data.url,
                                                              "entity": shared}}}
        for prop, value in self._by_target(versions, tmap, "date")[:1]:
            try:
                record["published"] = _date_text(value)
                report.mapped.append(Note("mapped_to", what=prop, to=record["published"]))
            except ValueError as exc:
                report.refused.append(Note("cell", what=prop, why=why_not(exc)))
        files = self._files(versions)
        if files:
            self._original(record, files[0], report)
        if report.refused:
            return
        self.refs[shared] = record["ref"]
        self.quotes[record["ref"]] = title[:500]
        self.plan.records.append(record)
        report.creates.append(Note("creates_source", title=title, kind=kind))
        self._cite(shared, [record["ref"]], level)
        # Its further files (another language's document, attachments): each a source
        # under this one, with its own original.
        for number, f in enumerate(files[1:], start=2):
            self._file_source(shared, f, number, title, kind, level, record["ref"], report)

    def _event(self, shared: str, versions: dict[str, dict[str, Any]], tmap: TemplateMap,
               report: EntityReport, level: str) -> None:
        notes: list[str] = []
        titles = self._titles(versions)
        notes += [f"title__{lang or '?'}: {t}" for lang, t in titles[1:]]
        act_types: list[str] = []
        for prop, labels in self._select(versions, tmap, "act.type"):
            code = next((c for t in labels if (c := self.look.act_types.code(t))), None)
            if code is None:
                report.refused.append(Note("not_an_act_type_uwazi", what=prop,
                                           value=labels[0]))
            else:
                report.mapped.append(Note("mapped", what=prop, value=labels[0], to=code))
                act_types.append(code)
        when = None
        for prop, value in self._by_target(versions, tmap, "date"):
            try:
                text = _date_text(value)
            except ValueError as exc:
                report.refused.append(Note("cell", what=prop, why=why_not(exc)))
                continue
            if when is None:
                when = text
                report.mapped.append(Note("mapped_to", what=prop, to=text))
            else:
                notes.append(f"날짜 / date: {text}")
                report.review.append(Note("second_date", what=prop, date=text))
        places: list[str] = []
        for prop, labels in self._select(versions, tmap, "place"):
            code, _why = self.look.place(labels)
            if code:
                places.append(code)
                report.mapped.append(Note("mapped", what=prop, value=labels[0], to=code))
            else:
                notes.append(f"장소 / place: {labels[0]}")
                report.review.append(Note("kept", what=prop,
                                          why=Note("place_unknown", value=labels[0]),
                                          kept=Word("description")))
        for prop, value in self._by_target(versions, tmap, "geolocation"):
            point = value if isinstance(value, dict) else {}
            try:
                lat, lon = cells.parse_point(f"{point.get('lat')}|{point.get('lon')}")
            except ValueError as exc:
                report.refused.append(Note("cell", what=prop, why=why_not(exc)))
                continue
            label = f" ({point['label']})" if point.get("label") else ""
            notes.append(f"좌표 / geolocation: {lat}, {lon}{label}")
            report.mapped.append(Note("point", what=prop, lat=lat, lon=lon))
        notes += [f"{p}: {v}" for p, v in self._texts(versions, tmap, "description")]
        victims = self._related(versions, tmap, "victims", "person", report, notes)
        sources = self._related(versions, tmap, "source", "source", report, notes)
        if report.refused:
            return
        title = titles[0][1] if titles else f"Uwazi {shared}"
        event_ref = f"e:{shared}"
        try:
            when_text = dates.parse(when).text if when else None
        except ValueError as exc:
            report.refused.append(why_not(exc))
            return
        if act_types and not victims:
            notes.append("유형 / violation type: " + ", ".join(act_types)
                         + " (피해자 없음 / no victim named)")
            report.review.append(Note("acts_without_victim", types=", ".join(act_types)))
        if victims and not act_types:
            report.review.append(Note("victims_without_type"))
        self.plan.records.append({"type": "event", "ref": event_ref, "level": level,
                                  "title": title[:500], "description": "\n".join(notes),
                                  "date": when_text, "places": list(dict.fromkeys(places))})
        report.creates.append(Note("creates_event", title=title))
        cited = [event_ref]
        for victim in victims:
            for code in dict.fromkeys(act_types):
                ref = f"a:{shared}:{victim}:{code}"
                self.plan.records.append({"type": "act", "ref": ref, "level": level,
                                          "event": event_ref, "victim": victim,
                                          "act_type": code, "date": when_text,
                                          "place": places[0] if places else None})
                report.creates.append(Note("creates_act", code=code))
                cited.append(ref)
        self._cite(shared, cited, level)
        for source in sources:
            for ref in cited:
                self.plan.records.append({"type": "evidence", "level": level,
                                          "source": source, "record": ref,
                                          "quote": self.quotes[source]})

    def _related(self, versions: dict[str, dict[str, Any]], tmap: TemplateMap, target: str,
                 kind: str, report: EntityReport, notes: list[str]) -> list[str]:
        refs: list[str] = []
        main = self._main(versions)
        for prop, t in tmap.properties.items():
            if t != target:
                continue
            for v in (main.get("metadata") or {}).get(prop) or []:
                other = str(v.get("value")) if isinstance(v, dict) else str(v)
                label = (v.get("label") if isinstance(v, dict) else None) or other
                if other in self.refs and self.refs[other].startswith(kind[0] + ":"):
                    refs.append(self.refs[other])
                    report.mapped.append(Note("same_entity", what=prop, value=label,
                                              kind=Word(kind), other=other))
                else:
                    notes.append(f"{prop}: {label}")
                    report.review.append(Note("not_imported_as", what=prop, value=label,
                                              kind=Word(kind)))
        return list(dict.fromkeys(refs))
