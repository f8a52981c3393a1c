"""OCR quality on generated Korean scans: character accuracy with and without pre-processing.

    PYTHONPATH=src .venv/bin/python bench/ocr_quality.py [--json OUT]

Pages of fictional Korean prose are drawn with NanumGothic (12 pt at 300 dpi), then spoiled
the way real scans are: clean, 150 dpi, turned by 2°, grey uneven background with noise, and
all of these together. Each is read by sillok.ingest.ocr (pre-processing and the per-page
choice of segmentation mode) and by plain Tesseract ``--psm 6`` on the raw image, as ingest
read before. Character accuracy = 1 - edit distance / reference length, spaces ignored
(Tesseract's word gaps are not what is measured).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
LINES = [
    "[가상 증언] 2019년 겨울, 증언자는 함경북도 회령시의 장마당에서 일했다고 말했다.",
    "보위부원 두 명이 집에 찾아와 가족 모두를 조사했고, 이웃 세 사람이 함께 끌려갔다.",
    "그는 온성군 집결소에서 한 달 동안 구금되었으며 매일 강제노동을 했다고 진술했다.",
    "식량 배급은 하루 옥수수 200그램뿐이었고, 병에 걸린 사람도 치료를 받지 못했다.",
    "2020년 봄에 그는 두만강을 건너 중국 연길로 갔고, 이듬해 한국에 도착했다.",
    "이 증언은 훈련용으로 지어낸 것이며 실제 인물이나 사건과 관계가 없다.",
]


def page_image(dpi: int = 300, seed: int = 0) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 300
    rng = random.Random(seed)
    lines = LINES[:]
    rng.shuffle(lines)
    width = int(2480 * scale)
    img = Image.new("L", (width, int(1100 * scale)), 255)
    font = ImageFont.truetype(FONT, int(50 * scale))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((int(120 * scale), int((100 + i * 150) * scale)), line, font=font, fill=0)
    return img, "\n".join(lines)


def spoil(img: Any, how: str, seed: int = 0) -> Any:
    import numpy as np
    from PIL import Image

    if how in ("skew", "poor"):
        img = img.rotate(2.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if how in ("grey", "poor"):
        a = np.asarray(img, dtype=np.float64)
        h, w = a.shape
        # paper from white to grey across the page (a shadow), ink lighter where the paper
        # is dark, and grain: the darkest corner keeps a contrast of about 70 levels
        ramp = np.linspace(0, 90, w)[None, :] + np.linspace(0, 40, h)[:, None]
        rng = np.random.default_rng(seed)
        a = np.where(a < 128, 60 + ramp * 0.2, 235 - ramp * 0.6) + rng.normal(0, 18, a.shape)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return img


def accuracy(reference: str, got: str) -> float:
    import Levenshtein  # type: ignore[import-not-found]  # optional, see below

    a = "".join(reference.split())
    b = "".join(got.split())
    return max(0.0, 1 - Levenshtein.distance(a, b) / max(1, len(a)))


def char_accuracy(reference: str, got: str) -> float:
    try:
        return accuracy(reference, got)
    except ImportError:
        import difflib

        a = "".join(reference.split())
        b = "".join(got.split())
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    import pytesseract

    from sillok.ingest import ocr

    rows = []
    for case in ("clean", "150dpi", "skew", "grey", "poor"):
        for seed in range(args.seeds):
            dpi = 150 if case in ("150dpi", "poor") else 300
            img, reference = page_image(dpi, seed)
            img = spoil(img, case, seed)
            t0 = time.perf_counter()
            plain = pytesseract.image_to_string(img, lang="kor+eng", config="--psm 6")
            t1 = time.perf_counter()
            got = ocr.read(img)
            t2 = time.perf_counter()
            rows.append({"case": case, "seed": seed,
                         "plain": round(char_accuracy(reference, plain), 3),
                         "sillok": round(char_accuracy(reference, got.text), 3),
                         "confidence": got.mean_confidence, "psm": got.psm,
                         "steps": got.preprocess, "plain_s": round(t1 - t0, 2),
                         "sillok_s": round(t2 - t1, 2)})
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    print(f"{'case':8} {'plain':>6} {'sillok':>6} {'conf':>5} {'s plain':>7} {'s sillok':>8}")
    for case in dict.fromkeys(r["case"] for r in rows):
        mine = [r for r in rows if r["case"] == case]

        def mean(key: str, of: list[dict[str, Any]] = mine) -> float:
            return sum(float(r[key] or 0) for r in of) / len(of)

        print(f"{case:8} {mean('plain'):6.3f} {mean('sillok'):6.3f} {mean('confidence'):5.1f}"
              f" {mean('plain_s'):7.2f} {mean('sillok_s'):8.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
