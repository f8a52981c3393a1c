"""Protected person details encrypted at rest: the envelope, the key ring, and the ORM hooks.

When an archive has a current key (table ``at_rest_keys``, turned on by ``sillok keys init``),
every field of ``person_protected`` is stored as an envelope::

    sillok:aesgcm:1:<key id>:<nonce, base64url>:<ciphertext and tag, base64url>

AES-256-GCM with a fresh 96-bit nonce per value. The associated data names the person and
the field (and the key id), so an envelope copied into another row or another field does not
open: nobody with write access to the database alone can swap one witness's real name for
another's. The key itself is in the key file (security/keys.py), never in the database.

The model (db/models.py) maps the stored columns as ``sealed_<field>`` and exposes each field
through :class:`SealedField`: reading decrypts lazily, so only code that actually reads a
protected detail needs the key (a missing key fails that read with one clear line, and
nothing else), and writing leaves a :class:`Pending` value that the ``before_insert`` /
``before_update`` hooks seal at flush, when the person's id is known. Whether to seal is asked
of the database on every such flush, so a process can never write plaintext into an archive
that another process has switched to encryption.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar, overload
from weakref import WeakKeyDictionary

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, column, event, select, table
from sqlalchemy.orm import Mapper, QueryContext, Session, object_session

from sillok.config import Settings
from sillok.security.keys import Key, KeyUnavailable, load_keys

PREFIX = "sillok:aesgcm:1:"
FIELDS = ("real_name", "birth_date", "home_village", "family", "contacts", "notes")
CHECK = "sillok at-rest key check"
# Plain keys of an instance's __dict__ that SQLAlchemy leaves alone: plaintexts already opened
# (each with the envelope it came from, so a refreshed row is never answered from a stale
# cache) and the key ring of the archive the row was loaded from.
CLEAR = "_sillok_clear"
RING = "_sillok_ring"

keys_table = table("at_rest_keys", column("key_id"), column("status"))


def aad(person_id: int, field: str, key_id: str) -> bytes:
    return f"sillok:person_protected:{person_id}:{field}:{key_id}".encode()


def is_envelope(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(key: Key, plaintext: str, associated: bytes) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key.material).encrypt(nonce, plaintext.encode("utf-8"), associated)
    return PREFIX + ":".join([key.id, _b64(nonce), _b64(sealed)])


def envelope_key_id(envelope: str) -> str:
    return envelope[len(PREFIX):].split(":", 1)[0]


def open_sealed(key: Key, envelope: str, associated: bytes) -> str:
    try:
        key_id, nonce, sealed = envelope[len(PREFIX):].split(":")
        if key_id != key.id:
            raise ValueError(key_id)
        plain = AESGCM(key.material).decrypt(_unb64(nonce), _unb64(sealed), associated)
    except (ValueError, binascii.Error, InvalidTag):
        raise KeyUnavailable(
            f"key {key.id} does not open this protected value: the key file holds a different "
            "key under this id, or the value was altered or moved") from None
    return plain.decode("utf-8")


def seal_field(key: Key, person_id: int, field: str, plaintext: str) -> str:
    return seal(key, plaintext, aad(person_id, field, key.id))


def check_value(key: Key) -> str:
    """Stored beside the key id, so a key file can be checked without reading any person."""
    return seal(key, CHECK, f"sillok:key-check:{key.id}".encode())


def key_matches(key: Key, check: str) -> bool:
    try:
        return open_sealed(key, check, f"sillok:key-check:{key.id}".encode()) == CHECK
    except KeyUnavailable:
        return False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Ring:
    """The keys of one archive, read from its key file when first needed and re-read when an
    envelope names a key not yet seen (another process may have rotated since)."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.key_path
        self._keys: dict[str, Key] | None = None
        self._lock = threading.Lock()

    def key(self, key_id: str) -> Key:
        with self._lock:
            if self._keys is None or key_id not in self._keys:
                self._keys = load_keys(self.path)
            found = self._keys.get(key_id)
        if found is None:
            raise KeyUnavailable(f"protected details need key {key_id}, which is not in the "
                                 f"key file {self.path}")
        return found

    def forget(self) -> None:
        with self._lock:
            self._keys = None

    def open_field(self, person_id: int, field: str, envelope: str) -> str:
        key = self.key(envelope_key_id(envelope))
        return open_sealed(key, envelope, aad(person_id, field, key.id))


_rings: WeakKeyDictionary[Engine, Ring] = WeakKeyDictionary()


def attach(engine: Engine, settings: Settings) -> Ring:
    """Tie an engine to its archive's key file (the Archive does this when it opens)."""
    ring = _rings.get(engine)
    if ring is None or ring.path != settings.key_path:
        ring = _rings[engine] = Ring(settings)
    return ring


def ring_for(bind: Any) -> Ring | None:
    engine = bind.engine if isinstance(bind, Connection) else bind
    return _rings.get(engine) if isinstance(engine, Engine) else None


@dataclass(frozen=True)
class Pending:
    """A plaintext set on the model and not yet sealed (sealed at flush by the hooks)."""

    text: str


T = TypeVar("T")


class SealedField(Generic[T]):
    """One protected field: plaintext to the code, an envelope (or legacy plaintext) in the
    column ``sealed_<field>``. At class level it is that column, so queries still work."""

    def __init__(self, field: str, is_date: bool = False) -> None:
        self.field, self.column, self.is_date = field, f"sealed_{field}", is_date

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Any: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> T | None: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> Any:
        if obj is None:
            return getattr(owner, self.column)
        raw = getattr(obj, self.column)
        if raw is None:
            return None
        if isinstance(raw, Pending):
            return self._out(raw.text)
        if not is_envelope(raw):
            return self._out(raw)
        cache: dict[str, tuple[str, str]] = obj.__dict__.setdefault(CLEAR, {})
        hit = cache.get(self.field)
        if hit is not None and hit[0] == raw:
            return self._out(hit[1])
        ring = obj.__dict__.get(RING)
        if ring is None:
            session = object_session(obj)
            ring = ring_for(session.get_bind()) if session is not None else None
        if ring is None:
            raise KeyUnavailable("protected details are encrypted and this process has no key "
                                 "file for the archive")
        plain = ring.open_field(obj.person_id, self.field, raw)  # type: ignore[attr-defined]
        cache[self.field] = (raw, plain)
        return self._out(plain)

    def __set__(self, obj: object, value: T | str | None) -> None:
        if value is None:
            setattr(obj, self.column, None)
            return
        text = value.isoformat() if isinstance(value, date) else str(value)
        setattr(obj, self.column, Pending(text))

    def _out(self, text: str) -> Any:
        return date.fromisoformat(text) if self.is_date else text


def current_key_id(connection: Connection) -> str | None:
    # FOR SHARE (PostgreSQL): a rotation locks this table first, so a writer either seals
    # before the rotation starts (and is re-encrypted by it) or waits and sees the new key.
    stmt = select(keys_table.c.key_id).where(keys_table.c.status == "current")
    row = connection.execute(stmt.with_for_update(read=True)).first()
    return None if row is None else str(row[0])


def digest_key(session: Session) -> bytes | None:
    """The key of audit digests of protected details while they are encrypted at rest: made
    from the current key, so the database alone does not let anyone test guesses against
    them (None when protected details are stored in plaintext)."""
    current = current_key_id(session.connection())
    if current is None:
        return None
    ring = ring_for(session.get_bind())
    if ring is None:
        raise KeyUnavailable("this archive encrypts protected details and this process has no "
                             "key file for it")
    return hmac.new(ring.key(current).material, b"sillok:audit-digest:1",
                    hashlib.sha256).digest()


def _seal_pending(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    pending = [(f, v) for f in FIELDS
               if isinstance(v := target.__dict__.get(f"sealed_{f}"), Pending)]
    if not pending:
        return
    current = current_key_id(connection)
    if current is None:
        for field, value in pending:
            setattr(target, f"sealed_{field}", value.text)
        return
    ring = _rings.get(connection.engine)
    if ring is None:
        raise KeyUnavailable("this archive encrypts protected details and this process has no "
                             "key file for it")
    key = ring.key(current)
    cache: dict[str, tuple[str, str]] = target.__dict__.setdefault(CLEAR, {})
    for field, value in pending:
        envelope = seal_field(key, target.person_id, field, value.text)
        setattr(target, f"sealed_{field}", envelope)
        cache[field] = (envelope, value.text)


def _remember_ring(target: Any, context: QueryContext) -> None:
    # Rows outlive their session (expire_on_commit is off): keep the ring for later reads.
    target.__dict__[RING] = ring_for(context.session.get_bind())


def install_hooks(model: type[Any]) -> None:
    event.listen(model, "before_insert", _seal_pending)
    event.listen(model, "before_update", _seal_pending)
    event.listen(model, "load", _remember_ring)
