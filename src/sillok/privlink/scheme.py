"""The encoding: a cryptographic Bloom filter (a CLK, Schnell et al. 2009) keyed with a secret the
organisations agree on and no one else holds.

Each field's tokens (tokens.py) set ``k`` bits of an ``l``-bit filter. The bit positions of a
token are read from HMAC-SHA256 digests under a key of its own for each field (``field_key``):
the same bigram in the name and in another field sets unrelated bits, and without the secret no
one can compute which bits any token sets. Positions are taken from independent digests
(``HMAC(key, counter ‖ token)``), not by double hashing, whose linear structure is what the
attack of Niedermeyer et al. (2014) reads. The filter is then XOR-folded (Schnell, Borgs and
Encarnação 2016): its halves are combined bit by bit, so that no bit of the result tells
whether a token set it, and the bit patterns of frequent bigrams no longer show.

What the secret is for, and what it is not: it keeps outsiders from building a dictionary of
encodings; the two organisations hold it both, so each could encode guessed names and look for
them in the other's file. docs/linkage-encodings.md says who should hold which file.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from sillok.errors import Invalid
from sillok.private_files import write_file

SCHEME_NAME = "sillok-clk-v1"
SECRET_BYTES = 32
MIN_SECRET_BYTES = 16


@dataclass(frozen=True)
class Scheme:
    """The parameters both organisations must share; written into every encodings file, and a
    comparison refuses two files whose schemes differ."""

    name: str = SCHEME_NAME
    bits: int = 1024  # before folding; a power of two, so positions mod bits are unbiased
    folds: int = 1  # XOR folds: 1024 bits → 512
    k: Mapping[str, int] | None = None  # bits set per token, per field

    def __post_init__(self) -> None:
        if self.bits & (self.bits - 1) or not 64 <= self.bits <= 65536:
            raise Invalid({"scheme.bits": "a power of two from 64 to 65536"})
        if not 0 <= self.folds <= 3:
            raise Invalid({"scheme.folds": "0 to 3"})
        if self.k is None:
            object.__setattr__(self, "k", dict(DEFAULT_K))

    @property
    def size(self) -> int:
        """Bits in an encoding as written (after folding)."""
        return self.bits >> self.folds

    def label(self) -> str:
        """The scheme in a few words, for an error message."""
        ks = ", ".join(f"{f} {k}" for f, k in sorted(self.ks().items()))
        return f"{self.name}, {self.bits} bits folded {self.folds}×, bits per token {ks}"

    def ks(self) -> Mapping[str, int]:
        assert self.k is not None
        return self.k

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["k"] = dict(self.ks())
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Scheme:
        try:
            k = data["k"]
            if not isinstance(k, dict):
                raise TypeError("k")
            return cls(name=str(data["name"]), bits=int(str(data["bits"])),
                       folds=int(str(data["folds"])),
                       k={str(f): int(v) for f, v in k.items()})
        except (KeyError, TypeError, ValueError) as exc:
            raise Invalid({"scheme": f"not an encoding scheme ({exc})"}) from None


# Bits per token. A name gives some twelve bigrams and the birth year five tokens: the name
# carries most of the weight, so namesakes born years apart stay apart only by a margin, and
# the threshold (compare.py) is set from the bench (bench/encodings.py).
DEFAULT_K = {"name": 10, "syllable": 30, "sex": 30, "birth": 10}


def new_secret() -> str:
    """A fresh shared secret, as hex text."""
    return secrets.token_hex(SECRET_BYTES)


def write_secret(path: Path) -> None:
    """Write a new secret to ``path`` (owner-only); an existing file is never overwritten."""
    if path.exists():
        raise Invalid({"secret": f"{path} exists; a secret is never overwritten"})
    write_file(path, (new_secret() + "\n").encode("ascii"))


def read_secret(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid({"secret": f"cannot read {path}: {exc}"}) from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise Invalid({"secret": f"{path} does not hold a secret in hex"}) from None
    if len(secret) < MIN_SECRET_BYTES:
        raise Invalid({"secret": f"{path}: a secret needs at least {MIN_SECRET_BYTES} bytes"})
    return secret


def secret_check(secret: bytes, scheme: Scheme) -> str:
    """A value that tells whether two files were made with the same secret and scheme, and
    nothing about the secret (an HMAC of a fixed text)."""
    mac = hmac.new(secret, f"{scheme.name}/check/{scheme.bits}/{scheme.folds}".encode(),
                   hashlib.sha256)
    return mac.hexdigest()[:16]


def field_key(secret: bytes, scheme: Scheme, field: str) -> bytes:
    """The key of one field: each field's tokens hash apart from every other field's."""
    return hmac.new(secret, f"{scheme.name}/field/{field}".encode(), hashlib.sha256).digest()


def positions(key: bytes, token: str, k: int, bits: int) -> list[int]:
    """``k`` bit positions of ``token``, two bytes of an HMAC-SHA256 digest each."""
    out: list[int] = []
    data = token.encode("utf-8")
    counter = 0
    while len(out) < k:
        digest = hmac.new(key, bytes([counter]) + data, hashlib.sha256).digest()
        out.extend(int.from_bytes(digest[i:i + 2], "big") % bits for i in range(0, 32, 2))
        counter += 1
    return out[:k]


class Encoder:
    """Encodes field tokens under one secret and scheme (keys derived once)."""

    def __init__(self, secret: bytes, scheme: Scheme) -> None:
        self.scheme = scheme
        self.keys = {field: field_key(secret, scheme, field) for field in scheme.ks()}

    def encode(self, fields: Mapping[str, Iterable[str]]) -> bytes:
        """The folded filter of a record's tokens, as bytes (most significant bit first)."""
        bits = self.scheme.bits
        value = 0
        for field, tokens in fields.items():
            key, k = self.keys[field], self.scheme.ks()[field]
            for token in tokens:
                for pos in positions(key, token, k, bits):
                    value |= 1 << pos
        for _ in range(self.scheme.folds):
            bits //= 2
            value = (value >> bits) ^ (value & ((1 << bits) - 1))
        return value.to_bytes(bits // 8, "big")


def dice(a: bytes, b: bytes) -> float:
    """The Dice coefficient of two encodings: 2|a ∧ b| / (|a| + |b|)."""
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0
