"""The site's error pages: a bad id, a bad parameter, an unknown page or a failure answers with
a page in the reader's language — what went wrong in a sentence, the search bar and a way
home — never a stack, a validation dump or an internal message.

A value in the path that cannot name a record (``/sources/abc``, an id past 32 bits) is a
404 like a missing record; a bad query parameter (``?page=abc``) is a 400 naming the
parameter. The JSON API under /api/v1 has its own handlers (api/errors.py: problem details).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from sillok.errors import Invalid, SillokError
from sillok.search.query import MAX_QUERY
from sillok.web import i18n
from sillok.web.api.error_words import field_in_lang
from sillok.web.field_words import field_path, field_said
from sillok.web.i18n import gettext

log = logging.getLogger("sillok.web")


class PageError(Exception):
    """An answer of the site with a status and a sentence for the reader (already in the
    reader's language), and the search bar filled with ``q``."""

    def __init__(self, status: int, message: str, q: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.q = q


def _titles() -> dict[int, tuple[str, str]]:
    # Functions, not constants: each call is in the language of the request being answered.
    return {
        400: (gettext("This address cannot be read"),
              gettext("Part of the address is not a value this page can use. Check it, or "
                      "search the archive instead.")),
        403: (gettext("Not allowed"),
              gettext("Your account may not use this page.")),
        404: (gettext("Not found"),
              gettext("There is no page or public record at this address. It may have "
                      "been mistyped, or the record may not be public. Try searching.")),
        405: (gettext("Not allowed"),
              gettext("This page cannot be used that way.")),
        409: (gettext("Conflict"),
              gettext("The record changed meanwhile. Reload the page and try again.")),
        500: (gettext("Something went wrong"),
              gettext("The archive could not answer. Please try again later.")),
        503: (gettext("The archive is not available"),
              gettext("The archive could not be reached. Please try again later.")),
    }


def error_page(templates: Jinja2Templates, request: Request, status: int,
               message: str = "", problems: list[tuple[str, str]] | None = None,
               q: str = "", extra: dict[str, Any] | None = None,
               status_code: int | None = None) -> HTMLResponse:
    """The error page of ``status``; ``extra`` context and another ``status_code`` for the
    publishing preview, which shows the page the public will get (web/publish_routes.py)."""
    # A failure is answered outside the language middleware: the language is set again here.
    token = i18n.current.set(i18n.pick_lang(request))
    try:
        known = _titles()
        title, text = known.get(status) or known[500 if status >= 500 else 400]
        context: dict[str, Any] = {"status": status, "title": title,
                                   "message": message or text, "problems": problems or [],
                                   "q": q, **(extra or {})}
        return templates.TemplateResponse(request, "error.html", context,
                                          status_code=status_code or status)
    finally:
        i18n.current.reset(token)


def install_error_pages(app: FastAPI, templates: Jinja2Templates) -> None:
    @app.exception_handler(PageError)
    def page_error(request: Request, exc: PageError) -> HTMLResponse:
        return error_page(templates, request, exc.status, exc.message, q=exc.q)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        errors = list(exc.errors())
        if errors and all(e.get("loc", ("",))[0] == "path" for e in errors):
            return error_page(templates, request, 404)
        # Each parameter with what is wrong with it in the reader's language
        # (field_words.py), never pydantic's English nor the value sent.
        problems: list[tuple[str, str]] = [(field_path(err), field_said(err)) for err in errors]
        # The search bar keeps what the visitor searched for (cut at the search's limit).
        q = request.query_params.get("q", "")[:MAX_QUERY]
        return error_page(templates, request, 400, problems=problems[:10], q=q)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        # The status only: a library's ``detail`` is not written for readers.
        return error_page(templates, request, exc.status_code)

    @app.exception_handler(Invalid)
    def invalid(request: Request, exc: Invalid) -> HTMLResponse:
        lang = i18n.pick_lang(request)
        problems = [(path, field_in_lang(message, lang)) for path, message in exc.errors.items()]
        # A bad value in a page's address (a filter, a year) is a bad request (400); a form
        # sent with bad fields keeps 422, as its own page answers it.
        status = 400 if request.method in ("GET", "HEAD") else exc.http_status
        return error_page(templates, request, status, problems=problems[:10])

    @app.exception_handler(SillokError)
    def sillok_error(request: Request, exc: SillokError) -> HTMLResponse:
        if exc.http_status >= 500:
            # What the operator must fix (a missing key file, the database down) names paths
            # and settings: it goes to the server's log, the reader gets the page.
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return error_page(templates, request, exc.http_status)

    @app.exception_handler(Exception)
    def unexpected(request: Request, _exc: Exception) -> HTMLResponse:
        # Starlette re-raises after this answer, so the traceback reaches the server's log;
        # the reader sees a page.
        return error_page(templates, request, 500)
