"""An editor reviews the names the matcher found in a source: each proposed span is hidden from
the public until rejected; a rejection shows the words on every door (page, snippet, public
search) and is audited without the name; it lapses when the words around the name change.
Readers without clearance cannot list or decide. Fictional data."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.search.service import search
from sillok.search.span_review import decide, name_spans
from tests.auth_helpers import client, csrf_token, signed_in
from tests.conftest import ADMIN, ANALYST, ANON, EDITOR, VIEWER, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

TEXT = ("[가상] 박철수 씨가 2019년 회령에서 체포됐다. "
        "같은 마을의 노인회장 박철수 동무는 이 일과 관계가 없다.")


def _setup(archive: Archive) -> tuple[int, int]:
    person = make_person(archive, level="restricted", name="박철수")
    source = make_source(archive, title="가상 기사: 회령 체포", text=TEXT)
    return person, source


def _public_text(archive: Archive, source: int) -> str:
    return str(archive.get(ANON, "source", source)["fields"]["text"])


def test_found_names_are_proposed_and_hidden_until_rejected(archive: Archive) -> None:
    person, source = _setup(archive)
    spans = [s for s in name_spans(archive, EDITOR, source) if s["kind"] == "name"]
    assert [(s["start"], s["end"], s["status"]) for s in spans] == [
        (TEXT.index("박철수"), TEXT.index("박철수") + 3, "proposed"),
        (TEXT.rindex("박철수"), TEXT.rindex("박철수") + 3, "proposed")]
    assert all(s["person"] == person and s["name"] == "박철수" for s in spans)
    assert "박철수" not in _public_text(archive, source)
    assert search(archive, ANON, "type:sources 박철수").total == 0

    second = spans[1]
    shown = decide(archive, EDITOR, source, "text", second["start"], second["end"], "reject",
                   "the village elder of the same name, not the witness (fictional)")
    assert shown["status"] == "rejected"
    public = _public_text(archive, source)
    # Exactly the rejected place is shown; the witness stays hidden.
    assert public.count("박철수") == 1 and "노인회장 박철수 동무" in public
    assert "박철수 씨가" not in public
    # Public search follows in the same transaction: the shown name is found, and the
    # snippet shows it only where it was rejected.
    found = search(archive, ANON, "type:sources 박철수")
    assert [i["id"] for i in found.items] == [source]
    assert "씨가" not in found.items[0]["snippet"].split("박철수")[0][-6:]

    # The trail says what was decided, with a keyed digest instead of the name.
    history = archive.history(ADMIN, "source", source)
    entry = next(h for h in history if h["action"] == "name-span-reject")
    assert entry["after"]["decision"] == "rejected" and "박철수" not in str(entry)
    assert str(entry["after"]["passage"]).startswith("hmac:")
    assert entry["reason"].startswith("the village elder")
    viewer_entry = next(h for h in archive.history(VIEWER, "source", source)
                        if h["action"] == "name-span-reject")
    assert not str(viewer_entry["after"]["passage"]).startswith("hmac:")

    # Undo: hidden again everywhere.
    decide(archive, EDITOR, source, "text", second["start"], second["end"], "reset")
    assert "박철수" not in _public_text(archive, source)
    assert search(archive, ANON, "type:sources 박철수").total == 0


def test_accepting_keeps_the_name_hidden_and_is_on_record(archive: Archive) -> None:
    _person, source = _setup(archive)
    first = TEXT.index("박철수")
    assert decide(archive, EDITOR, source, "text", first, first + 3, "accept")["status"] == (
        "accepted")
    assert "박철수" not in _public_text(archive, source)
    assert any(h["action"] == "name-span-accept"
               for h in archive.history(ADMIN, "source", source))


def test_a_rejection_lapses_when_the_words_around_the_name_change(archive: Archive) -> None:
    _person, source = _setup(archive)
    second = TEXT.rindex("박철수")
    decide(archive, EDITOR, source, "text", second, second + 3, "reject",
           "another man (fictional)")
    assert _public_text(archive, source).count("박철수") == 1
    archive.update(ADMIN, "source", source, {"text": TEXT.replace("노인회장", "리 인민위원장")})
    # New words around it: nobody has looked at this place yet, so it is hidden again.
    assert "박철수" not in _public_text(archive, source)
    assert search(archive, ANON, "type:sources 박철수").total == 0
    statuses = {s["status"] for s in name_spans(archive, EDITOR, source) if s["kind"] == "name"}
    assert statuses == {"proposed"}


def test_only_cleared_writers_review(archive: Archive) -> None:
    _person, source = _setup(archive)
    first = TEXT.index("박철수")
    for actor in (ANON, VIEWER, ANALYST):
        with pytest.raises(Forbidden):
            name_spans(archive, actor, source)
        with pytest.raises(Forbidden):
            decide(archive, actor, source, "text", first, first + 3, "reject", "no")
    with pytest.raises(Invalid, match="reason"):
        decide(archive, EDITOR, source, "text", first, first + 3, "reject", "  ")
    with pytest.raises(Invalid, match="decision"):
        decide(archive, EDITOR, source, "text", first, first + 3, "forget")
    # Only a place where the matcher finds a name can be decided: no arbitrary offsets.
    with pytest.raises(NotFound):
        decide(archive, EDITOR, source, "text", 0, 4, "reject", "not a name")
    with pytest.raises(NotFound):
        decide(archive, EDITOR, source + 999, "text", first, first + 3, "accept")


def test_the_preview_is_the_public_copy_before_publishing(archive: Archive) -> None:
    from sillok.search.span_review import public_preview

    make_person(archive, level="restricted", name="박철수")
    source = make_source(archive, level="internal", title="가상: 박철수 증언", text=TEXT)
    preview = public_preview(archive, EDITOR, source)
    assert "박철수" not in preview["title"] + preview["text"]
    assert preview["text"].count("[Witness W-") == 2 and "회령에서 체포됐다" in preview["text"]
    with pytest.raises(Forbidden):
        public_preview(archive, ANALYST, source)


def test_manual_marks_are_listed_beside_the_names(archive: Archive) -> None:
    from sillok.archive.redactions import add_mark

    _person, source = _setup(archive)
    add_mark(archive, EDITOR, source, 5, 10, "the place could identify the family (fictional)")
    spans = name_spans(archive, EDITOR, source)
    manual = [s for s in spans if s["kind"] == "manual"]
    assert [(s["start"], s["end"], s["status"]) for s in manual] == [(5, 10, "accepted")]


def test_cli_lists_and_decides(archive: Archive, cli_env: dict[str, str],
                               runner: CliRunner) -> None:
    _person, source = _setup(archive)
    second = TEXT.rindex("박철수")
    listed = runner.invoke(app, ["redact", str(source), "--names", "--as", "editor", "--json"],
                           env=cli_env)
    assert listed.exit_code == 0, listed.output
    assert f'"start": {second}' in listed.output and '"proposed"' in listed.output
    done = runner.invoke(app, ["redact", str(source), "--reject", f"{second}:{second + 3}",
                               "--reason", "another man (fictional)", "--as", "editor"],
                         env=cli_env)
    assert done.exit_code == 0, done.output
    assert "rejected" in done.output
    assert _public_text(archive, source).count("박철수") == 1
    bad = runner.invoke(app, ["redact", str(source), "--accept", "12-15", "--as", "editor"],
                        env=cli_env)
    assert bad.exit_code != 0 and "START:END" in bad.output
    anon = runner.invoke(app, ["redact", str(source), "--names", "--as", "viewer"],
                         env=cli_env)
    assert anon.exit_code != 0 and "박철수" not in anon.output


def test_workspace_page_reviews_the_names(archive: Archive, settings: Settings) -> None:
    _person, source = _setup(archive)
    second = TEXT.rindex("박철수")
    with signed_in(settings, "editor") as editor:
        page = editor.get(f"/staff/sources/{source}/names")
        assert page.status_code == 200
        assert page.text.count("<mark>박철수</mark>") == 2 and "검토할 항목" in page.text
        answer = editor.post(f"/staff/sources/{source}/names", data={
            "field": "text", "start": second, "end": second + 3, "decision": "reject",
            "reason": "another man (fictional)", "csrf_token": csrf_token(editor)},
            follow_redirects=False)
        assert answer.status_code == 303
        shown = editor.get(f"/staff/sources/{source}/names?lang=en").text
        assert "rejected: shown" in shown
        # The preview is the public copy: the rejected name shown, the witness hidden.
        preview = shown.split('id="public-preview-text">')[1].split("</pre>")[0]
        assert preview.count("박철수") == 1 and "Witness W-" in preview
        assert f"/staff/sources/{source}/names" in editor.get(f"/staff/sources/{source}").text
    with client(settings) as anonymous:
        public = anonymous.get(f"/sources/{source}")
        assert public.status_code == 200 and public.text.count("박철수") == 1
    with signed_in(settings, "viewer") as viewer:
        assert viewer.get(f"/staff/sources/{source}/names").status_code == 403


def test_analysts_search_their_own_copy(archive: Archive) -> None:
    """Analysts read restricted records and a restricted person's names, but no real name:
    their searches find the alias and never confirm the real name, in any spelling."""
    make_person(archive, level="restricted", name="박철수", protected={"real_name": "리영호"})
    public = make_source(archive, title="가상 공개 기사",
                         text="[가상] 박철수 씨는 회령 출신이다. 본명은 리영호라고 한다.")
    restricted = make_source(archive, level="restricted", title="가상 비공개 증언",
                             text="[가상] 증언자 리영호는 2019년에 회령에서 떠났다.")
    for query in ("type:sources 박철수", "type:sources Pak Chol-su"):
        assert {i["id"] for i in search(archive, ANALYST, query).items} == {public}, query
        assert search(archive, ANON, query).total == 0, query
    for query in ("type:sources 리영호", "type:sources Ri Yong-ho", "type:sources 이영호"):
        for actor in (ANALYST, VIEWER, ANON):
            assert search(archive, actor, query).total == 0, (actor, query)
    assert {i["id"] for i in search(archive, EDITOR, "type:sources 리영호").items} == {
        public, restricted}
    # What analysts do find shows no real name in its snippet.
    for item in search(archive, ANALYST, "type:sources 회령").items:
        assert "리영호" not in item["snippet"] and "영호" not in item["snippet"], item


@pytest.mark.parametrize("let_go", ["level", "name", "real_name"])
def test_a_name_taken_off_the_list_is_found_again_in_the_same_transaction(
        archive: Archive, let_go: str) -> None:
    person = make_person(archive, level="restricted", name="강영희",
                         protected={"real_name": "문순옥"})
    # Each text names one of the two, so that making one text again does not hide the need
    # to make the other.
    alias = make_source(archive, title="가상 기사", text="[가상] 강영희 씨가 혜산에서 떠났다.")
    real = make_source(archive, title="가상 기사", text="[가상] 문순옥 씨가 혜산에서 떠났다.")
    assert search(archive, ANON, "type:sources 강영희").total == 0
    assert search(archive, ANON, "type:sources 문순옥").total == 0
    if let_go == "level":
        archive.update(ADMIN, "person", person, {"level": "public"})
        shown, found, hidden = alias, "강영희", "문순옥"  # the real name stays protected
    elif let_go == "name":
        archive.update(ADMIN, "person", person,
                       {"names": [{"name": "가명 인물", "system": "hangul"}]})
        shown, found, hidden = alias, "강영희", "문순옥"
    else:
        archive.update(ADMIN, "person", person, {"protected": {"real_name": None}})
        shown, found, hidden = real, "문순옥", "강영희"
    assert [i["id"] for i in search(archive, ANON, f"type:sources {found}").items] == [shown]
    assert search(archive, ANON, f"type:sources {hidden}").total == 0
    assert found in _public_text(archive, shown)


def test_the_api_lists_decides_and_previews(archive: Archive, settings: Settings) -> None:
    from tests.api_helpers import api_client, as_

    _person, source = _setup(archive)
    second = TEXT.rindex("박철수")
    api = f"/api/v1/sources/{source}"
    with api_client(settings) as c:
        listed = c.get(f"{api}/names", headers=as_(EDITOR))
        assert listed.status_code == 200, listed.text
        assert [s["status"] for s in listed.json() if s["kind"] == "name"] == ["proposed"] * 2
        no_reason = c.post(f"{api}/names", headers=as_(EDITOR), json={
            "start": second, "end": second + 3, "decision": "reject"})
        assert no_reason.status_code == 422 and "reason" in no_reason.text
        done = c.post(f"{api}/names", headers=as_(EDITOR), json={
            "start": second, "end": second + 3, "decision": "reject",
            "reason": "another man (fictional)"})
        assert done.status_code == 200 and done.json()["status"] == "rejected", done.text
        preview = c.get(f"{api}/public-copy", headers=as_(EDITOR)).json()
        assert preview["text"].count("박철수") == 1
        for actor in (ANON, VIEWER, ANALYST):
            for answer in (c.get(f"{api}/names", headers=as_(actor)),
                           c.get(f"{api}/public-copy", headers=as_(actor))):
                assert answer.status_code in (401, 403) and "박철수" not in answer.text
