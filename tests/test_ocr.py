"""OCR that says how sure it is (issue 23, point 3): pre-processing of a scan (straighten,
enlarge, black and white), every word's confidence kept, each page's mean stored and shown to
staff, doubtful words marked in the text view, a page read again with other settings or
replaced by a corrected text, the OCR output kept in history. Storage on both backends;
generated images of fictional text."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import Conflict, Invalid
from sillok.ingest import ocr, ocr_jobs, ocr_store
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN

OCR = shutil.which("tesseract") is not None
needs_ocr = pytest.mark.skipif(not OCR, reason="tesseract-ocr is not installed")
LINE = "[가상] 탈북민 강제북송 반대 집회가 열렸다."


def _line_image(text: str = LINE, width: int = 1400, size: int = 50, angle: float = 0.0
                ) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (width, 160), 255)
    ImageDraw.Draw(image).text((40, 50), text, font=ImageFont.truetype(files.NANUM, size),
                               fill=0)
    if angle:
        image = image.rotate(angle, expand=True, fillcolor=255)
    return image


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# -- Tesseract's words as text ---------------------------------------------------------------
def _data(lines: list[list[str]], confs: list[float]) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {k: [] for k in ("text", "conf", "block_num", "par_num",
                                                  "line_num")}
    n = 0
    for i, line in enumerate(lines):
        for word in line:
            data["text"].append(word)
            data["conf"].append(confs[n % len(confs)])
            data["block_num"].append(1 + i // 3)
            data["par_num"].append(1)
            data["line_num"].append(i)
            n += 1
        # Tesseract writes a row of conf -1 for each block, paragraph and line
        data["text"].append("")
        data["conf"].append(-1)
        data["block_num"].append(1 + i // 3)
        data["par_num"].append(1)
        data["line_num"].append(i)
    return data


WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")),
               min_size=1, max_size=8).filter(lambda w: w.strip() == w and w)


@given(st.lists(st.lists(WORD, min_size=1, max_size=5), min_size=1, max_size=6),
       st.lists(st.floats(0, 100), min_size=1, max_size=5))
def test_each_word_keeps_its_offsets_and_confidence(lines: list[list[str]],
                                                    confs: list[float]) -> None:
    text, words = ocr.assemble(_data(lines, confs))
    flat = [w for line in lines for w in line]
    assert [text[s:e] for s, e, _c in words] == flat
    assert [c for _s, _e, c in words] == [round(confs[i % len(confs)], 1)
                                          for i in range(len(flat))]
    assert text.count("\n") >= len(lines) - 1  # a line break between lines
    low = ocr.low_words(words)
    assert all(c < ocr.LOW_WORD for _s, _e, c in low)


@given(st.lists(st.text(max_size=30), min_size=1, max_size=5), st.data())
def test_page_bounds_find_each_page(pages: list[str], data: st.DataObject) -> None:
    text, starts, position = "", [], 0
    for i, page in enumerate(pages):
        starts.append(position)
        text += ("\n\n" if i else "") + page
        position = len(text) + 2
    bounds = ocr_store.page_bounds(text, starts)
    assert [text[s:e] for s, e in bounds] == pages


# -- pre-processing ----------------------------------------------------------------------------
def test_a_turned_page_is_straightened_and_small_text_enlarged() -> None:
    turned = _line_image(angle=2.0)
    assert ocr.skew_angle(turned.convert("L")) == pytest.approx(-2.0, abs=0.3)
    assert ocr.skew_angle(_line_image().convert("L")) == 0.0
    _img, steps = ocr.prepare(turned)
    assert any(s.startswith("deskew -") for s in steps) and "binarise" in steps
    small = _line_image(width=700, size=20)
    big, steps = ocr.prepare(small)
    assert any(s.startswith("upscale") for s in steps) and big.width > small.width
    # every pixel black or white after binarising; nothing done when no step is asked
    import numpy as np

    assert set(np.unique(np.asarray(big)).tolist()) <= {0, 255}
    same, none = ocr.prepare(small, ())
    assert none == [] and same.size == small.size
    # a blank page has no skew and no lines
    from PIL import Image

    assert ocr.skew_angle(Image.new("L", (400, 300), 255)) == 0.0


@needs_ocr
def test_a_page_is_read_with_its_confidence() -> None:
    got = ocr.read(_line_image(angle=1.5))
    assert "강제북송" in got.text.replace(" ", "")
    assert got.mean_confidence is not None and got.mean_confidence > 60
    assert got.words and all(0 <= c <= 100 for _s, _e, c in got.words)
    assert got.psm == ocr.FIRST_PSM and got.engine.startswith("tesseract")
    assert ocr.read(_line_image(), psm=4).psm == 4


# -- stored, shown, read again, corrected ------------------------------------------------------
@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="ocr-coder") as c:
        yield c


def _ingest(archive: Archive, data: bytes, name: str) -> int:
    outcome = Ingestor(archive, ADMIN, Options(level="internal")).ingest_bytes(data, name)
    assert outcome.status == "ingested" and outcome.source_id, outcome.reason
    return outcome.source_id


def _view(archive: Archive, source_id: int) -> dict[str, Any]:
    with archive.transaction() as session:
        return ocr_store.confidence_view(session, ADMIN, source_id)


@needs_ocr
def test_a_scanned_pdf_keeps_each_pages_confidence(archive: Archive,
                                                   staff: TestClient) -> None:
    data = files.korean_pdf([[(20, 30, "[가상] 첫 쪽은 글자로 된 쪽이다.")]],
                            image=_png(_line_image()))
    source = _ingest(archive, data, "scan.pdf")
    view = _view(archive, source)
    assert [p["page"] for p in view["pages"]] == [2]
    page = view["pages"][0]
    assert page["kind"] == "ocr" and page["current"] and page["confidence"] > 60
    assert page["psm"] in (6, *ocr.OTHER_PSMS) and "binarise" in page["preprocess"]
    shown = staff.get(f"/staff/sources/{source}?lang=en").text
    assert 'id="ocr-confidence"' in shown and f"{page['confidence']}%" in shown
    assert 'id="ocr-again"' in shown and 'id="ocr-correct"' in shown
    # read again with another layout: a second reading, the first kept
    got = staff.post(f"/staff/sources/{source}/ocr",
                     data={"page": "2", "psm": "4", "steps": ["deskew", "binarise"]})
    assert got.status_code == 303 and got.headers["location"].endswith("?ocr=queued#ocr")
    # the server's worker reads it (ingest/ocr_jobs.py), not the request
    assert ocr_jobs.wait_idle(archive, 180)
    again = _view(archive, source)["pages"][0]
    assert again["readings"] == 2 and again["psm"] == 4 and again["current"]
    assert "upscale" not in " ".join(again["preprocess"])
    assert "강제북송" in archive.get(ADMIN, "source", source)["fields"]["text"].replace(" ", "")
    shown = staff.get(f"/staff/sources/{source}?lang=ko&ocr=read").text
    assert "이전 인식 결과는 이력에 남아 있습니다" in shown
    assert staff.post(f"/staff/sources/{source}/ocr", data={"page": "2", "psm": "9"}
                      ).status_code == 422
    assert staff.post(f"/staff/sources/{source}/ocr", data={"page": "3"}).status_code == 422


def test_doubtful_words_are_marked_until_the_text_changes(archive: Archive,
                                                          staff: TestClient) -> None:
    source = _ingest(archive, _png(_line_image()), "scan.png")
    text = "[가상] 흐릿한 낱말 하나"
    with archive.transaction() as session:
        ocr_store.store_readings(session, source, [{
            "page": 1, "text": text, "words": [[0, 4, 91.0], [5, 8, 31.5], [9, 11, 88.0],
                                               [12, 14, 95.0]],
            "mean_confidence": 76.4, "psm": 6, "preprocess": [], "engine": "test"}],
            "ingest")
    archive.update(ADMIN, "source", source, {"text": text, "pages": None})
    view = _view(archive, source)
    assert view["low"] == [(5, 8, 31.5)] and view["pages"][0]["confidence"] == 76
    shown = staff.get(f"/staff/sources/{source}?lang=en").text
    assert '<mark class="ocr-low" data-start="5" title="OCR confidence 32%">흐릿한</mark>' in shown
    # a corrected text replaces the page; the readings and the audit trail keep the OCR's
    got = staff.post(f"/staff/sources/{source}/ocr/correction",
                     data={"page": "1", "text": "[가상] 또렷한 낱말 하나\r\n"})
    assert got.status_code == 303
    fields = archive.get(ADMIN, "source", source)["fields"]
    assert fields["text"] == "[가상] 또렷한 낱말 하나"
    view = _view(archive, source)
    assert view["low"] == [] and view["pages"][0]["kind"] == "correction"
    assert view["pages"][0]["by"] == "ocr-coder"
    history = archive.history(ADMIN, "source", source)
    assert history[-1]["before"]["text"] == text and history[-1]["actor"] == "ocr-coder"
    assert "ocr-low" not in staff.get(f"/staff/sources/{source}").text
    assert staff.post(f"/staff/sources/{source}/ocr/correction",
                      data={"page": "1", "text": "  "}).status_code == 422


def test_a_page_with_evidence_is_not_replaced(archive: Archive) -> None:
    data = files.korean_pdf([[(20, 30, "[가상] 첫 쪽의 증언")], [(20, 30, "[가상] 둘째 쪽")]])
    source = _ingest(archive, data, "two.pdf")
    event = archive.create(ADMIN, "event", {"level": "internal", "title": "[가상] 사건"})
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "event", "id": event},
                                       "start": 5, "end": 9})
    # the passage is on page 1: neither page 1 nor a page before it may change
    with pytest.raises(Conflict, match="evidence"):
        ocr_store.correct(archive, ADMIN, source, 1, "[가상] 바뀐 첫 쪽")
    # page 2 starts after the passage: it may, and its readings say so
    ocr_store.correct(archive, ADMIN, source, 2, "[가상] 고친 둘째 쪽")
    after = archive.get(ADMIN, "source", source)["fields"]
    assert after["text"] == "[가상] 첫 쪽의 증언\n\n[가상] 고친 둘째 쪽"
    assert after["extra"]["metadata"]["page_text"] == ["pdf", "typed"]
    assert after["text"][5:9] == "첫 쪽의"
    with pytest.raises(Invalid):
        ocr_store.correct(archive, ADMIN, source, 3, "x")
    with pytest.raises(Conflict, match="only a PDF or an image"):
        ocr_store.read_again(archive, ADMIN, _ingest(archive, b"[Fictional] plain", "a.txt"),
                             1, None)
