"""The OpenAPI document: FastAPI's, plus the input shapes of every record type.

Record bodies are read as plain JSON and validated by the archive (body.py), so FastAPI does
not see their models; they are added here as components — ``SourceIn`` for a new source,
``SourcePatch`` (the same fields, none required) for a change — and the operations refer to
them (records.py). The components are generated from archive/schemas.py, so they cannot
drift from what the archive accepts.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from sillok.archive.kinds import KINDS
from sillok.web.api.errors import ErrorOut

DESCRIPTION = """The JSON API of a Sillok archive.

Every answer is what the caller may see: anonymous callers see public records only, and a
record they may not see answers 404 exactly like a missing one. Writes need a signed-in
session or an API token (`Authorization: Bearer …`) of a role that may change the archive
(editor, admin). Errors are RFC 9457 problem details (`application/problem+json`):
`{"type", "title", "status", "code", "detail", "error", "fields": {path: message}}`, where
`code` is a stable identifier for programs (`not_found`, `invalid_request` …, the same in
every language), `detail` is in the request's language (`?lang=`, the `lang` cookie,
Accept-Language, else Korean), `error` repeats `detail` and `fields` says what is wrong with
each field, in the same language, never quoting the value sent.
"""


def install_openapi(app: FastAPI, version: str) -> None:
    def schema() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=version, description=DESCRIPTION,
                          routes=app.routes, servers=app.servers)
        mode: Literal["validation"] = "validation"
        inputs: list[tuple[type[BaseModel], Literal["validation"]]] = [
            (k.schema, mode) for k in KINDS.values()]
        _, defs = models_json_schema(inputs, ref_template="#/components/schemas/{model}")
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, shape in defs.get("$defs", {}).items():
            components.setdefault(name, shape)
        # The problem details every error answers (errors.py refers to it by name).
        components["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}")
        for kind in KINDS.values():
            full = components[kind.schema.__name__]
            patch = copy.deepcopy(full)
            patch.pop("required", None)
            patch["minProperties"] = 1
            patch["title"] = f"{kind.name.capitalize()}Patch"
            patch["description"] = (f"Fields of a {kind.name} to change; the rest stay as "
                                    "they are.")
            components[f"{kind.name.capitalize()}Patch"] = patch
        app.openapi_schema = doc
        return doc

    app.openapi = schema  # type: ignore[method-assign]
