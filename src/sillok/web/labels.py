"""Codes as readers say them: terms, places with their parent region, dates with their
precision, record fields and record labels, in the reader's language (Korean or English).

No public page shows a stored code (``act_type forced_repatriation``, ``cn-tumen``,
``birth_year_estimate False``): every value goes through here on its way to a template.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select

from sillok.archive.dates import FuzzyDate, parse
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.web import i18n

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
# Field → (English, Korean) heading on a record page.
FIELD_LABELS = {
    "event": ("Event", "사건"), "act_type": ("Violation", "침해 유형"),
    "victim": ("Victim", "피해자"), "date": ("Date", "날짜"), "place": ("Place", "장소"),
    "places": ("Places", "장소"), "facility": ("Facility", "시설"),
    "victim_status": ("Victim's status afterwards", "이후 피해자 상태"),
    "description": ("Description", "설명"), "kind": ("Kind", "종류"), "sex": ("Sex", "성별"),
    "birth_year": ("Born", "출생 연도"), "origin_place": ("From", "출신지"),
    "roles": ("Roles", "역할"), "names": ("Names", "이름"), "act": ("Act", "행위"),
    "perpetrator": ("Perpetrator", "가해자"), "agency": ("Agency", "기관"),
    "degree": ("Involvement", "관여 정도"), "source": ("Source", "자료"),
    "record": ("Record", "기록"), "quote": ("Passage", "인용"),
    "connection": ("Connection to the information", "정보와의 관계"),
    "reliability": ("Reliability", "신뢰도"), "page": ("Page", "쪽"),
    "title": ("Title", "제목"), "code": ("Code", "코드"), "en": ("English", "영어"),
    "ko": ("Korean", "한국어"), "parent": ("Within", "상위 지역"),
    "facility_type": ("Facility type", "시설 유형"),
}
# A vocabulary's name (those FIELD_LABELS does not name).
VOCABULARIES = {"role": ("Role", "역할"), "involvement_degree": ("Involvement", "관여 정도"),
                "name_system": ("Writing system", "표기 체계"),
                "source_kind": ("Source kind", "자료 유형"),
                "place_kind": ("Place kind", "장소 유형"), "relation_kind": ("Relation", "관계"),
                "person_kind": ("Person kind", "인물 유형"),
                "date_precision": ("Date precision", "날짜 정밀도")}
# Fields whose value is a term code, and the vocabulary it is from.
TERM_FIELDS = {"act_type": "act_type", "victim_status": "victim_status", "sex": "sex",
               "roles": "role", "role": "role", "degree": "involvement_degree",
               "connection": "connection", "reliability": "reliability", "agency": "agency",
               "facility_type": "facility_type", "kind": None, "system": "name_system"}
PLACE_FIELDS = ("place", "places", "origin_place", "facility", "parent")
# Never shown as a row: the level is the page's business, the estimate flag goes with the year,
# offsets and hashes are for staff.
HIDDEN_FIELDS = {"level", "birth_year_estimate", "protected", "start", "end", "blob_sha256",
                 "synonyms_en", "synonyms_ko", "description_en", "description_ko"}
# The parts of a stored source note that are internal (the team's reference files, their
# sections, research markers): never printed (public_note).
_INTERNAL = [
    re.compile(r"\bnot in shared/reference\b"),
    re.compile(r"(?<![/\w.-])(?:shared|reference)/[\w./-]*"),
    re.compile(r"(?<![/\w])[\w-]+\.md\b"),
    re.compile(r"(?:\s*(?:and|,|;)?\s*§\s*[\d.]*\d)+"),
    re.compile(r"\s*\[(?:unverified|tool|derived)\]"),
]
_TIDY = [
    (re.compile(r"\bvia\s*(?=[);,]|$)"), ""),
    (re.compile(r"\(\s*[,;:]?\s*\)"), ""),
    (re.compile(r"\s*[,:]\s*(?=[;,)]|$)"), ""),
    (re.compile(r"(?:;\s*){2,}"), "; "),
    (re.compile(r"\s{2,}"), " "),
    (re.compile(r"\s+([;,)])"), r"\1"),
]


def pick(pair: tuple[str, str]) -> str:
    return pair[1] if i18n.current.get() == "ko" else pair[0]


def public_note(text: Any) -> str:
    """A stored note without the internal paths, sections and markers it may name."""
    note = str(text or "")
    for pattern in _INTERNAL:
        note = pattern.sub("", note)
    for pattern, replacement in _TIDY:
        note = pattern.sub(replacement, note)
    return note.strip(" :;,")


_URL = re.compile(r"https?://[^\s;,)\]]+")


def linkify(text: Any) -> Markup:
    """A citation with its addresses as links (the text escaped)."""
    out, last = [], 0
    raw = str(text or "")
    for found in _URL.finditer(raw):
        out.append(escape(raw[last:found.start()]))
        url = found.group(0)
        out.append(Markup('<a href="{0}" rel="noopener">{0}</a>').format(url))
        last = found.end()
    out.append(escape(raw[last:]))
    return Markup("").join(out)


def date_label(value: Any) -> str:
    """``2023-05`` → "2023년 5월" / "May 2023"; an estimate ``~2023-05`` → "2023년 5월경" /
    "around May 2023"; a range → both ends."""
    if not value:
        return ""
    try:
        fuzzy = parse(str(value))
    except (ValueError, TypeError):
        return str(value)
    ko = i18n.current.get() == "ko"
    text = _one(fuzzy, 0, ko)
    if fuzzy.is_range:
        text = f"{text} – {_one(fuzzy, 1, ko)}"
    if fuzzy.estimate:
        return f"{text}경" if ko else f"around {text}"
    return text


def _one(fuzzy: FuzzyDate, side: int, ko: bool) -> str:
    d = fuzzy.start if side == 0 else fuzzy.end
    precision = fuzzy.precision
    if fuzzy.is_range and precision != "year":
        # Each end to the precision it was written with, as far as it shows.
        text = str(fuzzy).lstrip("~").split("/")[side]
        precision = ("day" if len(text) == 10 else "quarter" if "Q" in text
                     else "month" if len(text) == 7 else "year")
    if precision == "day":
        return (f"{d.year}년 {d.month}월 {d.day}일" if ko
                else f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}")
    if precision == "month":
        return f"{d.year}년 {d.month}월" if ko else f"{MONTHS_EN[d.month - 1]} {d.year}"
    if precision == "quarter":
        q = (d.month - 1) // 3 + 1
        return f"{d.year}년 {q}분기" if ko else f"Q{q} {d.year}"
    return f"{d.year}년" if ko else f"{d.year}"


@dataclass
class PlaceName:
    en: str
    ko: str
    parent: str | None
    kind: str


class Labels:
    """Public term and place names by code, re-read at most once a minute."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.lock = threading.Lock()
        self.loaded = 0.0
        self.terms: dict[str, tuple[str, str]] = {}
        self.vocab_terms: dict[tuple[str, str], tuple[str, str]] = {}
        self.places: dict[str, PlaceName] = {}

    def _refresh(self) -> None:
        with self.lock:
            if time.monotonic() - self.loaded < 60:
                return
            with self.archive.sessions() as session:
                terms = list(session.execute(
                    select(m.Term).where(m.Term.level == "public")).scalars())
                places = list(session.execute(
                    select(m.Place).where(m.Place.level == "public")).scalars())
                codes = {p.id: p.code for p in places}
                self.places = {p.code: PlaceName(p.name_en, p.name_ko,
                                                 codes.get(p.parent_id or 0), p.kind)
                               for p in places}
            self.vocab_terms = {(t.vocabulary, t.code): (t.label_en, t.label_ko) for t in terms}
            self.terms = {}
            for t in terms:
                self.terms.setdefault(t.code, (t.label_en, t.label_ko))
            self.loaded = time.monotonic()

    def term(self, code: Any, vocabulary: str | None = None) -> str:
        self._refresh()
        pair = (self.vocab_terms.get((vocabulary, str(code))) if vocabulary else None) \
            or self.terms.get(str(code))
        return pick(pair) if pair else str(code or "")

    def place_name(self, code: Any) -> str:
        self._refresh()
        found = self.places.get(str(code))
        return pick((found.en, found.ko)) if found else str(code or "")

    def place(self, code: Any) -> str:
        """The place's name with its parent region's: "온성군, 함경북도" / "Onsong, North
        Hamgyong"; a country, or a place whose parent is not public, by its name alone."""
        self._refresh()
        found = self.places.get(str(code))
        if found is None:
            return str(code or "")
        name = pick((found.en, found.ko))
        parent = self.places.get(found.parent or "")
        if parent is None or found.kind == "country":
            return name
        return f"{name}, {pick((parent.en, parent.ko))}"


def record_url(item: dict[str, Any]) -> str:
    """The stable public address of a record: /sources/1, /events/1, /records/act/1."""
    kind, ident = item.get("type"), item.get("id")
    if kind in ("source", "event"):
        return f"/{kind}s/{ident}"
    return f"/records/{kind}/{ident}"


TYPE_NAMES = {"source": ("Source", "자료"), "event": ("Event", "사건"), "act": ("Act", "행위"),
              "person": ("Person", "인물"), "place": ("Place", "장소"), "term": ("Term", "용어"),
              "involvement": ("Involvement", "관여"), "evidence": ("Evidence", "근거"),
              "relation": ("Relation", "관계")}
_ACT = re.compile(r"^(\S+) \(act #(\d+)\)$")
_INVOLVEMENT = re.compile(r"^involvement #(\d+) in act #(\d+)$")
_EVIDENCE = re.compile(r"^evidence #(\d+): ")
_TERM = re.compile(r"^(\w+):(\S+) (.*) / (.*)$")
_PLACE = re.compile(r"^(.*) / (.*)$")
_RELATION = re.compile(r"^(.*) → (\w+) → (.*)$")


def record_label(labels: Labels, item: dict[str, Any]) -> str:
    """A record's label for readers: an act by its violation, a term or a place by its name in
    the reader's language — not by the codes the archive labels them with."""
    kind, text = item.get("type"), str(item.get("label") or "")
    ko = i18n.current.get() == "ko"
    if kind == "act" and (found := _ACT.match(text)):
        return f"{labels.term(found.group(1), 'act_type')} ({pick(TYPE_NAMES['act'])} " \
               f"#{found.group(2)})"
    if kind == "involvement" and (found := _INVOLVEMENT.match(text)):
        return (f"행위 #{found.group(2)}의 관여 #{found.group(1)}" if ko
                else f"Involvement #{found.group(1)} in act #{found.group(2)}")
    if kind == "evidence" and (found := _EVIDENCE.match(text)):
        return f"{pick(TYPE_NAMES['evidence'])} #{found.group(1)}"
    if kind == "term" and (found := _TERM.match(text)):
        return found.group(3) if ko else found.group(4)
    if kind == "relation" and (found := _RELATION.match(text)):
        return f"{found.group(1)} → {labels.term(found.group(2), 'relation_kind')} → " \
               f"{found.group(3)}"
    if kind == "place" and (found := _PLACE.match(text)):
        return found.group(1) if ko else found.group(2)
    return text


def field_rows(labels: Labels, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's fields as rows for a page: heading, then parts (text and, for a reference,
    a link), every code replaced by its label."""
    rows = []
    for key, value in fields.items():
        if key in HIDDEN_FIELDS or value in (None, "", [], {}):
            continue
        parts = _parts(labels, key, value, fields)
        if parts:
            heading = pick(FIELD_LABELS.get(key, (key.replace("_", " ").capitalize(),) * 2))
            rows.append({"key": key, "label": heading, "parts": parts})
    return rows


def value_parts(labels: Labels, key: str, value: Any, fields: dict[str, Any],
                link: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """One field's value as the workspace shows it: :func:`field_rows`'s parts (codes as
    labels, references by their label), linking with ``link``; a vocabulary by its name."""
    if key == "vocabulary" and value:
        return [{"text": pick(FIELD_LABELS.get(str(value), VOCABULARIES.get(
            str(value), (str(value), str(value))))), "url": None}]
    return _parts(labels, key, value, fields, link)


def _parts(labels: Labels, key: str, value: Any, fields: dict[str, Any],
           link: Callable[[dict[str, Any]], str] = record_url) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    parts: list[dict[str, Any]] = []
    for v in values:
        if isinstance(v, dict) and v.get("type"):
            url = link(v) if v.get("id") else None
            text = record_label(labels, v) or \
                f"{pick(TYPE_NAMES.get(str(v['type']), (str(v['type']),) * 2))} #{v.get('id')}"
            parts.append({"text": text, "url": url})
        elif isinstance(v, dict) and "name" in v:
            system = labels.term(v.get("system"), "name_system") if v.get("system") else ""
            parts.append({"text": f"{v['name']} ({system})" if system else str(v["name"]),
                          "url": None})
        elif isinstance(v, dict):
            continue
        elif key in PLACE_FIELDS:
            # A facility has its own page: names, agency, what happened there over time.
            url = f"/facilities/{v}" if key == "facility" else f"/places/{v}"
            parts.append({"text": labels.place(v), "url": url})
        elif key in TERM_FIELDS:
            parts.append({"text": labels.term(v, TERM_FIELDS[key]), "url": None})
        elif key == "date":
            parts.append({"text": date_label(v), "url": None})
        elif key == "birth_year":
            ko = i18n.current.get() == "ko"
            year = f"{v}년" if ko else str(v)
            if fields.get("birth_year_estimate"):
                year = f"{v}년경 (추정)" if ko else f"about {v} (estimated)"
            parts.append({"text": year, "url": None})
        elif isinstance(v, bool):
            parts.append({"text": pick(("yes", "예") if v else ("no", "아니요")), "url": None})
        else:
            parts.append({"text": str(v), "url": None})
    return parts
