"""What importing a table would do, row by row: the records it would create (in the bulk
format of archive/bulk.py, with refs local to the file), the values it mapped, the values it
keeps for review, and the rows it refuses.

Every record keeps its origin: one source record holds the imported file, one line per row
with its imported columns ("row 7: 이름=…; 성별=…"), and each person, event and act gets an
evidence link to the line of its row. So the file name and row number of every imported record
can be looked up (and are covered by the audit chain like any record) without a new column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from sillok.archive import dates
from sillok.tables import cells
from sillok.tables.columns import Mapping, split_language
from sillok.tables.dry_run import ORIGIN, ItemReport, Lookups, OriginLines, PlanBase
from sillok.tables.notes import Note, Word, why
from sillok.tables.sheets import Table

# Columns that say something of the event: a row with none of them is a person's alone.
EVENT_TARGETS = ("event.title", "event.description", "date", "place", "act.type",
                 "geolocation", "event.key")


@dataclass
class RowReport(ItemReport):
    row: int

    @property
    def where(self) -> str:
        return f"row {self.row}"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, **self.lists()}


@dataclass
class Plan(PlanBase[RowReport]):
    unit: ClassVar[str] = "rows"
    file: str
    level: str
    mapping: Mapping
    rows: list[RowReport] = field(default_factory=list)

    @property
    def items(self) -> list[RowReport]:
        return self.rows

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "level": self.level, "mapping": self.mapping.columns,
                "not_imported": self.mapping.of("ignore"), "would_create": self.counts(),
                "refused_rows": [r.row for r in self.refused],
                "rows": [r.as_json() for r in self.rows]}


def build_plan(session: Session, table: Table, mapping: Mapping, level: str,
               sha256: str) -> Plan:
    look = Lookups.load(session)
    plan = Plan(table.name, level, mapping)
    imported = {h: t != "ignore" for h, t in mapping.columns.items()}
    origin = OriginLines()
    for number, values in table.rows:
        # Only imported columns: a column the officer left out (a real name, an interviewer's
        # note) must not reach the archive by way of the origin record either.
        line = f"row {number}: " + "; ".join(f"{h}={v}" for h, v in values.items()
                                              if v is not None and imported[h])
        origin.add(number, line)
    plan.records.append({
        "type": "source", "ref": ORIGIN, "level": level, "kind": "other",
        "title": f"가져온 표 / Imported table: {table.name}", "text": origin.text,
        "origin": f"import:{table.name}", "original_filename": table.name,
        "extra": {"import": {"file": table.name, "sha256": sha256, "rows": len(table.rows),
                             "mapping": mapping.columns}},
    })
    builder = _Rows(plan, look, level, origin)
    for number, values in table.rows:
        plan.rows.append(builder.row(number, values))
    return plan


@dataclass
class _Rows:
    plan: Plan
    look: Lookups
    level: str
    origin: OriginLines
    persons: dict[tuple[Any, ...], str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)  # event.key -> ref
    event_records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _key(self, values: dict[str, Any], target: str) -> str | None:
        found = [str(v) for _h, v in self.cells_of(values, target)]
        return found[0] if found else None

    def cells_of(self, values: dict[str, Any], target: str) -> list[tuple[str, Any]]:
        return [(h, values[h]) for h in self.plan.mapping.of(target) if values[h] is not None]

    def row(self, number: int, values: dict[str, Any]) -> RowReport:
        report = RowReport(number)
        notes: list[str] = []
        person = self._person(values, report)
        act_types = self._act_types(values, report)
        when = self._date(values, report, notes)
        places, place_texts = self._places(values, report, notes)
        for header, value in self.cells_of(values, "geolocation"):
            try:
                lat, lon = cells.parse_point(value)
                notes.append(f"좌표 / geolocation: {lat}, {lon}")
                report.mapped.append(Note("mapped_point", what=header, value=value, lat=lat,
                                          lon=lon))
            except ValueError as exc:
                report.refused.append(Note("cell", what=header, why=why(exc)))
        if not any(values[h] is not None for h, t in self.plan.mapping.columns.items()
                   if t != "ignore"):
            report.refused.append(Note("no_value"))
        if report.refused:
            return report
        records: list[dict[str, Any]] = []
        victim = None
        if person is not None:
            victim = self._person_record(person, number, records, report,
                                         self._key(values, "person.key"))
        if act_types and victim is None:
            labels = ", ".join(self.look.act_types.labels[c][1] for c in act_types)
            notes.append(f"유형 / violation type: {labels} (피해자 없음 / no victim named)")
            report.review.append(Note("acts_without_victim", types=labels))
        event_key = self._key(values, "event.key")
        event_ref = self.events.get(event_key) if event_key else None
        if event_ref is not None:
            report.mapped.append(Note("same_event", key=event_key))
            if notes:  # kept on the event the earlier row made, never dropped
                event = self.event_records[event_ref]
                event["description"] = "\n".join(filter(None, [event["description"], *notes]))
            cited = [event_ref]
        elif victim is not None and not notes and not any(
                self.cells_of(values, t) for t in EVENT_TARGETS):
            cited = [victim]  # a person's own row (no event column has a value): no event
        else:
            event_ref = f"e{number}"
            if event_key:
                self.events[event_key] = event_ref
            title = self._title(values, act_types, place_texts, when, number, notes)
            descriptions = [str(v) for _h, v in self.cells_of(values, "event.description")]
            event = {"type": "event", "ref": event_ref, "level": self.level, "title": title,
                     "description": "\n".join([*descriptions, *notes]),
                     "date": when.text if when else None, "places": places}
            self.event_records[event_ref] = event
            records.append(event)
            report.creates.append(Note("creates_event", title=title))
            cited = [event_ref]
        if victim is not None and act_types and event_ref is not None:
            cited = []
            for i, code in enumerate(act_types, start=1):
                ref = f"a{number}.{i}"
                records.append({"type": "act", "ref": ref, "level": self.level,
                                "event": event_ref, "victim": victim, "act_type": code,
                                "date": when.text if when else None,
                                "place": places[0] if places else None})
                report.creates.append(Note("creates_act", code=code))
                cited.append(ref)
        for ref in [r["ref"] for r in records]:
            records.append(self.origin.cite(number, ref, self.level))
        self._sources(values, cited, records, report)
        self.plan.records.extend(records)
        return report

    # -- the parts of a row ------------------------------------------------------------
    def _person(self, values: dict[str, Any], report: RowReport) -> dict[str, Any] | None:
        names = [n for _h, v in self.cells_of(values, "person.name")
                 for n in cells.split_values(v)]
        person: dict[str, Any] = {"names": [{"name": n, "system": cells.name_system(n)}
                                            for n in dict.fromkeys(names)]}
        notes: list[str] = []
        for header, value in self.cells_of(values, "person.sex"):
            code = self.look.sex([str(value)])
            if code:
                person["sex"] = code
                report.mapped.append(Note("mapped", what=header, value=value, to=code))
            else:
                notes.append(f"성별 / sex: {value}")
                report.review.append(Note("not_in_vocabulary", what=header, value=value,
                                          vocabulary=Word("sex"),
                                          kept=Word("person's description")))
        for header, value in self.cells_of(values, "person.birth_year"):
            try:
                year, estimate = cells.parse_year(value)
            except ValueError as exc:
                report.refused.append(Note("cell", what=header, why=why(exc)))
                continue
            person["birth_year"], person["birth_year_estimate"] = year, estimate
            report.mapped.append(Note("mapped", what=header, value=value,
                                      to=f"{'~' if estimate else ''}{year}"))
        for header, value in self.cells_of(values, "person.origin_place"):
            code, reason = self.look.places.find(str(value))
            if code:
                person["origin_place"] = code
                report.mapped.append(Note("mapped", what=header, value=value, to=code))
            else:
                notes.append(f"출신지 / origin: {value}")
                report.review.append(Note("kept", what=header, why=reason,
                                          kept=Word("person's description")))
        if notes:
            person["description"] = "\n".join(notes)
        if not names:
            if len(person) > 1:
                report.review.append(Note("person_without_name"))
            return None
        return person

    def _person_record(self, person: dict[str, Any], number: int,
                       records: list[dict[str, Any]], report: RowReport,
                       given: str | None) -> str:
        """The person's ref; a person listed on several rows (one per act) is one record:
        the same number in a person.key column, or else the same names, sex and birth
        year."""
        names = ", ".join(n["name"] for n in person["names"])
        key: tuple[Any, ...] = (("key", given) if given else
                                (tuple(n["name"] for n in person["names"]), person.get("sex"),
                                 person.get("birth_year")))
        if key in self.persons:
            report.mapped.append(Note("same_person", names=names))
            ref = self.persons[key]
            self.plan.records.append(self.origin.cite(number, ref, self.level))
            return ref
        ref = f"p{number}"
        self.persons[key] = ref
        records.append({"type": "person", "ref": ref, "level": self.level,
                        "roles": ["victim"], **person})
        report.creates.append(Note("creates_person", names=names))
        return ref

    def _act_types(self, values: dict[str, Any], report: RowReport) -> list[str]:
        codes: list[str] = []
        for header, value in self.cells_of(values, "act.type"):
            for part in cells.split_values(value):
                code = self.look.act_types.code(part)
                if code is None:
                    report.refused.append(Note("not_an_act_type", what=header, value=part))
                    continue
                report.mapped.append(Note("mapped", what=header, value=part, to=code))
                codes.append(code)
        return list(dict.fromkeys(codes))

    def _date(self, values: dict[str, Any], report: RowReport,
              notes: list[str]) -> dates.FuzzyDate | None:
        found: dates.FuzzyDate | None = None
        for header, value in self.cells_of(values, "date"):
            parts = cells.split_values(value) if isinstance(value, str) else [value]
            for part in parts:
                try:
                    parsed = cells.parse_date(part)
                except ValueError as exc:
                    report.refused.append(Note("cell", what=header, why=why(exc)))
                    continue
                if found is None:
                    found = parsed
                    report.mapped.append(Note(
                        "mapped_date_estimate" if parsed.estimate else "mapped_date",
                        what=header, value=part, to=parsed.text,
                        precision=Word(parsed.precision)))
                else:
                    notes.append(f"날짜 / date: {parsed.text}")
                    report.review.append(Note("second_date", what=header, date=parsed.text))
        return found

    def _places(self, values: dict[str, Any], report: RowReport,
                notes: list[str]) -> tuple[list[str], list[str]]:
        codes: list[str] = []
        texts: list[str] = []
        for header, value in self.cells_of(values, "place"):
            for part in cells.split_values(value):
                texts.append(part)
                code, reason = self.look.places.find(part)
                if code:
                    codes.append(code)
                    report.mapped.append(Note("mapped", what=header, value=part, to=code))
                else:
                    notes.append(f"장소 / place: {part}")
                    report.review.append(Note("kept", what=header, why=reason,
                                              kept=Word("description")))
        return list(dict.fromkeys(codes)), texts

    def _title(self, values: dict[str, Any], act_types: list[str], places: list[str],
               when: dates.FuzzyDate | None, number: int, notes: list[str]) -> str:
        titled = self.cells_of(values, "event.title")
        # Korean first, then a title without a language, then any other language.
        order = {"ko": 0, None: 1}
        titled.sort(key=lambda hv: order.get(split_language(hv[0])[1], 2))
        if titled:
            for header, value in titled[1:]:
                notes.append(f"{header}: {value}")
            return str(titled[0][1])[:500]
        what = "·".join(self.look.act_types.labels[c][0] for c in act_types) or "사건"
        where = ", ".join([*places[:2], *([when.text] if when else [])])
        return f"{what} ({where})" if where else f"{what} ({self.plan.file} {number}행)"

    def _sources(self, values: dict[str, Any], cited: list[str],
                 records: list[dict[str, Any]], report: RowReport) -> None:
        for header, value in self.cells_of(values, "source"):
            for title in cells.split_values(value):
                ref = self.sources.get(title)
                if ref is None:
                    ref = self.sources[title] = f"s{len(self.sources) + 1}"
                    kind = self.look.source_kinds.code(title) or next(
                        (c for w in title.split() if (c := self.look.source_kinds.code(w))),
                        "other")
                    records.insert(0, {"type": "source", "ref": ref, "level": self.level,
                                       "kind": kind, "title": title[:500], "text": title})
                    report.creates.append(Note("creates_source", title=title, kind=kind))
                else:
                    report.mapped.append(Note("same_source", what=header, value=title))
                for record in cited:
                    records.append({"type": "evidence", "level": self.level, "source": ref,
                                    "record": record, "quote": title})
