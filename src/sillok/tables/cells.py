"""Reading one cell: Korean fuzzy dates, birth years, coordinates, and names looked up in the
vocabularies and the gazetteer in any spelling.

Dates go through the archive's own syntax (archive/dates.py) and, for what people write in
Korean (2019년 3월경, 2019.3, 19년 봄), through the date finder that extraction uses
(extract/dates.py): one reading of dates in the whole system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive import dates
from sillok.db import models as m
from sillok.extract.dates import date_text, find_dates
from sillok.language.names import hangul_keys, latin_keys
from sillok.tables.notes import CellError, Note

# Words beside a date that make it an estimate (2019년 3월경, 2019년쯤, 약 2019년).
APPROXIMATE = ("경", "쯤", "무렵", "즈음", "께", "추정", "약", "대략", "circa", "ca", "about",
               "approx", "approximately", "c")
_REST = re.compile(r"[\s().,~?]+")
_NOT_NAME = re.compile(r"[\s\-_.'’·]+")
HANGUL = re.compile(r"[가-힣]")
# What spreadsheets write for sex besides the vocabulary's labels and synonyms.
SEX_SHORT = {"여": "female", "f": "female", "w": "female", "남": "male", "m": "male"}


def norm(text: str) -> str:
    return _NOT_NAME.sub("", text).casefold()


def split_values(value: Any) -> list[str]:
    """Uwazi's (and many lists') several values in one cell, separated by |."""
    if value is None:
        return []
    return [part.strip() for part in str(value).split("|") if part.strip()]


def parse_date(value: Any) -> dates.FuzzyDate:
    """A cell as a date with its precision; raises ValueError saying what was not understood."""
    if isinstance(value, datetime):
        return dates.parse(value.date())
    if isinstance(value, date):
        return dates.parse(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    try:
        return dates.parse(text)
    except ValueError:
        pass
    hits = find_dates(text, None)
    if len(hits) == 1:
        hit = hits[0]
        rest = _REST.sub(" ", text[:hit.start] + " " + text[hit.end:]).split()
        if all(word.casefold() in APPROXIMATE for word in rest):
            found = date_text(hit.first_day, hit.precision, hit.last_day)
            if rest and not found.startswith("~"):
                found = "~" + found
            return dates.parse(found)
    raise CellError(Note("bad_date", value=text))


def parse_year(value: Any) -> tuple[int, bool]:
    """A birth year and whether it is an estimate (1985, 1985년생, 1985년경, 1985-03-02)."""
    found = parse_date(value)
    if not 1850 <= found.start.year <= 2100:
        raise CellError(Note("bad_year", year=found.start.year))
    return found.start.year, found.estimate or found.start.year != found.end.year


def parse_point(value: Any) -> tuple[float, float]:
    """Uwazi's geolocation ``lat|lon`` (a comma is accepted too)."""
    parts = [p for p in re.split(r"[|,]", str(value)) if p.strip()]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise CellError(Note("bad_point", value=str(value))) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CellError(Note("off_globe", value=str(value)))
    return lat, lon


def name_system(name: str) -> str:
    return "hangul" if HANGUL.search(name) else "english"


@dataclass
class Vocabulary:
    """One vocabulary's terms by code, Korean and English label, and synonyms."""

    name: str
    codes: dict[str, str] = field(default_factory=dict)  # normalised name -> code
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (ko, en)

    @classmethod
    def load(cls, session: Session, name: str) -> Vocabulary:
        vocab = cls(name)
        terms = session.execute(select(m.Term).where(
            m.Term.vocabulary == name, m.Term.retracted_at.is_(None))).scalars()
        for t in terms:
            vocab.labels[t.code] = (t.label_ko, t.label_en)
            for text in (t.code, t.label_ko, t.label_en, *t.synonyms_ko, *t.synonyms_en):
                vocab.codes.setdefault(norm(str(text)), t.code)
        return vocab

    def code(self, value: str) -> str | None:
        return self.codes.get(norm(value))


@dataclass
class Places:
    """The gazetteer by every name it holds, and by the romanization-blind name key that
    search uses (Hoeryong = Hoeryŏng = Hweryong = 회령)."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    keyed: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Places:
        places = cls()
        rows = session.execute(select(m.Place.id, m.Place.code, m.Place.name_en,
                                      m.Place.name_ko).where(m.Place.retracted_at.is_(None)))
        codes: dict[int, str] = {}
        for pid, code, en, ko in rows:
            codes[pid] = code
            for name in (code, en, ko):
                places.add(name, code)
        for pid, name in session.execute(select(m.PlaceName.place_id, m.PlaceName.name)):
            if pid in codes:
                places.add(name, codes[pid])
        return places

    def add(self, name: str, code: str) -> None:
        self.exact.setdefault(norm(name), set()).add(code)
        key = _key(name)
        if key:
            self.keyed.setdefault(key, set()).add(code)

    def find(self, value: str) -> tuple[str | None, str | None]:
        """(code, None) when ``value`` names one place; (None, why) otherwise."""
        for attempt in (value, value.split()[-1] if " " in value.strip() else None):
            if not attempt:
                continue
            for found in (self.exact.get(norm(attempt)), self.keyed.get(_key(attempt))):
                if found and len(found) == 1:
                    return next(iter(found)), None
                if found:
                    return None, Note("place_ambiguous", value=value,
                                      codes=", ".join(sorted(found)))
        return None, Note("place_unknown", value=value)


def _key(name: str) -> str:
    words = name.split()
    keys = hangul_keys(name.replace(" ", "")) if HANGUL.search(name) else latin_keys(
        "-".join(words))
    return keys[-1] if keys else ""
