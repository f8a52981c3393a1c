"""The Account page (/staff/account): the signed-in user's own second factor (TOTP) and API
tokens — what ``sillok users totp`` and ``sillok tokens`` do on the command line.

Any staff role may use it, in a signed-in session only: an API token manages neither tokens
nor sign-in. The work is done by accounts/totp.py and accounts/tokens.py (audit included);
this module reads forms and says what went wrong beside the field it concerns. Secrets (the
TOTP secret while it is being confirmed, a new API token) appear only in the answer to the
POST that made them, never on a page fetched with GET, and no answer here is cached.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.accounts import tokens, totp
from sillok.accounts.sessions import SessionInfo
from sillok.archive.service import Archive
from sillok.errors import Forbidden, Invalid
from sillok.security.policy import Actor, Role
from sillok.web import i18n
from sillok.web.auth import client_address, session_of
from sillok.web.deps import page_actor
from sillok.web.staff_routes import NotSignedIn

PAGE = "/staff/account"


def done_notice(key: str) -> str:
    """The notice after a change that ends in a redirect (?done=KEY): a fixed text, nothing
    of the address echoed."""
    notices = {"totp-on": i18n.gettext("Two-step sign-in is on. Sign-ins now ask for a code "
                                       "from your app."),
               "totp-off": i18n.gettext("Two-step sign-in is off."),
               "token-revoked": i18n.gettext("The token is revoked: it no longer works.")}
    return notices.get(key, "")


class Account:
    """The signed-in user of a request and their session (kept when they change their own
    second factor; their other sessions end)."""

    def __init__(self, actor: Actor, session: SessionInfo) -> None:
        self.actor = actor
        self.session = session


def account_of(request: Request) -> Account:
    actor = page_actor(request)
    if actor.role is Role.anonymous:
        raise NotSignedIn(str(request.url.path))
    info = session_of(request)
    if info is None or getattr(request.state, "auth", None) != "session":
        raise Forbidden("the account page is for a signed-in session, not an API token")
    return Account(actor, info)


Signed = Annotated[Account, Depends(account_of)]


def _days(text: str) -> int | None:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= tokens.MAX_DAYS:
        return None
    return int(value)


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix=PAGE)

    def page(request: Request, account: Account, status: int = 200,
             **context: Any) -> HTMLResponse:
        actor = account.actor
        context.setdefault("errors", {})
        context.setdefault("values", {"scope": "read", "expires_days": "90", "name": ""})
        response = templates.TemplateResponse(request, "account.html", {
            "username": actor.name, "role": actor.role.value,
            "totp": totp.totp_status(archive, actor),
            "tokens": tokens.tokens_of(archive, actor),
            "all_users": actor.role is Role.admin,
            "scopes": tokens.scopes_for(actor.role), "max_days": tokens.MAX_DAYS,
            "done": done_notice(request.query_params.get("done", "")), **context},
            status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def redirect(done: str, anchor: str) -> Response:
        return RedirectResponse(f"{PAGE}?{urlencode({'done': done})}#{anchor}",
                                status_code=303)

    @r.get("", response_class=HTMLResponse)
    def account_page(request: Request, account: Signed) -> HTMLResponse:
        return page(request, account)

    @r.post("/totp", response_class=HTMLResponse)
    def totp_begin(request: Request, account: Signed) -> HTMLResponse:
        enrolment = totp.begin_own_enrolment(archive, account.actor)
        return page(request, account, enrolment=enrolment)

    @r.post("/totp/confirm", response_model=None)
    def totp_confirm(request: Request, account: Signed,
                     code: Annotated[str, Form(max_length=20)] = "") -> Response:
        enrolment = totp.pending_enrolment(archive, account.actor)
        if enrolment is None:
            return page(request, account, 422, errors={"totp": i18n.gettext(
                "There is no enrolment to confirm: begin again.")})
        if totp.confirm_own_enrolment(archive, account.actor, code,
                                      keep_session=account.session.id):
            return redirect("totp-on", "totp")
        return page(request, account, 422, enrolment=enrolment, errors={"code": i18n.gettext(
            "The code is wrong. Enter the current code your authenticator app shows for this "
            "secret.")})

    @r.post("/totp/disable", response_model=None)
    def totp_disable(request: Request, account: Signed,
                     code: Annotated[str, Form(max_length=20)] = "",
                     password: Annotated[str, Form(max_length=1000)] = "") -> Response:
        if not code.strip() and not password:
            return page(request, account, 422, errors={"totp": i18n.gettext(
                "Enter a current code or your password.")})
        if totp.disable_own_totp(archive, account.actor, code=code, password=password,
                                 address=client_address(request),
                                 keep_session=account.session.id):
            return redirect("totp-off", "totp")
        return page(request, account, 422, errors={"totp": i18n.gettext(
            "The code or password is wrong, or the account is locked for a while after too "
            "many failed attempts.")})

    @r.post("/tokens", response_class=HTMLResponse)
    def token_create(request: Request, account: Signed,
                     name: Annotated[str, Form(max_length=120)] = "",
                     scope: Annotated[str, Form(max_length=20)] = "",
                     expires_days: Annotated[str, Form(max_length=10)] = "") -> HTMLResponse:
        values = {"name": name, "scope": scope, "expires_days": expires_days}
        errors: dict[str, str] = {}
        if scope not in tokens.scopes_for(account.actor.role):
            errors["scope"] = i18n.gettext("Choose a scope your role allows.")
        days = _days(expires_days)
        if days is None:
            errors["expires_days"] = i18n.gettext("Give a number of days from 1 to %(max)d.") % {
                "max": tokens.MAX_DAYS}
        if errors or days is None:
            return page(request, account, 422, errors=errors, values=values)
        try:
            token_id, secret = tokens.create_own_token(archive, account.actor, scope, days,
                                                       name.strip())
        except Invalid as exc:
            return page(request, account, 422, errors=exc.errors, values=values)
        return page(request, account, new_token={"id": token_id, "secret": secret})

    @r.post("/tokens/{token_id}/revoke")
    def token_revoke(account: Signed, token_id: int) -> Response:
        tokens.revoke_token(archive, account.actor, token_id)
        return redirect("token-revoked", "tokens")

    return r
