"""The audit trail's anchor outside the database: a key that signs every entry, and a
checkpoint of the chain's head.

Whoever can write to the database (a copied file, a dump, a stolen server) can rehash the whole
chain from its start, or cut entries off its end, and the hash chain alone would still look
whole. Two files kept outside the database, beside the at-rest key file (``DATA_DIR/keys/`` by
default, or the directory of ``SILLOK_KEY_FILE``), stop that:

- ``audit.key``: 32 random bytes, mode 0600, made when the first signed entry is written.
  Every entry carries HMAC-SHA256(key, its hash); its hash covers the hash before it, so one
  good signature vouches for the whole chain up to it. A chain rewritten without the key fails.
- ``audit-head.json``: the id and hash of the newest committed entry, with an HMAC of them.
  Written after every commit that appended entries, and only ever moved forward (several
  server processes and the CLI append at once). A chain that ends before it lost its tail.

The key sits beside the at-rest key because the record digests it signs (audit_state.py) cover
protected details: whoever may test guesses against them must already hold the at-rest key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

from sillok.config import Settings
from sillok.security.keys import KeyUnavailable, check_private, write_private

try:  # POSIX; elsewhere the checkpoint is written without the cross-process lock.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

KEY_NAME = "audit.key"
HEAD_NAME = "audit-head.json"
HEAD_FORMAT = "sillok-audit-head/1"
KEY_BYTES = 32


@dataclass(frozen=True)
class Head:
    entry_id: int
    entry_hash: str


class AnchorDamaged(KeyUnavailable):
    """The checkpoint file is unreadable or its MAC does not match the audit key."""


class Anchor:
    """One archive's audit key and checkpoint (one per engine, see :func:`attach`)."""

    def __init__(self, settings: Settings) -> None:
        self.dir = settings.key_path.parent
        self.key_path = self.dir / KEY_NAME
        self.head_path = self.dir / HEAD_NAME
        self._key: bytes | None = None
        # Re-entrant: advance() holds it while the checkpoint's MAC may load the key.
        self._lock = threading.RLock()

    def has_key(self) -> bool:
        return self._key is not None or self.key_path.exists()

    def key(self, *, create: bool = False) -> bytes:
        """The audit key; made on first use only when ``create`` (no signed entry exists yet:
        a missing key of a signed chain must be restored, not quietly replaced)."""
        if self._key is not None:
            return self._key
        with self._lock:
            if self._key is None:
                if not self.key_path.exists():
                    if not create:
                        raise KeyUnavailable(
                            f"the audit key {self.key_path} is missing: the signed audit trail "
                            "cannot be checked or continued (restore it from your backup)")
                    write_private(self.key_path, secrets.token_bytes(KEY_BYTES))
                try:
                    check_private(self.key_path)
                    material = self.key_path.read_bytes()
                except OSError as exc:
                    raise KeyUnavailable(f"cannot read the audit key {self.key_path} "
                                         f"({exc.strerror})") from None
                if len(material) != KEY_BYTES:
                    raise KeyUnavailable(f"{self.key_path} is not a Sillok audit key")
                self._key = material
            return self._key

    def install_key(self, material: bytes) -> None:
        """Put a key from a backup in place (``sillok restore``); a different key already
        there is refused, as it signs another archive's trail."""
        if len(material) != KEY_BYTES:
            raise KeyUnavailable("the backup's audit key has the wrong length")
        if self.key_path.exists():
            if self.key() != material:
                raise KeyUnavailable(f"{self.key_path} holds a different audit key than the "
                                     "backup: restore into another data directory")
            return
        write_private(self.key_path, material)
        self._key = material

    def sign(self, entry_hash: str, *, create: bool = False) -> str:
        return _mac(self.key(create=create), f"entry:{entry_hash}")

    def read_head(self) -> Head | None:
        """The checkpoint, None when there is none; raises AnchorDamaged when it is not one
        this archive's key wrote."""
        try:
            data: Any = json.loads(self.head_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise AnchorDamaged(f"the audit checkpoint {self.head_path} cannot be read") from None
        try:
            if data["format"] != HEAD_FORMAT:
                raise ValueError("format")
            head = Head(int(data["entry"]), str(data["hash"]))
            mac = str(data["mac"])
        except (KeyError, TypeError, ValueError):
            raise AnchorDamaged(f"{self.head_path} is not a Sillok audit checkpoint") from None
        if not hmac.compare_digest(mac, self._head_mac(head)):
            raise AnchorDamaged(f"the audit checkpoint {self.head_path} was not written with "
                                "this archive's audit key (replaced or edited)")
        return head

    def advance(self, head: Head, *, durable: bool = True) -> bool:
        """Move the checkpoint forward to ``head`` (a committed entry); never backward.
        Returns whether it was written. After each write it is not ``durable`` (fsync was
        half the time of an audited write, 10 of 20 ms): a power cut may leave it a little
        behind, which only narrows what it catches; verify and init write it durably."""
        with self._exclusive():
            try:
                current = self.read_head()
            except AnchorDamaged:
                current = None  # a damaged checkpoint is replaced by a good one
            if current is not None and current.entry_id >= head.entry_id:
                return False
            body = {"format": HEAD_FORMAT, "entry": head.entry_id, "hash": head.entry_hash,
                    "mac": self._head_mac(head)}
            write_private(self.head_path, (json.dumps(body) + "\n").encode("utf-8"),
                          durable=durable)
            return True

    def _head_mac(self, head: Head) -> str:
        return _mac(self.key(), f"head:{head.entry_id}:{head.entry_hash}")

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        # Read-compare-write of the checkpoint by one process at a time, or a slower writer
        # could move it back behind a faster one.
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._lock, open(self.dir / ".audit-head.lock", "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


_anchors: WeakKeyDictionary[Engine, Anchor] = WeakKeyDictionary()


def attach(engine: Engine, settings: Settings) -> Anchor:
    """Tie an engine to its archive's audit key (the Archive does this when it opens)."""
    anchor = _anchors.get(engine)
    if anchor is None or anchor.dir != settings.key_path.parent:
        anchor = _anchors[engine] = Anchor(settings)
    return anchor


def anchor_for(bind: Any) -> Anchor | None:
    engine = bind.engine if isinstance(bind, Connection) else bind
    return _anchors.get(engine) if isinstance(engine, Engine) else None
