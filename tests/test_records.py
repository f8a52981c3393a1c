"""Create, read, update and retract every record type, with per-field validation and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import ADMIN, VIEWER, make_event, make_person, make_source


def _audit_count(archive: Archive) -> int:
    with archive.transaction() as s:
        return int(s.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one())


def test_create_every_type_and_read_back(archive: Archive) -> None:
    src = make_source(archive, published="2023-05-08")
    victim = make_person(archive, sex="female", birth_year=1985, roles=["victim"],
                         origin_place="kp-10-hyesan")
    mss = make_person(archive, kind="organisation", name="국가보위성")
    ev = make_event(archive, date="2023-01/2023-03")
    act = archive.create(ADMIN, "act", {"level": "public", "event": ev,
                                        "act_type": "forced_repatriation", "victim": victim,
                                        "date": "2023-02", "place": "cn-tumen",
                                        "victim_status": "detained"})
    inv = archive.create(ADMIN, "involvement", {"level": "public", "act": act,
                                                "perpetrator": mss, "agency": "mss",
                                                "degree": "direct"})
    evid = archive.create(ADMIN, "evidence", {"level": "public", "source": src,
                                              "record": {"type": "event", "id": ev},
                                              "quote": "탈북민 34명", "connection": "reporter"})
    term = archive.create(ADMIN, "term", {"vocabulary": "act_type", "code": "test_term",
                                          "en": "Test term", "ko": "시험 용어"})
    place = archive.create(ADMIN, "place", {"code": "test-place", "kind": "city",
                                            "parent": "kp-10", "en": "Test", "ko": "시험"})
    series = archive.create(ADMIN, "series", {"code": "test-series", "title_en": "T",
                                              "title_ko": "시", "observations": [
                                                  {"period": "2023-Q1", "value": 34}]})
    got = archive.get(ADMIN, "act", act)
    assert got["fields"]["act_type"] == "forced_repatriation"
    assert got["fields"]["victim"] == {"type": "person", "id": victim, "label": "테스트 인물"}
    assert got["fields"]["place"] == "cn-tumen"
    assert archive.get(ADMIN, "event", ev)["fields"]["date"] == "2023-01/2023-03"
    e = archive.get(ADMIN, "evidence", evid)["fields"]
    assert (e["start"], e["end"], e["quote"]) == (22, 29, "탈북민 34명")
    assert archive.get(ADMIN, "involvement", inv)["fields"]["agency"] == "mss"
    assert archive.get(ADMIN, "term", term)["fields"]["code"] == "test_term"
    assert archive.get(ADMIN, "place", place)["fields"]["parent"] == "kp-10"
    assert archive.get(ADMIN, "series", series)["fields"]["observations"][0]["value"] == 34
    assert archive.get(ADMIN, "person", victim)["fields"]["origin_place"] == "kp-10-hyesan"


@pytest.mark.parametrize(
    ("type_name", "data", "field", "message"),
    [
        ("event", {"title": "x", "date": "2023-05/2023-01"}, "date", "before start"),
        ("event", {"title": "x", "places": ["nowhere"]}, "places.0", "unknown place code"),
        ("source", {"title": "x", "kind": "rumour"}, "kind", "unknown source_kind code"),
        ("person", {"names": []}, "names", "at least 1"),
        ("person", {"names": [{"name": "x", "system": "klingon"}]}, "names.0.system",
         "unknown name_system"),
        ("source", {"title": "x", "kind": "testimony", "colour": "red"}, "colour",
         "unknown field"),
        ("event", {"title": "", "level": "secret"}, "level", "input should be"),
    ],
)
def test_invalid_records_get_field_errors(
    archive: Archive, type_name: str, data: dict[str, object], field: str, message: str
) -> None:
    before = _audit_count(archive)
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, type_name, data)
    assert field in info.value.errors, info.value.errors
    assert message in info.value.errors[field]
    assert _audit_count(archive) == before


def test_act_needs_a_victim_and_known_codes(archive: Archive) -> None:
    ev = make_event(archive)
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "act", {"event": ev, "act_type": "teleportation"})
    assert info.value.errors["victim"] == "required"
    victim = make_person(archive)
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "act", {"event": ev, "victim": victim, "act_type": "teleportation",
                                      "facility": "kp-10"})
    assert "unknown act_type code 'teleportation'" in info.value.errors["act_type"]
    assert "not a facility" in info.value.errors["facility"]


def test_evidence_offsets_must_lie_in_the_source(archive: Archive) -> None:
    src = make_source(archive)
    ev = make_event(archive)
    base = {"source": src, "record": {"type": "event", "id": ev}, "level": "public"}
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "evidence", {**base, "start": 5, "end": 10_000})
    assert "outside the source text" in info.value.errors["end"]
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "evidence", {**base, "quote": "not in the text"})
    assert "not found" in info.value.errors["quote"]
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "evidence", {**base, "start": 0, "end": 5, "quote": "other"})
    assert "does not match" in info.value.errors["quote"]


def test_evidence_cannot_be_more_public_than_its_source(archive: Archive) -> None:
    src = make_source(archive, level="restricted")
    ev = make_event(archive)
    with pytest.raises(Invalid) as info:
        archive.create(ADMIN, "evidence", {"source": src, "record": {"type": "event", "id": ev},
                                           "quote": "탈북민", "level": "public"})
    assert "more public than its source" in info.value.errors["level"]


def test_update_is_validated_and_audited(archive: Archive) -> None:
    ev = make_event(archive)
    assert archive.update(ADMIN, "event", ev, {"title": "Renamed (fictional)"})
    assert archive.get(ADMIN, "event", ev)["fields"]["title"] == "Renamed (fictional)"
    assert not archive.update(ADMIN, "event", ev, {"title": "Renamed (fictional)"})
    with pytest.raises(Invalid) as info:
        archive.update(ADMIN, "event", ev, {"date": "2023-05/2023-01"})
    assert "before start" in info.value.errors["date"]
    history = archive.history(ADMIN, "event", ev)
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["before"]["title"] == "Test event (fictional)"
    assert history[1]["after"]["title"] == "Renamed (fictional)"
    assert history[1]["actor"] == ADMIN.name


def test_retract_keeps_the_record_and_hides_it(archive: Archive) -> None:
    ev = make_event(archive)
    archive.retract(ADMIN, "event", ev, "duplicate of another event")
    got = archive.get(ADMIN, "event", ev)
    assert got["retracted"]["reason"] == "duplicate of another event"
    assert ev not in [i["id"] for i in archive.list_records(ADMIN, "event").items]
    assert ev in [i["id"] for i in archive.list_records(ADMIN, "event",
                                                        include_retracted=True).items]
    with pytest.raises(Conflict):
        archive.retract(ADMIN, "event", ev, "again")
    with pytest.raises(Conflict):
        archive.update(ADMIN, "event", ev, {"title": "x"})
    with pytest.raises(Invalid):
        archive.create(ADMIN, "act", {"event": ev, "victim": make_person(archive),
                                      "act_type": "torture"})
    assert [h["action"] for h in archive.history(ADMIN, "event", ev)] == ["create", "retract"]
    with pytest.raises(Invalid):
        archive.retract(ADMIN, "source", make_source(archive), "  ")


def test_nothing_is_ever_deleted(archive: Archive) -> None:
    ev = make_event(archive)
    archive.retract(ADMIN, "event", ev, "test")
    with archive.transaction() as s:
        assert s.get(m.Event, ev) is not None


def test_missing_records_and_read_only_roles(archive: Archive) -> None:
    with pytest.raises(NotFound, match="no event #999"):
        archive.get(ADMIN, "event", 999)
    with pytest.raises(Forbidden):
        archive.create(VIEWER, "event", {"title": "x"})
    with pytest.raises(Invalid, match="unknown record type"):
        archive.get(ADMIN, "spaceship", 1)


def test_list_filters(archive: Archive) -> None:
    make_source(archive, kind="testimony")
    make_source(archive)
    page = archive.list_records(ADMIN, "sources", {"kind": "testimony"})
    assert page.total == 1
    with pytest.raises(Invalid, match="unknown filter"):
        archive.list_records(ADMIN, "sources", {"colour": "red"})
    with pytest.raises(Invalid, match="not a number"):
        archive.list_records(ADMIN, "sources", {"year": "soon"})


def test_protected_details_never_enter_the_audit(archive: Archive) -> None:
    pid = make_person(archive, level="restricted",
                      protected={"real_name": "가상이름 MARKER", "birth_date": "1990-01-02"})
    archive.update(ADMIN, "person", pid, {"protected": {"real_name": "다른이름 MARKER2"}})
    for entry in archive.history(ADMIN, "person", pid):
        text = str(entry)
        assert "MARKER" not in text and "1990-01-02" not in text
    protected = archive.get(ADMIN, "person", pid)["fields"]["protected"]
    assert protected["real_name"] == "다른이름 MARKER2"
