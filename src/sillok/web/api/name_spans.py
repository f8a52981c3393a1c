"""The protected names found in a source, for editors to review before publishing: list them
(with the manual redaction marks), accept, reject or reset one, and read the public copy —
the same functions as the names page and `sillok redact --names` (search/span_review.py).

The passages are the protected names themselves: only editors and administrators cleared for
protected details get an answer (403 for any other role)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from sillok.archive.service import Archive
from sillok.search.span_review import decide, name_spans, public_preview
from sillok.web.api.deps import RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES


class SpanOut(BaseModel):
    kind: Literal["name", "manual"] = Field(description="A name the matcher found, or a "
                                            "passage marked by hand (`sillok redact`).")
    field: Literal["title", "text"]
    start: int
    end: int
    name: str = Field(description="The passage itself, source[field][start:end].")
    before: str
    after: str
    status: Literal["proposed", "accepted", "rejected"] = Field(
        description="proposed and accepted: hidden from readers without clearance; "
                    "rejected: shown (the words are not that person).")
    reason: str
    by: str | None
    at: str | None
    person: int | None = Field(None, description="Whose name it is (names only).")
    pseudonym: str | None = Field(None, description="What the public sees instead.")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Literal["title", "text"] = "text"
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    decision: Literal["accept", "reject", "reset"]
    reason: str = Field("", max_length=2000, description="Needed to reject.")


class PreviewOut(BaseModel):
    title: str
    text: str


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES, tags=["redaction"])

    @r.get("/sources/{record_id}/names", response_model=list[SpanOut],
           operation_id="list_name_spans", summary="Protected names found in a source")
    def list_spans(actor: Writer, record_id: RecordId) -> list[dict[str, Any]]:
        return name_spans(archive, actor, record_id)

    @r.post("/sources/{record_id}/names", response_model=SpanOut,
            operation_id="decide_name_span", summary="Accept, reject or reset a found name")
    def decide_span(actor: Writer, record_id: RecordId, body: DecisionIn) -> dict[str, Any]:
        return decide(archive, actor, record_id, body.field, body.start, body.end,
                      body.decision, body.reason)

    @r.get("/sources/{record_id}/public-copy", response_model=PreviewOut,
           operation_id="public_copy", summary="What the public will see of a source")
    def preview(actor: Writer, record_id: RecordId) -> dict[str, str]:
        return public_preview(archive, actor, record_id)

    return r
