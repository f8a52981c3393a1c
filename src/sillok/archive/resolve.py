"""Checking input against the archive: term codes, place codes, references to other records.

A Resolver collects every problem of a record as a field error instead of stopping at the
first, so a user fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive import dates
from sillok.db import models as m
from sillok.errors import Invalid, Said, what_ko

# Which model each referable record type is.
MODELS: dict[str, type[Any]] = {
    "source": m.Source,
    "event": m.Event,
    "act": m.Act,
    "involvement": m.Involvement,
    "person": m.Person,
    "evidence": m.Evidence,
    "relation": m.Relation,
    "place": m.Place,
    "term": m.Term,
    "series": m.Series,
}


@dataclass
class Resolver:
    session: Session
    # Names local to a bulk file: ref -> (record type, id).
    refs: dict[str, tuple[str, int]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # An import restores retracted records and the links that pointed at them before.
    allow_retracted: bool = False
    _codes: dict[str, set[str]] = field(default_factory=dict)
    _places: dict[str, int] = field(default_factory=dict)

    def fail(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, message)

    def raise_if_errors(self) -> None:
        if self.errors:
            errors, self.errors = self.errors, {}
            raise Invalid(errors)

    # -- vocabularies -------------------------------------------------------------------
    def codes(self, vocabulary: str) -> set[str]:
        if vocabulary not in self._codes:
            rows = self.session.execute(
                select(m.Term.code).where(
                    m.Term.vocabulary == vocabulary, m.Term.retracted_at.is_(None)
                )
            ).scalars()
            self._codes[vocabulary] = set(rows)
        return self._codes[vocabulary]

    def forget_codes(self, vocabulary: str) -> None:
        self._codes.pop(vocabulary, None)

    def term(self, vocabulary: str, code: str | None, field_name: str) -> str | None:
        if code is None:
            return None
        if code not in self.codes(vocabulary):
            self.fail(field_name, Said("code.unknown", f"unknown {vocabulary} code '{code}'",
                                       f"'{code}'은(는) 용어집에 없는 값입니다"))
        return code

    def terms(self, vocabulary: str, codes: list[str], field_name: str) -> list[str]:
        for i, code in enumerate(codes):
            self.term(vocabulary, code, f"{field_name}.{i}")
        return list(codes)

    # -- places -------------------------------------------------------------------------
    def place(self, ref: int | str | None, field_name: str) -> int | None:
        if ref is None:
            return None
        if isinstance(ref, int):
            place = self.session.get(m.Place, ref)
            if place is None:
                self.fail(field_name, Said("place.missing", f"no place #{ref}",
                                           f"장소 #{ref}이(가) 없습니다"))
                return None
            return place.id
        if ref in self.refs and self.refs[ref][0] == "place":
            return self.refs[ref][1]
        if ref not in self._places:
            found = self.session.execute(
                select(m.Place.id).where(m.Place.code == ref)
            ).scalar_one_or_none()
            if found is None:
                self.fail(field_name, Said("place.unknown", f"unknown place code '{ref}'",
                                           f"'{ref}'은(는) 지명 사전에 없는 장소입니다"))
                return None
            self._places[ref] = found
        return self._places[ref]

    def place_code(self, place_id: int | None) -> str | None:
        if place_id is None:
            return None
        place = self.session.get(m.Place, place_id)
        return place.code if place else None

    # -- records ------------------------------------------------------------------------
    def record(self, ref: int | str | None, kind: str, field_name: str) -> int | None:
        """The id of the ``kind`` record that ``ref`` names (an id, or a ref from this file)."""
        if ref is None:
            return None
        if isinstance(ref, str):
            if ref not in self.refs:
                self.fail(field_name, f"unknown reference '{ref}'")
                return None
            found_kind, found_id = self.refs[ref]
            if found_kind != kind:
                article = "an" if found_kind[0] in "aeiou" else "a"
                self.fail(field_name, f"'{ref}' names {article} {found_kind} record, not a {kind}")
                return None
            ref = found_id
        obj = self.session.get(MODELS[kind], ref)
        if obj is None:
            self.fail(field_name, Said("record.missing", f"no {kind} #{ref}",
                                       f"{what_ko(f'{kind} #{ref}')}이(가) 없습니다"))
            return None
        if getattr(obj, "retracted_at", None) is not None and not self.allow_retracted:
            self.fail(field_name, Said("record.retracted", f"{kind} #{ref} is retracted",
                                       f"{what_ko(f'{kind} #{ref}')}은(는) 철회되었습니다"))
            return None
        return int(ref)

    def any_record(self, ref: Any, field_name: str) -> tuple[str, int] | None:
        """A reference to a record of any type: a ref string, or a {type, id} pointer."""
        if isinstance(ref, str):
            if ref not in self.refs:
                self.fail(field_name, f"unknown reference '{ref}'")
                return None
            kind, _ = self.refs[ref]
            found = self.record(ref, kind, field_name)
            return (kind, found) if found is not None else None
        pointed = str(getattr(ref, "type", ""))
        if pointed not in MODELS:
            self.fail(field_name, f"unknown record type '{pointed}'")
            return None
        found = self.record(ref.id, pointed, field_name)
        return (pointed, found) if found is not None else None

    # -- dates --------------------------------------------------------------------------
    def date(self, text: str | None, field_name: str) -> dates.FuzzyDate | None:
        if text is None:
            return None
        try:
            return dates.parse(text)
        except ValueError as exc:
            said = exc.args[0] if exc.args else ""
            self.fail(field_name, said if isinstance(said, Said) else str(exc))
            return None


def date_columns(fd: dates.FuzzyDate | None) -> tuple[date | None, date | None, str | None, bool]:
    if fd is None:
        return None, None, None, False
    return fd.start, fd.end, fd.precision, fd.estimate
