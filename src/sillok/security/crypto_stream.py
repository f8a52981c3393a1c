"""An encrypted, authenticated byte stream for backups (AES-256-GCM in chunks, scrypt key).

Layout: MAGIC | salt (16) | nonce prefix (7) | check frame | data frames…  Each frame is a
4-byte length and an AES-GCM ciphertext whose nonce is prefix | counter (4) | last-flag (1)
and whose associated data is the header, so frames cannot be reordered, dropped, replayed
from another backup, or cut off at the end without the reader noticing. The check frame
(counter 0) tells a wrong passphrase apart from damage further on.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from sillok.errors import SillokError

MAGIC = b"SILLOK-BACKUP-1\n"
CHUNK = 1 << 20
CHECK = b"sillok backup key check"


def derive_key(passphrase: str, salt: bytes) -> bytes:
    if not passphrase:
        raise SillokError("an empty passphrase cannot protect a backup")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object; call close() to write the final frame."""

    def __init__(self, out: BinaryIO, passphrase: str) -> None:
        salt, self._prefix = os.urandom(16), os.urandom(7)
        self._out = out
        self._header = MAGIC + salt + self._prefix
        self._aead = AESGCM(derive_key(passphrase, salt))
        self._counter = 0
        self._buffer = bytearray()
        out.write(self._header)
        self._frame(CHECK, last=False)

    def _frame(self, data: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), data, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._frame(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        self._frame(bytes(self._buffer), last=True)
        self._buffer.clear()


class DecryptingReader:
    """Reads the plaintext back, refusing a wrong passphrase or any altered byte."""

    def __init__(self, src: BinaryIO, passphrase: str) -> None:
        magic = src.read(len(MAGIC))
        if magic != MAGIC:
            raise SillokError("not a Sillok backup (unknown file header)")
        salt, prefix = src.read(16), src.read(7)
        if len(salt) != 16 or len(prefix) != 7:
            raise SillokError("backup is truncated (incomplete header)")
        self._src, self._prefix = src, prefix
        self._header = MAGIC + salt + prefix
        self._aead = AESGCM(derive_key(passphrase, salt))
        self._counter = 0
        self._buffer = bytearray()
        self._done = False
        wrong = "wrong passphrase (or the backup's first bytes are damaged)"
        try:
            check = self._next_frame()
        except SillokError:
            raise SillokError(wrong) from None
        if check != CHECK:
            raise SillokError(wrong)

    def _next_frame(self) -> bytes:
        size_bytes = self._src.read(4)
        if len(size_bytes) != 4:
            raise SillokError("backup is truncated: its end is missing")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = self._src.read(size)
        if len(sealed) != size:
            raise SillokError("backup is truncated: its end is missing")
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), sealed,
                                           self._header)
            except InvalidTag:
                continue
            self._counter += 1
            self._done = last
            return plain
        raise SillokError(f"backup is damaged or was altered (block {self._counter})")

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n and not self._done:
            self._buffer += self._next_frame()
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def readline(self) -> bytes:
        while b"\n" not in self._buffer and not self._done:
            self._buffer += self._next_frame()
        end = self._buffer.find(b"\n")
        end = len(self._buffer) if end < 0 else end + 1
        out = bytes(self._buffer[:end])
        del self._buffer[:end]
        return out

    def finish(self) -> None:
        """Refuse trailing data after the last frame (an appended frame is tampering too)."""
        if not self._done:
            self.read(1 << 62)
        if self._src.read(1):
            raise SillokError("backup is damaged or was altered (data after its end)")
