"""``sillok eval-ingest``: how well ingest reads files and what it suggests (issue 23, point 7).

Two measures on a fictional evaluation set (``data/eval/ingest.txt``, or a set given):

- **text similarity per format**: the set's passages are written here as files of each format
  ingest reads — plain text, HTML, EUC-KR e-mail, an mbox archive, Word, a PDF, a Hancom-like
  PDF (syllables placed one by one, no space glyphs), a PDF printed twice over itself (bold by
  overprinting), and a clean and a poor scan (when fpdf2, a Korean font and Tesseract are
  there) — and each file is parsed as ingest parses it; the similarity of the text read to the
  text written (difflib's ratio, white space runs made one space) is averaged per format;
- **suggestion precision and recall per kind**: a suggestion is right when a label of the same
  kind overlaps it (and for a place, names the same gazetteer code); each label is matched once.
"""

from __future__ import annotations

import difflib
import io
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from sillok.extract.lexicon import Lexicon
from sillok.extract.suggest import suggest
from sillok.ingest.guards import Limits
from sillok.ingest.worker import parse_here

DEFAULT_SET = Path(__file__).resolve().parent.parent / "data" / "eval" / "ingest.txt"
MARK = re.compile(r"\{\{([a-z]+)(?::([^|}]+))?\|([^}]+)\}\}")
FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


@dataclass
class Passage:
    ident: str
    lang: str
    published: str
    text: str
    labels: list[dict[str, Any]] = field(default_factory=list)


def load(path: Path = DEFAULT_SET) -> list[Passage]:
    """Passages of a marked set: ``id | lang | published | text with {{kind[:value]|surface}}``;
    lines starting with # are comments."""
    out: list[Passage] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 3)]
        if len(parts) != 4:
            raise ValueError(f"{path}:{number}: expected id | lang | published | text")
        ident, lang, published, marked = parts
        text, labels, position = "", [], 0
        for match in MARK.finditer(marked):
            kind, raw, surface = match.groups()
            text += marked[position:match.start()]
            start = len(text)
            text += surface
            value = {"code": raw} if kind == "place" and raw else {"name": surface}
            labels.append({"kind": "organisation" if kind == "org" else kind,
                           "start": start, "end": len(text), "text": surface, "value": value})
            position = match.end()
        text += marked[position:]
        out.append(Passage(ident, lang, published, text, labels))
    return out


def score(passages: list[Passage], lexicon: Lexicon) -> dict[str, dict[str, Any]]:
    """Precision and recall per labelled kind, with the misses and false hits named."""
    from datetime import date

    kinds = sorted({label["kind"] for p in passages for label in p.labels})
    right, found, labelled = Counter[str](), Counter[str](), Counter[str]()
    wrong: dict[str, list[str]] = {k: [] for k in kinds}
    missed: dict[str, list[str]] = {k: [] for k in kinds}
    for p in passages:
        anchor = date.fromisoformat(p.published) if p.published else None
        got = [f for f in suggest(p.text, lexicon, anchor) if f.kind in kinds]
        open_labels = list(p.labels)
        for label in p.labels:
            labelled[label["kind"]] += 1
        for f in got:
            found[f.kind] += 1
            match = next((lb for lb in open_labels if lb["kind"] == f.kind
                          and f.start < lb["end"] and lb["start"] < f.end
                          and (f.kind != "place" or f.value.get("code") == lb["value"]["code"])),
                         None)
            if match is None:
                wrong[f.kind].append(f"{p.ident}: {f.text} {f.value.get('code', '')}".strip())
            else:
                right[f.kind] += 1
                open_labels.remove(match)
        for lb in open_labels:
            missed[lb["kind"]].append(f"{p.ident}: {lb['text']}")
    return {k: {"labels": labelled[k], "suggested": found[k],
                "precision": round(right[k] / found[k], 3) if found[k] else 1.0,
                "recall": round(right[k] / labelled[k], 3) if labelled[k] else 1.0,
                "false": wrong[k], "missed": missed[k]} for k in kinds}


# -- files of each format ----------------------------------------------------------------------
def flat(text: str) -> str:
    return " ".join(text.split())


def similarity(reference: str, got: str) -> float:
    return difflib.SequenceMatcher(None, flat(reference), flat(got), autojunk=False).ratio()


Maker = Callable[[list[str]], bytes]


def _txt(lines: list[str]) -> bytes:
    return "\n\n".join(lines).encode("utf-8")


def _html(lines: list[str]) -> bytes:
    import html

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (f"<html><head><meta charset='utf-8'><title>[가상] 평가</title></head><body>"
            f"<nav>메뉴 | 홈 | 검색</nav><article>{body}</article>"
            f"<footer>© 가상 신문</footer></body></html>").encode()


def _mail(lines: list[str], charset: str = "euc-kr") -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "[가상] 평가용 편지"
    message["From"] = "witness@example.org"
    message["To"] = "desk@example.org"
    message["Date"] = "Tue, 02 Jan 2024 10:00:00 +0900"
    message["Message-ID"] = f"<eval-{abs(hash(lines[0])) % 10**8}@example.org>"
    message.set_content("\n\n".join(lines), charset=charset)
    return message


def _eml(lines: list[str]) -> bytes:
    return _mail(lines).as_bytes(policy=SMTP)


def _mbox(lines: list[str]) -> bytes:
    out = []
    for line in lines:
        out.append(b"From witness@example.org Tue Jan  2 10:00:00 2024\n"
                   + _mail([line], "utf-8").as_bytes().replace(b"\r\n", b"\n") + b"\n")
    return b"".join(out)


def _docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(lines: list[str], mode: str = "plain") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("nanum", fname=str(FONT))
    pdf.set_font("nanum", size=10)
    pdf.add_page()
    y = 20.0
    for line in lines:
        for part in _wrap(pdf, line, 170):
            if mode == "hancom":  # each syllable placed on its own, word gaps without spaces
                x = 20.0
                for word in part.split():
                    for ch in word:
                        pdf.text(x, y, ch)
                        x += pdf.get_string_width(ch) - 0.1
                    x += pdf.get_string_width(" ") * 0.4
            else:
                pdf.text(20, y, part)
                if mode == "overprint":
                    pdf.text(20.05, y, part)
            y += 6
        y += 4
    return bytes(pdf.output())


def _wrap(pdf: Any, line: str, width: float) -> list[str]:
    parts, current = [], ""
    for word in line.split():
        trial = f"{current} {word}".strip()
        if current and pdf.get_string_width(trial) > width:
            parts.append(current)
            current = word
        else:
            current = trial
    return [*parts, current] if current else parts


def _scan(lines: list[str], poor: bool = False) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 42)
    width = 2480
    wrapped: list[str] = []
    for line in lines:
        current = ""
        for word in line.split():
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > width - 240:
                wrapped.append(current)
                current = word
            else:
                current = trial
        wrapped.append(current)
    img = Image.new("L", (width, 140 + 80 * len(wrapped)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(wrapped):
        draw.text((120, 80 + 80 * i), line, font=font, fill=0)
    if poor:  # half the resolution, turned by 1.5°, grey paper with grain
        import numpy as np

        img = img.resize((img.width // 2, img.height // 2), Image.Resampling.BILINEAR)
        img = img.rotate(1.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        a = np.asarray(img, dtype=np.float64)
        a = np.where(a < 128, 70.0, 200.0) + np.random.default_rng(7).normal(0, 15, a.shape)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def makers() -> tuple[dict[str, Maker], list[str]]:
    """The formats that can be written here, and why others cannot."""
    import importlib.util
    import shutil

    made: dict[str, Maker] = {"text": _txt, "html": _html, "eml (EUC-KR)": _eml,
                              "mbox": _mbox, "docx": _docx}
    skipped: list[str] = []
    if importlib.util.find_spec("fpdf") is None or not FONT.exists():
        skipped.append("pdf: fpdf2 or NanumGothic (fonts-nanum) not installed")
    else:
        made["pdf"] = _pdf
        made["pdf (Hancom-like)"] = lambda lines: _pdf(lines, "hancom")
        made["pdf (overprinted)"] = lambda lines: _pdf(lines, "overprint")
    if not FONT.exists() or shutil.which("tesseract") is None:
        skipped.append("scans: Tesseract or NanumGothic not installed")
    else:
        made["scan 300 dpi"] = _scan
        made["scan poor"] = lambda lines: _scan(lines, poor=True)
    return made, skipped


def formats(passages: list[Passage], per_file: int = 4,
            only: set[str] | None = None) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Mean text similarity per format over files of ``per_file`` passages each (the Korean
    passages first: they are where formats go wrong), with the time each format took."""
    made, skipped = makers()
    korean = [p.text for p in passages if p.lang == "ko"]
    english = [p.text for p in passages if p.lang != "ko"]
    groups = [korean[i:i + per_file] for i in range(0, len(korean), per_file)]
    groups += [english[i:i + per_file] for i in range(0, len(english), per_file)]
    out: dict[str, dict[str, Any]] = {}
    for name, maker in made.items():
        if only and name not in only:
            continue
        scans = name.startswith("scan")
        chosen = groups[:2] if scans else groups  # OCR takes seconds a page
        scores: list[float] = []
        started = time.perf_counter()
        for group in chosen:
            data = maker(group)
            got = parse_here(data, Limits(), {})
            text = got.text
            if got.attachments:  # mbox: each message a part
                text = "\n\n".join(_part_text(a.data) for a in got.attachments)
            scores.append(similarity("\n\n".join(group), text))
        out[name] = {"files": len(chosen), "similarity": round(sum(scores) / len(scores), 4),
                     "lowest": round(min(scores), 4),
                     "seconds": round(time.perf_counter() - started, 2)}
    return out, skipped


def _part_text(data: bytes) -> str:
    return parse_here(data, Limits(), {}).text
