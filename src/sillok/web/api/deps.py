"""What every API route depends on: who is asking, and input limits checked before anything
reaches the archive."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from sillok.archive.kinds import MAX_ID
from sillok.errors import Invalid
from sillok.security.policy import Actor, Role, require_write
from sillok.web.api.errors import Unauthenticated

# The actor the sign-in middleware found: an API token (Bearer) or a session cookie.
from sillok.web.auth import current_actor

# Ids are 32-bit integers in the database (kinds.MAX_ID); a larger one in a URL is refused as
# invalid here rather than reaching PostgreSQL, which would fail on it ("integer out of range").
# Every text parameter says in OpenAPI what reject_nul enforces, so that clients know it.
NO_NUL = "^[^\\x00]*$"
# Deep pages cost a scan each; no client needs to skip further than this.
MAX_OFFSET = 1_000_000

Reader = Annotated[Actor, Depends(current_actor)]


def writer(actor: Reader) -> Actor:
    """The actor of a change: anonymous callers are asked to authenticate (401), signed-in
    roles that may not write are refused (403) by the policy's own rule."""
    if actor.role is Role.anonymous:
        raise Unauthenticated("sign in, or send an API token (Authorization: Bearer …), "
                              "to change the archive")
    require_write(actor)
    return actor


Writer = Annotated[Actor, Depends(writer)]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="The record's id.")]


def reject_nul(request: Request) -> None:
    """NUL characters are refused in every query parameter: PostgreSQL cannot store or
    compare them, and no real filter or search contains one."""
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            raise Invalid({_printable(key): "must not contain NUL characters"})


def check_text(value: Any, path: str = "") -> None:
    """The same rule for a JSON body, at any depth (keys too)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid({path or "body": "must not contain NUL characters"})
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path or "body")
            check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_text(item, f"{path}.{i}" if path else str(i))


def _printable(key: str) -> str:
    return key.replace("\x00", "\\0")[:80] or "query"
