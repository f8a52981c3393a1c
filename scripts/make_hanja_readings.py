"""One-off: Unicode's Unihan readings -> src/sillok/data/hanja/readings.tsv.

The name matcher reads a name written in Chinese characters (朴哲洙, 金英姬, or simplified
顺子 in a Chinese document) by their Korean readings. The readings are Unihan's kHangul
field, from Debian's ``unicode-data`` package (``apt-get download unicode-data``, then
``dpkg-deb -x``); nothing of this runs in Sillok:

    PYTHONPATH=src .venv/bin/python scripts/make_hanja_readings.py /tmp/ud/usr/share/unicode

Each line of the table is a character and its readings, canonical (the initial sound law:
李's 리 and 이 are one) and in this order: the readings Unihan marks as those of personal
names ("N": 金 김 before 금), then the others as listed. A simplified character with no
reading of its own (顺) takes those of its traditional form (順: 순), from kTraditionalVariant.
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

from sillok.security.name_text import canonical_syllable

HEADER = """\
# Korean readings of Chinese characters (Hanja), for the name matcher (security/name_text.py).
# Derived by scripts/make_hanja_readings.py from the Unicode Character Database, Unihan
# version {version} (kHangul; kTraditionalVariant for simplified characters), as shipped in
# Debian's unicode-data package; used under Unicode's data files license
# (https://www.unicode.org/license.txt), Copyright © 1991-2022 Unicode, Inc.
# char<TAB>readings (canonical Hangul, personal-name readings first)
"""


def _lines(directory: Path, name: str) -> list[str]:
    plain, packed = directory / name, directory / f"{name}.bz2"
    if plain.exists():
        return plain.read_text(encoding="utf-8").splitlines()
    return bz2.decompress(packed.read_bytes()).decode("utf-8").splitlines()


def _char(code: str) -> str:
    return chr(int(code.removeprefix("U+"), 16))


def main(directory: Path) -> None:
    readings: dict[str, list[str]] = {}
    version = "?"
    for line in _lines(directory, "Unihan_Readings.txt"):
        if line.startswith("# Unicode version:"):
            version = line.split(":", 1)[1].strip()
        if not line or line.startswith("#"):
            continue
        code, field, value = line.split("\t")
        if field != "kHangul":
            continue
        named, other = [], []
        for item in value.split():
            syllable, _, tags = item.partition(":")
            (named if "N" in tags else other).append(canonical_syllable(syllable))
        readings[_char(code)] = list(dict.fromkeys(named + other))
    for line in _lines(directory, "Unihan_Variants.txt"):
        if not line or line.startswith("#"):
            continue
        code, field, value = line.split("\t")
        char = _char(code)
        if field != "kTraditionalVariant" or char in readings:
            continue
        borrowed = [r for v in value.split() for r in readings.get(_char(v), [])]
        if borrowed:
            readings[char] = list(dict.fromkeys(borrowed))
    out = Path(__file__).resolve().parent.parent / "src/sillok/data/hanja/readings.tsv"
    with out.open("w", encoding="utf-8") as f:
        f.write(HEADER.format(version=version))
        for char in sorted(readings):
            f.write(f"{char}\t{' '.join(readings[char])}\n")
    print(f"{len(readings)} characters -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
