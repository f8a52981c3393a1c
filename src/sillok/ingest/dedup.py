"""Near duplicates: the same article saved twice with different page chrome, a re-typed
testimony with small edits.

Each source's text is cut into character shingles; a MinHash signature (datasketch) of those is
split into bands, and each band's hash is stored (``source_bands``). Sources that share any band
are candidates, found with an index lookup rather than a scan; a candidate is a near duplicate
when the exact Jaccard similarity of the two shingle sets reaches the threshold. Near duplicates
are linked for review (``source_links``), never dropped.
"""

from __future__ import annotations

import hashlib
import importlib
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy
from sqlalchemy import Table, and_, insert, or_, select
from sqlalchemy.orm import Session

from sillok.db import models as m

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.5 similarity almost always share a band
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.7
# A 64-permutation estimate is within ±0.15 of the true similarity nearly always (sd ≈ 0.06).
ESTIMATE_MARGIN = 0.15
MIN_SHINGLES = 40  # shorter texts share too many shingles by chance to be compared so
NOISE = re.compile(r"[\W_]+")
try:
    # CPython's own SHA-1 gives OpenSSL's digests with less set-up per call, which is most of
    # the cost for n-grams of a few bytes (a 2 KB text has about 800 of them).
    _sha1: Callable[[bytes], Any] = importlib.import_module("_sha1").sha1
except ImportError:  # pragma: no cover - a Python built without it
    _sha1 = hashlib.sha1
_digest = operator.methodcaller("digest")


def shingles(text: str) -> set[bytes]:
    """Character n-grams of the text with case, spacing and punctuation removed, so that the
    same words laid out differently still meet."""
    flat = NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    # A text repeats many of its n-grams: each distinct one is encoded once.
    grams = {flat[i:i + SHINGLE] for i in range(max(len(flat) - SHINGLE + 1, 0))}
    return {gram.encode() for gram in grams}


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, str]:
    from datasketch import MinHash  # pulls in scipy (seconds): only ingesting pays it

    # datasketch draws a MinHash's permutations from its seed each time one is made (half a
    # millisecond, a quarter of a sketch): drawn once, and shared by every signature.
    template = MinHash(num_perm=PERMUTATIONS, seed=7)
    return template.permutations, template.scheme


def _hashes(grams: set[bytes]) -> list[int]:
    """datasketch's default hash of each n-gram (sha1_hash32: the first 4 bytes of its SHA-1,
    little-endian), so that signatures stay what they were. The digests are taken without a
    Python call per n-gram (C's map over the hash's constructor) and cut with numpy."""
    digests = numpy.frombuffer(b"".join(map(_digest, map(_sha1, grams))), dtype=numpy.uint8)
    values: list[int] = digests.reshape(-1, 20)[:, :4].copy().view("<u4").ravel().tolist()
    return values


def signature(grams: set[bytes]) -> Any:
    from datasketch import MinHash

    permutations, scheme = _permutations()
    # hashfunc=int: the values handed over are already the hashes.
    sig = MinHash(num_perm=PERMUTATIONS, seed=7, permutations=permutations, scheme=scheme,
                  hashfunc=int)
    sig.update_batch(_hashes(grams))
    return sig.hashvalues


def bands(values: Any) -> list[int]:
    out: list[int] = []
    for band in range(BANDS):
        digest = hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(),
                                 digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


def _estimate(values: Any, stored: bytes) -> float:
    """Jaccard similarity estimated from two signatures: the share of equal minima."""
    other = numpy.frombuffer(stored, dtype=values.dtype)
    return float((values == other).mean()) if other.shape == values.shape else 0.0


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Sketch:
    """What screening a text for near duplicates needs of it: its MinHash signature and band
    hashes. Computed in the parsing worker, off the process that writes the database."""

    values: Any  # numpy array of the signature's minima
    buckets: tuple[int, ...]


def sketch(text: str) -> Sketch | None:
    """The text's sketch, or None when it is too short to be compared."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    values = signature(grams)
    return Sketch(values, tuple(bands(values)))


def register(session: Session, source_id: int, text: str) -> list[tuple[int, float]]:
    """Store the source's bands and link it to its near duplicates; returns (other id, score)
    for each, most similar first."""
    return register_many(session, [(source_id, text, sketch(text))]).get(source_id, [])


def register_many(session: Session, new: list[tuple[int, str, Sketch | None]]
                  ) -> dict[int, list[tuple[int, float]]]:
    """``register`` for the sources of one transaction, in order: one query finds the stored
    candidates of them all, and each source is also compared with those before it here."""
    todo = [(sid, text, sk) for sid, text, sk in new if sk is not None]
    if not todo:
        return {}
    stored = _stored_candidates(session, {key for _s, _t, sk in todo
                                          for key in enumerate(sk.buckets)})
    signatures = _stored_signatures(session, {i for ids in stored.values() for i in ids})
    earlier: dict[tuple[int, int], list[int]] = {}
    texts: dict[int, str] = {}
    likely: dict[int, list[int]] = {}
    for sid, text, sk in todo:
        keys = list(enumerate(sk.buckets))
        candidates = {i for key in keys for i in stored.get(key, ()) if i != sid}
        here = {i for key in keys for i in earlier.get(key, ()) if i != sid}
        for key in keys:
            earlier.setdefault(key, []).append(sid)
        # Earlier sources of this transaction are screened like stored ones (their signatures
        # are kept below as each is done), so the order of a batch decides as before.
        sigs = {i: signatures[i] for i in candidates | here if i in signatures}
        likely[sid] = sorted(i for i, sig in sigs.items()
                             if _estimate(sk.values, sig) >= THRESHOLD - ESTIMATE_MARGIN)
        signatures[sid] = sk.values.tobytes()
        texts[sid] = text
    # Core executemany on the tables: 16 band rows a source, no ORM work for each.
    session.execute(insert(cast(Table, m.SourceBand.__table__)), [
        {"source_id": sid, "band": b, "bucket": v}
        for sid, _t, sk in todo for b, v in enumerate(sk.buckets)])
    session.execute(insert(cast(Table, m.SourceSignature.__table__)), [
        {"source_id": sid, "signature": sk.values.tobytes()} for sid, _t, sk in todo])
    wanted = {i for ids in likely.values() for i in ids if i not in texts}
    texts.update(_live_texts(session, wanted))
    out: dict[int, list[tuple[int, float]]] = {}
    for sid, text, _sk in todo:
        if not likely[sid]:
            continue
        grams = shingles(text)
        found: list[tuple[int, float]] = []
        for other in likely[sid]:
            if other not in texts:  # retracted meanwhile
                continue
            score = jaccard(grams, shingles(texts[other]))
            if score >= THRESHOLD:
                found.append((other, round(score, 3)))
                session.add(m.SourceLink(source_id=sid, other_id=other,
                                         relation="near_duplicate", score=round(score, 3)))
        found.sort(key=lambda pair: -pair[1])
        out[sid] = found
    return out


def _stored_candidates(session: Session, keys: set[tuple[int, int]]
                       ) -> dict[tuple[int, int], list[int]]:
    """Stored sources by (band, bucket) for the given keys. Asked as one condition per band
    (band = ? AND bucket IN (...)), so that each key is one lookup in the (band, bucket)
    index; a row-value IN list is a scan of the whole table in SQLite."""
    by_band: dict[int, list[int]] = {}
    for band, bucket in sorted(keys):
        by_band.setdefault(band, []).append(bucket)
    found: dict[tuple[int, int], list[int]] = {}
    per_query = max(1, 500 // max(1, max(len(v) for v in by_band.values()))) if by_band else 1
    bands_asked = sorted(by_band)
    for start in range(0, len(bands_asked), per_query):
        rows = session.execute(select(m.SourceBand.source_id, m.SourceBand.band,
                                      m.SourceBand.bucket).where(or_(*(
            and_(m.SourceBand.band == band, m.SourceBand.bucket.in_(by_band[band]))
            for band in bands_asked[start:start + per_query])))).all()
        for sid, band, bucket in rows:
            found.setdefault((int(band), int(bucket)), []).append(int(sid))
    return found


def _stored_signatures(session: Session, ids: set[int]) -> dict[int, bytes]:
    return {i: bytes(sig) for i, sig in _by_id(session, ids, lambda part: select(
        m.SourceSignature.source_id, m.SourceSignature.signature).where(
        m.SourceSignature.source_id.in_(part))).items()}


def _live_texts(session: Session, ids: set[int]) -> dict[int, str]:
    return {i: str(t) for i, t in _by_id(session, ids, lambda part: select(
        m.Source.id, m.Source.text).where(m.Source.id.in_(part),
                                          m.Source.retracted_at.is_(None))).items()}


def _by_id(session: Session, ids: set[int], query: Callable[[list[int]], Any]
           ) -> dict[int, Any]:
    """(id, value) rows of ``query`` for ``ids``, asked 500 ids at a time."""
    out: dict[int, Any] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        out.update({int(i): value for i, value in session.execute(
            query(wanted[start:start + 500]))})
    return out
