"""Enrolling an account in TOTP (RFC 6238, the codes of authenticator apps) and removing it.

The secret is shown once, at enrolment, as an ``otpauth://`` URI (for a QR code) and in base32
(to type in); it is never printed again and never enters the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.security.accounts import _get, _require_admin
from sillok.security.policy import Actor
from sillok.security.sessions import end_sessions_of

ISSUER = "Sillok"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


def enable_totp(archive: Archive, actor: Actor, username: str) -> Enrolment:
    """A new secret for ``username`` (replacing any earlier one); the account's sessions end,
    so that its next sign-in asks for a code."""
    _require_admin(actor)
    secret = pyotp.random_base32()
    with archive.transaction() as session:
        user = _get(session, username)
        user.totp_secret = secret
        user.totp_enabled = True
        user.totp_last_step = None
        end_sessions_of(session, user.id)
        record_change(session, actor=actor.name, action="totp-enable", record_type="user",
                      record_id=user.id, after={"username": username})
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def disable_totp(archive: Archive, actor: Actor, username: str) -> None:
    _require_admin(actor)
    with archive.transaction() as session:
        user = _get(session, username)
        user.totp_secret = None
        user.totp_enabled = False
        user.totp_last_step = None
        end_sessions_of(session, user.id)
        record_change(session, actor=actor.name, action="totp-disable", record_type="user",
                      record_id=user.id, after={"username": username})
