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
import re
import unicodedata

from datasketch import MinHash
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from sillok.db import models as m

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.5 similarity almost always share a band
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.7
MIN_SHINGLES = 40  # shorter texts share too many shingles by chance to be compared so
NOISE = re.compile(r"[\W_]+")


def shingles(text: str) -> set[bytes]:
    """Character n-grams of the text with case, spacing and punctuation removed, so that the
    same words laid out differently still meet."""
    flat = NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    return {flat[i:i + SHINGLE].encode() for i in range(max(len(flat) - SHINGLE + 1, 0))}


def bands(grams: set[bytes]) -> list[int]:
    sig = MinHash(num_perm=PERMUTATIONS, seed=7)
    sig.update_batch(list(grams))
    values = sig.hashvalues
    out: list[int] = []
    for band in range(BANDS):
        digest = hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(),
                                 digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def register(session: Session, source_id: int, text: str) -> list[tuple[int, float]]:
    """Store the source's bands and link it to its near duplicates; returns (other id, score)
    for each, most similar first."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return []
    buckets = bands(grams)
    candidates = session.execute(
        select(m.SourceBand.source_id).where(
            tuple_(m.SourceBand.band, m.SourceBand.bucket).in_(list(enumerate(buckets))),
            m.SourceBand.source_id != source_id,
        ).distinct()
    ).scalars().all()
    session.add_all(m.SourceBand(source_id=source_id, band=b, bucket=v)
                    for b, v in enumerate(buckets))
    found: list[tuple[int, float]] = []
    for other in sorted(candidates):
        other_text = session.execute(
            select(m.Source.text).where(m.Source.id == other, m.Source.retracted_at.is_(None))
        ).scalar_one_or_none()
        if other_text is None:
            continue
        score = jaccard(grams, shingles(other_text))
        if score >= THRESHOLD:
            found.append((other, round(score, 3)))
            session.add(m.SourceLink(source_id=source_id, other_id=other,
                                     relation="near_duplicate", score=round(score, 3)))
    found.sort(key=lambda pair: -pair[1])
    return found
