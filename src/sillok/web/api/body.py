"""Request bodies of record changes, read as plain JSON objects and validated by the archive
itself (archive/schemas.py and the resolver), so that the API accepts and refuses exactly what
the CLI does, with the same field messages. OpenAPI still documents each type's shape: see
openapi.py, which adds the input models as components and points the operations at them."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from sillok.errors import Invalid, SillokError
from sillok.web.api.deps import check_text

# A source's text may be 5 MB (schemas.Text); JSON escaping can double that. Files go through
# /ingest, not JSON.
MAX_BODY = 16 * 1024 * 1024


class TooLarge(SillokError):
    http_status = 413


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser would let them through into numbers.
    raise ValueError(name)


async def json_object(request: Request) -> dict[str, Any]:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise TooLarge(f"the request body is over {MAX_BODY // 2**20} MB")
    try:
        data = json.loads(bytes(raw), parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Invalid({"body": "not valid JSON"}) from None
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object of fields"})
    check_text(data)
    return data


JsonObject = Annotated[dict[str, Any], Depends(json_object)]


def body_ref(component: str, description: str) -> dict[str, Any]:
    """``openapi_extra`` of an operation whose JSON body has the shape ``component``."""
    return {"requestBody": {
        "required": True, "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }}
