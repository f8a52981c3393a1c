"""Least privilege beyond the public (Protection II, point 4): viewers and analysts read no
protected detail and no hash of one; history shows protected values and redacted passages
only to those cleared for them; a restricted place shows as its parent region; hidden ids
leak through no label, filter, count or error; an alias and a real name never share a
pseudonym. Every name and place here is fictional."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sillok.archive.redactions import add_mark
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.web.app import create_app
from tests.api_helpers import api_client, as_
from tests.conftest import (
    ADMIN,
    ANALYST,
    ANON,
    EDITOR,
    VIEWER,
    make_event,
    make_person,
    make_source,
)

REAL = "가상실명표식"  # a fictional real name
ALIAS = "가명표식"  # the fictional person's name on the record
PROTECTED = "(protected)"


def _person_with_real_name(archive: Archive, level: str = "public") -> int:
    pid = make_person(archive, level=level, name=ALIAS,
                      protected={"real_name": REAL, "birth_date": "1970-01-02"})
    archive.update(ADMIN, "person", pid, {"protected": {"real_name": REAL + "갱신",
                                                        "birth_date": "1970-01-02"}})
    return pid


def _digests(value: Any) -> list[str]:
    return re.findall(r"(?:sha256|hmac):[0-9a-f]+", json.dumps(value, ensure_ascii=False))


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


# -- the audit trail: keyed digests, shown only to the cleared --------------------------------
def test_audit_trail_keeps_no_unkeyed_digest(archive: Archive) -> None:
    pid = _person_with_real_name(archive)
    text = "[Fictional] 누구가 말했다: 비공개구절표식 그리고 끝."
    source = make_source(archive, text=text)
    add_mark(archive, ADMIN, source, text.index("비공개"), text.index(" 그리고"), "fictional")
    with archive.sessions() as session:
        stored = [(e.before, e.after) for e in session.query(m.AuditEntry)]
    found = _digests(stored)
    assert found, "the protected details and the passage are digested"
    # A short unkeyed SHA-256 of a name is undone by hashing every candidate name.
    assert all(d.startswith("hmac:") for d in found), found
    assert REAL not in json.dumps(stored, ensure_ascii=False)
    # Editors (cleared for protected details) still see that the real name changed.
    edits = archive.history(EDITOR, "person", pid)
    before, after = edits[-1]["before"]["protected"], edits[-1]["after"]["protected"]
    assert before["real_name"] != after["real_name"] and before["real_name"].startswith("hmac:")


def test_history_hides_protected_values_below_clearance(archive: Archive) -> None:
    pid = _person_with_real_name(archive)
    for actor in (VIEWER, ANALYST):
        entries = archive.history(actor, "person", pid)
        assert _digests(entries) == [], actor.role
        assert all(e["after"]["protected"] == PROTECTED for e in entries), entries


def test_history_shows_redacted_passage_digest_only_to_restricted(archive: Archive) -> None:
    text = "[Fictional] 누구가 말했다: 비공개구절표식 그리고 끝."
    source = make_source(archive, text=text)
    add_mark(archive, ADMIN, source, text.index("비공개"), text.index(" 그리고"), "fictional")
    shown = archive.history(VIEWER, "source", source)[-1]
    assert shown["after"]["passage"] == PROTECTED and _digests(shown) == []
    assert archive.history(ANALYST, "source", source)[-1]["after"]["passage"].startswith("hmac:")


def test_history_withholds_hidden_ids(archive: Archive) -> None:
    victim = make_person(archive, level="restricted", name="비공개피해자표식")
    act = archive.create(ADMIN, "act", {"level": "public", "act_type": "forced_repatriation",
                                        "event": make_event(archive), "victim": victim})
    archive.update(ADMIN, "act", act, {"description": "fictional change"})
    for entry in archive.history(VIEWER, "act", act):
        assert entry["after"]["victim"] == "[withheld]", entry
    assert archive.history(ANALYST, "act", act)[-1]["after"]["victim"] == victim


def test_history_doors_as_viewer(archive: Archive, settings: Settings, api: TestClient,
                                 runner: CliRunner, cli_env: dict[str, str]) -> None:
    pid = _person_with_real_name(archive)
    out = runner.invoke(app, ["history", "person", str(pid), "--as", "analyst", "--json"],
                        env=cli_env)
    assert out.exit_code == 0, out.output
    assert "sha256:" not in out.output and "hmac:" not in out.output
    assert PROTECTED in out.output
    body = api.get(f"/api/v1/persons/{pid}/history?lang=en", headers=as_(VIEWER)).json()
    assert _digests(body) == [] and body[-1]["after"]["protected"] == PROTECTED


# -- text shown to an analyst -----------------------------------------------------------------
def test_analyst_reads_real_names_masked(archive: Archive, api: TestClient) -> None:
    _person_with_real_name(archive)
    source = make_source(archive, level="restricted",
                         text=f"[Fictional] {REAL}갱신 씨가 {ALIAS} 라는 이름으로 증언했다.")
    shown = api.get(f"/api/v1/sources/{source}", headers=as_(ANALYST)).json()
    assert REAL not in json.dumps(shown, ensure_ascii=False)
    # The name on a record the analyst may read stays readable.
    assert ALIAS in shown["fields"]["text"]
    assert REAL in archive.get(EDITOR, "source", source)["fields"]["text"]


# -- restricted places ------------------------------------------------------------------------
def _safe_house(archive: Archive) -> int:
    archive.create(ADMIN, "place", {"level": "restricted", "code": "lp-safehouse",
                                    "kind": "facility", "parent": "kp-09-chongjin",
                                    "en": "Fictional safe house", "ko": "가상 은신처"})
    return archive.create(ADMIN, "event", {"level": "public", "title": "Fictional meeting",
                                           "date": "2019", "places": ["lp-safehouse"]})


def test_restricted_place_shows_as_parent_region(archive: Archive, settings: Settings) -> None:
    event = _safe_house(archive)
    victim = make_person(archive, name="공개피해자")
    act = archive.create(ADMIN, "act", {"level": "public", "act_type": "forced_repatriation",
                                        "event": event, "victim": victim,
                                        "place": "lp-safehouse"})
    assert archive.get(ANON, "event", event)["fields"]["places"] == ["kp-09-chongjin"]
    assert archive.get(VIEWER, "act", act)["fields"]["place"] == "kp-09-chongjin"
    assert archive.get(ANALYST, "act", act)["fields"]["place"] == "lp-safehouse"
    with TestClient(create_app(settings)) as web:
        page = web.get(f"/events/{event}")
    assert page.status_code == 200
    assert "lp-safehouse" not in page.text and "safe house" not in page.text
    assert "kp-09-chongjin" in page.text or "Chongjin" in page.text


# -- hidden ids: labels, filters, counts, errors ----------------------------------------------
def test_evidence_label_names_no_hidden_id(archive: Archive, api: TestClient) -> None:
    hidden = make_person(archive, level="restricted", name="비공개인물표식")
    source = make_source(archive, text="[Fictional] 증언 내용 가상.")
    evidence = archive.create(ADMIN, "evidence", {"level": "public", "source": source,
                                                  "record": {"type": "person", "id": hidden},
                                                  "quote": "증언 내용"})
    body = api.get("/api/v1/evidence", params={"source": source}).json()
    shown = json.dumps(body, ensure_ascii=False)
    assert f"person #{hidden}" not in shown, shown
    assert "person #" not in archive.get(ANON, "evidence", evidence)["label"]


def test_filter_by_hidden_id_answers_like_absent(archive: Archive, api: TestClient,
                                                 runner: CliRunner,
                                                 cli_env: dict[str, str]) -> None:
    hidden = make_person(archive, level="restricted", name="비공개피해자표식")
    archive.create(ADMIN, "act", {"level": "public", "act_type": "forced_repatriation",
                                  "event": make_event(archive), "victim": hidden})
    absent = hidden + 1000
    for who in (ANON, VIEWER):
        seen = api.get("/api/v1/acts", params={"victim": hidden}, headers=as_(who)).json()
        none = api.get("/api/v1/acts", params={"victim": absent}, headers=as_(who)).json()
        assert seen["total"] == none["total"] == 0 and seen["items"] == [], seen
    assert api.get("/api/v1/acts", params={"victim": hidden},
                   headers=as_(ANALYST)).json()["total"] == 1
    out = runner.invoke(app, ["list", "acts", "-f", f"victim={hidden}", "--as", "viewer",
                              "--json"], env=cli_env)
    assert out.exit_code == 0 and json.loads(out.output)["total"] == 0, out.output


def test_hidden_id_errors_read_like_absent(archive: Archive, settings: Settings,
                                           api: TestClient) -> None:
    hidden = make_person(archive, level="restricted", name="비공개인물표식")
    absent = 99_999
    for path in ("/api/v1/persons/{}", "/api/v1/persons/{}/history"):
        a = api.get(path.format(hidden), headers=as_(VIEWER))
        b = api.get(path.format(absent), headers=as_(VIEWER))
        assert a.status_code == b.status_code == 404
        assert _without(a.text, hidden) == _without(b.text, absent)
    with TestClient(create_app(settings)) as web:
        a = web.get(f"/records/person/{hidden}")
        b = web.get(f"/records/person/{absent}")
    assert a.status_code == b.status_code == 404
    assert _without(a.text, hidden) == _without(b.text, absent)


def _without(text: str, record_id: int) -> str:
    """An answer with the id asked for (in the message and the page's own links) left out."""
    return re.sub(rf"([#/]){record_id}\b", r"\1N", text)


# -- pseudonyms -------------------------------------------------------------------------------
def test_alias_and_real_name_get_different_pseudonyms(archive: Archive) -> None:
    pid = make_person(archive, level="restricted", name=ALIAS, protected={"real_name": REAL})
    assert pid
    by_alias = make_source(archive, text=f"[Fictional] {ALIAS} 씨가 증언했다.")
    by_real = make_source(archive, text=f"[Fictional] {REAL} 씨의 가족.")
    masked = [archive.get(ANON, "source", s)["fields"]["text"] for s in (by_alias, by_real)]
    found = [re.findall(r"\[Witness W-[0-9A-F]+\]", t) for t in masked]
    assert all(len(f) == 1 for f in found), masked
    assert found[0] != found[1], "one pseudonym ties the alias to the real name"
