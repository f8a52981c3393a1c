"""Suggestions: extractors on Korean and English text, stored per source, accepted as evidence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Conflict, NotFound
from sillok.extract.accept import accept, dismiss
from sillok.extract.counts import find_counts
from sillok.extract.dates import find_dates
from sillok.extract.store import suggestions_of
from tests.conftest import ADMIN, ANON, VIEWER, make_source

ANCHOR = date(2023, 5, 20)


@pytest.mark.parametrize(("text", "found", "first", "precision"), [
    ("2023년 5월 8일에 체포", "2023년 5월 8일", "2023-05-08", "day"),
    ("보도 2023.5.8 기준", "2023.5.8", "2023-05-08", "day"),
    ("23년 3월 탈북", "23년 3월", "2023-03-01", "month"),
    ("작년 3월 강제북송", "작년 3월", "2022-03-01", "month"),
    ("올해 1분기 입국자", "올해 1분기", "2023-01-01", "quarter"),
    ("2023년 1~3월 입국", "2023년 1~3월", "2023-01-01", "quarter"),
    ("on May 8, 2023 the", "May 8, 2023", "2023-05-08", "day"),
    ("on 8 May 2023 the", "8 May 2023", "2023-05-08", "day"),
    ("in the first quarter of 2023", "the first quarter of 2023", "2023-01-01", "quarter"),
    ("between January and March 2023", "between January and March 2023", "2023-01-01",
     "quarter"),
    ("arrested last March", "last March", "2023-03-01", "month"),
    ("since 2019, when", "2019", "2019-01-01", "year"),
])
def test_dates(text: str, found: str, first: str, precision: str) -> None:
    hits = find_dates(text, ANCHOR)
    assert [(h.text, h.first_day.isoformat(), h.precision) for h in hits] == [
        (found, first, precision)]
    assert text[hits[0].start:hits[0].end] == found


@pytest.mark.parametrize("text", ["3년 동안 수감", "for five years", "25세 여성", "this may be",
                                  "at 10:30", "2,019 people"])
def test_not_dates(text: str) -> None:
    assert find_dates(text, ANCHOR) == []


def test_relative_dates_need_an_anchor() -> None:
    assert find_dates("작년 3월", None) == []


@pytest.mark.parametrize(("text", "n"), [
    ("탈북민 34명이 입국", 34), ("세 명이 체포됐다", 3), ("일가족 5명", 5),
    ("a group of five escaped", 5), ("34 North Korean defectors arrived", 34),
    ("1,047 people arrived", 1047),
])
def test_counts(text: str, n: int) -> None:
    assert [h.n for h in find_counts(text)] == [n]


@pytest.mark.parametrize("text", ["25세 여성", "a 25-year-old woman", "34 kilometres away",
                                  "5 kg of rice", "for 3 days", "명절에"])
def test_not_counts(text: str) -> None:
    assert find_counts(text) == []


def test_demo_news_report(demo_settings: Settings) -> None:
    archive = Archive.open(demo_settings)
    try:
        with archive.transaction() as session:
            source_id = session.execute(select(m.Source.id).where(
                m.Source.title.like("Defector arrivals stay low%"))).scalar_one()
            items = suggestions_of(session, ANON, source_id)
    finally:
        archive.close()
    found = {(s["kind"], s["text"]) for s in items}
    assert ("count", "34 North Korean defectors") in found
    quarter = [s for s in items if s["kind"] == "date" and s["value"]["precision"] == "quarter"]
    assert quarter and quarter[0]["value"]["start"] == "2023-01-01"
    assert next(s["value"]["code"] for s in items if s["text"] == "China") == "cn"
    assert any(s["kind"] == "term" and s["value"]["code"] == "forced_repatriation"
               for s in items)
    people = {s["text"] for s in items if s["kind"] == "person"}
    assert {"Hanna Song", "Kim Jong Un"} <= people


def test_korean_suggestions_and_offsets(archive: Archive) -> None:
    text = ("[가상 자료] 함경북도 회령 출신 박철수 씨는 작년 3월 중국 공안에 체포돼 강제북송됐다. "
            "당시 일행 5명이 함께 붙잡혔다.")
    source_id = make_source(archive, text=text, published="2023-05-20")
    with archive.transaction() as session:
        items = suggestions_of(session, ADMIN, source_id)
    for s in items:
        assert text[s["start"]:s["end"]] == s["text"]
    kinds = {(s["kind"], s["text"]) for s in items}
    assert {("place", "함경북도"), ("person", "박철수"), ("date", "작년 3월"),
            ("organisation", "중국 공안"), ("term", "강제북송"), ("count", "5명")} <= kinds
    # "탈북" inside 강제북송 / 북한 inside a longer word is not a place
    assert ("place", "북한") not in kinds


def test_suggestions_are_as_confidential_as_their_source(archive: Archive) -> None:
    internal = make_source(archive, level="internal", text="[가상] 2023년 5월 8일 34명.")
    with archive.transaction() as session:
        assert suggestions_of(session, VIEWER, internal)
        with pytest.raises(NotFound):
            suggestions_of(session, ANON, internal)


def test_accept_links_and_creates(archive: Archive) -> None:
    text = "[가상 자료] 회령 출신 박철수 씨는 2021년 3월 중국 공안에 체포돼 강제북송됐다."
    source_id = make_source(archive, level="internal", text=text)
    with archive.transaction() as session:
        items = {s["kind"]: s for s in suggestions_of(session, ADMIN, source_id)}
    person = accept(archive, ADMIN, items["person"]["id"])
    place = accept(archive, ADMIN, items["place"]["id"])
    event = accept(archive, ADMIN, items["date"]["id"])
    term = accept(archive, ADMIN, items["term"]["id"], target=("event", event["record"]["id"]))
    with archive.sessions() as session:
        new_person = session.get_one(m.Person, person["record"]["id"])
        assert new_person.names[0].name == "박철수" and new_person.level == "internal"
        assert session.get_one(m.Place, place["record"]["id"]).code == "kp-09-hoeryong"
        new_event = session.get_one(m.Event, event["record"]["id"])
        assert new_event.date_start == date(2021, 3, 1) and new_event.date_precision == "month"
        evidence = session.get_one(m.Evidence, term["evidence"])
        assert (evidence.record_type, evidence.record_id) == ("event", new_event.id)
        assert text[evidence.start_offset:evidence.end_offset] == evidence.quote == "강제북송"
        statuses = session.execute(select(m.Suggestion.status).where(
            m.Suggestion.source_id == source_id, m.Suggestion.status == "accepted")).all()
        assert len(statuses) == 4
    with pytest.raises(Conflict):
        accept(archive, ADMIN, items["person"]["id"])
    dismiss(archive, ADMIN, items["organisation"]["id"])
    with archive.transaction() as session:
        left = suggestions_of(session, ADMIN, source_id)
        assert items["organisation"]["id"] not in {s["id"] for s in left}
        # drawing again keeps the decisions made
        again = suggestions_of(session, ADMIN, source_id, refresh=True)
        assert items["person"]["id"] not in {s["id"] for s in again}
        assert not any(s["kind"] == "person" for s in again)


def test_dismissing_is_audited_without_the_passage(archive: Archive) -> None:
    text = "[가상 자료] 회령 출신 박철수 씨는 2021년 3월 중국 공안에 체포돼 강제북송됐다."
    source_id = make_source(archive, level="restricted", text=text)
    with archive.transaction() as session:
        person = next(s for s in suggestions_of(session, ADMIN, source_id)
                      if s["kind"] == "person")
    dismiss(archive, ADMIN, person["id"])
    with archive.sessions() as session:
        entry = session.execute(select(m.AuditEntry).where(
            m.AuditEntry.record_type == "suggestion")).scalar_one()
    assert (entry.actor, entry.action, entry.record_id) == (ADMIN.name, "dismiss", person["id"])
    assert entry.before is not None and entry.after is not None
    assert entry.after["status"] == "dismissed" and entry.before["status"] == "open"
    assert (entry.after["source"], entry.after["start"]) == (source_id, person["start"])
    assert "박철수" not in str(entry.before) + str(entry.after)
