"""Bytes → text, with the encoding detected, never assumed.

UTF-8 is tried first (strictly: one bad byte and it is not UTF-8), then byte-order marks and the
NUL pattern of UTF-16, then charset-normalizer, which tells the legacy Korean encodings (EUC-KR
and its superset CP949) apart from the rest. Text that still has NUL characters or invalid
sequences is refused rather than stored half-decoded.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# The encodings an archive of Korean and Western documents meets. Keeping the list short is
# what lets a damaged file fail instead of "succeeding" as some unrelated code page.
CANDIDATES = ["utf_8", "cp949", "euc_kr", "johab", "iso2022_kr", "cp1252", "latin_1"]
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


BINARY = "unsupported type application/octet-stream (binary data with NUL bytes, not text)"


class NotText(Exception):
    """The bytes are not text in any encoding we accept; the message says why."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in; raises NotText."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(data, encoding)
    try:
        return _checked(data, "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _checked(data, utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise NotText(BINARY)
    best = from_bytes(data[:200_000], cp_isolation=CANDIDATES).best()
    if best is None or best.encoding is None:
        raise NotText("invalid byte sequences: not text in any known encoding")
    encoding = "cp949" if best.encoding in ("euc_kr", "cp949", "johab") else best.encoding
    try:
        return _checked(data, encoding)
    except UnicodeDecodeError as exc:
        raise NotText(f"invalid byte sequence at offset {exc.start} for {encoding}") from None


def _checked(data: bytes, encoding: str) -> tuple[str, str]:
    text = data.decode(encoding)
    if "\x00" in text:
        raise NotText(BINARY)
    return text.lstrip("\ufeff"), encoding


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 has a NUL in every other byte; which half tells the byte order.
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


HANGUL_SYLLABLES = re.compile("[\uac00-\ud7a3]+")
ASCII_LETTERS = re.compile("[A-Za-z]+")


def language_of(text: str) -> str | None:
    """ko, en or mixed, from the share of Hangul and Latin letters; None without letters."""
    # Counted in runs by the regex engine, not by a Python loop over every character (a tenth
    # of a millisecond for 2 KB, and up to 100,000 characters are read).
    head = text[:100_000]
    hangul = sum(map(len, HANGUL_SYLLABLES.findall(head)))
    latin = sum(map(len, ASCII_LETTERS.findall(head)))
    # A Hangul syllable carries about as much as three Latin letters: weigh them so.
    ko, en = hangul * 3, latin
    total = ko + en
    if total == 0:
        return None
    if ko / total >= 0.8:
        return "ko"
    if en / total >= 0.8:
        return "en"
    return "mixed"
