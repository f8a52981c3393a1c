"""Input shapes of every record type, as users write them in YAML/JSON files and the API.

Only the shape is checked here (types, required fields, unknown fields); rules that need the
archive — term codes, references, offsets inside a source — are checked by ``resolve.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    model_validator,
)

from sillok.errors import Invalid


def _date_text(value: Any) -> Any:
    # YAML reads 2023 as an int and 2023-05-08 as a date; both mean the same date text.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# Ids, offsets and orders are 32-bit integers in both databases; PostgreSQL fails on a larger
# bound value, so the bounds are part of the shape (and of the API's OpenAPI document).
MAX_ID = 2**31 - 1
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]

DateText = Annotated[str, BeforeValidator(_date_text)]
Ref = Id | Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=80)]
LevelName = Literal["public", "internal", "restricted"]
Text = Annotated[str, Field(max_length=5_000_000)]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RecordIn(Shape):
    level: LevelName = "internal"


class NameIn(Shape):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    system: Code = "alias"


class RecordPointer(Shape):
    type: str
    id: Id


class SourceIn(RecordIn):
    kind: Code
    title: Annotated[str, Field(min_length=1, max_length=500)]
    text: Text = ""
    language: Literal["ko", "en", "mixed"] | None = None
    origin: str | None = None
    reliability: Code | None = None
    published: DateText | None = None
    recorded: DateText | None = None
    original_filename: str | None = None
    media_type: str | None = None
    blob_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    parent: Ref | None = None
    pages: list[StrictInt] | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    # Independence (docs/corroboration.md): the witness as a person record or a key the
    # organisation gives its witnesses, the organisation, and the source this one restates.
    witness: Ref | None = None
    witness_key: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    publisher: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    based_on: Ref | None = None


class ProtectedIn(Shape):
    real_name: str | None = None
    birth_date: date | None = None
    home_village: str | None = None
    family: str | None = None
    contacts: str | None = None
    notes: str | None = None


class PersonIn(RecordIn):
    kind: Code = "individual"
    sex: Code | None = None
    birth_year: Annotated[int, Field(ge=1850, le=2100)] | None = None
    birth_year_estimate: bool = False
    origin_place: Ref | None = None
    roles: list[Code] = Field(default_factory=list)
    description: Text = ""
    names: Annotated[list[NameIn], Field(min_length=1)]
    protected: ProtectedIn | None = None


class EventIn(RecordIn):
    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: Text = ""
    date: DateText | None = None
    places: list[Ref] = Field(default_factory=list)


class ActIn(RecordIn):
    event: Ref
    act_type: Code
    victim: Ref
    date: DateText | None = None
    place: Ref | None = None
    facility: Ref | None = None
    victim_status: Code | None = None
    description: Text = ""


class InvolvementIn(RecordIn):
    act: Ref
    perpetrator: Ref
    agency: Code | None = None
    degree: Code | None = None
    description: Text = ""


class RelationIn(RecordIn):
    """Person A is the <kind> of person B (vocabulary relation_kind)."""

    person_a: Ref
    person_b: Ref
    kind: Code
    description: Text = ""


class EvidenceIn(RecordIn):
    source: Ref
    record: Ref | RecordPointer
    start: Offset | None = None
    end: Offset | None = None
    quote: str | None = None
    page: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    connection: Code | None = None
    reliability: Code | None = None


class PlaceIn(RecordIn):
    level: LevelName = "public"
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    kind: Code
    parent: Ref | None = None
    iso: str | None = None
    en: Annotated[str, Field(min_length=1, max_length=200)]
    ko: Annotated[str, Field(min_length=1, max_length=200)]
    names: list[NameIn] = Field(default_factory=list)
    facility_type: Code | None = None
    agency: Code | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    opened: str | None = None  # fuzzy date (2012, ~1959), only where a source dates it
    closed: str | None = None
    source: str | None = None


class TermIn(RecordIn):
    level: LevelName = "public"
    vocabulary: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=80)]
    en: Annotated[str, Field(min_length=1, max_length=200)]
    ko: Annotated[str, Field(min_length=1, max_length=200)]
    parent: Code | None = None
    synonyms_en: list[str] = Field(default_factory=list)
    synonyms_ko: list[str] = Field(default_factory=list)
    description_en: str | None = None
    description_ko: str | None = None
    source: str | None = None
    sort_order: Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)] = 0


class ObservationIn(Shape):
    period: Annotated[str, BeforeValidator(_date_text)]
    breakdown: str = ""
    value: float
    source: str | None = None
    provisional: bool = False
    derived: bool = False


class SeriesIn(RecordIn):
    level: LevelName = "public"
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
    title_en: Annotated[str, Field(min_length=1)]
    title_ko: Annotated[str, Field(min_length=1)]
    unit: str = "persons"
    description: str = ""
    source: str | None = None
    observations: list[ObservationIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _canonical_order(self) -> SeriesIn:
        # Observations are a set keyed by (period, breakdown); one order makes equal sets equal.
        self.observations.sort(key=lambda o: (o.period.upper(), o.breakdown))
        return self


def validate_shape(schema: type[Shape], data: Any) -> Any:
    """Validate ``data`` against ``schema``; per-field errors become one Invalid."""
    if not isinstance(data, dict):
        raise Invalid({"record": "must be a mapping of fields"})
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or "record"
            # Union members repeat the same failure; keep the first, clearest message.
            errors.setdefault(_trim(path), _message(err))
        raise Invalid(errors) from None


def _trim(path: str) -> str:
    noise_parts = (".int", ".str", ".RecordPointer", ".constrained-str",
                   ".function-before[_date_text(), str]")
    for noise in noise_parts:
        path = path.replace(noise, "")
    return path


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    msg = str(err.get("msg", "invalid"))
    return msg[0].lower() + msg[1:] if msg else "invalid"
