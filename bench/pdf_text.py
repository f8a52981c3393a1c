"""PDF text extractors measured on small generated PDFs whose text is known: pypdf (what ingest
used), pypdfium2 (PDFium) and pdfminer.six, against the document's own text.

    .venv/bin/python bench/pdf_text.py [--out bench/out/pdf-text.json] [--keep DIR]

Every PDF is drawn here with fpdf2 and Debian's NanumGothic (fonts-nanum, a TrueType font, so
the PDF embeds a subset with a ToUnicode map, as Hancom Office and Word do). The cases are the
failures seen on real files: Korean prose; a Hancom-like page where every syllable is placed on
its own and the spaces between words are gaps, not space glyphs (narrower than the font's
space, as with Hancom's 자간 and justification); two columns drawn one after the other; bold
made by printing each line twice at the same place, and "fake bold" printed twice a quarter of
a point apart; a mixed Korean/English page with figures; and English placed letter by letter
with true word spaces (the space finder must add none inside words). All text is fictional.

Similarity: difflib's ratio of the two texts with every run of whitespace made one space
(line breaks are layout, spaces between words are text); 1.0 is the same text. "spaces" is the
share of the reference's word gaps found again (a crude recall of the spacing alone).
"""

from __future__ import annotations

import argparse
import difflib
import io
import itertools
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"

KO_PARAGRAPHS = [
    "[가상 자료] 탈북민 34명이 2023년 1분기에 한국에 입국했다고 통일부가 밝혔다. 함경북도 회령 "
    "출신 박철수 씨는 작년 3월 중국 공안에 체포돼 강제북송됐다고 증언했다.",
    "그는 보위부 구류장에서 두 달 동안 조사를 받았고, 그 뒤 노동단련대로 보내졌다고 말했다. 함께 "
    "잡힌 사람들 가운데 세 명은 아직 소식이 없다.",
    "증언자는 양강도 혜산의 장마당에서 일하던 어머니가 단속에 걸려 물건을 모두 빼앗겼다고 "
    "기억했다. 이웃 주민 네 명이 같은 날 조사를 받았다.",
]
EN_PARAGRAPH = ("[Fictional] The second column tells another story: a market crackdown in "
                "Hyesan in the winter of 2019, when border guards detained a group of five.")
MIXED = ("[가상] 2021년 3월 15일 보고서 No. 7 — UN OHCHR 제출본. 피해자 12명, 목격자 3명; "
         "Hoeryong (회령) detention centre, 구류장 면적 약 200㎡.")


def _pdf() -> object:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("nanum", fname=FONT)
    pdf.set_font("nanum", size=11)
    return pdf


def _bytes(pdf: object) -> bytes:
    return bytes(pdf.output())  # type: ignore[attr-defined]


def prose() -> tuple[bytes, str]:
    pdf = _pdf()
    for paragraph in KO_PARAGRAPHS:
        pdf.multi_cell(170, 7, paragraph)  # type: ignore[attr-defined]
        pdf.ln(4)  # type: ignore[attr-defined]
    return _bytes(pdf), " ".join(KO_PARAGRAPHS)


def hancom_like(gap: float = 0.5, tracking: float = -0.03,
                paragraphs: list[str] | None = None) -> tuple[bytes, str]:
    """Each syllable drawn on its own at its own x; a word gap is ``gap`` of the font's space
    width, and letters are set ``tracking`` em closer (자간), as Hancom lays out a line."""
    pdf = _pdf()
    size = 11
    space = pdf.get_string_width(" ")  # type: ignore[attr-defined]
    y = 30.0
    lines: list[str] = []
    for paragraph in paragraphs or KO_PARAGRAPHS:
        words = paragraph.split()
        line: list[str] = []
        x = 20.0
        for word in words:
            width = sum(pdf.get_string_width(ch) + tracking * size * 0.3528  # type: ignore
                        for ch in word)
            if x + width > 185 and line:
                lines.append(" ".join(line))
                line, x, y = [], 20.0, y + 7
            for ch in word:
                pdf.text(x, y, ch)  # type: ignore[attr-defined]
                x += pdf.get_string_width(ch) + tracking * size * 0.3528  # type: ignore
            x += space * gap
            line.append(word)
        lines.append(" ".join(line))
        y += 11
    return _bytes(pdf), " ".join(lines)


def two_columns() -> tuple[bytes, str]:
    """Left column drawn first, then the right one, as word processors write them."""
    pdf = _pdf()
    pdf.set_font("nanum", size=9)  # type: ignore[attr-defined]
    left = " ".join(KO_PARAGRAPHS)
    pdf.set_xy(15, 20)  # type: ignore[attr-defined]
    pdf.multi_cell(85, 5, left)  # type: ignore[attr-defined]
    pdf.set_xy(110, 20)  # type: ignore[attr-defined]
    pdf.multi_cell(85, 5, EN_PARAGRAPH)  # type: ignore[attr-defined]
    return _bytes(pdf), left + " " + EN_PARAGRAPH


def overprinted(offset: float) -> tuple[bytes, str]:
    """Bold by printing each line twice: at the same place (offset 0) or ``offset`` mm apart."""
    pdf = _pdf()
    y = 30.0
    lines: list[str] = []
    for paragraph in KO_PARAGRAPHS:
        words = paragraph.split()
        line: list[str] = []
        for word in words:
            trial = " ".join([*line, word])
            if pdf.get_string_width(trial) > 165 and line:  # type: ignore[attr-defined]
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word)
        lines.append(" ".join(line))
    for line_text in lines:
        pdf.text(20, y, line_text)  # type: ignore[attr-defined]
        pdf.text(20 + offset, y, line_text)  # type: ignore[attr-defined]
        y += 7
    return _bytes(pdf), " ".join(lines)


def mixed() -> tuple[bytes, str]:
    pdf = _pdf()
    pdf.multi_cell(170, 7, MIXED)  # type: ignore[attr-defined]
    return _bytes(pdf), MIXED


CASES: dict[str, Callable[[], tuple[bytes, str]]] = {
    "korean prose": prose,
    "hancom-like (gaps, 자간)": hancom_like,
    "hancom-like, tight gaps": lambda: hancom_like(gap=0.35, tracking=-0.05),
    "english placed letter by letter": lambda: hancom_like(
        gap=1.0, tracking=0.0, paragraphs=[EN_PARAGRAPH, EN_PARAGRAPH.upper()]),
    "two columns": two_columns,
    "overprinted bold": lambda: overprinted(0.0),
    "fake bold (0.25 mm)": lambda: overprinted(0.25),
    "mixed ko/en": mixed,
}


def with_pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def with_pdfium(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range()
                         for i in range(len(document)))
    finally:
        document.close()


def with_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(data)))


def with_sillok(data: bytes) -> str:
    """What ingest keeps now (sillok.ingest.formats_pdf)."""
    from sillok.ingest.detect import sniff
    from sillok.ingest.formats_pdf import pdf

    return pdf(sniff(data), data).text


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "pypdf": with_pypdf, "pypdfium2": with_pdfium, "pdfminer.six": with_pdfminer,
    "sillok": with_sillok,
}


def flat(text: str) -> str:
    return " ".join(text.split())


def similarity(reference: str, got: str) -> float:
    return difflib.SequenceMatcher(None, flat(reference), flat(got), autojunk=False).ratio()


def spaces_found(reference: str, got: str) -> float:
    """Of the reference's adjacent word pairs, the share found in ``got`` with a space between."""
    words = flat(reference).split(" ")
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    text = flat(got)
    return sum(p in text for p in pairs) / len(pairs) if pairs else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", type=Path, help="write the generated PDFs here")
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions")
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for case, make in CASES.items():
        data, reference = make()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / (re.sub(r"\W+", "-", case).strip("-") + ".pdf")).write_bytes(data)
        results[case] = {}
        for name, extract in EXTRACTORS.items():
            try:
                got = extract(data)
            except ImportError:  # pdfminer.six is in the "bench" extra only
                continue
            start = time.perf_counter()
            for _ in range(args.repeat):
                extract(data)
            ms = (time.perf_counter() - start) / args.repeat * 1000
            results[case][name] = {"similarity": round(similarity(reference, got), 4),
                                   "spaces": round(spaces_found(reference, got), 4),
                                   "ms": round(ms, 2)}
    summary = {name: round(sum(r[name]["similarity"] for r in results.values()) / len(results),
                           4) for name in EXTRACTORS if name in results["korean prose"]}
    report = {"cases": results, "mean_similarity": summary}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
