"""Files that are real documents but whose text cannot be read here: protected by a password,
HWP 3, a distribution-protected HWP (배포용 문서) that does not decrypt. Such a file is refused by
name, with a reason in English and Korean, and kept as an original without text: it is evidence
all the same, and a person can open it with the password or in Hancom Office.

Each test reads only what the format declares about itself (a header flag, a stream name, a
manifest entry); nothing here tries a password. A distribution document is not locked by one:
its key is in the file, and hwp_distribution reads its text.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

LOCKED = "this file is protected by a password / 암호로 보호된 파일입니다"
DISTRIBUTION_DAMAGED = ("distribution-protected HWP (배포용 문서) whose text could not be "
                        "decrypted: the file is damaged or not as the format describes / "
                        "배포용 문서의 본문을 풀지 못했습니다 (손상된 파일)")
# Recorded (extra.metadata.protection) on a distribution document whose text was read.
DISTRIBUTION_READ = "distribution document (배포용 문서): text decrypted from ViewText"
HWP3 = ("HWP 3 document (한글 97 or older): not read here, save it as HWPX or PDF in Hancom "
        "Office / 한글 3.0 문서는 읽지 못합니다: 한글에서 HWPX나 PDF로 저장해 주십시오")

HWP3_MAGIC = b"HWP Document File V3"
# HWP 5 FileHeader: 32-byte signature, 4-byte version, then the properties (little-endian):
# bit 1 = password set (암호 설정), bit 2 = distribution document (배포용 문서).
HWP5_PASSWORD = 0x02
HWP5_DISTRIBUTION = 0x04
# An Office file encrypted with a password (ECMA-376 / MS-OFFCRYPTO) is an OLE container with
# these two streams, whatever it was before: DOCX, XLSX or PPTX.
OFFICE_ENCRYPTED = ("EncryptionInfo", "EncryptedPackage")


def hwp5_refusal(header: bytes) -> str | None:
    """The reason an HWP 5 file's text cannot be read, from its FileHeader stream (a
    distribution document's can: see hwp_distribution)."""
    if len(header) < 40:
        return None
    flags = int.from_bytes(header[36:40], "little")
    return LOCKED if flags & HWP5_PASSWORD else None


def ole_encrypted(ole: Any) -> bool:
    """An OLE container holding a password-encrypted Office document (olefile.OleFileIO)."""
    return all(ole.exists(name) for name in OFFICE_ENCRYPTED)


def hwpx_encrypted(data: bytes) -> bool:
    """HWPX keeps an ODF-style manifest; an encrypted part is listed with its encryption data."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            manifest = names.get("meta-inf/manifest.xml")
            if manifest is None:
                return False
            return b"encryption-data" in archive.read(manifest)[:1_000_000]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
