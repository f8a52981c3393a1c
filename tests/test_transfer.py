"""export → import into an empty archive → export gives the same records."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from tests.conftest import ADMIN, make_event, make_person, make_source


def _fill(archive: Archive) -> None:
    sha = BlobStore(archive.settings.blob_dir).put(b"original bytes of a fictional file")
    with archive.transaction() as s:
        s.add(m.Blob(sha256=sha, size=34, media_type="text/plain"))
    src = make_source(archive, blob_sha256=sha, published="~2023-Q1")
    victim = make_person(archive, level="restricted",
                         protected={"real_name": "가상 실명", "birth_date": "1980-02-03"})
    ev = make_event(archive)
    act = archive.create(ADMIN, "act", {"event": ev, "victim": victim, "act_type": "torture",
                                        "level": "internal"})
    archive.create(ADMIN, "evidence", {"source": src, "record": {"type": "act", "id": act},
                                       "quote": "탈북민", "level": "internal"})
    gone = make_event(archive, title="Retracted (fictional)")
    archive.create(ADMIN, "evidence", {"source": src, "record": {"type": "event", "id": gone},
                                       "quote": "2023년", "level": "public"})
    archive.retract(ADMIN, "event", gone, "entered twice")
    archive.update(ADMIN, "event", ev, {"description": "edited"})


def _records(path: Path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines())


def test_round_trip(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                    empty_settings: Settings, tmp_path: Path) -> None:
    _fill(archive)
    first = tmp_path / "first.jsonl"
    out = runner.invoke(app, ["export", "--format", "jsonl", str(first)], env=cli_env)
    assert out.exit_code == 0, out.output
    init_archive(empty_settings)
    env2 = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
            "SILLOK_DATABASE_URL": empty_settings.database_url or ""}
    out = runner.invoke(app, ["import", str(first)], env=env2)
    assert out.exit_code == 0, out.output
    second = tmp_path / "second.jsonl"
    out = runner.invoke(app, ["export", str(second)], env=env2)
    assert out.exit_code == 0, out.output
    assert _records(first) == _records(second)
    kinds = {json.loads(line)["type"] for line in _records(first)}
    assert {"blob", "source", "person", "event", "act", "evidence", "term", "place"} <= kinds
    assert "가상 실명" in first.read_text(encoding="utf-8")
    out = runner.invoke(app, ["verify"], env=env2)
    assert out.exit_code == 0, out.output
    # A second import would collide with the records now there: refused, nothing changed.
    out = runner.invoke(app, ["import", str(first)], env=env2)
    assert out.exit_code == 1 and "import into an empty archive" in out.stderr


def test_export_as_role_leaves_out_what_it_may_not_see(runner: CliRunner,
                                                       cli_env: dict[str, str],
                                                       archive: Archive, tmp_path: Path) -> None:
    _fill(archive)
    out_file = tmp_path / "public.jsonl"
    out = runner.invoke(app, ["export", str(out_file), "--as", "anonymous"], env=cli_env)
    assert out.exit_code == 0, out.output
    text = out_file.read_text(encoding="utf-8")
    assert "가상 실명" not in text and '"level": "internal"' not in text
    assert '"level": "restricted"' not in text


def test_import_refuses_garbage(runner: CliRunner, cli_env: dict[str, str], archive: Archive,
                                tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "event"}\n', encoding="utf-8")
    out = runner.invoke(app, ["import", str(bad)], env=cli_env)
    assert out.exit_code == 1 and "not a Sillok export" in out.stderr
    bad.write_text("not json\n", encoding="utf-8")
    out = runner.invoke(app, ["import", str(bad)], env=cli_env)
    assert out.exit_code == 1 and "not a JSON line" in out.stderr


def test_export_to_a_missing_directory(runner: CliRunner, cli_env: dict[str, str],
                                       tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    out = runner.invoke(app, ["export", str(target)], env=cli_env)
    assert out.exit_code == 1 and "no such directory" in out.stderr
    out = runner.invoke(app, ["export", str(tmp_path / "x"), "--format", "xml"], env=cli_env)
    assert out.exit_code == 1 and "unknown format" in out.stderr
    assert not (tmp_path / "x").exists()
