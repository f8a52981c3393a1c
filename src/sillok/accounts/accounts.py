"""Staff accounts: Argon2id password hashes, roles, disabling; every change audited.

Sign-in sessions and lockout (sessions.py), TOTP (totp.py) and API tokens (tokens.py) build
on this.
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Forbidden, Invalid, NotFound
from sillok.security.policy import Actor, Role, is_reserved_name

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory parameters.
HASHER = PasswordHasher()
MIN_PASSWORD = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
STAFF_ROLES = ("viewer", "editor", "analyst", "admin")


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.admin:
        raise Forbidden("only administrators manage accounts")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid({"password": f"at least {MIN_PASSWORD} characters"})


def _check_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise Invalid({"role": f"'{role}' is not one of: {', '.join(STAFF_ROLES)}"})
    return role


def _get(session: Session, username: str) -> m.User:
    user = session.execute(select(m.User).where(m.User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


def _public(user: m.User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "disabled": user.disabled}


def add_user(archive: Archive, actor: Actor, username: str, role: str, password: str,
             display_name: str = "") -> int:
    _require_admin(actor)
    if is_reserved_name(username):
        raise Invalid({"username": f"'{username}' is reserved for the archive's own actors"})
    if not USERNAME.match(username):
        raise Invalid({"username": "2–64 characters: lower-case letters, digits, . _ -"})
    _check_role(role)
    _check_password(password)
    with archive.transaction() as session:
        if session.execute(select(m.User.id).where(m.User.username == username)).first():
            raise Conflict(f"user '{username}' exists already")
        user = m.User(username=username, role=role, display_name=display_name,
                      password_hash=HASHER.hash(password))
        session.add(user)
        session.flush()
        record_change(session, actor=actor.name, action="create", record_type="user",
                      record_id=user.id, after=_public(user))
        return int(user.id)


def list_users(archive: Archive, actor: Actor) -> list[dict[str, Any]]:
    _require_admin(actor)
    with archive.transaction() as session:
        users = session.execute(select(m.User).order_by(m.User.username)).scalars()
        return [{**_public(u), "created_at": u.created_at.isoformat(),
                 "totp": bool(u.totp_enabled),
                 "locked_until": u.locked_until.isoformat() if u.locked_until else None}
                for u in users]


def _change(archive: Archive, actor: Actor, username: str, action: str, **values: Any) -> None:
    _require_admin(actor)
    with archive.transaction() as session:
        user = _get(session, username)
        before = _public(user)
        for key, value in values.items():
            setattr(user, key, value)
        session.flush()
        record_change(session, actor=actor.name, action=action, record_type="user",
                      record_id=user.id, before=before, after=_public(user))


def set_role(archive: Archive, actor: Actor, username: str, role: str) -> None:
    _change(archive, actor, username, "update", role=_check_role(role))


def disable(archive: Archive, actor: Actor, username: str) -> None:
    _change(archive, actor, username, "disable", disabled=True)


def unlock(archive: Archive, actor: Actor, username: str) -> None:
    """Lift a sign-in lockout before it ends by itself (the failures are in the audit)."""
    _change(archive, actor, username, "unlock", failed_logins=0, locked_until=None)


def set_password(archive: Archive, actor: Actor, username: str, password: str) -> None:
    """A new password; the account's sessions end (whoever knew the old one is signed out)."""
    _check_password(password)
    # The hash never enters the audit trail: only the fact that the password changed.
    _change(archive, actor, username, "password", password_hash=HASHER.hash(password))
    with archive.transaction() as session:
        user_id = _get(session, username).id
        session.execute(delete(m.AuthSession).where(m.AuthSession.user_id == user_id))


def authenticate(archive: Archive, username: str, password: str) -> Actor | None:
    """The actor for a correct, enabled account; None otherwise (same answer for every failure
    so that a caller cannot tell a wrong name from a wrong password)."""
    with archive.transaction() as session:
        user = session.execute(
            select(m.User).where(m.User.username == username)
        ).scalar_one_or_none()
        if user is None or user.disabled or not user.password_hash:
            HASHER.hash(password)  # spend the same time as a real check
            return None
        try:
            HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
            # The hash is part of the user's audited state (archive/audit_state.py).
            record_change(session, actor=user.username, action="password-rehash",
                          record_type="user", record_id=user.id)
        return Actor(user.username, Role(user.role))
