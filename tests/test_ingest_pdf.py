"""PDF text that is right: Korean word gaps kept as spaces where a Hancom-like PDF draws no
space glyphs, overprinted bold read once, two columns in their order, and pages whose text is
not text (glyphs without Unicode, private-use code points, the wrong Hangul) or that are scans
read by OCR instead — each page recording where its text came from. Storage on both backends.
Every PDF is drawn here (fpdf2, NanumGothic) with fictional text."""

from __future__ import annotations

import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.ingest.detect import sniff
from sillok.ingest.formats_pdf import common_syllables, not_real_text, pdf
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN

LINE = "[가상 자료] 탈북민 34명이 2023년 1분기에 한국에 입국했다고 통일부가 밝혔다."
LINE2 = "함경북도 회령 출신 박철수 씨는 작년 3월 중국 공안에 체포돼 강제북송됐다고 증언했다."
OCR = shutil.which("tesseract") is not None


def _text(data: bytes) -> str:
    return pdf(sniff(data), data, ocr=False).text


def test_word_gaps_without_space_glyphs_are_spaces() -> None:
    for gap, tracking in ((0.5, -0.03), (0.35, -0.05), (1.0, 0.0)):
        runs = (files.letter_by_letter(LINE, 30, gap, tracking)
                + files.letter_by_letter(LINE2, 40, gap, tracking))
        data = files.korean_pdf([runs])
        assert not any(t == " " for _x, _y, t in runs)  # no space glyph anywhere
        assert _text(data) == f"{LINE}\n{LINE2}", (gap, tracking)


def test_letters_of_a_word_are_never_split() -> None:
    english = "[Fictional] Border guards detained a group of five near Hyesan."
    data = files.korean_pdf([files.letter_by_letter(english, gap=1.0, tracking=0.0)])
    assert _text(data) == english


def test_overprinted_bold_read_once() -> None:
    for offset in (0.0, 0.25):  # the same place, and "fake bold" a quarter of a mm aside
        runs = [(20, 30, LINE), (20 + offset, 30, LINE), (20, 40, LINE2), (20 + offset, 40, LINE2)]
        assert _text(files.korean_pdf([runs])) == f"{LINE}\n{LINE2}", offset
    # two letters alike side by side are two letters
    assert _text(files.korean_pdf([[(20, 30, "[가상] 가가 호호 sleep 2000")]])) == (
        "[가상] 가가 호호 sleep 2000")


def test_two_columns_in_the_order_drawn() -> None:
    left = [(15, 30 + 6 * i, f"[가상] 왼쪽 단 {i}번째 줄입니다.") for i in range(4)]
    right = [(110, 30 + 6 * i, f"[Fictional] right column line {i}.") for i in range(4)]
    text = _text(files.korean_pdf([left + right], size=9))
    lines = text.split("\n")
    assert lines[:4] == [t for _x, _y, t in left] and lines[4:] == [t for _x, _y, t in right]


def test_unmapped_glyphs_go_to_ocr_page_by_page() -> None:
    good = files.korean_pdf([[(20, 30, LINE)]])
    bad = files.remap_pdf(files.korean_pdf([[(20, 30, LINE), (20, 40, LINE2)]], size=16),
                          None)
    both = _merge(good, bad)
    got = pdf(sniff(both), both)
    assert got.text.startswith(LINE + "\n\n")
    assert "characters unmapped" in got.metadata["not_text"]["2"]
    assert "\ufffd" not in got.text and not any(ord(c) < 32 and c != "\n" for c in got.text)
    if OCR:  # CI installs tesseract-ocr and tesseract-ocr-kor
        assert got.metadata["page_text"] == ["pdf", "ocr"] and not got.needs_ocr
        assert "강제북송" in got.text[got.pages[1]:].replace(" ", "")
    else:
        assert got.metadata["page_text"] == ["pdf", "none"] and got.needs_ocr
    # no time left for OCR: the page is marked as skipped, the file still goes in
    hurried = pdf(sniff(both), both, ocr_seconds=0)
    assert hurried.metadata["page_text"] == ["pdf", "none"] and hurried.needs_ocr
    if OCR:
        assert hurried.metadata["ocr_skipped"] == [2]
    # without OCR the page is kept empty and marked, never stored as garbage
    offline = pdf(sniff(both), both, ocr=False)
    assert offline.metadata["page_text"] == ["pdf", "none"] and offline.needs_ocr
    assert offline.text == LINE + "\n\n"


def test_private_use_and_implausible_hangul_are_not_text() -> None:
    data = files.korean_pdf([[(20, 30, LINE), (20, 40, LINE2)]])
    private = pdf(sniff(files.remap_pdf(data, 0xE000)), files.remap_pdf(data, 0xE000),
                  ocr=False)
    assert "private-use" in private.metadata["not_text"]["1"] and private.text == ""
    shifted = files.remap_pdf(data, 0xB000)
    wrong = pdf(sniff(shifted), shifted, ocr=False)
    assert "implausible Hangul" in wrong.metadata["not_text"]["1"]
    assert wrong.metadata["page_text"] == ["none"] and wrong.needs_ocr


def test_a_scanned_page_is_read_by_ocr() -> None:
    from PIL import Image, ImageDraw, ImageFont

    # 190 mm wide at 300 dpi, letters about 12 pt: a clean scan of a printed page
    image = Image.new("L", (2244, 300), 255)
    font = ImageFont.truetype(files.NANUM, 50)
    ImageDraw.Draw(image).text((60, 100), "[가상] 탈북민 강제북송 반대 집회가 열렸다.",
                               font=font, fill=0)
    import io

    png = io.BytesIO()
    image.save(png, format="PNG")
    data = files.korean_pdf([[(20, 30, LINE)]], image=png.getvalue())
    got = pdf(sniff(data), data)
    if OCR:
        assert got.metadata["page_text"] == ["pdf", "ocr"]
        assert "강제북송" in got.text[got.pages[1]:].replace(" ", "")
        assert got.metadata["ocr"] == "tesseract kor+eng"
    else:
        assert got.metadata["page_text"] == ["pdf", "none"] and got.needs_ocr
    blank = files.korean_pdf([[(20, 30, LINE)], []])
    assert pdf(sniff(blank), blank).metadata["page_text"] == ["pdf", "empty"]


def test_page_sources_stored(archive: Archive, settings: Settings) -> None:
    good = files.korean_pdf([[(20, 30, LINE)]])
    bad = files.remap_pdf(files.korean_pdf([[(20, 30, LINE2)]], size=16), None)
    data = _merge(good, bad)
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(data, "report.pdf")
    assert outcome.status == "ingested", outcome.reason
    with archive.sessions() as session:
        source = session.get_one(m.Source, outcome.source_id)
        assert source.pages == [0, len(LINE) + 2]
        assert source.text.startswith(LINE)
        pages = source.extra["metadata"]["page_text"]
        assert pages == (["pdf", "ocr"] if OCR else ["pdf", "none"])
        assert source.title == LINE
    # and staff see it above the text
    from tests.auth_helpers import signed_in

    with signed_in(settings, "editor") as staff:
        page = staff.get(f"/staff/sources/{outcome.source_id}").text
    shown = page[page.index('id="page-text"'):page.index('id="source-text"')]
    assert "1 PDF" in shown and ("2 OCR" if OCR else "2 no text") in shown


# Real text — modern Korean syllables, Latin letters, digits and punctuation — is never taken
# for "not text".
REAL = st.text(alphabet=st.sampled_from(sorted(common_syllables())
                                        + list("abcXYZ0123456789 .,()[]-\n")), min_size=1)


@settings(max_examples=200, deadline=None)
@given(REAL)
def test_real_text_is_text(text: str) -> None:
    assert not_real_text(text) is None


def test_not_text_by_kind() -> None:
    assert not_real_text("\ufffd" * 5 + "가나다라마바사아자차카타파하") is not None
    assert not_real_text("\ue001\ue002\ue003 정상 텍스트 일부") is not None
    assert not_real_text("\x01\x02\x03\x04 abc") is not None
    rare = "".join(chr(0xB000 + i * 7) for i in range(40))  # syllables few texts ever use
    assert "implausible Hangul" in (not_real_text(rare) or "")
    assert not_real_text("똠방각하 " + LINE) is None  # one rare syllable among many is fine


def _merge(*pdfs: bytes) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
