"""``sillok demo``: the fictional demo archive builds, is marked fictional, and mixes levels."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sillok.archive import demo_gen
from sillok.archive.lifecycle import demo_files
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.cli.main import app
from sillok.config import Settings
from sillok.security.name_matcher import NameMatcher
from tests.conftest import ADMIN, ANON, EDITOR


def test_every_demo_file_says_it_is_fictional() -> None:
    files = demo_files()
    assert files
    for name, content in files:
        head = content[:400].lower()
        assert "fictional" in head or "가상" in head, name


def test_demo_builds(runner: CliRunner, empty_settings: Settings) -> None:
    env = {"SILLOK_DATA_DIR": str(empty_settings.data_dir),
           "SILLOK_DATABASE_URL": empty_settings.database_url or ""}
    out = runner.invoke(app, ["demo", "--json"], env=env)
    assert out.exit_code == 0, out.output
    created = json.loads(out.stdout)["created"]
    assert created["source"] >= 12 and created["event"] >= 10 and created["act"] >= 15
    assert created["evidence"] >= 20
    archive = Archive.open(empty_settings)
    try:
        sources = archive.list_records(ADMIN, "source", limit=500).items
        levels = {s["level"] for s in sources}
        assert levels == {"public", "internal", "restricted"}
        for s in archive.list_records(ADMIN, "source", limit=500).items:
            full = archive.get(ADMIN, "source", s["id"])["fields"]["text"]
            assert "Fictional" in full or "가상" in full, s["label"]
        public_text = " ".join(archive.get(ANON, "source", s["id"])["fields"]["text"]
                               for s in archive.list_records(ANON, "source", limit=500).items)
        for fact in ("34", "Kim Jong Un", "forced repatriation"):
            assert fact in public_text, fact
        restricted = [p for p in archive.list_records(EDITOR, "person", limit=500).items
                      if p["level"] == "restricted"]
        assert len(restricted) >= 3
        with_protected = [archive.get(EDITOR, "person", p["id"])["fields"]["protected"]
                          for p in restricted]
        assert sum(1 for p in with_protected if p and p["real_name"]) >= 3
        assert verify(archive).ok
    finally:
        archive.close()
    out = runner.invoke(app, ["demo"], env=env)
    assert out.exit_code == 1 and "already holds" in out.stderr


def test_demo_leaks_no_protected_detail_to_the_public(demo_settings: Settings,
                                                      tmp_path: Path) -> None:
    archive = Archive.open(demo_settings)
    try:
        secrets = []
        for p in archive.list_records(EDITOR, "person", limit=500).items:
            prot = archive.get(EDITOR, "person", p["id"])["fields"].get("protected") or {}
            secrets += [str(v) for v in prot.values() if v]
        seen = []
        for type_name in ("source", "person", "event", "act", "involvement", "evidence"):
            for item in archive.list_records(ANON, type_name, limit=500).items:
                seen.append(json.dumps(archive.get(ANON, type_name, item["id"]),
                                       ensure_ascii=False))
        public = "\n".join(seen)
        assert secrets
        for secret in secrets:
            assert secret not in public, secret
    finally:
        archive.close()


def test_no_generated_name_reads_as_a_place() -> None:
    """A generated person's name none of whose forms is a place's name: 정진현 (정진 =
    Chongjin) once masked the city on every public page when that person was restricted."""
    names = [n["name"].removesuffix(demo_gen.FICTIONAL)
             for r in demo_gen.generated_records() if r["type"] == "person"
             for n in r.get("names", ())]
    assert len(names) > 100
    found = NameMatcher([(n, [n]) for n in names]).spans(demo_gen._place_names())
    assert sorted({str(s.owner) for s in found}) == []
