"""Who is asking, for every request: a session cookie or an API token; and CSRF protection.

The middleware sets ``request.state.actor`` (read by web/deps.page_actor and by the API's
``current_actor``) from

- ``Authorization: Bearer <token>`` (accounts/tokens.py): an unknown, expired or revoked
  token is refused with 401, never quietly treated as anonymous;
- else the session cookie (accounts/sessions.py): a missing, ended or expired session is
  anonymous, and its cookie is cleared.

CSRF: a state-changing request (POST, PUT, PATCH, DELETE) carried by a session cookie must
send the session's synchronizer token, in the ``X-CSRF-Token`` header (htmx, scripts) or the
``csrf_token`` form field (plain forms). Pages are checked by an application dependency
(:func:`csrf_protect`, so that a form body is parsed once, by FastAPI); the JSON API, mounted
as an application of its own, by the middleware (header only). Bearer-token requests are
exempt: a browser never adds that header on another site's behalf.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from sillok.accounts import sessions, tokens
from sillok.archive.service import Archive
from sillok.config import Network
from sillok.errors import Forbidden, Said, in_language
from sillok.security.policy import Actor, may_write
from sillok.web import i18n
from sillok.web.problems import problem_response

COOKIE = "sillok_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/v1"
# These check their own tokens: the sign-in form has no session yet (a double-submit cookie
# stands in) and the code form belongs to a session that is not signed in yet.
OWN_CSRF = frozenset({"/login", "/login/code"})


def client_address(request: Request) -> str:
    """The address a request came from, for the limit per address and the audit trail."""
    peer = request.client.host if request.client else "unknown"
    # An application without the setting (the API's own, mounted) believes no proxy.
    trusted = getattr(request.app.state, "trusted_proxies", ())
    return forwarded_client(peer, request.headers.get("x-forwarded-for"), trusted)


def forwarded_client(peer: str, forwarded_for: str | None,
                     trusted: tuple[Network, ...]) -> str:
    """The client behind trusted proxies: X-Forwarded-For is read from the right (each proxy
    appends the address it was connected from), one hop for each trusted proxy in the chain,
    and the first address not a trusted proxy is the client. Anything left of it was written
    by the client itself and could say anything."""
    address = peer
    hops = [h.strip() for h in (forwarded_for or "").split(",")]
    while hops and _trusted(address, trusted):
        hop = hops.pop()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: the chain cannot be followed further
        address = hop
    return address


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def session_of(request: Request) -> sessions.SessionInfo | None:
    info = getattr(request.state, "session", None)
    return info if isinstance(info, sessions.SessionInfo) else None


def current_actor(request: Request) -> Actor:
    """The actor the middleware found; anonymous when there is none."""
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def token_matches(sent: str | None, expected: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode("utf-8"),
                                                    expected.encode("utf-8"))


def csrf_message() -> str:
    return i18n.gettext("This form has expired or did not come from this site. "
                        "Go back, reload the page and try again.")


def _json_error(status: int, message: Said, **headers: str) -> JSONResponse:
    # The API's own error shape (problems.py): RFC 9457 problem details, with a stable code
    # and the sentence in the request's language.
    return problem_response(status, in_language(message, i18n.current.get()),
                            headers=headers, code=message.code)


def install_auth(app: FastAPI, archive: Archive) -> None:
    """Add the authentication middleware to ``app`` (before the language middleware, so that
    it runs inside it and its pages are in the visitor's language)."""

    @app.middleware("http")
    async def authenticate(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.actor = Actor.anonymous()
        request.state.session = None
        request.state.auth = None
        clear_cookie = False
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        # Other schemes (e.g. Basic from a reverse proxy guarding the whole site) are not ours.
        if scheme.lower() == "bearer":
            if not value.strip():
                return _json_error(401, Said("token.missing",
                                        "send an API token as Authorization: Bearer <token>",
                                        "API 토큰을 Authorization: Bearer <토큰> 으로 보내십시오"),
                                   **{"WWW-Authenticate": "Bearer"})
            actor = await run_in_threadpool(tokens.authenticate_token, archive, value.strip())
            if actor is None:
                return _json_error(401, Said("token.invalid",
                                        "the API token is unknown, expired or revoked",
                                        "알 수 없거나 만료되었거나 취소된 API 토큰입니다"),
                                   **{"WWW-Authenticate": 'Bearer error="invalid_token"'})
            request.state.actor = actor
            request.state.auth = "token"
        elif cookie := request.cookies.get(COOKIE):
            info = await run_in_threadpool(sessions.lookup, archive, cookie)
            if info is None:
                clear_cookie = True
            else:
                request.state.session = info
                if not info.totp_pending:
                    request.state.actor = info.actor
                    request.state.auth = "session"
        if (request.state.auth == "session" and request.method not in SAFE_METHODS
                and _under(request.url.path, API_PREFIX)):
            info = session_of(request)
            if info is None or not token_matches(request.headers.get(CSRF_HEADER), info.csrf):
                return _json_error(403, Said(
                    "csrf.missing",
                    "a change made with a sign-in cookie needs the session's X-CSRF-Token header",
                    "로그인 쿠키로 바꾸려면 세션의 X-CSRF-Token 헤더가 필요합니다"))
        response = await call_next(request)
        if clear_cookie:
            response.delete_cookie(COOKIE, path="/")
        return response


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


async def csrf_protect(request: Request) -> None:
    """Application-wide dependency of the pages: refuse a state-changing request of a signed-in
    session without the session's token (403)."""
    if request.method in SAFE_METHODS or request.url.path in OWN_CSRF:
        return
    info = session_of(request)
    if info is None or info.totp_pending or request.state.auth != "session":
        return  # no session to ride on: whatever the route needs, it is not a cookie's
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
            # FastAPI has parsed (or will reuse) the same form for the route: parsed once.
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not token_matches(sent, info.csrf):
        raise Forbidden(csrf_message())


def csrf_token_of(request: Any) -> str:
    if request is None:
        return ""
    info = session_of(request)
    return info.csrf if info is not None else ""


@pass_context
def csrf_field(ctx: Context) -> Markup:
    """The hidden field every form that changes something carries."""
    token = csrf_token_of(ctx.get("request"))
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD,
                                                                      escape(token))


@pass_context
def csrf_token(ctx: Context) -> str:
    return csrf_token_of(ctx.get("request"))


@pass_context
def signed_in_as(ctx: Context) -> str:
    """The signed-in user's name, or "" (for the page header)."""
    request = ctx.get("request")
    if request is None or getattr(request.state, "auth", None) != "session":
        return ""
    return current_actor(request).name


@pass_context
def may_use_workspace(ctx: Context) -> bool:
    """Whether the header links to the workspace (editors and admins only)."""
    request = ctx.get("request")
    return (request is not None and getattr(request.state, "auth", None) == "session"
            and may_write(current_actor(request)))
