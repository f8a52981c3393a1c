"""Ingest: every format, legacy encodings, duplicates, hostile files, batches — both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.db import models as m
from sillok.ingest.batch import run_batch
from sillok.ingest.guards import Limits
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN, VIEWER


def _ingestor(archive: Archive, **options: object) -> Ingestor:
    return Ingestor(archive, ADMIN, Options(**options))  # type: ignore[arg-type]


def _source(archive: Archive, source_id: int) -> m.Source:
    with archive.sessions() as session:
        source = session.get_one(m.Source, source_id)
        session.expunge(source)
        return source


def test_mixed_folder_each_file_gets_its_outcome(archive: Archive, tmp_path: Path) -> None:
    expected = files.mixed_folder(tmp_path / "in")
    report = run_batch(_ingestor(archive), [tmp_path / "in"], recursive=True)
    got = {str(Path(o.file).relative_to(tmp_path / "in")): o for o in report.outcomes}
    assert {name: o.status for name, o in got.items()} == expected
    assert got["notes-zz-copy.txt"].duplicate_of == got["notes-utf8.txt"].source_id
    assert got["notes-zz-retyped.txt"].near_duplicate_of == [got["notes-utf8.txt"].source_id]
    assert report.counts["failed"] == 7
    reasons = {name: o.reason or "" for name, o in got.items() if o.status == "failed"}
    assert "zip bomb" in reasons["hostile/bomb.docx"]
    assert "zip bomb" in reasons["hostile/bomb.hwpx"]
    assert "unsafe XML" in reasons["hostile/laughs.docx"]
    assert "application/octet-stream" in reasons["hostile/random.bin"]
    assert "invalid byte sequences" in reasons["hostile/bad-bytes.txt"]
    assert "nested deeper" in reasons["hostile/deep.html"]
    assert "empty" in reasons["hostile/empty.txt"]
    assert verify(archive).ok  # no orphan blob from the failures


def test_formats_and_metadata(archive: Archive, tmp_path: Path) -> None:
    files.mixed_folder(tmp_path / "in")
    report = run_batch(_ingestor(archive), [tmp_path / "in"], recursive=True)
    got = {Path(o.file).name: o for o in report.outcomes}

    legacy = _source(archive, got["legacy-euckr.txt"].source_id or 0)
    assert legacy.extra["encoding"] == "cp949" and "탈북민 35명" in legacy.text
    assert legacy.language == "ko" and legacy.media_type == "text/plain"
    assert _source(archive, got["utf16.txt"].source_id or 0).language == "en"
    assert _source(archive, got["legacy-cp949.txt"].source_id or 0).text.startswith("똠방각하")

    page = _source(archive, got["article.html"].source_id or 0)
    assert page.title == "Fictional news" and str(page.published_start) == "2023-05-08"
    assert page.extra["author"] == "Jane Example" and page.kind == "news_report"
    for chrome in ("Home", "About us", "Search this site", "As Seen In", "Copyright"):
        assert chrome not in page.text
    assert "forced repatriation" in page.text

    pdf = _source(archive, got["report.pdf"].source_id or 0)
    assert pdf.pages is not None and len(pdf.pages) == 2
    assert pdf.text[pdf.pages[1]:].startswith("Page two")

    word = _source(archive, got["testimony.docx"].source_id or 0)
    assert word.title == "Fictional testimony" and "박철수" in word.text
    assert word.extra["paragraphs"] == [0, len(files.KO) + 2]

    image = _source(archive, got["scan.png"].source_id or 0)
    assert image.extra["metadata"]["width"] == 200 and image.media_type == "image/png"

    rows = got["rows.csv"]
    assert len(rows.sources) == 2
    assert _source(archive, rows.sources[1]).title == "가상 2"

    mail = got["mail.eml"]
    parent = _source(archive, mail.source_id or 0)
    child = _source(archive, mail.sources[1])
    assert parent.title == "[Fictional] testimony transcript" and parent.kind == "letter"
    assert child.parent_id == parent.id
    # The attachment's hostile name is data, never a path: nothing was written outside blobs.
    assert child.original_filename == "../../etc/passwd"
    assert child.text == "plain attached text, fictional"
    for source_id in (parent.id, child.id, word.id):
        source = _source(archive, source_id)
        assert source.blob_sha256 and source.ingested_by == ADMIN.name
        blob = BlobStore(archive.settings.blob_dir).get(source.blob_sha256)
        assert len(blob) > 0


def test_hancom_formats(archive: Archive, tmp_path: Path) -> None:
    hwpx = files.hancom([files.KO, "Second paragraph, fictional."], tmp_path / "t.hwpx")
    hwp = files.hancom(["[가상] 옛 한글 파일의 본문."], tmp_path / "t.hwp")
    ingestor = _ingestor(archive, kind="testimony", level="restricted")
    first = ingestor.ingest_bytes(hwpx, "증언.hwpx")
    second = ingestor.ingest_bytes(hwp, "old.hwp")
    assert first.status == "ingested" and second.status == "ingested"
    source = _source(archive, first.source_id or 0)
    assert source.media_type == "application/hwp+zip" and source.kind == "testimony"
    assert source.level == "restricted" and "강제북송" in source.text
    assert "옛 한글 파일" in _source(archive, second.source_id or 0).text
    broken = ingestor.ingest_bytes(hwp[:3000], "broken.hwp")
    assert broken.status == "failed" and "damaged OLE" in (broken.reason or "")


def test_typed_by_content_not_name(archive: Archive) -> None:
    outcome = _ingestor(archive).ingest_bytes(files.pdf(["Fictional page."]), "looks-like.txt")
    assert outcome.status == "ingested" and outcome.media_type == "application/pdf"
    refused = _ingestor(archive).ingest_bytes(b"GIF89a" + bytes(200), "picture.pdf")
    assert refused.status == "failed"


def test_rerun_is_idempotent(archive: Archive, tmp_path: Path) -> None:
    files.mixed_folder(tmp_path / "in")
    first = run_batch(_ingestor(archive), [tmp_path / "in"], recursive=True)
    with archive.sessions() as session:
        count = session.execute(select(func.count()).select_from(m.Source)).scalar_one()
    again = run_batch(_ingestor(archive), [tmp_path / "in"], recursive=True)
    with archive.sessions() as session:
        assert session.execute(select(func.count()).select_from(m.Source)).scalar_one() == count
    for before, after in zip(first.outcomes, again.outcomes, strict=True):
        if before.status == "failed":
            assert after.status == "failed"
        else:
            assert after.status == "duplicate"
            assert after.duplicate_of == (before.source_id if before.status != "duplicate"
                                          else before.duplicate_of)


def test_size_limit_and_time_limit(archive: Archive) -> None:
    small = Limits(max_file_bytes=1000)
    outcome = _ingestor(archive, limits=small).ingest_bytes(b"x" * 1001, "big.txt")
    assert outcome.status == "failed" and "over the limit" in (outcome.reason or "")
    # A large PDF cannot be parsed in a hundredth of a second: the worker is stopped.
    slow = Limits(seconds_per_file=0.01)
    pages = [f"Fictional page {i} " + "text " * 50 for i in range(300)]
    outcome = _ingestor(archive, limits=slow).ingest_bytes(files.pdf(pages), "slow.pdf")
    assert outcome.status == "failed" and "time limit" in (outcome.reason or "")
    # and the next file still goes in, on a fresh worker
    ok = _ingestor(archive).ingest_bytes(b"[Fictional] after the slow one.", "next.txt")
    assert ok.status == "ingested"


def test_viewer_may_not_ingest(archive: Archive) -> None:
    from sillok.errors import Forbidden

    with pytest.raises(Forbidden):
        Ingestor(archive, VIEWER)


def test_cli_ingest(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = files.mixed_folder(folder)
    result = runner.invoke(app, ["ingest", str(folder), "--recursive", "--json"], env=cli_env)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["files"] == len(expected)
    assert report["counts"]["failed"] == 7
    good = tmp_path / "good.txt"
    good.write_text("[가상] 정상 파일 하나.", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(good)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "ingested as #" in result.output and "ingest summary" in result.output
    result = runner.invoke(app, ["ingest", str(good)], env=cli_env)
    assert result.exit_code == 0 and "duplicate of #" in result.output
    result = runner.invoke(app, ["ingest", str(good), "--level", "secret"], env=cli_env)
    assert result.exit_code == 1 and "error:" in result.output


def test_image_text_by_ocr(archive: Archive, tmp_path: Path) -> None:
    import shutil

    from PIL import Image, ImageDraw, ImageFont

    font_file = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    image = Image.new("RGB", (900, 160), "white")
    font = ImageFont.truetype(str(font_file), 56)
    ImageDraw.Draw(image).text((20, 40), "탈북민 강제북송 반대", font=font, fill="black")
    image.save(tmp_path / "scan.png")
    outcome = _ingestor(archive).ingest_path(tmp_path / "scan.png")
    assert outcome.status == "ingested"
    source = _source(archive, outcome.source_id or 0)
    if shutil.which("tesseract"):  # CI installs tesseract-ocr and tesseract-ocr-kor
        assert "강제북송" in source.text.replace(" ", "") and not outcome.needs_ocr
        assert source.extra["metadata"]["ocr"] == "tesseract kor+eng"
    else:
        assert outcome.needs_ocr and source.extra["needs_ocr"] is True
