"""A record's level through the API: what publishing it would rest on, and the change itself —
the workspace's publishing flow (web/publish_routes.py) for programs.

Both doors call the same service (archive/publishing.py ``change_level``): an editor's reason is
required and on record in the history, the policy's refusals are the same (a public record may
not rest on a restricted source; consent; quotes more public than their source), a record that
would rest on sources the public may not read needs a choice per source (cite it as a withheld
source, or publish its redacted public copy after reviewing it), and the names proposed in a
reviewed copy are accepted as the panel accepts them (search/span_review.py).
"""

# No ``from __future__ import annotations``: routes are made in a loop, with per-type models.
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field, create_model

from sillok.archive.kinds import KINDS
from sillok.archive.publishing import change_level, choices_for, plan
from sillok.archive.service import Archive
from sillok.errors import StaleVersion
from sillok.search.span_review import accept_reviewed
from sillok.web.api.deps import RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES, PreconditionFailed
from sillok.web.api.labels import ApiLabels
from sillok.web.api.models import MODELS, Level, RefOut
from sillok.web.api.records import expected_version

# The record types with a level panel in the workspace (web/staff_routes.py RECORD_TYPES).
TYPES = ("source", "event", "act", "person", "place", "term", "involvement", "evidence",
         "relation")
Choice = Literal["withheld", "copy"]


class Resting(BaseModel):
    """A source the record would rest on that the public may not read, were it public."""

    source: RefOut
    level: Level
    offered: list[Choice] = Field(description="How it may be cited: ``withheld`` (the public "
                                  "sees that a source exists, nothing about it) and/or "
                                  "``copy`` (its redacted public copy is published).")
    withheld: bool = Field(description="Cited as a withheld source already.")
    evidence: list[int] = Field(description="The record's evidence from it that is not "
                                            "public (made public with a ``copy``).")


class LevelPlan(BaseModel):
    type: str
    id: int
    label: str
    level: Level
    version: int
    retracted: bool
    resting: list[Resting] = Field(description="Only what publishing would rest on; a "
                                   "change to ``public`` needs a choice for each.")


class LevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level
    reason: str = Field(max_length=2000, description="Why the level changes (required; on "
                        "record in the history).")
    choices: dict[int, Choice] = Field(
        default_factory=dict, description="Publishing only: source id → ``withheld`` or "
        "``copy``, for every source in the plan's ``resting``.")
    reviewed: list[int] = Field(
        default_factory=list, description="The sources whose redacted public copy the "
        "caller has reviewed (GET /sources/{id}/public-copy): every source made public by "
        "the change, the record itself if it is a source.")


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES)
    human = ApiLabels(archive)
    for type_name in TYPES:
        _routes(r, archive, human, type_name)
    return r


def _routes(r: APIRouter, archive: Archive, human: ApiLabels, name: str) -> None:
    kind = KINDS[name]
    record_model = MODELS[name].record
    tags: list[Any] = [kind.plural]
    out = _outcome_model(name, record_model)

    @r.get(f"/{kind.plural}/{{record_id}}/level", response_model=LevelPlan, tags=tags,
           operation_id=f"level_plan_{name}",
           summary=f"What publishing a {name} would rest on (editors)")
    def level_plan(actor: Writer, record_id: RecordId) -> dict[str, Any]:
        record, resting = plan(archive, actor, name, record_id)
        return human({**record, "resting": [
            {"source": {"type": "source", "id": x.source_id, "label": x.label},
             "level": x.level, "offered": list(choices_for(name, x)), "withheld": x.withheld,
             "evidence": x.evidence} for x in resting]})

    @r.post(f"/{kind.plural}/{{record_id}}/level", response_model=out, tags=tags,
            operation_id=f"change_level_{name}",
            summary=f"Raise or lower a {name}'s level, with a reason (editors)")
    def set_level(actor: Writer, record_id: RecordId, body: LevelIn,
                  if_match: Annotated[str | None, Header(
                      max_length=200, description="The record's ETag as read (\"v3\"): the "
                      "change is made only if the record is still at that version.")] = None,
                  ) -> dict[str, Any]:
        version = expected_version(if_match)
        reviewed = set(body.reviewed)
        try:
            outcome = change_level(archive, actor, name, record_id, body.level, body.reason,
                                   version=version, choices=dict(body.choices),
                                   reviewed=reviewed)
        except StaleVersion as exc:
            raise PreconditionFailed(exc.message, exc.current) from None
        accept_reviewed(archive, actor, name, record_id, outcome, reviewed)
        return {"before": outcome.before, "after": outcome.after,
                "sources_published": outcome.sources_published,
                "evidence_changed": outcome.evidence_changed, "withheld": outcome.withheld,
                "record": human(archive.get(actor, name, record_id))}


def _outcome_model(name: str, record_model: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "before": (Level, ...), "after": (Level, ...),
        "sources_published": (list[int], Field(description="Sources made public (their "
                                                           "redacted copy) by the change.")),
        "evidence_changed": (list[int], Field(description="Evidence whose level followed.")),
        "withheld": (list[int], Field(description="Sources now cited as withheld.")),
        "record": (record_model, ...),
    }
    return create_model(f"{name.capitalize()}LevelChange",
                        __doc__=f"What changing a {name}'s level did.", **fields)


__all__ = ["TYPES", "router"]
