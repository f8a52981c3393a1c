"""Response models of the API: what OpenAPI documents, and a filter on what goes out — a key
that is not declared here is not sent.

A record's ``fields`` model is derived from the record type's input shape (archive/schemas.py),
so a record reads back in the shape it is written in, except that a reference to another
record is shown as ``{type, id, label}`` (``id`` null and label ``[withheld]``, in Korean
``[비공개]``, when the caller may not see it), exactly as the archive's views give it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from sillok.archive.kinds import KINDS, Kind
from sillok.web.api.labels import CODE_DESCRIPTION

Level = Literal["public", "internal", "restricted"]


class RefOut(BaseModel):
    type: str
    id: int | None = Field(description="Null when the caller may not see the record.")
    label: str = Field(description="In the caller's language (?lang=, Accept-Language).")
    code: str | None = Field(None, description=CODE_DESCRIPTION)


class Retraction(BaseModel):
    at: str
    by: str | None
    reason: str | None


class Pointer(BaseModel):
    """A related record (acts of an event, involvements of a person …)."""

    type: str
    id: int
    label: str = Field(description="In the caller's language (?lang=, Accept-Language).")
    code: str | None = Field(None, description=CODE_DESCRIPTION)


class EvidenceLink(BaseModel):
    """A passage of a source supporting a record."""

    id: int
    source: RefOut
    record: RefOut
    quote: str
    start: int
    end: int
    page: int | None
    connection: str | None


class WithheldSource(BaseModel):
    """A source the record rests on that is withheld from the caller: that it exists, and
    nothing about it (the editor published the record citing it so)."""

    withheld: Literal[True]
    source: RefOut


def _fields_model(kind: Kind) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, info in kind.schema.model_fields.items():
        annotation: Any = info.annotation
        if name in kind.refs or (kind.name == "evidence" and name == "record"):
            annotation = RefOut | None
        if info.is_required():
            fields[name] = (annotation, ...)
        elif info.default_factory is not None:
            fields[name] = (annotation, FieldInfo(default_factory=info.default_factory))
        else:
            # Absent stays absent-looking: a person's protected part is null for every
            # caller without clearance, whether or not the person has one.
            fields[name] = (annotation, info.default)
    title = kind.name.capitalize()
    return create_model(f"{title}Fields", __doc__=f"A {kind.name} as it is written "
                        "(references shown as {type, id, label}).", **fields)


def _record_model(kind: Kind, fields_model: type[BaseModel]) -> type[BaseModel]:
    title = kind.name.capitalize()
    related: Any = dict[str, list[EvidenceLink | Pointer | WithheldSource]] | None
    literal: Any = Literal[kind.name]  # the one type name this model describes
    extra: dict[str, Any] = {}
    if kind.name == "act":
        extra["independent_sources"] = (int | None, Field(None, description=(
            "Only when one act is read: how many independent sources support it, counted "
            "from what the caller may see (docs/corroboration.md).")))
    return create_model(
        f"{title}Record",
        __doc__=f"One {kind.name} as the caller may see it.",
        type=(literal, kind.name),
        id=(int, ...),
        label=(str, Field(..., description="What a reader calls the record, in the caller's "
                                            "language (?lang=, Accept-Language).")),
        code=(str | None, Field(None, description=CODE_DESCRIPTION)),
        level=(Level, ...),
        version=(int, Field(..., description="Counted up by every change; the record's ETag "
                                             "is ``\"v{version}\"``, and a change sent with "
                                             "``If-Match`` is refused (412) once it moved on.")),
        retracted=(Retraction | None, None),
        fields=(fields_model, ...),
        related=(related, Field(None, description="Only when one record is read: evidence "
                                                  "and records pointing at it.")),
        **extra,
    )


def _page_model(kind: Kind, record_model: type[BaseModel]) -> type[BaseModel]:
    title = kind.name.capitalize()
    return create_model(
        f"{title}Page",
        __doc__=f"A page of {kind.plural}: ``total`` counts every match the caller may see.",
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[record_model], ...),  # type: ignore[valid-type]
    )


class KindModels:
    def __init__(self, kind: Kind) -> None:
        self.fields = _fields_model(kind)
        self.record = _record_model(kind, self.fields)
        self.page = _page_model(kind, self.record)


MODELS: dict[str, KindModels] = {name: KindModels(kind) for name, kind in KINDS.items()}


class FieldChange(BaseModel):
    """One field of a record before and after a change."""

    field: str = Field(description="The field's path in the record's input shape "
                                   "(``title``, ``protected.real_name``).")
    before: Any = None
    after: Any = None
    protected: bool = Field(False, description="A protected detail: the values are not "
                                               "kept in the audit trail, only that it changed.")


class HistoryEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[FieldChange] = Field(
        default_factory=list, description="What the entry changed, field by field (a "
        "protected detail only as changed, never its value).")


class RetractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="Why it is withdrawn.")


class RecordType(BaseModel):
    name: str
    plural: str
    path: str
    filters: list[str]
