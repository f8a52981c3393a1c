"""Consent and chain of custody as JSON (docs/evidence.md), for staff tools and a legal
request: read a witness's or a source's consent and a source's custody, record a consent
decision, add a custody step. The same functions as the workspace's panels and forms and
`sillok consent` / `sillok custody` (archive/consent.py, archive/custody.py).

Editors and administrators only (401 without a token or session, 403 for other roles): the
consent history and the custody chain name people. Every read is an audit entry (action
``view``, what was read), every change one entry per ledger line, in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from sillok.archive import consent, custody
from sillok.archive.audit import record_change
from sillok.archive.ledgers import CONSENT, CUSTODY
from sillok.archive.service import Archive
from sillok.security.policy import Actor
from sillok.web.api.deps import RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES

Scope = Literal["publication", "name", "partners", "statistics"]
Decision = Literal["given", "refused", "withdrawn"]


class ScopeNow(BaseModel):
    state: str = Field(description="given, refused, withdrawn or none")
    entry: int | None = Field(description="The entry that decided it.")
    allowed: bool = Field(description="Whether the policy allows this use now.")


class RestingOn(BaseModel):
    source: int
    state: str
    needs_consent: bool
    allowed: bool


class ConsentOut(BaseModel):
    subject: str = Field(description="source:ID or person:ID")
    required: bool = Field(description="Whether this archive needs consent recorded before "
                                       "a testimony is published or counted.")
    current: dict[str, ScopeNow]
    partners: list[str]
    entries: list[dict[str, Any]] = Field(description="Every decision, oldest first.")
    resting: list[RestingOn] = Field(description="The sources the subject rests on, with "
                                                 "their publication consent.")


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decisions: dict[Scope, Decision] = Field(min_length=1, description="One decision or more "
                                             "per use, e.g. {\"publication\": \"withdrawn\"}.")
    partners: list[str] = Field(default_factory=list, max_length=50,
                                description="Named only with sharing given.")
    decided_on: date | None = None
    note: str = Field("", max_length=2000, description="How it was given.")


class ConsentRecorded(BaseModel):
    subject: str
    entries: list[dict[str, Any]]
    taken_down: list[dict[str, Any]] = Field(description="Records a refusal or withdrawal "
                                                         "took out of public view.")


class CustodyOut(BaseModel):
    source: int
    title: str
    sha256: str | None = Field(description="The archive copy's SHA-256, to compare each "
                                           "step's with.")
    original_filename: str | None
    entries: list[dict[str, Any]] = Field(description="Each step, oldest first.")


class CustodyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(max_length=40, description="received, transferred, copied, …")
    method: str = Field(max_length=40, description="in_person, email, messenger, …")
    from_party: str = Field("", alias="from", max_length=200)
    to_party: str = Field("", alias="to", max_length=200)
    happened_at: datetime | None = Field(None, description="With its time zone.")
    sha256: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=2000)


def _audit_read(archive: Archive, actor: Actor, what: str, subject: str) -> None:
    with archive.transaction() as session:
        record_change(session, actor=actor.name, action="view", record_type=what,
                      record_id=None, after={"subject": subject, "via": "api"})


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES, tags=["consent and custody"])

    @r.get("/consent/{subject_type}/{record_id}", response_model=ConsentOut,
           operation_id="get_consent", summary="A witness's or a source's consent")
    def get_consent(actor: Writer, subject_type: Literal["source", "person"],
                    record_id: RecordId) -> dict[str, Any]:
        shown = consent.show(archive, actor, subject_type, record_id)
        shown["resting"] = consent.resting_on(archive, actor, subject_type, record_id)
        _audit_read(archive, actor, CONSENT, shown["subject"])
        return shown

    @r.post("/consent/{subject_type}/{record_id}", response_model=ConsentRecorded,
            status_code=201, operation_id="record_consent",
            summary="Record a consent decision (a withdrawal takes records down at once)")
    def record_consent(actor: Writer, subject_type: Literal["source", "person"],
                       record_id: RecordId, body: ConsentIn) -> dict[str, Any]:
        decisions = {str(k): str(v) for k, v in body.decisions.items()}
        return consent.record(archive, actor, subject_type, record_id, decisions,
                              partners=body.partners, decided_on=body.decided_on,
                              note=body.note)

    @r.get("/sources/{record_id}/custody", response_model=CustodyOut,
           operation_id="get_custody", summary="A source's chain of custody")
    def get_custody(actor: Writer, record_id: RecordId) -> dict[str, Any]:
        shown = custody.chain(archive, actor, record_id)
        _audit_read(archive, actor, CUSTODY, f"source:{record_id}")
        return shown

    @r.post("/sources/{record_id}/custody", response_model=dict[str, Any], status_code=201,
            operation_id="add_custody", summary="Add a step to a source's chain of custody")
    def add_custody(actor: Writer, record_id: RecordId, body: CustodyIn) -> dict[str, Any]:
        return custody.add(archive, actor, record_id, action=body.action, method=body.method,
                           from_party=body.from_party, to_party=body.to_party,
                           happened_at=body.happened_at, sha256=body.sha256, note=body.note)

    return r
