"""Keyed digests of protected values (person details, redacted passages) for the audit trail.

The trail must show *that* a real name or a hidden passage changed without becoming a second
copy of it. A plain SHA-256 is no protection: a name, a birth date or a short passage is found
again by hashing every candidate. So every digest is an HMAC whose key is never in the
database: made from the at-rest key while protected details are encrypted (docs/keys.md), else
from the archive's secret in the data directory (the pseudonym key, archive/redact.py).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from sqlalchemy.orm import Session

from sillok.archive.redact import archive_secret
from sillok.security import at_rest

# Separates this key from the pseudonyms made with the same archive secret.
PURPOSE = b"sillok:audit-digest:1"


def digest_key(session: Session, data_dir: Path) -> bytes:
    key = at_rest.digest_key(session)
    if key is not None:
        return key
    return hmac.new(archive_secret(data_dir), PURPOSE, hashlib.sha256).digest()


def digest(value: str, key: bytes) -> str:
    return "hmac:" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
