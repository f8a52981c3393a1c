"""Consent on both backends: a withdrawal takes a witness's testimony and every record resting
on it out of public pages, public search, the public export and statistics in one step;
publishing without consent is refused; consent entries are append-only. All records are
fictional."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from sillok.archive import consent
from sillok.archive.public_export import export_public
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Conflict, Forbidden, Invalid, NotFound
from sillok.search.service import search
from sillok.security.policy import Role
from sillok.stats.counts import count_acts
from sillok.web.app import create_app
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANON, VIEWER, make_event, make_person

MARK = "산딸기나무"  # a word no other record has
QUOTE = "집결소에 갇혔다"


def _testimony(archive: Archive, level: str = "public", **extra: object) -> int:
    data: dict[str, object] = {"level": level, "kind": "testimony", "language": "ko",
                               "title": f"가상 증언 {MARK}",
                               "text": f"[가상 증언] {MARK} 그는 {QUOTE}."}
    data.update(extra)
    return archive.create(ADMIN, "source", data)


def _documented_act(archive: Archive, source: int, evidence: str = "public"
                    ) -> dict[str, int]:
    event = make_event(archive, description=f"[가상] {MARK}")
    act = archive.create(ADMIN, "act", {
        "level": "public", "event": event, "victim": make_person(archive, name="가상 피해자"),
        "act_type": "detention", "date": "2019-03", "description": f"[가상] {MARK} 구금"})
    ids = {"event": event, "act": act, "source": source}
    for type_name in ("act", "event"):
        ids[f"evidence_{type_name}"] = archive.create(ADMIN, "evidence", {
            "level": evidence, "source": source, "quote": QUOTE,
            "record": {"type": type_name, "id": ids[type_name]}})
    return ids


def _public_hits(archive: Archive) -> set[tuple[str, int]]:
    return {(i["type"], int(i["id"])) for i in search(archive, ANON, MARK).items}


def _exported(archive: Archive, folder: Path) -> dict[str, set[int]]:
    export_public(archive, folder)
    db = sqlite3.connect(folder / "sillok-public.sqlite")
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        # An empty table is not written at all.
        return {t: {row[0] for row in db.execute(f"SELECT id FROM {t}s")}
                if f"{t}s" in tables else set() for t in ("source", "event", "act", "evidence")}
    finally:
        db.close()


def _acts_counted(archive: Archive) -> int:
    table = count_acts(archive, VIEWER, ["type"])
    return sum(int(r["acts"]) for r in table.rows if r["type"] == "detention")


def test_withdrawal_takes_everything_down_in_one_step(archive: Archive, settings: Settings,
                                                      tmp_path: Path) -> None:
    source = _testimony(archive, witness=make_person(archive, level="internal", name="가상 증인"))
    consent.record(archive, ADMIN, "source", source,
                   {"publication": "given", "statistics": "given"}, note="signed form (fictional)")
    ids = _documented_act(archive, source)
    before_count = _acts_counted(archive)
    assert {("source", source), ("event", ids["event"]), ("act", ids["act"])} <= \
        _public_hits(archive)
    assert ids["act"] in _exported(archive, tmp_path / "before")["act"]
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/events/{ids['event']}").status_code == 200

    report = consent.withdraw(archive, ADMIN, "source", source, note="witness asked (fictional)")

    taken = {(r["type"], r["id"]) for r in report["taken_down"]}
    assert taken == {("source", source), ("event", ids["event"]), ("act", ids["act"]),
                     ("evidence", ids["evidence_act"]), ("evidence", ids["evidence_event"])}
    assert {e["decision"] for e in report["entries"]} == {"withdrawn"}
    assert _public_hits(archive) == set()
    exported = _exported(archive, tmp_path / "after")
    assert source not in exported["source"] and ids["act"] not in exported["act"]
    assert ids["event"] not in exported["event"] and not exported["evidence"]
    for type_name in ("source", "event", "act"):
        with pytest.raises(NotFound):
            archive.get(ANON, type_name, ids[type_name])
        assert archive.get(VIEWER, type_name, ids[type_name])["level"] == "internal"
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/events/{ids['event']}").status_code == 404
        assert client.get(f"/sources/{source}").status_code == 404
    assert _acts_counted(archive) == before_count - 1
    # The takedown is in each record's history, by whom and why it happened.
    history = archive.history(ADMIN, "act", ids["act"])
    assert history[-1]["action"] == consent.TAKEDOWN_ACTION


def test_publishing_without_consent_is_refused(archive: Archive) -> None:
    source = _testimony(archive, level="internal")
    consent.record(archive, ADMIN, "source", source, {"publication": "refused"})
    with pytest.raises(Invalid, match=rf"source #{source}: publication consent refused"):
        archive.update(ADMIN, "source", source, {"level": "public"})
    event = make_event(archive, level="internal")
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source, "quote": QUOTE,
                                       "record": {"type": "event", "id": event}})
    with pytest.raises(Invalid, match=r"event #\d+ cannot be public without publication"):
        archive.update(ADMIN, "event", event, {"level": "public"})
    # Evidence that would tie a public record to the testimony is refused too.
    public_event = make_event(archive)
    with pytest.raises(Invalid, match="publication consent refused"):
        archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                           "quote": QUOTE,
                                           "record": {"type": "event", "id": public_event}})
    consent.record(archive, ADMIN, "source", source, {"publication": "given"})
    assert archive.update(ADMIN, "event", event, {"level": "public"})
    assert archive.update(ADMIN, "source", source, {"level": "public"})


def test_required_consent_holds_back_testimonies_only(settings: Settings) -> None:
    """With consent required, a testimony with none recorded is neither published nor counted;
    a news report needs none."""
    strict = Archive.open(dataclasses.replace(settings, consent_required=True))
    try:
        with pytest.raises(Invalid, match="none recorded, and consent is required"):
            _testimony(strict)
        news = strict.create(ADMIN, "source", {"level": "public", "kind": "news_report",
                                                "title": "가상 기사", "text": "[가상]"})
        assert strict.get(ANON, "source", news)
        source = _testimony(strict, level="internal")
        consent.record(strict, ADMIN, "source", source, {"publication": "given"})
        ids = _documented_act(strict, source, evidence="internal")
        assert _acts_counted(strict) == 0  # publication is not use in statistics
        consent.record(strict, ADMIN, "source", source, {"statistics": "given"})
        assert _acts_counted(strict) == 1
        assert strict.get(ANON, "act", ids["act"])
    finally:
        strict.close()


def test_a_witness_wide_withdrawal_covers_every_source(archive: Archive) -> None:
    witness = make_person(archive, level="public", name="가상 증인 둘")
    first = _testimony(archive, witness=witness)
    second = _testimony(archive, witness=witness)
    other = _testimony(archive)
    report = consent.withdraw(archive, ADMIN, "person", witness, ["publication", "name"])
    assert {(r["type"], r["id"]) for r in report["taken_down"]} == {
        ("source", first), ("source", second), ("person", witness)}
    assert archive.get(ANON, "source", other)
    with pytest.raises(Invalid, match="name consent withdrawn"):
        archive.update(ADMIN, "person", witness, {"level": "public"})
    # A later consent for one source lets that source alone be public again.
    consent.record(archive, ADMIN, "source", first, {"publication": "given"})
    assert archive.update(ADMIN, "source", first, {"level": "public"})
    with pytest.raises(Invalid):
        archive.update(ADMIN, "source", second, {"level": "public"})
    shown = consent.show(archive, ADMIN, "source", second)
    assert shown["current"]["publication"]["state"] == "withdrawn"
    assert not shown["current"]["publication"]["allowed"]


def test_withdrawing_statistics_only_keeps_the_record_public(archive: Archive) -> None:
    source = _testimony(archive)
    ids = _documented_act(archive, source)
    assert _acts_counted(archive) == 1
    report = consent.withdraw(archive, ADMIN, "source", source, ["statistics"])
    assert report["taken_down"] == []
    assert archive.get(ANON, "act", ids["act"])
    assert _acts_counted(archive) == 0
    assert count_acts(archive, ANON, ["type"], min_cell=1).rows == []


def test_consent_entries_are_append_only(archive: Archive) -> None:
    source = _testimony(archive, level="internal")
    entry = consent.record(archive, ADMIN, "source", source,
                           {"partners": "given"}, partners=["UN OHCHR Seoul"])["entries"][0]
    with pytest.raises(Conflict, match="append-only"), archive.transaction() as session:
        session.get(m.ConsentEntry, entry["id"]).decision = "refused"  # type: ignore[union-attr]
    for statement in (update(m.ConsentEntry).values(decision="refused"),
                      text("DELETE FROM consent_entries")):
        with pytest.raises(DBAPIError, match="append-only"), archive.transaction() as session:
            session.execute(statement)
    assert consent.show(archive, ADMIN, "source", source)["partners"] == ["UN OHCHR Seoul"]


def test_consent_refuses_bad_input(archive: Archive) -> None:
    source = _testimony(archive, level="internal")
    with pytest.raises(Invalid, match="not one of"):
        consent.record(archive, ADMIN, "source", source, {"fame": "given"})
    with pytest.raises(Invalid, match="name partners only"):
        consent.record(archive, ADMIN, "source", source, {"publication": "given"},
                       partners=["UN"])
    with pytest.raises(NotFound):
        consent.record(archive, ADMIN, "person", 999_999, {"name": "given"})
    with pytest.raises(NotFound):
        consent.show(archive, ANON, "source", source)
    assert consent.parse_subject("person:3") == ("person", 3)
    assert consent.parse_subject("12") == ("source", 12)
    with pytest.raises(Invalid):
        consent.parse_subject("event:1")


def test_consent_from_the_command_line(archive: Archive, runner: CliRunner,
                                       cli_env: dict[str, str]) -> None:
    source = _testimony(archive)
    ids = _documented_act(archive, source)
    made = runner.invoke(app, ["consent", "record", f"source:{source}", "--agree", "publication",
                               "--partner", "UN OHCHR Seoul", "--refuse", "name",
                               "--on", "2026-11-02", "--json"], env=cli_env)
    assert made.exit_code == 0, made.output
    assert {e["scope"]: e["decision"] for e in json.loads(made.output)["entries"]} == {
        "publication": "given", "partners": "given", "name": "refused"}
    gone = runner.invoke(app, ["consent", "withdraw", str(source), "--scope", "publication"],
                         env=cli_env)
    assert gone.exit_code == 0, gone.output
    assert f"act #{ids['act']}" in gone.output and "now internal" in gone.output
    shown = runner.invoke(app, ["consent", "show", f"source:{source}", "--json"], env=cli_env)
    current = json.loads(shown.output)["current"]
    assert current["publication"]["state"] == "withdrawn"
    assert current["partners"]["state"] == "given"
    table = runner.invoke(app, ["consent", "show", f"source:{source}"], env=cli_env)
    assert "withdrawn" in table.output and "UN OHCHR Seoul" in table.output
    bad = runner.invoke(app, ["consent", "record", str(source), "--agree", "fame"], env=cli_env)
    assert bad.exit_code == 1 and "not one of" in bad.output


def test_consent_in_the_workspace(archive: Archive, settings: Settings) -> None:
    source = _testimony(archive)
    ids = _documented_act(archive, source)
    with signed_in(settings, Role.editor) as staff:
        page = staff.get(f"/staff/records/source/{source}?lang=en")
        assert 'data-consent="none"' in page.text and 'id="consent-form"' in page.text
        assert 'id="consent-form"' in staff.get(f"/staff/sources/{source}").text
        korean = staff.get(f"/staff/records/event/{ids['event']}?lang=ko").text
        assert "공개 동의" in korean and 'id="consent-form"' not in korean
        done = staff.post(f"/staff/consent/source/{source}?lang=en", data={
            "scope_publication": "withdrawn", "scope_statistics": "withdrawn",
            "note": "witness called (fictional)"})
        assert done.status_code == 200, done.text
        assert f"/staff/records/act/{ids['act']}" in done.text and "now internal" in done.text
        event_page = staff.get(f"/staff/records/event/{ids['event']}?lang=en").text
        assert 'data-consent="withdrawn"' in event_page and "cannot be public" in event_page
        person = make_person(archive, level="internal", name="가상 증인 셋")
        shown = staff.post(f"/staff/consent/person/{person}", data={
            "scope_partners": "given", "partners": "UN OHCHR Seoul, TJWG"})
        assert shown.status_code == 200 and 'id="taken-down-none"' in shown.text
        assert "UN OHCHR Seoul, TJWG" in staff.get(f"/staff/records/person/{person}").text
        refused = staff.post(f"/staff/consent/source/{source}", data={})
        assert refused.status_code == 422
    with TestClient(create_app(settings)) as public:
        assert public.get(f"/events/{ids['event']}").status_code == 404


def test_check_finds_what_became_unpublishable(settings: Settings, runner: CliRunner,
                                               cli_env: dict[str, str]) -> None:
    """Switching consent on refuses new publications only; `consent check` lists the public
    records it would refuse, and --take-down makes them internal."""
    lenient = Archive.open(settings)
    try:
        source = _testimony(lenient)
        news = lenient.create(ADMIN, "source", {"level": "public", "kind": "news_report",
                                                 "title": "가상 기사", "text": "[가상]"})
    finally:
        lenient.close()
    strict_env = {**cli_env, "SILLOK_CONSENT_REQUIRED": "1"}
    listed = runner.invoke(app, ["consent", "check", "--json"], env=strict_env)
    assert listed.exit_code == 0, listed.output
    assert [(r["type"], r["id"]) for r in json.loads(listed.output)] == [("source", source)]
    assert runner.invoke(app, ["consent", "check", "--json"], env=cli_env).output.strip() == "[]"
    taken = runner.invoke(app, ["consent", "check", "--take-down"], env=strict_env)
    assert taken.exit_code == 0 and "1 records taken out of public view" in taken.output
    strict = Archive.open(dataclasses.replace(settings, consent_required=True))
    try:
        assert strict.get(ADMIN, "source", source)["level"] == "internal"
        assert strict.get(ANON, "source", news)
        assert consent.check(strict, ADMIN) == []
        with pytest.raises(Forbidden):
            consent.check(strict, VIEWER)
    finally:
        strict.close()
