"""Signing in: password, lockout and second factor, and the server-side sessions that follow.

A session is a random token in an HttpOnly cookie; the database keeps only its SHA-256, so a
copied database hands out no live session. Every sign-in makes a new token (a token planted in
a browser before sign-in is never the one that is signed in), sessions end after an idle time
and after an absolute lifetime, and the user's role and status are re-read on every request,
so disabling an account or changing a role takes effect at once.

Every outcome of a sign-in is written to the audit trail: who (when known), from which
address, and what happened; never a password, a code, a token or a name that matched no
account (people type passwords into the name field).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from sillok.accounts.accounts import HASHER
from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.config import AuthSettings
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.security.policy import Actor, Role

# A session's last-seen time is written at most this often: each touch is a write.
TOUCH_EVERY = timedelta(seconds=60)
# Codes of the previous and the next 30-second step are accepted too (clock drift).
TOTP_DRIFT_STEPS = 1


def now() -> datetime:
    """The time for everything here; tests replace it to move the clock."""
    return utcnow()


def token_digest(token: str) -> str:
    """How a session or API token is stored and looked up. A plain SHA-256 is enough (no salt,
    no slow hash): the tokens are 32 random bytes, so there is nothing to guess or to find in a
    precomputed table, unlike a password, and a fast lookup by an indexed digest is needed on
    every request."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Outcome(StrEnum):
    signed_in = "signed_in"
    # The password was right; the one-time code comes next.
    needs_code = "needs_code"
    # An administrator without TOTP while require_admin_totp is on.
    needs_enrolment = "needs_enrolment"
    failed = "failed"


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    # The new session's token (for the cookie), when a session was made.
    token: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    """A live session as the web layer needs it."""

    id: int
    actor: Actor
    csrf: str
    totp_pending: bool


def _audit(session: Session, user: m.User | None, action: str, address: str,
           **details: object) -> None:
    record_change(session, actor=user.username if user else "anonymous", action=action,
                  record_type="user", record_id=user.id if user else None,
                  after={"address": address, **details})


def _new_session(session: Session, user: m.User, auth: AuthSettings,
                 totp_pending: bool) -> str:
    token = secrets.token_urlsafe(32)
    t = now()
    lifetime = timedelta(hours=auth.max_hours)
    if totp_pending:
        # Long enough to type a code, not a way around the absolute lifetime.
        lifetime = min(lifetime, timedelta(minutes=5))
    expires = t + lifetime
    session.add(m.AuthSession(
        token_hash=token_digest(token), user_id=user.id, created_at=t, last_seen_at=t,
        idle_expires_at=min(t + timedelta(minutes=auth.idle_minutes), expires),
        expires_at=expires, csrf_secret=secrets.token_urlsafe(32), totp_pending=totp_pending))
    # Ended sessions (anyone's) are removed at each sign-in: the table stays small, and an
    # ended session is never left to be looked at later.
    session.execute(delete(m.AuthSession).where(
        or_(m.AuthSession.expires_at <= t, m.AuthSession.idle_expires_at <= t)))
    return token


def _failure(session: Session, user: m.User, auth: AuthSettings, address: str,
             action: str) -> None:
    """Count a failed password or code; at the limit, lock the account for a while."""
    user.failed_logins = (user.failed_logins or 0) + 1
    _audit(session, user, action, address, failures=user.failed_logins)
    if user.failed_logins >= auth.max_failures:
        user.locked_until = now() + timedelta(minutes=auth.lockout_minutes)
        user.failed_logins = 0
        # A half-finished sign-in (password given, code pending) ends with the lock.
        session.execute(delete(m.AuthSession).where(m.AuthSession.user_id == user.id,
                                                    m.AuthSession.totp_pending.is_(True)))
        _audit(session, user, "signin-locked", address,
               until=user.locked_until.isoformat())


def _locked(user: m.User) -> bool:
    return user.locked_until is not None and user.locked_until > now()


def end_session(archive: Archive, token: str, address: str = "", audit: bool = True) -> None:
    """Sign out: the session is deleted, so its cookie is worthless even if kept."""
    with archive.transaction() as session:
        row = session.execute(select(m.AuthSession).where(
            m.AuthSession.token_hash == token_digest(token))).scalar_one_or_none()
        if row is None:
            return
        user = session.get(m.User, row.user_id)
        session.delete(row)
        if audit and not row.totp_pending:
            _audit(session, user, "signout", address)


def sign_in(archive: Archive, username: str, password: str, address: str) -> SignIn:
    """Check a password. Every failure looks the same to the caller (unknown name, disabled or
    locked account, wrong password), and costs the same time: one Argon2 hash."""
    auth = archive.settings.auth
    with archive.transaction() as session:
        user = session.execute(
            select(m.User).where(m.User.username == username)).scalar_one_or_none()
        if user is None or user.disabled or not user.password_hash:
            HASHER.hash(password)
            _audit(session, user, "signin-failed", address)
            return SignIn(Outcome.failed)
        if _locked(user):
            HASHER.hash(password)
            # Attempts while locked neither extend the lock nor are checked.
            _audit(session, user, "signin-refused", address, reason="locked")
            return SignIn(Outcome.failed)
        try:
            HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            _failure(session, user, auth, address, "signin-failed")
            return SignIn(Outcome.failed)
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        if auth.require_admin_totp and user.role == Role.admin and not user.totp_enabled:
            _audit(session, user, "signin-refused", address, reason="admin without TOTP")
            return SignIn(Outcome.needs_enrolment)
        if user.totp_enabled:
            # The failure count is reset only by a complete sign-in: otherwise someone with
            # the password could guess codes without ever reaching the lock.
            token = _new_session(session, user, auth, totp_pending=True)
            _audit(session, user, "signin-password", address)
            return SignIn(Outcome.needs_code, token)
        user.failed_logins = 0
        user.locked_until = None
        token = _new_session(session, user, auth, totp_pending=False)
        _audit(session, user, "signin", address)
        return SignIn(Outcome.signed_in, token)


def _code_step(secret: str, code: str) -> int | None:
    """The time step whose code this is (within the drift allowed), or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def complete_with_code(archive: Archive, token: str, code: str, address: str) -> SignIn:
    """The second step: a pending session and a TOTP code make a new, signed-in session (the
    pending token is dropped). Wrong codes count towards the lockout like wrong passwords."""
    auth = archive.settings.auth
    with archive.transaction() as session:
        row = session.execute(select(m.AuthSession).where(
            m.AuthSession.token_hash == token_digest(token),
            m.AuthSession.totp_pending.is_(True))).scalar_one_or_none()
        if row is None or row.expires_at <= now():
            return SignIn(Outcome.failed)
        user = session.get_one(m.User, row.user_id)
        if user.disabled or _locked(user) or not user.totp_enabled or not user.totp_secret:
            session.delete(row)
            return SignIn(Outcome.failed)
        step = _code_step(user.totp_secret, code)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            _failure(session, user, auth, address, "totp-failed")
            return SignIn(Outcome.failed)
        user.totp_last_step = step
        user.failed_logins = 0
        user.locked_until = None
        session.delete(row)
        new_token = _new_session(session, user, auth, totp_pending=False)
        _audit(session, user, "signin", address, second_factor="totp")
        return SignIn(Outcome.signed_in, new_token)


def lookup(archive: Archive, token: str) -> SessionInfo | None:
    """The live session of a cookie, renewed for another idle period; None when it does not
    exist, has expired or its account was disabled (an ended session is deleted)."""
    auth = archive.settings.auth
    with archive.transaction() as session:
        found = session.execute(
            select(m.AuthSession, m.User).join(m.User, m.User.id == m.AuthSession.user_id)
            .where(m.AuthSession.token_hash == token_digest(token))).first()
        if found is None:
            return None
        row, user = found
        t = now()
        if row.expires_at <= t or row.idle_expires_at <= t or user.disabled:
            session.delete(row)
            return None
        if t - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = t
            row.idle_expires_at = min(t + timedelta(minutes=auth.idle_minutes), row.expires_at)
        return SessionInfo(id=row.id, actor=Actor(user.username, Role(user.role)),
                           csrf=row.csrf_secret, totp_pending=row.totp_pending)


def end_sessions_of(session: Session, user_id: int, keep: int | None = None) -> None:
    """Every session of an account ends (its second factor or password changed), but for
    ``keep``: the session in which its owner made the change themselves."""
    query = delete(m.AuthSession).where(m.AuthSession.user_id == user_id)
    if keep is not None:
        query = query.where(m.AuthSession.id != keep)
    session.execute(query)
