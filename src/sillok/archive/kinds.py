"""Each record type: its model, its input shape, how input is applied and read back.

``to_input`` is the inverse of ``apply``: it gives a record in the very shape a user would write
it (ids for references, codes for terms and places). Updates, the audit trail and export/import
all use that shape, which is what makes an export → import → export round trip exact.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from sillok.archive import schemas as s
from sillok.archive.dates import render
from sillok.archive.digests import digest
from sillok.archive.resolve import Resolver, date_columns
from sillok.db import models as m
from sillok.errors import LEVELS_KO, Said

Filter = Callable[[str], ColumnElement[bool]]


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None


MAX_ID = s.MAX_ID  # ids are 32-bit integers in both databases
# Filters whose value is a number (the API documents them as integers): ids and years.
YEAR_FILTERS = frozenset({"year", "from_year", "to_year"})
ID_FILTERS = frozenset({"parent", "event", "victim", "act", "perpetrator", "source",
                        "record_id", "person"})


def _id(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"'{value}' is not a record id (1 to {MAX_ID})")
    return number


def _year(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= 9999:
        raise ValueError(f"'{value}' is not a year (1 to 9999)")
    return number


class Kind(ABC):
    name: ClassVar[str]
    plural: ClassVar[str]
    model: ClassVar[type[Any]]
    schema: ClassVar[type[s.Shape]]
    filters: ClassVar[dict[str, Filter]] = {}
    # Input fields that point at other records (for views): field -> record type.
    refs: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def apply(self, obj: Any, data: Any, r: Resolver) -> None:
        """Set ``obj`` from validated input, reporting problems to ``r``."""

    @abstractmethod
    def to_input(self, obj: Any, session: Session) -> dict[str, Any]:
        """The record in input shape (the inverse of :meth:`apply`)."""

    def label(self, obj: Any) -> str:
        return str(getattr(obj, "title", None) or f"{self.name} #{obj.id}")

    def check_unique(self, obj: Any, data: Any, r: Resolver) -> None:  # noqa: B027
        """Refuse a second record with the same natural key (codes); most types have none."""


def _unique(r: Resolver, obj: Any, query: Any, what: str) -> None:
    """Fail 'code' if another record already has this natural key."""
    other = r.session.execute(query).scalar_one_or_none()
    if other is not None and other != obj.id:
        r.fail("code", f"{what} is taken already (#{other})")


def _date(obj: Any, prefix: str = "date") -> str | None:
    return render(
        getattr(obj, f"{prefix}_start"),
        getattr(obj, f"{prefix}_end"),
        getattr(obj, f"{prefix}_precision"),
        getattr(obj, f"{prefix}_estimate"),
    )


def _set_date(obj: Any, r: Resolver, text: str | None, prefix: str, field_name: str) -> None:
    start, end, precision, estimate = date_columns(r.date(text, field_name))
    setattr(obj, f"{prefix}_start", start)
    setattr(obj, f"{prefix}_end", end)
    setattr(obj, f"{prefix}_precision", precision)
    setattr(obj, f"{prefix}_estimate", estimate)


class SourceKind(Kind):
    name, plural, model, schema = "source", "sources", m.Source, s.SourceIn
    filters: ClassVar[dict[str, Filter]] = {
        "kind": lambda v: m.Source.kind == v,
        "language": lambda v: m.Source.language == v,
        "level": lambda v: m.Source.level == v,
        "year": lambda v: extract("year", m.Source.published_start) == _year(v),
        "parent": lambda v: m.Source.parent_id == _id(v),
    }
    refs: ClassVar[dict[str, str]] = {"parent": "source", "witness": "person",
                                      "based_on": "source"}

    def apply(self, obj: m.Source, d: s.SourceIn, r: Resolver) -> None:
        obj.level, obj.kind, obj.title, obj.text = d.level, d.kind, d.title, d.text
        r.term("source_kind", d.kind, "kind")
        obj.language, obj.origin = d.language, d.origin
        obj.reliability = r.term("reliability", d.reliability, "reliability")
        _set_date(obj, r, d.published, "published", "published")
        _set_date(obj, r, d.recorded, "recorded", "recorded")
        obj.original_filename, obj.media_type = d.original_filename, d.media_type
        if d.blob_sha256 is not None and r.session.get(m.Blob, d.blob_sha256) is None:
            r.fail("blob_sha256", f"no blob {d.blob_sha256}")
        obj.blob_sha256 = d.blob_sha256
        obj.parent_id = r.record(d.parent, "source", "parent")
        if d.pages is not None and (
            d.pages != sorted(d.pages) or any(p < 0 or p > len(d.text) for p in d.pages)
        ):
            r.fail("pages", "page offsets must be ascending and inside the text")
        obj.pages, obj.extra = d.pages, d.extra
        obj.witness_id = r.record(d.witness, "person", "witness")
        obj.witness_key = d.witness_key.strip() if d.witness_key else None
        obj.publisher = " ".join(d.publisher.split()) if d.publisher else None
        obj.based_on_id = r.record(d.based_on, "source", "based_on")
        if obj.based_on_id is not None and obj.based_on_id == obj.id:
            r.fail("based_on", "a source cannot restate itself")

    def to_input(self, obj: m.Source, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "kind": obj.kind, "title": obj.title, "text": obj.text,
            "language": obj.language, "origin": obj.origin, "reliability": obj.reliability,
            "published": _date(obj, "published"), "recorded": _date(obj, "recorded"),
            "original_filename": obj.original_filename, "media_type": obj.media_type,
            "blob_sha256": obj.blob_sha256, "parent": obj.parent_id, "pages": obj.pages,
            "extra": obj.extra, "witness": obj.witness_id, "witness_key": obj.witness_key,
            "publisher": obj.publisher, "based_on": obj.based_on_id,
        }


class PersonKind(Kind):
    name, plural, model, schema = "person", "persons", m.Person, s.PersonIn
    filters: ClassVar[dict[str, Filter]] = {
        "kind": lambda v: m.Person.kind == v,
        "sex": lambda v: m.Person.sex == v,
        "level": lambda v: m.Person.level == v,
        "name": lambda v: m.Person.id.in_(
            select(m.PersonName.person_id).where(m.PersonName.name == v)
        ),
    }

    def apply(self, obj: m.Person, d: s.PersonIn, r: Resolver) -> None:
        obj.level, obj.kind = d.level, r.term("person_kind", d.kind, "kind") or d.kind
        obj.sex = r.term("sex", d.sex, "sex")
        obj.birth_year, obj.birth_year_estimate = d.birth_year, d.birth_year_estimate
        obj.origin_place_id = r.place(d.origin_place, "origin_place")
        obj.roles = r.terms("role", d.roles, "roles")
        obj.description = d.description
        for i, n in enumerate(d.names):
            r.term("name_system", n.system, f"names.{i}.system")
        obj.names = [m.PersonName(name=n.name, system=n.system, position=i)
                     for i, n in enumerate(d.names)]
        if d.protected is None:
            obj.protected = None
        else:
            p = obj.protected or m.PersonProtected()
            for key, value in d.protected.model_dump().items():
                setattr(p, key, value)
            obj.protected = p

    def to_input(self, obj: m.Person, session: Session, *, protected: bool = True
                 ) -> dict[str, Any]:
        """``protected=False`` leaves the protected part unread (it may need the at-rest key),
        for readers who may not see it anyway."""
        r = Resolver(session)
        p = obj.protected if protected else None
        return {
            "level": obj.level, "kind": obj.kind, "sex": obj.sex, "birth_year": obj.birth_year,
            "birth_year_estimate": obj.birth_year_estimate,
            "origin_place": r.place_code(obj.origin_place_id), "roles": list(obj.roles),
            "description": obj.description,
            "names": [{"name": n.name, "system": n.system} for n in obj.names],
            "protected": None if p is None else {
                "real_name": p.real_name,
                "birth_date": p.birth_date.isoformat() if p.birth_date else None,
                "home_village": p.home_village, "family": p.family, "contacts": p.contacts,
                "notes": p.notes,
            },
        }

    def label(self, obj: m.Person) -> str:
        return obj.names[0].name if obj.names else f"person #{obj.id}"


class EventKind(Kind):
    name, plural, model, schema = "event", "events", m.Event, s.EventIn
    filters: ClassVar[dict[str, Filter]] = {
        "level": lambda v: m.Event.level == v,
        "year": lambda v: extract("year", m.Event.date_start) == _year(v),
        "place": lambda v: m.Event.places.any(m.Place.code == v),
    }

    def apply(self, obj: m.Event, d: s.EventIn, r: Resolver) -> None:
        obj.level, obj.title, obj.description = d.level, d.title, d.description
        _set_date(obj, r, d.date, "date", "date")
        ids = [r.place(p, f"places.{i}") for i, p in enumerate(d.places)]
        obj.places = [r.session.get_one(m.Place, i) for i in dict.fromkeys(ids) if i is not None]

    def to_input(self, obj: m.Event, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "title": obj.title, "description": obj.description,
            "date": _date(obj), "places": [p.code for p in obj.places],
        }


class ActKind(Kind):
    name, plural, model, schema = "act", "acts", m.Act, s.ActIn
    filters: ClassVar[dict[str, Filter]] = {
        "level": lambda v: m.Act.level == v,
        "act_type": lambda v: m.Act.act_type == v,
        "event": lambda v: m.Act.event_id == _id(v),
        "victim": lambda v: m.Act.victim_id == _id(v),
        "year": lambda v: extract("year", m.Act.date_start) == _year(v),
        "facility": lambda v: m.Act.facility_id.in_(
            select(m.Place.id).where(m.Place.code == v)),
        # Acts whose (fuzzy) date range reaches into the years asked: a timeline's window.
        "from_year": lambda v: extract("year", func.coalesce(m.Act.date_end, m.Act.date_start))
        >= _year(v),
        "to_year": lambda v: extract("year", m.Act.date_start) <= _year(v),
    }
    refs: ClassVar[dict[str, str]] = {"event": "event", "victim": "person"}

    def apply(self, obj: m.Act, d: s.ActIn, r: Resolver) -> None:
        obj.level = d.level
        obj.event_id = r.record(d.event, "event", "event")  # type: ignore[assignment]
        obj.act_type = r.term("act_type", d.act_type, "act_type") or d.act_type
        obj.victim_id = r.record(d.victim, "person", "victim")  # type: ignore[assignment]
        _set_date(obj, r, d.date, "date", "date")
        obj.place_id = r.place(d.place, "place")
        obj.facility_id = r.place(d.facility, "facility")
        if obj.facility_id is not None:
            facility = r.session.get_one(m.Place, obj.facility_id)
            if facility.kind != "facility":
                r.fail("facility", f"place '{facility.code}' is not a facility")
        obj.victim_status = r.term("victim_status", d.victim_status, "victim_status")
        obj.description = d.description

    def to_input(self, obj: m.Act, session: Session) -> dict[str, Any]:
        r = Resolver(session)
        return {
            "level": obj.level, "event": obj.event_id, "act_type": obj.act_type,
            "victim": obj.victim_id, "date": _date(obj), "place": r.place_code(obj.place_id),
            "facility": r.place_code(obj.facility_id), "victim_status": obj.victim_status,
            "description": obj.description,
        }

    def label(self, obj: m.Act) -> str:
        return f"{obj.act_type} (act #{obj.id})"


class InvolvementKind(Kind):
    name, plural, model, schema = "involvement", "involvements", m.Involvement, s.InvolvementIn
    filters: ClassVar[dict[str, Filter]] = {
        "level": lambda v: m.Involvement.level == v,
        "act": lambda v: m.Involvement.act_id == _id(v),
        "perpetrator": lambda v: m.Involvement.perpetrator_id == _id(v),
        "agency": lambda v: m.Involvement.agency == v,
    }
    refs: ClassVar[dict[str, str]] = {"act": "act", "perpetrator": "person"}

    def apply(self, obj: m.Involvement, d: s.InvolvementIn, r: Resolver) -> None:
        obj.level = d.level
        obj.act_id = r.record(d.act, "act", "act")  # type: ignore[assignment]
        obj.perpetrator_id = r.record(d.perpetrator, "person", "perpetrator")  # type: ignore[assignment]
        obj.agency = r.term("agency", d.agency, "agency")
        obj.degree = r.term("involvement_degree", d.degree, "degree")
        obj.description = d.description

    def to_input(self, obj: m.Involvement, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "act": obj.act_id, "perpetrator": obj.perpetrator_id,
            "agency": obj.agency, "degree": obj.degree, "description": obj.description,
        }

    def label(self, obj: m.Involvement) -> str:
        return f"involvement #{obj.id} in act #{obj.act_id}"


class RelationKind(Kind):
    name, plural, model, schema = "relation", "relations", m.Relation, s.RelationIn
    filters: ClassVar[dict[str, Filter]] = {
        "level": lambda v: m.Relation.level == v,
        "kind": lambda v: m.Relation.kind == v,
        # Either side: the relations a person has, whichever way they were written.
        "person": lambda v: (m.Relation.person_a_id == _id(v)) | (m.Relation.person_b_id
                                                                  == _id(v)),
    }
    refs: ClassVar[dict[str, str]] = {"person_a": "person", "person_b": "person"}

    def apply(self, obj: m.Relation, d: s.RelationIn, r: Resolver) -> None:
        obj.level = d.level
        obj.person_a_id = r.record(d.person_a, "person", "person_a")  # type: ignore[assignment]
        obj.person_b_id = r.record(d.person_b, "person", "person_b")  # type: ignore[assignment]
        if obj.person_a_id is not None and obj.person_a_id == obj.person_b_id:
            r.fail("person_b", "a relation is between two different persons")
        obj.kind = r.term("relation_kind", d.kind, "kind") or d.kind
        obj.description = d.description

    def to_input(self, obj: m.Relation, session: Session) -> dict[str, Any]:
        return {"level": obj.level, "person_a": obj.person_a_id, "person_b": obj.person_b_id,
                "kind": obj.kind, "description": obj.description}

    def label(self, obj: m.Relation) -> str:
        # Shown only to readers who may see both persons (policy.may_see_relation), and
        # masked like every label for those not cleared for a restricted person's names.
        person = KINDS["person"]
        return f"{person.label(obj.person_a)} → {obj.kind} → {person.label(obj.person_b)}"


LEVEL_ORDER = {"public": 0, "internal": 1, "restricted": 2}


class EvidenceKind(Kind):
    name, plural, model, schema = "evidence", "evidence", m.Evidence, s.EvidenceIn
    filters: ClassVar[dict[str, Filter]] = {
        "level": lambda v: m.Evidence.level == v,
        "source": lambda v: m.Evidence.source_id == _id(v),
        "record_type": lambda v: m.Evidence.record_type == v,
        "record_id": lambda v: m.Evidence.record_id == _id(v),
    }
    refs: ClassVar[dict[str, str]] = {"source": "source"}

    def apply(self, obj: m.Evidence, d: s.EvidenceIn, r: Resolver) -> None:
        obj.level = d.level
        source_id = r.record(d.source, "source", "source")
        target = r.any_record(d.record, "record")
        if target is not None:
            obj.record_type, obj.record_id = target
        obj.connection = r.term("connection", d.connection, "connection")
        obj.reliability = r.term("reliability", d.reliability, "reliability")
        if source_id is None:
            return
        source = r.session.get_one(m.Source, source_id)
        obj.source_id = source_id
        if LEVEL_ORDER[d.level] < LEVEL_ORDER[source.level]:
            # A quote is the source's own words: it may not be shown more widely than the source.
            r.fail("level", Said(
                "evidence.above_source",
                f"evidence cannot be more public than its source ({source.level})",
                f"근거는 자료보다 더 공개될 수 없습니다 (자료: {LEVELS_KO[source.level]})"))
        self._passage(obj, d, source, r)

    def _passage(self, obj: m.Evidence, d: s.EvidenceIn, source: m.Source, r: Resolver) -> None:
        text = source.text
        start, end = d.start, d.end
        if start is None and end is None:
            if not d.quote:
                r.fail("quote", "give a quote or start and end offsets")
                return
            start = text.find(d.quote)
            if start < 0:
                r.fail("quote", Said("evidence.quote_missing", "not found in the source text",
                                     "자료 본문에 없는 인용입니다"))
                return
            end = start + len(d.quote)
        elif start is None or end is None:
            r.fail("end" if end is None else "start", "give both start and end offsets")
            return
        if end <= start or end > len(text):
            r.fail("end", f"offsets {start}..{end} are outside the source text "
                          f"(0..{len(text)})")
            return
        if d.quote is not None and text[start:end] != d.quote:
            r.fail("quote", f"does not match the source text at {start}..{end}")
            return
        obj.start_offset, obj.end_offset, obj.quote = start, end, text[start:end]
        obj.page = d.page or _page_of(source.pages, start)

    def to_input(self, obj: m.Evidence, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "source": obj.source_id,
            "record": {"type": obj.record_type, "id": obj.record_id},
            "start": obj.start_offset, "end": obj.end_offset, "quote": obj.quote,
            "page": obj.page, "connection": obj.connection, "reliability": obj.reliability,
        }

    def label(self, obj: m.Evidence) -> str:
        return f"evidence #{obj.id}: source #{obj.source_id} → {obj.record_type} #{obj.record_id}"


def _page_of(pages: list[int] | None, offset: int) -> int | None:
    if not pages:
        return None
    number = None
    for i, start in enumerate(pages):
        if start <= offset:
            number = i + 1
    return number


def _name_list(names: list[s.NameIn], r: Resolver) -> list[m.PlaceName]:
    for i, n in enumerate(names):
        r.term("name_system", n.system, f"names.{i}.system")
    return [m.PlaceName(name=n.name, system=n.system, position=i) for i, n in enumerate(names)]


class PlaceKind(Kind):
    name, plural, model, schema = "place", "places", m.Place, s.PlaceIn
    filters: ClassVar[dict[str, Filter]] = {
        "kind": lambda v: m.Place.kind == v,
        "code": lambda v: m.Place.code == v,
        "iso": lambda v: m.Place.iso_code == v,
        "facility_type": lambda v: m.Place.facility_type == v,
        "parent": lambda v: m.Place.parent_id.in_(select(m.Place.id).where(m.Place.code == v)),
    }

    def apply(self, obj: m.Place, d: s.PlaceIn, r: Resolver) -> None:
        obj.level, obj.code = d.level, d.code
        obj.kind = r.term("place_kind", d.kind, "kind") or d.kind
        obj.parent_id = r.place(d.parent, "parent")
        if obj.parent_id is not None and obj.parent_id == obj.id:
            r.fail("parent", "a place cannot contain itself")
        obj.iso_code, obj.name_en, obj.name_ko = d.iso, d.en, d.ko
        obj.names = _name_list(d.names, r)
        obj.facility_type = r.term("facility_type", d.facility_type, "facility_type")
        obj.agency = r.term("agency", d.agency, "agency")
        obj.latitude, obj.longitude, obj.source_note = d.latitude, d.longitude, d.source
        # Kept as the canonical date text: a facility's dates are shown, never counted.
        opened, closed = r.date(d.opened, "opened"), r.date(d.closed, "closed")
        obj.opened = str(opened) if opened else None
        obj.closed = str(closed) if closed else None

    def check_unique(self, obj: m.Place, d: s.PlaceIn, r: Resolver) -> None:
        _unique(r, obj, select(m.Place.id).where(m.Place.code == d.code),
                f"place code '{d.code}'")

    def to_input(self, obj: m.Place, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "code": obj.code, "kind": obj.kind,
            "parent": Resolver(session).place_code(obj.parent_id), "iso": obj.iso_code,
            "en": obj.name_en, "ko": obj.name_ko,
            "names": [{"name": n.name, "system": n.system} for n in obj.names],
            "facility_type": obj.facility_type, "agency": obj.agency,
            "latitude": obj.latitude, "longitude": obj.longitude, "opened": obj.opened,
            "closed": obj.closed, "source": obj.source_note,
        }

    def label(self, obj: m.Place) -> str:
        return f"{obj.name_ko} / {obj.name_en}"


class TermKind(Kind):
    name, plural, model, schema = "term", "terms", m.Term, s.TermIn
    filters: ClassVar[dict[str, Filter]] = {
        "vocabulary": lambda v: m.Term.vocabulary == v,
        "code": lambda v: m.Term.code == v,
        "parent": lambda v: m.Term.parent_code == v,
    }

    def apply(self, obj: m.Term, d: s.TermIn, r: Resolver) -> None:
        obj.level, obj.vocabulary, obj.code = d.level, d.vocabulary, d.code
        if d.parent is not None and d.parent not in r.codes(d.vocabulary) | {d.code}:
            r.fail("parent", f"unknown {d.vocabulary} code '{d.parent}'")
        obj.parent_code, obj.label_en, obj.label_ko = d.parent, d.en, d.ko
        obj.synonyms_en, obj.synonyms_ko = list(d.synonyms_en), list(d.synonyms_ko)
        obj.description_en, obj.description_ko = d.description_en, d.description_ko
        obj.source_note, obj.sort_order = d.source, d.sort_order
        r.forget_codes(d.vocabulary)

    def check_unique(self, obj: m.Term, d: s.TermIn, r: Resolver) -> None:
        _unique(r, obj, select(m.Term.id).where(m.Term.vocabulary == d.vocabulary,
                                                m.Term.code == d.code),
                f"{d.vocabulary} code '{d.code}'")

    def to_input(self, obj: m.Term, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "vocabulary": obj.vocabulary, "code": obj.code,
            "en": obj.label_en, "ko": obj.label_ko, "parent": obj.parent_code,
            "synonyms_en": list(obj.synonyms_en), "synonyms_ko": list(obj.synonyms_ko),
            "description_en": obj.description_en, "description_ko": obj.description_ko,
            "source": obj.source_note, "sort_order": obj.sort_order,
        }

    def label(self, obj: m.Term) -> str:
        return f"{obj.vocabulary}:{obj.code} {obj.label_ko} / {obj.label_en}"


class SeriesKind(Kind):
    name, plural, model, schema = "series", "series", m.Series, s.SeriesIn
    filters: ClassVar[dict[str, Filter]] = {"code": lambda v: m.Series.code == v}

    def apply(self, obj: m.Series, d: s.SeriesIn, r: Resolver) -> None:
        from sillok.archive.periods import period_range

        obj.level, obj.code, obj.title_en, obj.title_ko = d.level, d.code, d.title_en, d.title_ko
        obj.unit, obj.description, obj.source_note = d.unit, d.description, d.source
        seen: set[tuple[str, str]] = set()
        # Existing rows are updated in place: replacing them would insert the new row before
        # the old one is deleted and trip the (series, period, breakdown) unique key.
        existing = {(o.period, o.breakdown): o for o in obj.observations}
        observations = []
        for i, o in enumerate(d.observations):
            try:
                start, end, period = period_range(o.period)
            except ValueError as exc:
                r.fail(f"observations.{i}.period", str(exc))
                continue
            if (period, o.breakdown) in seen:
                r.fail(f"observations.{i}.period", f"{period} {o.breakdown} given twice")
            seen.add((period, o.breakdown))
            row = existing.get((period, o.breakdown)) or m.Observation(period=period,
                                                                        breakdown=o.breakdown)
            row.period_start, row.period_end, row.value = start, end, o.value
            row.source_note, row.provisional, row.derived = o.source, o.provisional, o.derived
            observations.append(row)
        obj.observations = observations

    def check_unique(self, obj: m.Series, d: s.SeriesIn, r: Resolver) -> None:
        _unique(r, obj, select(m.Series.id).where(m.Series.code == d.code),
                f"series code '{d.code}'")

    def to_input(self, obj: m.Series, session: Session) -> dict[str, Any]:
        return {
            "level": obj.level, "code": obj.code, "title_en": obj.title_en,
            "title_ko": obj.title_ko, "unit": obj.unit, "description": obj.description,
            "source": obj.source_note,
            "observations": [
                {"period": o.period, "breakdown": o.breakdown, "value": o.value,
                 "source": o.source_note, "provisional": o.provisional, "derived": o.derived}
                for o in sorted(obj.observations, key=lambda o: (o.period.upper(), o.breakdown))
            ],
        }

    def label(self, obj: m.Series) -> str:
        return f"{obj.code}: {obj.title_ko} / {obj.title_en}"


# Dependency order: a record type only refers to types before it (export writes in this order).
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (TermKind(), PlaceKind(), SeriesKind(), SourceKind(), PersonKind(), EventKind(),
              ActKind(), InvolvementKind(), RelationKind(), EvidenceKind())
}
ALIASES = {k.plural: k.name for k in KINDS.values()}


def kind_named(name: str) -> Kind:
    from sillok.errors import Invalid

    key = ALIASES.get(name.lower(), name.lower())
    if key not in KINDS:
        raise Invalid({"type": f"unknown record type '{name}' (one of: {', '.join(KINDS)})"})
    return KINDS[key]


def protected_digest(snapshot: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The snapshot with protected person details replaced by keyed digests, for the audit
    trail (archive/digests.py says why keyed)."""
    protected = snapshot.get("protected")
    if not protected:
        return snapshot
    hidden = {
        name: None if value is None else digest(str(value), key)
        for name, value in protected.items()
    }
    return {**snapshot, "protected": hidden}
