"""The text of a distribution-protected HWP 5 document (배포용 문서).

Hancom's "한글 문서 파일 형식 5.0" describes it: such a file keeps its body in
``ViewText/Section{n}`` instead of ``BodyText/Section{n}`` (``BodyText`` holds only a
stand-in). Each of those streams starts with one HWPTAG_DISTRIBUTE_DOC_DATA record of 256
bytes; its first 4 bytes (little-endian) seed the C runtime's rand() (Microsoft's LCG), whose
output scrambles the other 252 bytes by XOR. The unscrambled bytes hold, at offset
4 + (seed & 0xF), the key: 16 bytes for AES-128. The rest of the stream is AES-128-ECB
ciphertext of what a ``BodyText`` section would be: raw deflate when the FileHeader says the
document is compressed, the section's records either way. The scripts (``Scripts/…``) are
encrypted alike; ``DocInfo``, ``BinData`` and the summary are not.

The protection only asks a viewer not to let the text be copied or printed; the key is in the
file. So the text is read as evidence, and :func:`unlock` gives back an ordinary HWP 5 file
(the sections decrypted into ``BodyText``, the scripts left out, the FileHeader's distribution
flag cleared) for the same reader as every other HWP 5 file. Written from the format
description; nothing of pyhwp (AGPL) was copied.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from sillok.ingest import protection

DISTRIBUTE_DOC_DATA = 0x10 + 12  # HWPTAG_BEGIN + 12
PARA_HEADER = 0x10 + 50
SEED_RECORD = 256
HEADER_WORD = DISTRIBUTE_DOC_DATA | (SEED_RECORD << 20)  # level 0, size 256
KEY_SIZE = 16
MAX_SECTION = 512 * 1024 * 1024  # inflated bytes of one section (python-hwpx bounds it again)
COMPRESSED = 0x01  # FileHeader properties, bit 0


class Undecryptable(ValueError):
    """A distribution document whose sections cannot be decrypted (damaged or not as described)."""


def rand_stream(seed: int) -> Iterator[int]:
    """Microsoft C runtime's rand() after srand(seed): 15-bit values."""
    state = seed & 0xFFFFFFFF
    while True:
        state = (state * 214013 + 2531011) & 0xFFFFFFFF
        yield (state >> 16) & 0x7FFF


def unscramble(record: bytes) -> bytes:
    """The 256 bytes of an HWPTAG_DISTRIBUTE_DOC_DATA record, XOR-scrambling undone (it is its
    own inverse). rand() gives a key byte, then how many bytes (1-16) that byte covers."""
    if len(record) != SEED_RECORD:
        raise Undecryptable(f"the distribution record is {len(record)} bytes, not 256")
    seed = int.from_bytes(record[:4], "little")
    rand = rand_stream(seed)
    out = bytearray(record)
    left, mask = 0, 0
    for at in range(SEED_RECORD):
        if left == 0:
            mask = next(rand) & 0xFF
            left = (next(rand) & 0xF) + 1
        if at >= 4:
            out[at] ^= mask
        left -= 1
    return bytes(out)


def section_key(record: bytes) -> bytes:
    """The AES-128 key a section's distribution record carries."""
    seed = int.from_bytes(record[:4], "little")
    at = 4 + (seed & 0xF)
    return unscramble(record)[at:at + KEY_SIZE]


def decrypt_stream(stream: bytes) -> bytes:
    """A ViewText (or Scripts) stream decrypted: what its BodyText twin would hold, deflated
    if the document is compressed (AES blocks are whole: any padding follows the data)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(stream) < 4 + SEED_RECORD:
        raise Undecryptable("a ViewText stream shorter than its distribution record")
    word = int.from_bytes(stream[:4], "little")
    if word != HEADER_WORD:
        raise Undecryptable("a ViewText stream that does not start with the distribution "
                            f"record (record header {word:#010x})")
    key = section_key(stream[4:4 + SEED_RECORD])
    body = stream[4 + SEED_RECORD:]
    body = body[:len(body) - len(body) % 16]
    # ECB is what the format uses; decrypting it here protects nothing and weakens nothing.
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()  # noqa: S305
    return decryptor.update(body) + decryptor.finalize()


def _section(plain: bytes, compressed: bool, name: str) -> bytes:
    """The decrypted section as ``BodyText`` would hold it. A wrong key or damaged bytes give
    noise: the deflate stream must end cleanly and the section must open with a paragraph
    header, as every section does. An uncompressed section loses the zeros AES padded it with
    (a compressed one keeps them: inflating stops at the end of the deflate stream)."""
    records = plain
    if compressed:
        inflater = zlib.decompressobj(-15)
        try:
            records = inflater.decompress(plain, MAX_SECTION)
        except zlib.error:
            raise Undecryptable(f"{name} does not decrypt to a compressed section") from None
        if not inflater.eof and not inflater.unconsumed_tail:
            raise Undecryptable(f"{name} decrypts to a compressed section cut short")
    if len(records) < 4 or int.from_bytes(records[:4], "little") & 0x3FF != PARA_HEADER:
        raise Undecryptable(f"{name} does not decrypt to a section's records")
    return plain if compressed else _unpadded(plain)


def _unpadded(records: bytes) -> bytes:
    """``records`` up to the record boundary after which only padding (under 16 zeros) is left."""
    at = 0
    while at + 4 <= len(records):
        rest = records[at:]
        if len(rest) < 16 and not any(rest):
            return records[:at]
        word = int.from_bytes(records[at:at + 4], "little")
        size, at = word >> 20, at + 4
        if size == 0xFFF:
            size, at = int.from_bytes(records[at:at + 4], "little"), at + 4
        at += size
    return records


def unlock(data: bytes) -> bytes:
    """An ordinary HWP 5 file with the text of the distribution document ``data``.

    Raises :class:`Undecryptable` when the file does not hold what the format describes."""
    from hwpx.hwp5.cfb import CompoundFile, build_compound_file, read_all_streams

    try:
        streams = read_all_streams(CompoundFile(data))
    except Exception as exc:  # python-hwpx's own errors for a damaged container
        raise Undecryptable(f"damaged OLE container ({type(exc).__name__})") from None
    by_name = dict(streams)
    header = bytearray(by_name.get("FileHeader", b""))
    if len(header) < 40:
        raise Undecryptable("no FileHeader")
    flags = int.from_bytes(header[36:40], "little")
    views = sorted((int(name[len("ViewText/Section"):]), name) for name in by_name
                   if name.startswith("ViewText/Section")
                   and name[len("ViewText/Section"):].isdigit())
    if not views or [n for n, _ in views] != list(range(len(views))):
        raise Undecryptable("no ViewText sections numbered 0..n-1")
    sections = []
    for number, name in views:
        plain = _section(decrypt_stream(by_name[name]), bool(flags & COMPRESSED), name)
        sections.append((f"BodyText/Section{number}", plain))
    header[36:40] = (flags & ~protection.HWP5_DISTRIBUTION).to_bytes(4, "little")
    kept = [(name, bytes(header) if name == "FileHeader" else stream)
            for name, stream in streams
            if not name.startswith(("BodyText/", "ViewText/", "Scripts/"))]
    return build_compound_file(kept + sections)
