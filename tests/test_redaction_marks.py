"""Redaction marks: a coder hides a passage of a source; readers without restricted clearance see
"[redacted]" on every way out, and nobody finds the passage's words by search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.archive.lifecycle import init_archive
from sillok.archive.public_export import export_public
from sillok.archive.redactions import add_mark, list_marks, remove_mark
from sillok.archive.service import Archive
from sillok.archive.transfer import import_file, write_export
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import Forbidden, Invalid
from sillok.search.service import search
from sillok.web.app import create_app
from tests.auth_helpers import csrf_token, signed_in
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

TEXT = "[Fictional] The witness met HIDDENWORD 숨김표식 near the river, then crossed at night."
SECRET = ("HIDDENWORD", "숨김표식")


def _setup(archive: Archive) -> tuple[int, int]:
    source = make_source(archive, title="Fictional crossing", text=TEXT, language="en")
    start = TEXT.index("HIDDENWORD")
    end = TEXT.index(" near")
    mark = add_mark(archive, EDITOR, source, start, end, "names a living witness (fictional)")
    return source, mark


def _clean(text: str) -> bool:
    return not [s for s in SECRET if s in text]


def test_readers_without_clearance_see_redacted(archive: Archive, tmp_path: Path) -> None:
    source, _mark = _setup(archive)
    person = make_person(archive)
    archive.create(ADMIN, "evidence", {"level": "public", "source": source,
                                       "record": {"type": "person", "id": person},
                                       "quote": "met HIDDENWORD 숨김표식 near"})
    for actor in (ANON, VIEWER):
        shown = archive.get(actor, "source", source)
        assert "[redacted]" in shown["fields"]["text"]
        assert _clean(json.dumps(shown, ensure_ascii=False))
        listed = archive.list_records(actor, "evidence", {"source": str(source)})
        assert _clean(json.dumps(listed.items, ensure_ascii=False))
        assert "[redacted]" in listed.items[0]["fields"]["quote"]
    for actor in (ANALYST, EDITOR):
        assert "HIDDENWORD" in archive.get(actor, "source", source)["fields"]["text"]
    export_public(archive, tmp_path / "open")
    for path in (tmp_path / "open").iterdir():
        body = path.read_bytes()
        assert b"HIDDENWORD" not in body and "숨김표식".encode() not in body, path.name


def test_search_neither_finds_nor_shows_the_passage(archive: Archive) -> None:
    source, mark = _setup(archive)
    for actor in (ANON, ADMIN):
        for word in SECRET:
            assert search(archive, actor, word).total == 0, (actor, word)
    found = search(archive, ADMIN, "crossed river")
    assert [i["id"] for i in found.items if i["type"] == "source"] == [source]
    remove_mark(archive, EDITOR, mark)
    assert search(archive, ANON, "HIDDENWORD").total == 1


def test_marks_are_checked_audited_and_for_coders(archive: Archive) -> None:
    source, mark = _setup(archive)
    with pytest.raises(Forbidden):
        add_mark(archive, VIEWER, source, 0, 5, "x")
    with pytest.raises(Forbidden):
        list_marks(archive, VIEWER, source)
    with pytest.raises(Invalid):
        add_mark(archive, EDITOR, source, 5, 5, "empty")
    with pytest.raises(Invalid):
        add_mark(archive, EDITOR, source, 0, len(TEXT) + 1, "too long")
    with pytest.raises(Invalid):
        add_mark(archive, EDITOR, source, 0, 5, "  ")
    marks = list_marks(archive, ANALYST, source)
    assert [(m["id"], m["passage"]) for m in marks] == [(mark, "HIDDENWORD 숨김표식")]
    remove_mark(archive, EDITOR, mark)
    history = archive.history(ADMIN, "source", source)
    assert [h["action"] for h in history][-2:] == ["redact", "unredact"]
    # The marks' entries say that a passage was hidden, not what it said.
    assert _clean(json.dumps(history[-2:], ensure_ascii=False))


def test_pages_api_and_cli(archive: Archive, settings: Settings, runner: CliRunner,
                           cli_env: dict[str, str]) -> None:
    source, mark = _setup(archive)
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/sources/{source}", params={"lang": "en"}).text
        assert "[redacted]" in page and _clean(page)
        korean = client.get(f"/sources/{source}", params={"lang": "ko"}).text
        assert "[비공개]" in korean and _clean(korean)
        hits = client.get("/search", params={"q": "crossed", "lang": "ko"}).text
        assert "Fictional crossing" in hits and "[비공개]" in hits and _clean(hits)
        for url in (f"/api/v1/sources/{source}", "/api/v1/search?q=crossed",
                    "/api/v1/sources", f"/api/v1/evidence?source={source}"):
            assert _clean(client.get(url).text), url
    listed = runner.invoke(app, ["redact", str(source), "--list", "--json"], env=cli_env)
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["id"] == mark
    shown = runner.invoke(app, ["show", "source", str(source), "--as", "anonymous", "--json"],
                          env=cli_env)
    assert shown.exit_code == 0 and "[redacted]" in shown.stdout and _clean(shown.stdout)
    suggested = runner.invoke(app, ["suggestions", str(source), "--as", "viewer", "--json"],
                              env=cli_env)
    assert suggested.exit_code == 0 and _clean(suggested.stdout)
    bad = runner.invoke(app, ["redact", str(source), "--start", "3"], env=cli_env)
    assert bad.exit_code != 0 and "give both --start and --end" in bad.output
    added = runner.invoke(app, ["redact", str(source), "--start", "0", "--end", "11",
                                "--reason", "fictional label", "--json"], env=cli_env)
    assert added.exit_code == 0, added.output
    removed = runner.invoke(app, ["redact", str(source), "--remove", str(mark)], env=cli_env)
    assert removed.exit_code == 0 and f"#{mark} removed" in removed.stdout
    assert len(list_marks(archive, ADMIN, source)) == 1


def test_marks_travel_with_export_and_import(archive: Archive, empty_settings: Settings,
                                             tmp_path: Path) -> None:
    source, mark = _setup(archive)
    out = tmp_path / "archive.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        write_export(archive, ADMIN, fh)
    with (tmp_path / "viewer.jsonl").open("w", encoding="utf-8") as fh:
        write_export(archive, VIEWER, fh)
    assert _clean((tmp_path / "viewer.jsonl").read_text(encoding="utf-8"))
    init_archive(empty_settings)
    copy = Archive.open(empty_settings)
    try:
        import_file(copy, ADMIN, out)
        assert [m["id"] for m in list_marks(copy, ADMIN, source)] == [mark]
        assert "[redacted]" in copy.get(ANON, "source", source)["fields"]["text"]
        assert search(copy, ANON, "HIDDENWORD").total == 0
    finally:
        copy.close()


def test_workspace_form(settings: Settings, archive: Archive) -> None:
    source = make_source(archive, title="Fictional crossing", text=TEXT, language="en")
    start, end = TEXT.index("HIDDENWORD"), TEXT.index(" near")
    form = {"start": str(start), "end": str(end), "reason": "fictional witness name"}
    with signed_in(settings, "editor", with_csrf=False) as editor:
        # A form without the session's token is refused (CSRF).
        assert editor.post(f"/staff/sources/{source}/redactions", data=form).status_code == 403
        page = editor.get(f"/staff/sources/{source}", params={"lang": "en"}).text
        assert 'id="redact-passage"' in page and "No passage of this source" in page, page
        token = csrf_token(editor)
        done = editor.post(f"/staff/sources/{source}/redactions",
                           data={**form, "csrf_token": token})
        assert done.status_code == 303
        page = editor.get(f"/staff/sources/{source}").text
        assert "fictional witness name" in page
        # The coder still reads the passage, shown as hidden from the public.
        assert f'class="redacted" data-start="{start}"' in page and "HIDDENWORD" in page
        mark = list_marks(archive, ADMIN, source)[0]["id"]
        assert "[redacted]" in archive.get(ANON, "source", source)["fields"]["text"]
        removed = editor.post(f"/staff/sources/{source}/redactions/{mark}/remove",
                              data={"csrf_token": token})
        assert removed.status_code == 303 and list_marks(archive, ADMIN, source) == []
    with signed_in(settings, "viewer") as viewer:
        assert viewer.post(f"/staff/sources/{source}/redactions", data=form).status_code == 403
