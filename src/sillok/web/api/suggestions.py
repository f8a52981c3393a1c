"""Suggestions of a source (dates, counts, persons, places, violation terms found in its text):
list, accept (link to a given record, or to the one the suggestion names or proposes) and
dismiss — the same functions as the staff workspace and the CLI (extract/store.py, accept.py).

Reviewing suggestions is editorial work, so every route needs a role that may change the
archive, like the workspace: the passages are shown unmasked, as editors see them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sillok.archive.kinds import KINDS, MAX_ID
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Invalid
from sillok.extract.accept import accept, dismiss
from sillok.extract.store import suggestions_of
from sillok.web.api.deps import RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES


class RecordKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Record type: " + ", ".join(KINDS) + ".")
    id: int = Field(ge=1, le=MAX_ID)


class SuggestionOut(BaseModel):
    id: int
    source: int
    kind: str = Field(description="date, count, person, organisation, place, term …")
    start: int
    end: int
    text: str = Field(description="The passage, source[start:end].")
    value: dict[str, Any] = Field(description="What the extractor read in it.")
    confidence: float
    status: Literal["open", "accepted", "dismissed"]
    record: RecordKey | None = Field(description="The record it was accepted for.")


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: RecordKey | None = Field(
        None, description="Link the passage to this record. Without it, a place or term "
        "suggestion links to the place or term it names, and a person, organisation, date or "
        "count suggestion creates a new person or event.")


class AcceptOut(BaseModel):
    suggestion: int
    record: RecordKey
    evidence: int = Field(description="The evidence record created for the passage.")


class DismissOut(BaseModel):
    suggestion: int
    status: Literal["dismissed"]


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES, tags=["suggestions"])

    @r.get("/sources/{record_id}/suggestions", response_model=list[SuggestionOut],
           operation_id="list_suggestions", summary="Suggestions of a source")
    def list_suggestions(
        actor: Writer, record_id: RecordId,
        status: Literal["open", "accepted", "dismissed", "all"] = "open",
        refresh: Annotated[bool, Query(description="Draw the open suggestions again from "
                                       "the source's text.")] = False,
    ) -> list[dict[str, Any]]:
        with archive.transaction() as session:
            return suggestions_of(session, actor, record_id,
                                  None if status == "all" else status, refresh=refresh)

    @r.post("/suggestions/{suggestion_id}/accept", response_model=AcceptOut,
            operation_id="accept_suggestion", summary="Accept a suggestion")
    def accept_suggestion(actor: Writer, suggestion_id: RecordId,
                          body: AcceptIn | None = None) -> dict[str, Any]:
        target = None
        if body is not None and body.target is not None:
            if body.target.type not in KINDS:
                raise Invalid({"target.type": f"unknown record type '{body.target.type}' "
                                              f"(one of: {', '.join(KINDS)})"})
            target = (body.target.type, body.target.id)
        try:
            return accept(archive, actor, suggestion_id, target)
        except Invalid as exc:
            # The evidence is created with the target as its ``record``: name it as sent.
            raise Invalid({("target" if k == "record" else k): v
                           for k, v in exc.errors.items()}, exc.context) from None

    @r.post("/suggestions/{suggestion_id}/dismiss", response_model=DismissOut,
            operation_id="dismiss_suggestion", summary="Dismiss a suggestion")
    def dismiss_suggestion(actor: Writer, suggestion_id: RecordId) -> dict[str, Any]:
        with archive.sessions() as session:
            found = session.get(m.Suggestion, suggestion_id)
            # extract.accept.dismiss would also overwrite an accepted one, leaving its
            # evidence behind a "dismissed" mark. (Writers see every level, so answering
            # this before dismiss's own visibility check discloses nothing.)
            if found is not None and found.status == "accepted":
                raise Conflict(f"suggestion #{suggestion_id} is already accepted")
        dismiss(archive, actor, suggestion_id)
        return {"suggestion": suggestion_id, "status": "dismissed"}

    return r
