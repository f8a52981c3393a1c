"""The sign-in pages: /login (name and password), /login/code (the TOTP code when the account
has one) and /logout.

Every failure says the same thing whether or not the name exists; the per-account lockout is
in accounts/sessions.py, the per-address limit here (accounts/ratelimit.py).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.accounts import sessions
from sillok.accounts.ratelimit import FailureLimiter
from sillok.archive.service import Archive
from sillok.web import i18n
from sillok.web.auth import COOKIE, client_address, csrf_message, session_of, token_matches

# The sign-in form's own CSRF token: a double-submit cookie, since there is no session yet.
LOGIN_COOKIE = "sillok_login"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if (not value or not value.startswith("/") or value.startswith("//")
            or "\\" in value or any(ord(ch) < 32 for ch in value)):
        return "/staff"
    return value


def router(archive: Archive, templates: Jinja2Templates,
           limiter: FailureLimiter) -> APIRouter:
    r = APIRouter()
    auth = archive.settings.auth

    def cookie(response: Response, name: str, value: str, max_age: int, path: str) -> None:
        response.set_cookie(name, value, max_age=max_age, path=path, httponly=True,
                            secure=auth.cookie_secure, samesite="lax")

    def insecure_here(request: Request) -> bool:
        # A Secure cookie is dropped by the browser on plain HTTP other than the loopback.
        return (auth.cookie_secure and request.url.scheme == "http"
                and (request.url.hostname or "") not in LOOPBACK)

    def login_page(request: Request, *, error: str = "", status: int = 200,
                   username: str = "", next_url: str = "/staff") -> HTMLResponse:
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
        response = templates.TemplateResponse(request, "login.html", {
            "error": error, "username": username, "next": safe_next(next_url),
            "login_token": token, "insecure": insecure_here(request)}, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        cookie(response, LOGIN_COOKIE, token, 3600, "/login")
        return response

    def signed_in(request: Request, token: str, next_url: str) -> Response:
        response = RedirectResponse(safe_next(next_url), status_code=303)
        cookie(response, COOKIE, token, int(auth.max_hours * 3600), "/")
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    def wrong() -> str:
        return i18n.gettext("The user name or password is wrong, or the account is locked "
                            "for a while after too many failed attempts.")

    def too_many() -> str:
        return i18n.gettext("Too many failed sign-ins from this address. Wait a few minutes "
                            "and try again.")

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/staff") -> HTMLResponse:
        return login_page(request, next_url=next)

    @r.post("/login")
    def login(request: Request, username: Annotated[str, Form(max_length=200)] = "",
              password: Annotated[str, Form(max_length=1000)] = "",
              login_token: Annotated[str, Form(max_length=200)] = "",
              next: Annotated[str, Form(max_length=2000)] = "/staff") -> Response:
        address = client_address(request)
        if not token_matches(login_token, request.cookies.get(LOGIN_COOKIE) or "\x00"):
            return login_page(request, error=csrf_message(), status=403, username=username,
                              next_url=next)
        if limiter.blocked(address):
            return login_page(request, error=too_many(), status=429, username=username,
                              next_url=next)
        # A session this browser had before is ended: the one after sign-in is always new.
        if old := request.cookies.get(COOKIE):
            sessions.end_session(archive, old, address, audit=False)
        result = sessions.sign_in(archive, username.strip(), password, address)
        if result.outcome is sessions.Outcome.failed or result.token is None:
            if result.outcome is sessions.Outcome.needs_enrolment:
                return login_page(request, status=403, username=username, next_url=next,
                                  error=i18n.gettext(
                                      "Administrators must sign in with a one-time code "
                                      "(TOTP) and this account has none yet. Another "
                                      "administrator can set it up with: sillok users totp "
                                      "NAME --enable"))
            limiter.failed(address)
            return login_page(request, error=wrong(), status=401, username=username,
                              next_url=next)
        if result.outcome is sessions.Outcome.needs_code:
            response: Response = RedirectResponse(
                "/login/code?" + urlencode({"next": safe_next(next)}), status_code=303)
            cookie(response, COOKIE, result.token, 300, "/")
            return response
        return signed_in(request, result.token, next)

    def code_page(request: Request, next_url: str, error: str = "",
                  status: int = 200) -> Response:
        info = session_of(request)
        if info is None or not info.totp_pending:
            return RedirectResponse("/login?" + urlencode({"next": safe_next(next_url)}),
                                    status_code=303)
        response = templates.TemplateResponse(request, "login_code.html", {
            "error": error, "next": safe_next(next_url), "pending_csrf": info.csrf},
            status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    @r.get("/login/code", response_class=HTMLResponse)
    def code_form(request: Request, next: str = "/staff") -> Response:
        return code_page(request, next)

    @r.post("/login/code")
    def code(request: Request, code: Annotated[str, Form(max_length=20)] = "",
             csrf_token: Annotated[str, Form(max_length=200)] = "",
             next: Annotated[str, Form(max_length=2000)] = "/staff") -> Response:
        address = client_address(request)
        info = session_of(request)
        token = request.cookies.get(COOKIE)
        if info is None or not info.totp_pending or token is None:
            return code_page(request, next)
        if not token_matches(csrf_token, info.csrf):
            return code_page(request, next, csrf_message(), 403)
        if limiter.blocked(address):
            return code_page(request, next, too_many(), 429)
        result = sessions.complete_with_code(archive, token, code, address)
        if result.outcome is not sessions.Outcome.signed_in or result.token is None:
            limiter.failed(address)
            return code_page(request, next, i18n.gettext(
                "The code is wrong or was already used. Enter the current code from your "
                "authenticator app."), 401)
        return signed_in(request, result.token, next)

    @r.post("/logout")
    def logout(request: Request) -> Response:
        # The CSRF check (web/auth.csrf_protect) has run: a page elsewhere cannot sign you out.
        token = request.cookies.get(COOKIE)
        if token:
            sessions.end_session(archive, token, client_address(request))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return r
