"""Records of every type under ``/{plural}``: list (the type's filters, limit, offset), read,
create, change, retract and history — each a call of the Archive service as the caller, so
the policy, validation, search index and audit apply exactly as in the CLI.

A record the caller may not see answers 404 like a missing one (Archive._load), so a list,
a read or a change never tells whether it exists.
"""

# No ``from __future__ import annotations`` here: the routes are made in a loop, and their
# annotations name per-type dependencies (local variables) that FastAPI must see as objects.
import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from sillok.archive.kinds import ID_FILTERS, KINDS, MAX_ID, YEAR_FILTERS, Kind
from sillok.archive.service import Archive
from sillok.errors import Invalid, StaleVersion
from sillok.security.policy import Role
from sillok.web.api.body import JsonObject, body_ref
from sillok.web.api.deps import MAX_OFFSET, NO_NUL, Reader, RecordId, Writer
from sillok.web.api.errors import ERROR_RESPONSES, PreconditionFailed, Unauthenticated
from sillok.web.api.labels import ApiLabels
from sillok.web.api.models import MODELS, HistoryEntry, RecordType, RetractIn

MAX_LIMIT = 500
# Query parameters every list takes besides the type's filters; ``lang`` chooses the labels'
# language, as on every page and call (the site's language middleware reads it).
PAGING = frozenset({"limit", "offset", "include_retracted", "newest_first", "lang"})


def _filters_dependency(kind: Kind) -> Callable[..., dict[str, str]]:
    """A dependency whose signature lists the type's filters as query parameters, so that
    OpenAPI documents them (ids and years as bounded integers); a query parameter that is
    neither a filter nor paging is refused (a silently ignored filter would return the wrong
    records)."""
    names = sorted(kind.filters)
    allowed = ", ".join(names) or "none"

    def filters(request: Request, **values: str | int | None) -> dict[str, str]:
        for key in request.query_params:
            if key not in kind.filters and key not in PAGING:
                raise Invalid({f"filter.{key}": f"unknown filter for {kind.plural} "
                                                f"(filters: {allowed})"})
        return {k: str(v) for k, v in values.items() if v is not None}

    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=Request)]
    params += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                 annotation=_filter_type(name), default=_filter_query(kind, name))
               for name in names]
    filters.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return filters


def _filter_type(name: str) -> Any:
    return int | None if name in ID_FILTERS | YEAR_FILTERS else str | None


def _filter_query(kind: Kind, name: str) -> Any:
    what = f"Only {kind.plural} whose {name} is this."
    if name in ID_FILTERS:
        return Query(None, ge=1, le=MAX_ID, description=what)
    if name in YEAR_FILTERS:
        return Query(None, ge=1, le=9999, description=what)
    return Query(None, max_length=200, pattern=NO_NUL, description=what)


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES)

    @r.get("/types", response_model=list[RecordType], tags=["records"],
           summary="Record types, their paths and filters")
    def types() -> list[RecordType]:
        return [RecordType(name=k.name, plural=k.plural, path=f"/{k.plural}",
                           filters=sorted(k.filters)) for k in KINDS.values()]

    human = ApiLabels(archive)
    for kind in KINDS.values():
        _kind_routes(r, archive, kind, human)
    return r


def _kind_routes(r: APIRouter, archive: Archive, kind: Kind, human: ApiLabels) -> None:
    models = MODELS[kind.name]
    name, plural = kind.name, kind.plural
    title = name.capitalize()
    tags: list[str | Any] = [plural]
    filters_of = _filters_dependency(kind)

    @r.get(f"/{plural}", response_model=models.page, tags=tags, operation_id=f"list_{plural}",
           summary=f"List {plural}")
    def list_records(
        actor: Reader, filters: Annotated[dict[str, str], Depends(filters_of)],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        include_retracted: bool = False,
        newest_first: Annotated[bool, Query(description="By the record's own date (publication "
                                            "for sources, the date for events and acts), "
                                            "else by id.")] = False,
    ) -> dict[str, Any]:
        page = archive.list_records(actor, name, filters, limit=limit, offset=offset,
                                    include_retracted=include_retracted,
                                    newest_first=newest_first)
        return {"total": page.total, "limit": limit, "offset": offset,
                "items": human(page.items)}

    @r.post(f"/{plural}", response_model=models.record, status_code=201, tags=tags,
            operation_id=f"create_{name}", summary=f"Create a {name}",
            openapi_extra=body_ref(kind.schema.__name__, f"The new {name}, as in a records file."))
    def create(actor: Writer, data: JsonObject, request: Request,
               response: Response) -> dict[str, Any]:
        record_id = archive.create(actor, name, data)
        response.headers["Location"] = _url(request, f"/{plural}/{record_id}")
        return human(archive.get(actor, name, record_id))

    @r.get(f"/{plural}/{{record_id}}", response_model=models.record, tags=tags,
           operation_id=f"get_{name}", summary=f"Read one {name}")
    def get(actor: Reader, record_id: RecordId, response: Response) -> dict[str, Any]:
        record = archive.get(actor, name, record_id)
        response.headers["ETag"] = etag(record["version"])
        return human(record)

    @r.patch(f"/{plural}/{{record_id}}", response_model=models.record, tags=tags,
             operation_id=f"update_{name}", summary=f"Change fields of a {name}",
             openapi_extra=body_ref(f"{title}Patch", "Only the fields to change; the record "
                                    "is validated as a whole afterwards. Send the ETag "
                                    "read with the record as If-Match: if someone changed "
                                    "it since, nothing is changed (412)."))
    def update(actor: Writer, record_id: RecordId, data: JsonObject, response: Response,
               if_match: Annotated[str | None, Header(
                   max_length=200, description="The record's ETag as read (\"v3\"), or *: "
                   "the change is made only if the record is still at that version.")] = None,
               ) -> dict[str, Any]:
        expected = expected_version(if_match)
        try:
            archive.update(actor, name, record_id, data, expected_version=expected)
        except StaleVersion as exc:
            if if_match is None:
                raise  # moved on between our read and our write: 409
            raise PreconditionFailed(exc.message, exc.current) from None
        record = archive.get(actor, name, record_id)
        response.headers["ETag"] = etag(record["version"])
        return human(record)

    @r.post(f"/{plural}/{{record_id}}/retract", response_model=models.record, tags=tags,
            operation_id=f"retract_{name}", summary=f"Retract a {name}, with a reason")
    def retract(actor: Writer, record_id: RecordId, body: RetractIn) -> dict[str, Any]:
        archive.retract(actor, name, record_id, body.reason)
        return human(archive.get(actor, name, record_id))

    @r.get(f"/{plural}/{{record_id}}/history", response_model=list[HistoryEntry], tags=tags,
           operation_id=f"history_{name}", summary=f"Audit history of a {name}")
    def history(actor: Reader, record_id: RecordId) -> list[dict[str, Any]]:
        # Who changed what is staff business: the public reads records, not their editors.
        if actor.role is Role.anonymous:
            raise Unauthenticated("sign in to read a record's history")
        # Protected values, hidden ids and names are out already (Archive.history).
        return archive.history(actor, name, record_id)


def etag(version: int) -> str:
    """A record's entity tag: its version (the same for every reader, so a change is
    refused on the version, whatever the reader was shown of it)."""
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names; None for none or ``*`` (any version)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = [t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")]
    versions = [int(t[1:]) for t in tags if t[:1] == "v" and t[1:].isdigit()
                and len(t) < 12]
    if len(versions) != 1:
        raise PreconditionFailed("If-Match names no version of this record: send the ETag "
                                 "read with it (\"v3\")")
    return versions[0]


def _url(request: Request, path: str) -> str:
    # The API is mounted under a prefix; root_path is that prefix.
    return f"{request.scope.get('root_path', '').rstrip('/')}{path}"
