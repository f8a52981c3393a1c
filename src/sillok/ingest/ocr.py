"""OCR that says how sure it is: a scan cleaned up (upscaled when small, straightened,
binarised), read by Tesseract ``kor+eng`` with the page segmentation mode that reads it best,
and every word's confidence kept with its offsets in the page's text.

Pre-processing, because Tesseract reads what it is given: letters under about 20 pixels high
lose their strokes (a 150-dpi scan of 10-pt text), a page turned by a degree or two breaks its
lines apart, and a grey or unevenly lit background becomes specks. So a small image is
enlarged, the skew is measured from the rows of ink (the angle at which the rows are sharpest)
and undone, and the page is binarised against its local background (Sauvola's threshold), which
keeps faint letters that one global threshold drops.

The segmentation mode is chosen per page: ``--psm 6`` (one block of text: right for a single
column, and it keeps the Hangul of mixed lines that the automatic layout loses), and, when its
mean confidence is low, ``--psm 4`` and ``--psm 3`` too; the reading with the highest mean
confidence over its words wins (a mode that reads nothing scores nothing).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

LANGUAGES = "kor+eng"
FIRST_PSM = 6
OTHER_PSMS = (4, 3)
MODES = (3, 4, 6, 11)  # what staff may choose when they read a page again
GOOD_ENOUGH = 80.0  # a mean confidence above this is not tried with other modes
LOW_WORD = 60.0  # a word read with less confidence than this is marked in the text view
# Tesseract reads best with capital letters about 30-40 pixels high; a line of 12-pt Hangul at
# 300 dpi is about 50 pixels (with its gaps). A page whose lines are lower is enlarged.
SMALL_LINE = 36.0
GOOD_LINE = 50.0
MAX_UPSCALE = 3.0
MAX_SKEW = 5.0  # degrees; beyond this a page is taken as it is
SKEW_STEP = 0.25
SKEW_GAIN = 1.15  # how much sharper than level a turned page's rows must be
STEPS = ("deskew", "upscale", "binarise")


@dataclass
class OcrPage:
    """One page read by OCR: its text, each word's offsets in it and confidence (0–100), the
    mean over the words, and how it was read."""

    page: int
    text: str
    words: list[tuple[int, int, float]] = field(default_factory=list)
    mean_confidence: float | None = None
    psm: int = FIRST_PSM
    preprocess: list[str] = field(default_factory=list)
    engine: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "text": self.text, "words": [list(w) for w in self.words],
                "mean_confidence": self.mean_confidence, "psm": self.psm,
                "preprocess": list(self.preprocess), "engine": self.engine}


def available() -> bool:
    return shutil.which("tesseract") is not None


@cache
def engine_name() -> str:
    import pytesseract

    try:
        return f"tesseract {pytesseract.get_tesseract_version()} {LANGUAGES}"
    except (OSError, pytesseract.TesseractError, RuntimeError):
        return f"tesseract {LANGUAGES}"


# -- pre-processing ---------------------------------------------------------------------------
def prepare(image: Any, steps: tuple[str, ...] = STEPS) -> tuple[Any, list[str]]:
    """The image made easier to read (grey scale, then the ``steps`` that apply), and the
    steps that changed it. The skew is found and the lines measured on the binarised page
    (noise and shading fool both on the grey one); turning and enlarging are done on the grey
    page, which is binarised last."""
    from PIL import Image

    done: list[str] = []
    grey = image.convert("L")
    binarise = "binarise" in steps
    img = sauvola(grey) if binarise else grey
    if "deskew" in steps:
        angle = skew_angle(img)
        if abs(angle) >= SKEW_STEP:
            grey = grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                               fillcolor=255)
            img = sauvola(grey) if binarise else grey
            done.append(f"deskew {angle:+.2f}°")
    if "upscale" in steps and min(img.size) > 0:
        height = line_height(img)
        if 0 < height < SMALL_LINE:
            factor = min(MAX_UPSCALE, GOOD_LINE / height)
            grey = grey.resize((round(grey.width * factor), round(grey.height * factor)),
                               Image.Resampling.LANCZOS)
            img = sauvola(grey) if binarise else grey
            done.append(f"upscale x{factor:.1f}")
    if binarise:
        done.append("binarise")
    return img, done


def _ink(img: Any) -> Any:
    import numpy as np

    pixels = np.asarray(img, dtype=np.uint8)
    return pixels <= _otsu(pixels)


def line_height(img: Any) -> float:
    """The median height (pixels) of the bands of rows that hold ink: the height of a line
    of text, give or take its accents. 0 when there are no lines to measure."""
    import numpy as np

    share = _ink(img).mean(axis=1)
    # A row of text holds ink across a good part of the page; specks of noise or grain in the
    # gaps between lines hold a little: rows under a fifth of the inkiest rows' share are gaps.
    rows = share > max(0.002, 0.2 * float(np.percentile(share, 95)))
    heights: list[int] = []
    run = 0
    for has_ink in rows:
        if has_ink:
            run += 1
        elif run:
            heights.append(run)
            run = 0
    if run:
        heights.append(run)
    heights = [h for h in heights if h >= 4]  # specks and rules are no lines
    return float(np.median(heights)) if heights else 0.0


def skew_angle(img: Any) -> float:
    """The rotation (degrees, counter-clockwise) that makes the rows of ink sharpest: the
    variance of the row sums of the ink is largest when lines are level. 0 unless some angle
    beats level clearly (noise has no angle)."""
    import numpy as np
    from PIL import Image

    small = img.copy()
    small.thumbnail((1000, 1000))
    ink = _ink(small)
    if ink.mean() < 0.002:  # a blank page has no lines to level
        return 0.0
    mask = Image.fromarray((ink * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rows = np.asarray(mask.rotate(angle, resample=Image.Resampling.NEAREST, expand=True),
                          dtype=np.float64).sum(axis=1)
        return float(np.var(rows))

    level = score(0.0)
    best, best_score = 0.0, level
    steps = int(MAX_SKEW / SKEW_STEP)
    for i in range(-steps, steps + 1):
        angle = i * SKEW_STEP
        got = score(angle) if angle else level
        if got > best_score:
            best, best_score = angle, got
    return best if best_score > level * SKEW_GAIN else 0.0


def _otsu(pixels: Any) -> int:
    import numpy as np

    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight / total - mean) ** 2 / (weight * (total - weight))
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def sauvola(img: Any, window: int = 41, k: float = 0.3) -> Any:
    """Black where a pixel is darker than its neighbourhood's mean lowered by its contrast
    (Sauvola and Pietikäinen 2000), computed with integral images."""
    import numpy as np
    from PIL import Image

    a = np.asarray(img, dtype=np.float64)
    h, w = a.shape
    half = window // 2
    padded = np.pad(a, half + 1, mode="edge")
    s1 = padded.cumsum(0).cumsum(1)
    s2 = (padded * padded).cumsum(0).cumsum(1)
    n = float(window * window)

    def box(s: Any) -> Any:
        return (s[window:window + h, window:window + w] - s[0:h, window:window + w]
                - s[window:window + h, 0:w] + s[0:h, 0:w])

    mean = box(s1) / n
    std = np.sqrt(np.maximum(box(s2) / n - mean * mean, 0.0))
    threshold = mean * (1 + k * (std / 128.0 - 1))
    return Image.fromarray(np.where(a > threshold, 255, 0).astype(np.uint8))


# -- reading ----------------------------------------------------------------------------------
def read(image: Any, page: int = 1, psm: int | None = None,
         steps: tuple[str, ...] = STEPS, deadline: float | None = None) -> OcrPage:
    """Read one page. ``psm`` None: mode 6, then 4 and 3 while the confidence is low and
    time is left; a number: that mode only. Raises RuntimeError (Tesseract's timeout) and
    pytesseract.TesseractError."""
    prepared, done = prepare(image, steps)
    modes = (psm,) if psm is not None else (FIRST_PSM, *OTHER_PSMS)
    best: OcrPage | None = None
    for mode in modes:
        remaining = None if deadline is None else deadline - time.monotonic()
        if best is not None and (remaining is not None and remaining <= 1):
            break
        got = _read_mode(prepared, mode, remaining)
        got.page, got.preprocess = page, done
        if best is None or _score(got) > _score(best):
            best = got
        if (best.mean_confidence or 0) >= GOOD_ENOUGH:
            break
    assert best is not None
    return best


def _score(p: OcrPage) -> float:
    return p.mean_confidence if p.mean_confidence is not None and p.text.strip() else -1.0


def _read_mode(img: Any, psm: int, timeout: float | None) -> OcrPage:
    import pytesseract

    data = pytesseract.image_to_data(img, lang=LANGUAGES, config=f"--psm {psm}",
                                     output_type=pytesseract.Output.DICT,
                                     timeout=max(1, int(timeout)) if timeout else 0)
    text, words = assemble(data)
    mean = (sum(c for _s, _e, c in words) / len(words)) if words else None
    return OcrPage(page=1, text=text, words=words,
                   mean_confidence=round(mean, 1) if mean is not None else None, psm=psm,
                   engine=engine_name())


def assemble(data: dict[str, list[Any]]) -> tuple[str, list[tuple[int, int, float]]]:
    """Tesseract's words (image_to_data) as text: words of a line joined by a space, lines by a
    line break, blocks and paragraphs by a blank line; each word with its offsets and
    confidence."""
    parts: list[str] = []
    words: list[tuple[int, int, float]] = []
    position = 0
    last_line: tuple[int, int, int] | None = None
    last_par: tuple[int, int] | None = None
    for i, word in enumerate(data.get("text", [])):
        word = (word or "").strip()
        try:
            conf = float(data["conf"][i])
        except (KeyError, ValueError, TypeError):
            conf = -1.0
        if not word or conf < 0:
            continue
        par = (int(data["block_num"][i]), int(data["par_num"][i]))
        line = (*par, int(data["line_num"][i]))
        if last_line is not None:
            sep = " " if line == last_line else ("\n" if par == last_par else "\n\n")
            parts.append(sep)
            position += len(sep)
        words.append((position, position + len(word), round(conf, 1)))
        parts.append(word)
        position += len(word)
        last_line, last_par = line, par
    return "".join(parts), words


def low_words(words: list[tuple[int, int, float]] | list[list[float]],
              limit: float = LOW_WORD) -> list[tuple[int, int, float]]:
    return [(int(s), int(e), float(c)) for s, e, c in words if float(c) < limit]
