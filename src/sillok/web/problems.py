"""Problem details (RFC 9457): the one shape of every error the JSON API answers.

``type``, ``title``, ``status`` and ``detail`` are the RFC's members; ``error`` (the same
sentence as ``detail``) and ``fields`` (field path → what is wrong with it) are the members
this API answered with before it spoke RFC 9457, kept as extension members because clients
and scripts read them. ``code`` is a stable identifier of the
problem for programs (``not_found``, ``invalid_request``, ``level.restricted_source``), the same
in every language; ``detail`` is in the reader's language (web/api/error_words.py). ``type`` is
``about:blank`` — the status says what kind of problem it is — so ``title`` is the status's
standard phrase, as the RFC asks.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

MEDIA_TYPE = "application/problem+json"


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, detail: str, fields: dict[str, str] | None = None,
            code: str | None = None) -> dict[str, Any]:
    return {"type": "about:blank", "title": phrase(status), "status": status,
            "code": code or f"http_{status}", "detail": detail, "error": detail,
            "fields": fields or {}}


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem_response(status: int, detail: str, fields: dict[str, str] | None = None,
                     headers: dict[str, str] | None = None,
                     code: str | None = None) -> ProblemResponse:
    return ProblemResponse(problem(status, detail, fields, code), status_code=status,
                           headers=headers)
