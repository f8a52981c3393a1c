"""API tokens for scripts: ``Authorization: Bearer <token>`` on the JSON API.

A token is 32 random bytes, shown once when it is made; the database keeps its SHA-256 only
(see sessions.token_digest for why a fast hash is right here). Tokens expire, can be revoked,
stop working when their account is disabled, and their scope caps their user's role:

=====  ===============================================================
read   sees what the user sees; changes nothing (403 on any write)
write  reads and writes records; never administration (an admin acts as an editor)
admin  everything the user's role allows
=====  ===============================================================
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from sillok.accounts import sessions
from sillok.accounts.accounts import _get, _require_admin
from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.security.policy import WRITERS, Actor, Role

SCOPES = ("read", "write", "admin")
PREFIX = "sillok_"  # recognisable in a leaked file or a secret scanner's report
MAX_DAYS = 3650


def scoped_actor(username: str, role: Role, scope: str) -> Actor:
    """The actor a token acts as: its user's role, capped by its scope."""
    if scope != "admin" and role is Role.admin:
        # Editors and admins see the same records; only administration is taken away.
        role = Role.editor
    return Actor(username, role, read_only=scope == "read")


def scopes_for(role: Role) -> tuple[str, ...]:
    """The scopes a user may give a token of their own: none beyond their role (``admin``
    is an administrator's alone; a role that may not write gets ``read`` only)."""
    if role is Role.admin:
        return SCOPES
    return ("read", "write") if role in WRITERS else ("read",)


def _require_account(actor: Actor) -> None:
    # A token manages no tokens: one that leaked could otherwise make itself a longer life.
    if actor.role is Role.anonymous or actor.read_only:
        raise Forbidden("sign in to manage your API tokens")


def create_token(archive: Archive, actor: Actor, username: str, scope: str,
                 expires_days: int | None = 90, name: str = "") -> tuple[int, str]:
    """A new token for ``username``: its id and the token itself (shown once, never stored)."""
    _require_admin(actor)
    return _create(archive, actor, username, scope, expires_days, name)


def create_own_token(archive: Archive, actor: Actor, scope: str, expires_days: int | None = 90,
                     name: str = "") -> tuple[int, str]:
    """A new token for the actor's own account, its scope within :func:`scopes_for`."""
    _require_account(actor)
    if scope in SCOPES and scope not in scopes_for(actor.role):
        raise Invalid({"scope": f"'{scope}' is above your role ({actor.role.value}): choose "
                                f"{' or '.join(scopes_for(actor.role))}"})
    return _create(archive, actor, actor.name, scope, expires_days, name)


def _create(archive: Archive, actor: Actor, username: str, scope: str,
            expires_days: int | None, name: str) -> tuple[int, str]:
    if scope not in SCOPES:
        raise Invalid({"scope": f"'{scope}' is not one of: {', '.join(SCOPES)}"})
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise Invalid({"expires_days": f"between 1 and {MAX_DAYS} days"})
    token = PREFIX + secrets.token_urlsafe(32)
    t = sessions.now()
    with archive.transaction() as session:
        user = _get(session, username)
        if user.disabled:
            raise Invalid({"user": f"user '{username}' is disabled"})
        row = m.ApiToken(user_id=user.id, name=name[:120], scope=scope,
                         token_hash=sessions.token_digest(token), created_at=t,
                         expires_at=t + timedelta(days=expires_days) if expires_days else None)
        session.add(row)
        session.flush()
        record_change(session, actor=actor.name, action="token-create", record_type="api_token",
                      record_id=row.id, after={"user": username, "scope": scope, "name": row.name,
                                               "expires_at": _iso(row.expires_at)})
        return int(row.id), token


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def list_tokens(archive: Archive, actor: Actor) -> list[dict[str, Any]]:
    _require_admin(actor)
    return _listed(archive, None)


def tokens_of(archive: Archive, actor: Actor) -> list[dict[str, Any]]:
    """The tokens the actor may manage: an administrator's are everyone's (as on the command
    line), anyone else's their own."""
    _require_account(actor)
    return _listed(archive, None if actor.role is Role.admin else actor.name)


def _listed(archive: Archive, username: str | None) -> list[dict[str, Any]]:
    t = sessions.now()
    query = (select(m.ApiToken, m.User.username).join(m.User, m.User.id == m.ApiToken.user_id)
             .order_by(m.ApiToken.id))
    if username is not None:
        query = query.where(m.User.username == username)
    with archive.transaction() as session:
        out = []
        for tok, owner in session.execute(query).all():
            expired = tok.expires_at is not None and tok.expires_at <= t
            out.append({"id": tok.id, "user": owner, "name": tok.name, "scope": tok.scope,
                        "created_at": _iso(tok.created_at), "expires_at": _iso(tok.expires_at),
                        "revoked_at": _iso(tok.revoked_at),
                        "last_used_at": _iso(tok.last_used_at),
                        "active": tok.revoked_at is None and not expired})
        return out


def revoke_token(archive: Archive, actor: Actor, token_id: int) -> None:
    """Revoke a token at once: an administrator any, anyone else only their own (another's
    is "not found", so that its existence is not told)."""
    _require_account(actor)
    with archive.transaction() as session:
        found = session.execute(select(m.ApiToken, m.User.username)
                                .join(m.User, m.User.id == m.ApiToken.user_id)
                                .where(m.ApiToken.id == token_id)).first()
        if found is None or (actor.role is not Role.admin and found[1] != actor.name):
            raise NotFound(f"no API token #{token_id}")
        tok = found[0]
        if tok.revoked_at is None:
            tok.revoked_at = sessions.now()
            record_change(session, actor=actor.name, action="token-revoke",
                          record_type="api_token", record_id=tok.id)


def authenticate_token(archive: Archive, token: str) -> Actor | None:
    """The actor of a bearer token; None for an unknown, expired or revoked token or a
    disabled account."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    t = sessions.now()
    with archive.transaction() as session:
        found = session.execute(
            select(m.ApiToken, m.User).join(m.User, m.User.id == m.ApiToken.user_id)
            .where(m.ApiToken.token_hash == sessions.token_digest(token))).first()
        if found is None:
            return None
        tok, user = found
        if (tok.revoked_at is not None or user.disabled
                or (tok.expires_at is not None and tok.expires_at <= t)):
            return None
        if tok.last_used_at is None or t - tok.last_used_at >= sessions.TOUCH_EVERY:
            tok.last_used_at = t
        return scoped_actor(user.username, Role(user.role), tok.scope)
