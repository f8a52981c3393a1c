"""Distribution-protected HWP 5 documents (배포용 문서): the decryption, on files made here the way
the format describes (tests/files.py), and what ingest does with a damaged one. The batch and
both backends are in test_ingest_refusals."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from sillok.ingest import hwp_distribution, protection
from sillok.ingest.detect import sniff
from sillok.ingest.formats_office import hwp5
from tests import files

TEXT = ["[가상 배포용 문서] 2022년 겨울 양강도 혜산의 장마당 단속에 관한 증언 요약.",
        "증언자는 가명 최은정이며 모든 내용은 지어낸 것이다."]


def test_rand_is_microsoft_c_runtime() -> None:
    # srand(1); rand() … as every MSVC program prints them
    assert list(itertools.islice(hwp_distribution.rand_stream(1), 5)) == [
        41, 18467, 6334, 26500, 19169]


@pytest.mark.parametrize("seed", [0, 1, 0xF, 0x4F2E629B, 0xFFFFFFFF])
def test_key_found_where_the_seed_says(seed: int, tmp_path: Path) -> None:
    data = files.distribution_hwp(TEXT, tmp_path / "d.hwp", seed=seed)
    from hwpx.hwp5.cfb import CompoundFile

    stream = CompoundFile(data).read("ViewText/Section0")
    record = stream[4:260]
    assert hwp_distribution.unscramble(hwp_distribution.unscramble(record)) == record
    # the SHA-1 of the (fictional) password in upper-case hex, UTF-16: its first 16 bytes
    digest = hashlib.sha1(b"fiction").hexdigest().upper()
    assert hwp_distribution.section_key(record) == digest.encode("utf-16-le")[:16]
    extracted = hwp5(sniff(data), data)
    assert extracted.refused is None and extracted.text.split("\n\n") == TEXT
    assert extracted.metadata["protection"] == protection.DISTRIBUTION_READ


def test_reads_view_text_not_the_stand_in(tmp_path: Path) -> None:
    data = files.distribution_hwp(TEXT, tmp_path / "d.hwp")
    assert sniff(data).refused is None  # no longer refused on the header flag
    text = hwp5(sniff(data), data).text
    assert TEXT[0] in text and files.STAND_IN not in text


def test_uncompressed_distribution_loses_its_padding(tmp_path: Path) -> None:
    data = files.distribution_hwp(TEXT, tmp_path / "d.hwp", compressed=False)
    extracted = hwp5(sniff(data), data)
    assert extracted.refused is None and extracted.text.split("\n\n") == TEXT
    from hwpx.hwp5.cfb import CompoundFile
    from hwpx.hwp5.records import parse_records

    section = CompoundFile(hwp_distribution.unlock(data)).read("BodyText/Section0")
    assert all(r.tag >= 0x10 for r in parse_records(section, "Section0").records)


def test_damaged_distribution_refused_by_name(tmp_path: Path) -> None:
    data = files.distribution_hwp(TEXT, tmp_path / "d.hwp", damaged=True)
    extracted = hwp5(sniff(data), data)
    assert extracted.refused == protection.DISTRIBUTION_DAMAGED and extracted.text == ""
    assert "ViewText/Section0" in extracted.metadata["distribution_error"]
    # the flag without any ViewText: refused alike
    flagged = files.hwp_with_flags(TEXT, tmp_path / "f.hwp", 0x04)
    assert hwp5(sniff(flagged), flagged).refused == protection.DISTRIBUTION_DAMAGED


def test_password_still_refused(tmp_path: Path) -> None:
    both = files.hwp_with_flags(TEXT, tmp_path / "p.hwp", 0x02 | 0x04)
    assert sniff(both).refused == protection.LOCKED


@pytest.mark.parametrize("stream", [b"", b"\x00" * 300, (0x1C | (255 << 20)).to_bytes(4, "little")
                                    + bytes(255)])
def test_malformed_streams_are_undecryptable(stream: bytes) -> None:
    with pytest.raises(hwp_distribution.Undecryptable):
        hwp_distribution.decrypt_stream(stream)
