"""Enrolling an account in TOTP (RFC 6238, the codes of authenticator apps) and removing it.

The secret is shown once, at enrolment, as an ``otpauth://`` URI (for a QR code) and in base32
(to type in); it is never printed again and never enters the audit trail.

Two ways in: an administrator switches it on or off for an account at once (``sillok users
totp``), or a signed-in user enrols their own account (the Account page): the new secret is
kept pending — sign-in does not ask for it — until a code made from it proves it reached an
app, and turning it off takes a current code or the password.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from sillok.accounts.accounts import HASHER, _get, _require_admin
from sillok.accounts.sessions import _code_step, _failure, _locked, end_sessions_of
from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Invalid
from sillok.security.policy import Actor

ISSUER = "Sillok"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


def _enrolment(secret: str, username: str) -> Enrolment:
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=username,
                                                                 issuer_name=ISSUER))


def _switch(session: Session, actor: Actor, user: m.User, secret: str | None,
            step: int | None = None, keep_session: int | None = None) -> None:
    """TOTP on with ``secret`` (off when None); the account's other sessions end, so that
    each next sign-in follows the new rule."""
    user.totp_secret = secret
    user.totp_enabled = secret is not None
    user.totp_last_step = step
    end_sessions_of(session, user.id, keep=keep_session)
    record_change(session, actor=actor.name,
                  action="totp-enable" if secret is not None else "totp-disable",
                  record_type="user", record_id=user.id, after={"username": user.username})


def enable_totp(archive: Archive, actor: Actor, username: str) -> Enrolment:
    """A new secret for ``username`` (replacing any earlier one); the account's sessions end,
    so that its next sign-in asks for a code."""
    _require_admin(actor)
    secret = pyotp.random_base32()
    with archive.transaction() as session:
        _switch(session, actor, _get(session, username), secret)
    return _enrolment(secret, username)


def disable_totp(archive: Archive, actor: Actor, username: str) -> None:
    _require_admin(actor)
    with archive.transaction() as session:
        _switch(session, actor, _get(session, username), None)


def totp_status(archive: Archive, actor: Actor) -> str:
    """The actor's own account: ``on``, ``pending`` (enrolment begun, not confirmed) or
    ``off``."""
    with archive.transaction() as session:
        user = _get(session, actor.name)
        if user.totp_enabled:
            return "on"
        return "pending" if user.totp_secret else "off"


def begin_own_enrolment(archive: Archive, actor: Actor) -> Enrolment:
    """A new pending secret for the actor's own account (replacing an unconfirmed one)."""
    secret = pyotp.random_base32()
    with archive.transaction() as session:
        user = _get(session, actor.name)
        if user.totp_enabled:
            raise Conflict("TOTP is on already: turn it off before enrolling again")
        user.totp_secret, user.totp_last_step = secret, None
        record_change(session, actor=actor.name, action="totp-enrol", record_type="user",
                      record_id=user.id, after={"username": user.username})
    return _enrolment(secret, actor.name)


def pending_enrolment(archive: Archive, actor: Actor) -> Enrolment | None:
    """The actor's unconfirmed secret, to show again beside a wrong code; None when there is
    none (never the secret of TOTP that is on)."""
    with archive.transaction() as session:
        user = _get(session, actor.name)
        if user.totp_enabled or not user.totp_secret:
            return None
        return _enrolment(user.totp_secret, user.username)


def confirm_own_enrolment(archive: Archive, actor: Actor, code: str,
                          keep_session: int | None = None) -> bool:
    """Switch the pending secret on when ``code`` is a current code made from it; False
    (nothing changed) for a wrong code. The account's other sessions end."""
    with archive.transaction() as session:
        user = _get(session, actor.name)
        if user.totp_enabled:
            raise Conflict("TOTP is on already")
        if not user.totp_secret:
            raise Invalid({"code": "begin the enrolment first"})
        step = _code_step(user.totp_secret, code)
        if step is None:
            return False
        _switch(session, actor, user, user.totp_secret, step, keep_session)
    return True


def disable_own_totp(archive: Archive, actor: Actor, *, code: str = "", password: str = "",
                     address: str = "", keep_session: int | None = None) -> bool:
    """Switch the actor's own TOTP off, proven by a current code (each good once) or the
    password. False when the proof is wrong or the account is locked: a wrong one counts
    towards the sign-in lockout, so a borrowed session cannot guess on."""
    if not code.strip() and not password:
        raise Invalid({"code": "enter a current code or your password"})
    with archive.transaction() as session:
        user = _get(session, actor.name)
        if not user.totp_enabled or not user.totp_secret:
            raise Conflict("TOTP is not on for this account")
        if _locked(user):
            return False
        if not _proven(user, user.totp_secret, code, password):
            _failure(session, user, archive.settings.auth, address, "totp-disable-failed")
            return False
        _switch(session, actor, user, None, keep_session=keep_session)
    return True


def _proven(user: m.User, secret: str, code: str, password: str) -> bool:
    if code.strip():
        step = _code_step(secret, code)
        return step is not None and (user.totp_last_step is None
                                     or step > user.totp_last_step)
    if not user.password_hash:
        return False
    try:
        return HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
