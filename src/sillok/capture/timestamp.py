"""RFC 3161 trusted timestamps: a timestamp authority (TSA) signs the SHA-256 of the WARC and
the time, so that anyone can later show the capture existed, unchanged, at that time.

Requests and checks use rfc3161-client. The authority's address is ``SILLOK_TSA_URL``; its
certificate chain's root, to check tokens against, is ``SILLOK_TSA_CERT`` (PEM). Without a
root a token is still checked for the hash it covers, and the report says the signer was not
checked against a trusted root."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from sillok.errors import SillokError


@dataclass
class Stamp:
    tsa: str
    token: bytes  # the DER TimeStampResp, kept whole
    time: datetime

    def as_json(self) -> dict[str, Any]:
        return {"tsa": self.tsa, "time": self.time.isoformat(),
                "response": base64.b64encode(self.token).decode("ascii")}


def request_stamp(tsa_url: str, data: bytes, roots: list[x509.Certificate],
                  timeout: float = 30.0) -> Stamp:
    request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
               .nonce(nonce=True).cert_request(cert_request=True).build())
    try:
        reply = httpx.post(tsa_url, content=request.as_bytes(), timeout=timeout,
                           headers={"Content-Type": "application/timestamp-query"})
        reply.raise_for_status()
    except httpx.HTTPError as exc:
        raise SillokError(f"timestamp authority {tsa_url}: {exc}") from None
    try:
        response = decode_timestamp_response(reply.content)
    except ValueError as exc:
        raise SillokError(f"timestamp authority {tsa_url}: not a timestamp response ({exc})"
                          ) from None
    if response.status not in (0, 1):  # granted, granted with modifications
        raise SillokError(f"timestamp authority {tsa_url} refused: "
                          f"{'; '.join(response.status_string) or response.status}")
    problem = check_stamp(reply.content, data, roots, nonce=request.nonce)
    if problem:
        raise SillokError(f"timestamp authority {tsa_url}: {problem}")
    return Stamp(tsa_url, reply.content, response.tst_info.gen_time.astimezone(UTC))


def check_stamp(token: bytes, data: bytes, roots: list[x509.Certificate],
                nonce: int | None = None) -> str | None:
    """None when ``token`` is a valid timestamp of ``data``; else what is wrong. With no
    roots, only the hash it covers is checked."""
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        return f"unreadable timestamp token ({exc})"
    if not roots:
        import hashlib

        imprint = response.tst_info.message_imprint.message
        return None if imprint == hashlib.sha256(data).digest() else (
            "the timestamp covers other bytes than the capture")
    builder = VerifierBuilder(roots=roots)
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        return f"timestamp does not verify ({exc})"
    return None


def load_roots(path: Path | None) -> list[x509.Certificate]:
    if path is None:
        return []
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SillokError(f"SILLOK_TSA_CERT {path}: not readable PEM certificates ({exc})"
                          ) from None


def decode(stored: dict[str, Any]) -> bytes:
    return base64.b64decode(stored["response"])
