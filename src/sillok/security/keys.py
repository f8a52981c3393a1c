"""The at-rest key file: the keys that open protected person details, kept outside the database.

One JSON file (``sillok-keys/1``) holding every key an archive may still need, by id::

    {"format": "sillok-keys/1", "keys": [{"id": "k-3f9a2c1d", "key": "<base64>",
                                          "created": "2026-11-28T23:00:00+00:00"}]}

It lives at ``SILLOK_KEY_FILE`` or ``DATA_DIR/keys/at-rest.json``, is written atomically (a
crash leaves the old file or the new one, never half of one) with mode 0600 in a 0700
directory, and is refused when others may read it, as ssh refuses a private key: a key
readable by every account on the machine protects nothing. docs/keys.md says how to keep it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sillok.errors import StorageError
from sillok.private_files import make_dir

FORMAT = "sillok-keys/1"
KEY_BYTES = 32  # AES-256


class KeyUnavailable(StorageError):
    """Protected details cannot be read or written: key file missing, unreadable or wrong."""


@dataclass(frozen=True)
class Key:
    id: str
    material: bytes
    created: str

    def __repr__(self) -> str:  # never print key material by accident (logs, tracebacks)
        return f"Key({self.id!r})"


def new_key() -> Key:
    return Key(id=f"k-{secrets.token_hex(4)}", material=secrets.token_bytes(KEY_BYTES),
               created=datetime.now(UTC).isoformat(timespec="seconds"))


def load_keys(path: Path) -> dict[str, Key]:
    """Every key in the file by id; raises KeyUnavailable with one clear line."""
    try:
        check_private(path)
    except FileNotFoundError:
        raise KeyUnavailable(
            f"the key file {path} is missing: protected details cannot be read (set "
            "SILLOK_KEY_FILE to where it is, or restore it from your key backup)") from None
    except OSError as exc:
        raise KeyUnavailable(f"cannot read the key file {path} ({exc.strerror})") from None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        keys = [Key(id=str(k["id"]), material=base64.b64decode(k["key"], validate=True),
                    created=str(k.get("created", ""))) for k in data["keys"]]
    except OSError as exc:
        raise KeyUnavailable(f"cannot read the key file {path} ({exc.strerror})") from None
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise KeyUnavailable(f"{path} is not a Sillok key file") from None
    if any(len(k.material) != KEY_BYTES for k in keys):
        raise KeyUnavailable(f"{path} holds a key of the wrong length")
    return {k.id: k for k in keys}


def save_keys(path: Path, keys: dict[str, Key]) -> None:
    """Replace the key file atomically, 0600, fsynced before and after the rename."""
    make_dir(path.parent)
    body = json.dumps({"format": FORMAT, "keys": [
        {"id": k.id, "key": base64.b64encode(k.material).decode("ascii"), "created": k.created}
        for k in keys.values()]}, indent=2) + "\n"
    write_private(path, body.encode("utf-8"))


def check_private(path: Path) -> None:
    """Refuse a key file that other accounts may read (raises KeyUnavailable)."""
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyUnavailable(f"the key file {path} may be read by other accounts: "
                             f"run 'chmod 600 {path}'")


def write_private(path: Path, body: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` atomically with ``body``, 0600 in a 0700 directory, fsynced before
    and after the rename: a crash leaves the old file or the new one, never half of one.
    Without ``durable`` there is no fsync: a process crash still leaves one whole file, a
    power cut may bring back the one before."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600: the key is never readable by others, not even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable and hasattr(os, "O_DIRECTORY"):
        # The rename itself must reach the disk, or a power cut could bring back the old file.
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
