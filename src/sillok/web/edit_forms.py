"""The edit form of each record type: which fields it shows, how a record fills it, and how
what was typed becomes the changes the archive validates (archive.update).

A field is named by its path in the record's input shape (``title``, ``protected.real_name``),
so the archive's own error paths land beside the field they concern, and the history's
changes (archive/editing.py) are labelled with the same labels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from sillok.web import i18n
from sillok.web.passage_records import place_code


def N_(message: str) -> str:
    """Marks a label for the catalogue; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English; translated when shown
    widget: str  # text, textarea, date, level, vocab, vocabs, int, float, bool, list,
    # place, places, ref, names, language
    vocabulary: str | None = None
    empty: Any = None  # what an empty input means for the archive ("" for texts)
    required: bool = False
    hint: str | None = None
    pick: str | None = None  # the picker of a ref, place or places field (search/pick.py)


LEVEL = Field("level", N_("Level"), "level")
DESCRIPTION = Field("description", N_("Description"), "textarea", empty="")
DATE_HINT = N_("e.g. 2021-03-15, 2021-03, 2021-Q1, 2021, ~2021 (about), 2019/2021 (between)")
NAMES_HINT = N_("One name a row: its spelling and how it is written; empty a row to remove it.")

FORMS: dict[str, tuple[Field, ...]] = {
    "source": (
        LEVEL,
        Field("title", N_("Title"), "text", required=True),
        Field("kind", N_("Kind"), "vocab", "source_kind", required=True),
        Field("language", N_("Language"), "language"),
        Field("origin", N_("Origin"), "text"),
        Field("reliability", N_("Reliability"), "vocab", "reliability"),
        Field("published", N_("Published"), "date", hint=DATE_HINT),
        Field("recorded", N_("Recorded"), "date", hint=DATE_HINT),
        # What makes sources independent of one another (docs/corroboration.md).
        Field("publisher", N_("Organisation that recorded or published it"), "text"),
        Field("witness", N_("Witness (person)"), "ref", pick="person"),
        Field("witness_key", N_("Witness key"), "text",
              hint=N_("Your organisation's code for a witness who has no person record.")),
        Field("based_on", N_("Restates the source"), "ref", pick="source",
              hint=N_("The source this one repeats, e.g. a news item's testimony.")),
    ),
    "event": (
        LEVEL,
        Field("title", N_("Title"), "text", required=True),
        Field("date", N_("Date"), "date", hint=DATE_HINT),
        Field("places", N_("Places"), "places", pick="place",
              hint=N_("Type a place's name in any spelling and choose it; again for more.")),
        DESCRIPTION,
    ),
    "act": (
        LEVEL,
        Field("act_type", N_("Violation"), "vocab", "act_type", required=True),
        Field("event", N_("Event"), "ref", required=True, pick="event"),
        Field("victim", N_("Victim"), "ref", required=True, pick="person"),
        Field("date", N_("Date"), "date", hint=DATE_HINT),
        Field("place", N_("Place"), "place", pick="place"),
        Field("facility", N_("Facility"), "place", pick="facility"),
        Field("victim_status", N_("Victim's status afterwards"), "vocab", "victim_status"),
        DESCRIPTION,
    ),
    "involvement": (
        LEVEL,
        Field("act", N_("Act"), "ref", required=True, pick="act"),
        Field("perpetrator", N_("Perpetrator"), "ref", required=True, pick="person"),
        Field("agency", N_("Agency"), "vocab", "agency"),
        Field("degree", N_("Degree of involvement"), "vocab", "involvement_degree"),
        DESCRIPTION,
    ),
    "person": (
        LEVEL,
        Field("names", N_("Names"), "names", required=True, hint=NAMES_HINT),
        Field("kind", N_("Kind"), "vocab", "person_kind", required=True),
        Field("sex", N_("Sex"), "vocab", "sex"),
        Field("birth_year", N_("Birth year"), "int"),
        Field("birth_year_estimate", N_("Birth year is an estimate"), "bool"),
        Field("origin_place", N_("Place of origin"), "place", pick="place"),
        Field("roles", N_("Roles"), "vocabs", "role"),
        DESCRIPTION,
        Field("protected.real_name", N_("Real name"), "text"),
        Field("protected.birth_date", N_("Date of birth"), "text",
              hint=N_("e.g. 1975-04-12")),
        Field("protected.home_village", N_("Home village"), "text"),
        Field("protected.family", N_("Family"), "textarea"),
        Field("protected.contacts", N_("Contacts"), "textarea"),
        Field("protected.notes", N_("Notes"), "textarea"),
    ),
    "relation": (
        LEVEL,
        Field("person_a", N_("Person"), "ref", required=True),
        Field("kind", N_("Relation"), "vocab", "relation_kind", required=True),
        Field("person_b", N_("Of the person"), "ref", required=True),
        DESCRIPTION,
    ),
    "evidence": (
        LEVEL,
        Field("start", N_("Passage starts at"), "int", required=True),
        Field("end", N_("Passage ends at"), "int", required=True),
        Field("page", N_("Page"), "int"),
        Field("connection", N_("The source is the record's"), "vocab", "connection"),
        Field("reliability", N_("Reliability"), "vocab", "reliability"),
    ),
    "place": (
        LEVEL,
        Field("ko", N_("Korean name"), "text", required=True),
        Field("en", N_("English name"), "text", required=True),
        Field("code", N_("Code"), "text", required=True),
        Field("kind", N_("Kind"), "vocab", "place_kind", required=True),
        Field("parent", N_("Within"), "place", pick="place"),
        Field("names", N_("Other names"), "names", hint=NAMES_HINT),
        Field("facility_type", N_("Facility type"), "vocab", "facility_type"),
        Field("agency", N_("Agency"), "vocab", "agency"),
        Field("iso", N_("ISO code"), "text"),
        Field("latitude", N_("Latitude"), "float"),
        Field("longitude", N_("Longitude"), "float"),
        Field("opened", N_("Opened (as its source dates it)"), "text"),
        Field("closed", N_("Closed (as its source dates it)"), "text"),
        Field("source", N_("Source of the entry"), "textarea"),
    ),
    "term": (
        LEVEL,
        Field("ko", N_("Korean label"), "text", required=True),
        Field("en", N_("English label"), "text", required=True),
        Field("code", N_("Code"), "text", required=True),
        Field("parent", N_("Broader term (code)"), "text"),
        Field("synonyms_ko", N_("Korean synonyms"), "list", hint=N_("One a line.")),
        Field("synonyms_en", N_("English synonyms"), "list", hint=N_("One a line.")),
        Field("description_ko", N_("Korean description"), "textarea"),
        Field("description_en", N_("English description"), "textarea"),
        Field("source", N_("Source of the entry"), "textarea"),
        Field("sort_order", N_("Sort order"), "int", empty=0),
    ),
}
# Labels of the history's other fields (the record's input shape beyond the form).
OTHER_LABELS = {"text": N_("Text"), "quote": N_("Quote"), "source": N_("Source"),
                "record": N_("Record"), "vocabulary": N_("Vocabulary"), "pages": N_("Pages"),
                "protected": N_("Protected details"), "parent": N_("Within"),
                "original_filename": N_("File name"), "media_type": N_("File type"),
                "assignee": N_("Assigned to")}
NAME_ROWS_EXTRA = 2  # empty rows under the names, to add one


def vocabularies(type_name: str) -> list[str]:
    return [f.vocabulary for f in FORMS[type_name] if f.vocabulary]


def label_of(type_name: str, field_name: str) -> str:
    """The field's label in the reader's language (its path when it has none)."""
    for f in FORMS.get(type_name, ()):
        if f.name == field_name:
            return i18n.gettext(f.label)
    other = OTHER_LABELS.get(field_name)
    return i18n.gettext(other) if other else field_name


def form_values(type_name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A record's fields (archive view, input shape) as the form shows them."""
    protected = fields.get("protected") or {}
    out: dict[str, Any] = {}
    for f in FORMS[type_name]:
        if f.name.startswith("protected."):
            value = protected.get(f.name.split(".", 1)[1]) if isinstance(protected, dict) \
                else None
        else:
            value = fields.get(f.name)
        out[f.name] = _shown(f, value)
    return out


def _shown(f: Field, value: Any) -> Any:
    if f.widget == "names":
        return [dict(n) for n in value or []]
    if f.widget == "vocabs":
        return list(value or [])
    if f.widget == "bool":
        return bool(value)
    if f.widget == "ref":
        return "" if not value or value.get("id") is None else str(value["id"])
    if f.widget == "places":
        return ", ".join(value or [])
    if f.widget == "list":
        return "\n".join(value or [])
    return "" if value is None else str(value)


def typed_values(type_name: str, form: FormData) -> dict[str, Any]:
    """What was typed, in the shape :func:`form_values` gives (to show it again)."""
    out: dict[str, Any] = {}
    for f in FORMS[type_name]:
        if f.widget == "names":
            out[f.name] = [{"name": str(n), "system": str(s)} for n, s in zip(
                form.getlist("names.name"), form.getlist("names.system"), strict=False)]
        elif f.widget == "vocabs":
            out[f.name] = [str(v) for v in form.getlist(f.name)]
        elif f.widget == "bool":
            out[f.name] = f.name in form
        else:
            out[f.name] = str(form.get(f.name) or "")
    return out


def changes_from(type_name: str, typed: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                   dict[str, str]]:
    """The changes to send to the archive, and the fields that are not even of the right
    form (a year that is not a number), each with a message for beside the field."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    protected: dict[str, Any] = {}
    for f in FORMS[type_name]:
        try:
            value = _parsed(f, typed.get(f.name))
        except ValueError as exc:
            errors[f.name] = str(exc)
            continue
        if f.name.startswith("protected."):
            protected[f.name.split(".", 1)[1]] = value
        else:
            changes[f.name] = value
    if protected:
        # No protected detail at all is no protected part (not an empty one).
        changes["protected"] = protected if any(v is not None for v in protected.values()) \
            else None
    if type_name == "evidence":
        changes["quote"] = None  # the quote is read again from the source at the offsets
    return changes, errors


def _parsed(f: Field, raw: Any) -> Any:
    if f.widget == "names":
        return [{"name": row["name"].strip(), "system": row["system"] or _system(row["name"])}
                for row in raw or [] if row["name"].strip()]
    if f.widget in ("vocabs", "bool"):
        return raw
    text = str(raw or "").strip()
    if f.widget == "textarea":
        text = str(raw or "").strip("\n\r ")
    if not text:
        return [] if f.widget in ("list", "places") else f.empty
    if f.widget == "int":
        if not re.fullmatch(r"-?\d{1,10}", text):
            raise ValueError(i18n.gettext("A whole number, e.g. 1975."))
        return int(text)
    if f.widget == "float":
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValueError(i18n.gettext("A number, e.g. 42.13.")) from None
    if f.widget == "ref":
        found = re.fullmatch(r"(?:[a-z]+:)?#?(\d{1,10})\b.*", text)
        if not found:
            raise ValueError(i18n.gettext("The record's number, e.g. 12."))
        return int(found.group(1))
    if f.widget == "place":
        return place_code(text) or None
    if f.widget == "places":
        return [c for c in (place_code(p) for p in text.split(",")) if c]
    if f.widget == "list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def _system(name: str) -> str:
    return "hangul" if any("\uac00" <= ch <= "\ud7a3" for ch in name) else "alias"


def field_errors(type_name: str, errors: Mapping[str, str]) -> dict[str, str]:
    """The archive's error paths (``names.0.system``, ``protected.birth_date``, ``places.1``)
    as the form's fields; what belongs to no field is the form's."""
    names = {f.name for f in FORMS[type_name]}
    out: dict[str, str] = {}
    for path, message in errors.items():
        parts = path.split(".")
        key = ".".join(parts[:2]) if parts[0] == "protected" else parts[0]
        if key == "quote":
            key = "start"
        out.setdefault(key if key in names else "form", message)
    return out


def differences(type_name: str, mine: Mapping[str, Any], now: Mapping[str, Any]
                ) -> list[dict[str, Any]]:
    """The fields where an editor's refused change differs from what is saved now, both as
    the form shows them (for the conflict page)."""
    out = []
    for f in FORMS[type_name]:
        a, b = mine.get(f.name), now.get(f.name)
        if _norm(a) != _norm(b):
            out.append({"field": f.name, "label": i18n.gettext(f.label), "mine": a, "now": b})
    return out


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return [_norm(v) for v in value if v not in ("", None, {"name": "", "system": ""})]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, str):
        return value.strip()
    return value
