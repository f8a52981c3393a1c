"""Clear refusals: a password-protected PDF, Word or HWP/HWPX file, a distribution-protected
HWP (배포용 문서) that does not decrypt and an HWP 3 file are each refused by name — in English and
Korean — and kept as originals without text; a distribution document that decrypts is read.
Every refusal is listed at the end of the batch with its file and reason, and nothing else in
the batch is affected. Both backends. All files are made here and all their content is
fictional."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.ingest import protection
from sillok.ingest.batch import run_batch
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN

SECRET = "[가상] 암호 뒤의 본문: 이 문장은 어디에도 저장되면 안 된다."
# A distribution document (배포용 문서) is not locked by a password: its text is read.
DISTRIBUTED = "[가상 배포용 문서] 함경북도 회령 출신 증언자 김영희 씨의 진술서 요약입니다."


def _folder(root: Path) -> dict[str, str | None]:
    """Protected files among good ones, with the refusal each should get (None: read)."""
    root.mkdir()
    made = root.parent
    (root / "a-good.txt").write_text(files.fiction(901), encoding="utf-8")
    (root / "b-locked.pdf").write_bytes(files.encrypted_pdf([SECRET]))
    (root / "c-locked.docx").write_bytes(files.encrypted_docx([SECRET]))
    (root / "d-locked.hwp").write_bytes(files.hwp_with_flags([SECRET], made / "d.hwp", 0x02))
    (root / "e-distribution.hwp").write_bytes(files.distribution_hwp([DISTRIBUTED], made / "e.hwp"))
    (root / "e2-broken-distribution.hwp").write_bytes(
        files.distribution_hwp([SECRET], made / "e2.hwp", damaged=True))
    (root / "f-locked.hwpx").write_bytes(files.encrypted_hwpx([SECRET], made / "f.hwpx"))
    (root / "g-old.hwp").write_bytes(files.HWP3)
    (root / "h-owner-only.pdf").write_bytes(
        files.encrypted_pdf(["[Fictional] readable without a password."], user_password=""))
    (root / "i-good.docx").write_bytes(files.docx(["[가상] 평범한 문서."]))
    (root / "j-bad.bin").write_bytes(b"\x00\x01\x02" * 50)
    return {"a-good.txt": None, "b-locked.pdf": protection.LOCKED,
            "c-locked.docx": protection.LOCKED, "d-locked.hwp": protection.LOCKED,
            "e-distribution.hwp": None,
            "e2-broken-distribution.hwp": protection.DISTRIBUTION_DAMAGED,
            "f-locked.hwpx": protection.LOCKED,
            "g-old.hwp": protection.HWP3, "h-owner-only.pdf": None, "i-good.docx": None,
            "j-bad.bin": None}


def test_protected_files_refused_by_name_and_kept(archive: Archive, tmp_path: Path) -> None:
    expected = _folder(tmp_path / "in")
    report = run_batch(Ingestor(archive, ADMIN, Options()), [tmp_path / "in"])
    got = {Path(o.file).name: o for o in report.outcomes}
    assert {name: o.refused for name, o in got.items()} == expected
    assert "암호로 보호된" in protection.LOCKED and "password" in protection.LOCKED
    assert "배포용 문서" in protection.DISTRIBUTION_DAMAGED and "HWP 3" in protection.HWP3
    blobs = BlobStore(archive.settings.blob_dir)
    with archive.sessions() as session:
        for name, reason in expected.items():
            if reason is None:
                continue
            outcome = got[name]
            assert outcome.status == "ingested" and outcome.line.startswith("kept as #")
            source = session.get_one(m.Source, outcome.source_id)
            assert source.text == "" and source.extra["refused"] == reason
            # the original is there, byte for byte
            assert blobs.get(source.blob_sha256 or "") == (tmp_path / "in" / name).read_bytes()
        texts = session.execute(select(m.Source.text)).scalars().all()
    assert not any("암호 뒤의 본문" in t for t in texts)
    # the rest of the batch went on as if the protected files were not there
    assert got["a-good.txt"].status == "ingested" and got["i-good.docx"].status == "ingested"
    assert got["h-owner-only.pdf"].status == "ingested"
    with archive.sessions() as session:  # the distribution document's text, recorded as read
        source = session.get_one(m.Source, got["e-distribution.hwp"].source_id)
        assert DISTRIBUTED in source.text and "상위 버전의 배포용 문서" not in source.text
        assert source.extra["metadata"]["protection"] == protection.DISTRIBUTION_READ
    assert got["j-bad.bin"].status == "failed"
    # every refusal at the end, in file order, with its file and reason
    listed = [(Path(r["file"]).name, r["reason"], r["kept"]) for r in report.refusals]
    assert listed == [(n, r, True) for n, r in expected.items() if r is not None] + [
        ("j-bad.bin", got["j-bad.bin"].reason, False)]
    assert report.as_dict()["refusals"] == report.refusals
    assert verify(archive).ok


def test_rerun_reports_protected_files_as_duplicates(archive: Archive, tmp_path: Path) -> None:
    _folder(tmp_path / "in")
    run_batch(Ingestor(archive, ADMIN, Options()), [tmp_path / "in"])
    with archive.sessions() as session:
        count = session.execute(select(func.count()).select_from(m.Source)).scalar_one()
    again = run_batch(Ingestor(archive, ADMIN, Options()), [tmp_path / "in"])
    assert [o.status for o in again.outcomes].count("duplicate") == 10
    with archive.sessions() as session:
        assert session.execute(select(func.count()).select_from(m.Source)).scalar_one() == count


def test_protected_attachment_is_listed_with_its_mail(archive: Archive) -> None:
    mail = files.eml("[Fictional] the report is attached, the password follows by phone.",
                     [("report.pdf", files.encrypted_pdf([SECRET]))])
    outcome = Ingestor(archive, ADMIN, Options()).ingest_bytes(mail, "letter.eml")
    assert outcome.status == "ingested" and outcome.refused is None
    assert outcome.refused_parts == [("report.pdf", protection.LOCKED)]
    assert len(outcome.sources) == 2
    with archive.sessions() as session:
        child = session.get_one(m.Source, outcome.sources[1])
        assert child.parent_id == outcome.source_id and child.text == ""
        assert child.extra["refused"] == protection.LOCKED


def test_cli_lists_refusals_at_the_end(runner: CliRunner, cli_env: dict[str, str],
                                       tmp_path: Path) -> None:
    _folder(tmp_path / "in")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in")],
                           env={**cli_env, "COLUMNS": "300"})
    assert result.exit_code == 1, result.output  # j-bad.bin failed
    tail = result.output[result.output.index("ingest summary"):]
    assert "거부된 파일 (7)" in tail
    flat = " ".join(tail.split())
    for name in ("b-locked.pdf", "e2-broken-distribution.hwp", "g-old.hwp", "j-bad.bin"):
        assert name in flat
    assert "배포용" in flat and "암호로" in flat
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--json"], env=cli_env)
    again = json.loads(result.stdout)
    assert again["refusals"] == [{"file": str(tmp_path / "in" / "j-bad.bin"),
                                  "reason": again["outcomes"][-1]["reason"], "kept": False}]


def test_staff_see_refusals_on_the_job_and_the_source(settings: Settings) -> None:
    from tests.auth_helpers import signed_in

    with signed_in(settings, "editor") as staff:
        upload = staff.post("/staff/upload", data={"level": "internal"}, files=[
            ("files", ("잠긴 보고서.pdf", files.encrypted_pdf([SECRET]))),
            ("files", ("good.txt", files.fiction(950).encode())),
            ("files", ("bad.bin", b"\x00\x01" * 40))])
        assert upload.status_code == 303
        deadline = time.monotonic() + 60
        page = ""
        while time.monotonic() < deadline and 'id="job-status">done' not in page:
            page = staff.get(upload.headers["location"], headers={"hx-request": "true"}).text
            time.sleep(0.2)
        assert "1 kept without text" in page and "거부된 파일" in page  # a Korean browser
        refused = page[page.index('class="refusals"'):]
        assert "잠긴 보고서.pdf" in refused and "암호로 보호된" in refused and "bad.bin" in refused
        assert "good.txt" not in refused
        source_id = int(re.search(r'href="/staff/sources/(\d+)">kept as', page).group(1))  # type: ignore[union-attr]
        workspace = staff.get(f"/staff/sources/{source_id}").text
        assert 'id="refused"' in workspace and "암호로 보호된" in workspace
