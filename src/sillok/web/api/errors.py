"""Every error of the API as RFC 9457 problem details (``application/problem+json``):
``type``, ``title``, ``status``, ``detail``, plus ``error`` (= ``detail``) and ``fields``
(``{path: message}``), the members the API answered with before (web/problems.py).

Only messages written for users leave the API: a :class:`SillokError`'s own message, a field
path with what is wrong with it, or the standard phrase of an HTTP status. Exception text,
tracebacks, SQL, input values echoed back and server paths never do — an unexpected failure is
a bare "internal error" (the traceback goes to the server's log, not to the client).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from sillok.errors import Invalid, SillokError
from sillok.web import i18n
from sillok.web.api.error_words import code_of, field_in_lang, in_lang
from sillok.web.field_words import field_path, field_said
from sillok.web.problems import MEDIA_TYPE, phrase, problem_response

log = logging.getLogger("sillok.web.api")

class ErrorOut(BaseModel):
    """What every failed request answers: RFC 9457 problem details."""

    type: str = Field("about:blank", description="The kind of problem; ``about:blank``: "
                      "the HTTP status says it.")
    title: str = Field(description="The HTTP status's standard phrase.",
                       examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    code: str = Field(description="What went wrong, as a stable identifier for programs: the "
                      "same in every language and wording (``not_found``, "
                      "``invalid_request``, ``unauthenticated``, ``forbidden``, "
                      "``stale_version``, ``level.restricted_source`` …).",
                      examples=["not_found"])
    detail: str = Field(description="What went wrong, in one sentence, in the request's "
                        "language (``?lang=``, the ``lang`` cookie, Accept-Language, else "
                        "Korean).", examples=["no source #999999"])
    error: str = Field(description="The same sentence as ``detail`` (kept for clients "
                                   "written before the API answered problem details).")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Per-field problems: a field path (``names.0.name``, ``filter.year``, "
                    "``limit``) → what is wrong with it. Empty when the error is not about "
                    "particular fields.")


class Unauthenticated(SillokError):
    """A change asked for by someone who has not said who they are."""

    http_status = 401


class PreconditionFailed(SillokError):
    """A change sent with ``If-Match`` for a version that is no longer the record's own."""

    http_status = 412

    def __init__(self, message: str, current: int | None = None) -> None:
        super().__init__(message)
        self.current = current


def error_response(status: int, message: str, fields: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None,
                   exc: SillokError | None = None,
                   request: Request | None = None) -> JSONResponse:
    """The problem, its code taken from the message or error, its words in the request's
    language (read from the request itself: an unexpected failure is answered outside the
    site's language middleware)."""
    lang = i18n.pick_lang(request) if request is not None else i18n.current.get()
    words = {path: field_in_lang(text, lang) for path, text in (fields or {}).items()}
    return problem_response(status, in_lang(status, message, lang), words, headers,
                            code=code_of(status, message, exc))


def _phrase(status: int) -> str:
    return phrase(status).lower()


def field_errors(errors: list[Any]) -> dict[str, str]:
    """Pydantic/FastAPI errors as ``{path: message}``, worded in both languages by
    web/field_words.py (``required``, ``unknown field`` as the archive's own validation says
    them, so the CLI and the API agree); never pydantic's English nor the value sent."""
    out: dict[str, str] = {}
    for err in errors:
        path = "body" if err.get("type") == "json_invalid" else field_path(err)
        out.setdefault(path, field_said(err))
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Invalid)
    def invalid(request: Request, exc: Invalid) -> JSONResponse:
        return error_response(exc.http_status, _invalid_message(exc), exc.errors, exc=exc,
                              request=request)

    @app.exception_handler(SillokError)
    def sillok_error(request: Request, exc: SillokError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        current = getattr(exc, "current", None)
        if isinstance(current, int):
            # A stale change: the version to read again and retry from (records.py etag).
            headers = {"ETag": f'"v{current}"'}
        return error_response(exc.http_status, exc.message, headers=headers, exc=exc,
                              request=request)

    @app.exception_handler(RequestValidationError)
    def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid request", field_errors(list(exc.errors())),
                              request=request)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The standard phrase, not ``exc.detail``: details raised deep inside a library are
        # not written for the public.
        return error_response(exc.status_code, _phrase(exc.status_code),
                              headers=getattr(exc, "headers", None), request=request)

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("API request %s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error", request=request)


def _invalid_message(exc: Invalid) -> str:
    # Invalid's message repeats every field; the fields are given separately here.
    return f"{exc.context}: invalid input" if exc.context else "invalid input"


# Documented on every operation (FastAPI's default 422 schema would be wrong for this API).
def _problem_doc(status: int, description: str, detail: str,
                 fields: dict[str, str] | None = None) -> dict[str, Any]:
    example = {"type": "about:blank", "title": phrase(status), "status": status,
               "code": code_of(status), "detail": detail, "error": detail, "fields": fields or {}}
    # No ``model``: FastAPI would document the error as application/json as well.
    return {"description": description,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ErrorOut"},
                                     "example": example}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_doc(400, "Bad request", "invalid input"),
    401: _problem_doc(401, "Not signed in (writes need a session or token)",
                      "sign in, or send an API token (Authorization: Bearer …), to change "
                      "the archive"),
    403: _problem_doc(403, "The role may not do this", "viewers may not change records"),
    404: _problem_doc(404, "No such record, or none the caller may see", "no source #999999"),
    409: _problem_doc(409, "Conflict with the archive's state", "the record changed meanwhile"),
    412: _problem_doc(412, "If-Match names a version the record has moved on from: nothing "
                      "was changed", "the record has changed since version 3"),
    422: _problem_doc(422, "Invalid input, with a message per field", "invalid request",
                      {"limit": "must be at most 200"}),
}
