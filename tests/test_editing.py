"""Editing records in place: every record carries a version; a change made from an old
version is refused (nothing written) with who changed it last and when; a change racing
another at the database is refused the same way; the history reads as field: before → after,
protected details only as "changed"; the JSON API speaks ETag / If-Match (412, 409)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from sillok.archive.editing import field_changes
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import StaleVersion
from sillok.security.policy import Actor, Role
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import ADMIN, ANALYST, EDITOR, VIEWER, make_event, make_person

API = "/api/v1"
OTHER = Actor("second-editor", Role.editor)


def test_new_and_existing_records_start_at_version_one(archive: Archive) -> None:
    event = make_event(archive)
    assert archive.get(ADMIN, "event", event)["version"] == 1
    # Records made by `sillok init` (vocabularies, gazetteer) were there before the column.
    place = archive.list_records(ADMIN, "place", {"code": "cn-yanji"}).items[0]
    assert place["version"] == 1


def test_each_change_counts_the_version_up(archive: Archive) -> None:
    event = make_event(archive)
    assert archive.update(EDITOR, "event", event, {"title": "Renamed (fictional)"},
                          expected_version=1)
    assert archive.get(ADMIN, "event", event)["version"] == 2
    # Nothing to change: no new version.
    assert not archive.update(EDITOR, "event", event, {"title": "Renamed (fictional)"},
                              expected_version=2)
    assert archive.get(ADMIN, "event", event)["version"] == 2


def test_the_second_editor_is_told_and_nothing_is_overwritten(archive: Archive) -> None:
    event = make_event(archive)
    read_by_both = archive.get(EDITOR, "event", event)["version"]
    archive.update(OTHER, "event", event, {"title": "First editor's title (fictional)"},
                   expected_version=read_by_both)
    with pytest.raises(StaleVersion) as caught:
        archive.update(EDITOR, "event", event, {"title": "Second editor's title (fictional)"},
                       expected_version=read_by_both)
    stale = caught.value
    assert stale.current == 2 and stale.changed_by == "second-editor"
    assert stale.changed_at is not None and stale.changed_at in stale.message
    assert "second-editor" in stale.message and stale.http_status == 409
    record = archive.get(ADMIN, "event", event)
    assert record["fields"]["title"] == "First editor's title (fictional)"
    assert record["version"] == 2
    assert [h["action"] for h in archive.history(ADMIN, "event", event)] == ["create", "update"]


def test_a_change_racing_another_is_caught_by_the_update_itself(archive: Archive) -> None:
    """Both editors passed the version check; only one UPDATE … WHERE version = 1 matches."""
    event = make_event(archive)
    with pytest.raises(StaleVersion) as caught, archive.transaction() as session:
        loaded = session.get_one(m.Event, event)  # read at version 1, like the first editor
        assert loaded.version == 1
        archive.update(OTHER, "event", event, {"title": "Won the race (fictional)"},
                       expected_version=1)  # committed meanwhile, in its own transaction
        archive.update(EDITOR, "event", event, {"title": "Lost the race (fictional)"},
                       expected_version=1, session=session)
    assert caught.value.current == 2 and caught.value.changed_by == "second-editor"
    record = archive.get(ADMIN, "event", event)
    assert record["fields"]["title"] == "Won the race (fictional)" and record["version"] == 2


def test_history_reads_field_by_field(archive: Archive) -> None:
    event = make_event(archive)
    archive.update(EDITOR, "event", event, {"title": "New title (fictional)",
                                            "places": ["kp-09"], "date": "2023-02"},
                   expected_version=1)
    update = archive.history(VIEWER, "event", event)[-1]
    assert update["actor"] == EDITOR.name and update["at"]
    changes = {c["field"]: (c["before"], c["after"]) for c in update["changes"]}
    assert changes == {"title": ("Test event (fictional)", "New title (fictional)"),
                       "date": ("2023-Q1", "2023-02"), "places": (["cn-yanji"], ["kp-09"])}
    created = archive.history(VIEWER, "event", event)[0]
    assert {c["field"] for c in created["changes"]} >= {"title", "date", "places", "level"}
    assert all(c["before"] is None for c in created["changes"])


def test_protected_details_show_in_history_only_as_changed(archive: Archive) -> None:
    person = make_person(archive, level="internal",
                         protected={"real_name": "가상실명 SECRETMARK"})
    archive.update(EDITOR, "person", person,
                   {"protected": {"real_name": "바뀐실명 SECRETMARK2"}, "birth_year": 1980},
                   expected_version=1)
    for actor in (ADMIN, EDITOR, ANALYST, VIEWER):
        entries = archive.history(actor, "person", person)
        assert "SECRETMARK" not in json.dumps(entries, ensure_ascii=False)
    cleared = {c["field"]: c for c in archive.history(EDITOR, "person", person)[-1]["changes"]}
    assert cleared["protected.real_name"]["protected"] is True
    assert cleared["protected.real_name"]["after"] == "(protected)"
    assert cleared["birth_year"]["before"] is None and cleared["birth_year"]["after"] == 1980
    # Not cleared: not even which protected detail changed.
    viewer = archive.history(VIEWER, "person", person)[-1]["changes"]
    assert [c["field"] for c in viewer] == ["birth_year"]
    # The value itself is kept in the record, encrypted or not, never in the trail.
    with archive.sessions() as session:
        stored = session.execute(select(m.AuditEntry.before, m.AuditEntry.after)).all()
    assert "SECRETMARK" not in json.dumps([list(r) for r in stored], ensure_ascii=False)


scalars = st.one_of(st.none(), st.just(""), st.text(max_size=4), st.integers(0, 3),
                   st.lists(st.text(max_size=3), max_size=2))
details = st.dictionaries(st.sampled_from(["real_name", "notes"]),
                          st.one_of(st.none(), st.text(max_size=4)), max_size=2)
snapshots = st.fixed_dictionaries({}, optional={
    "title": scalars, "date": scalars, "places": scalars, "protected": details,
    "extra": details})


def _flat(snapshot: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in snapshot.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return {k: v for k, v in out.items() if v not in (None, "", [])}


@hsettings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(before=snapshots, after=snapshots)
def test_field_changes_take_before_to_after(before: dict[str, object],
                                            after: dict[str, object]) -> None:
    """Applying the listed changes to ``before`` gives ``after``, field for field; each field
    is listed once; a protected detail is listed exactly when it changed, without values."""
    changes = field_changes(before, after)
    assert len({c["field"] for c in changes}) == len(changes)
    rebuilt = _flat(before)
    for change in changes:
        if change["field"].startswith("protected."):
            assert change.get("protected") is True
            assert {change["before"], change["after"]} <= {None, "(protected)"}
            rebuilt[change["field"]] = _flat(after).get(change["field"])
        else:
            rebuilt[change["field"]] = change["after"]
    assert {k: v for k, v in rebuilt.items() if v not in (None, "", [])} == _flat(after)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with api_client(settings) as c:
        yield c


def test_api_etag_and_if_match(client: TestClient, archive: Archive) -> None:
    event = make_event(archive)
    url = f"{API}/events/{event}"
    read = client.get(url, headers=as_(EDITOR))
    assert read.headers["etag"] == '"v1"' and read.json()["version"] == 1
    tag = read.headers["etag"]
    first = client.patch(url, headers={**as_(EDITOR), "If-Match": tag},
                         json={"title": "First (fictional)"})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"v2"' and first.json()["version"] == 2
    # The second editor read v1 too: refused, nothing changed, told the version to reread.
    second = client.patch(url, headers={**as_(ADMIN), "If-Match": tag},
                          json={"title": "Second (fictional)"})
    body = assert_error(second, 412)
    assert second.headers["etag"] == '"v2"' and EDITOR.name in body["error"]
    assert client.get(url).json()["fields"]["title"] == "First (fictional)"
    # Weak form, a list and * are understood; nonsense is refused without a change.
    ok = client.patch(url, headers={**as_(ADMIN), "If-Match": 'W/"v2"'},
                      json={"title": "Third (fictional)"})
    assert ok.status_code == 200 and ok.json()["version"] == 3
    assert client.patch(url, headers={**as_(ADMIN), "If-Match": "*"},
                        json={"title": "Fourth (fictional)"}).status_code == 200
    assert_error(client.patch(url, headers={**as_(ADMIN), "If-Match": '"abc"'},
                              json={"title": "x"}), 412)
    assert client.get(url).json()["fields"]["title"] == "Fourth (fictional)"
    history = client.get(f"{url}/history", headers=as_(VIEWER)).json()
    assert history[1]["changes"] == [{"field": "title", "before": "Test event (fictional)",
                                      "after": "First (fictional)", "protected": False}]


def test_api_if_match_on_a_hidden_record_is_a_404(client: TestClient,
                                                  archive: Archive) -> None:
    person = make_person(archive, level="restricted")
    assert_error(client.patch(f"{API}/persons/{person}",
                              headers={**as_(VIEWER), "If-Match": '"v9"'},
                              json={"birth_year": 1970}), 403)
    got = client.get(f"{API}/persons/{person}", headers=as_(VIEWER))
    assert_error(got, 404)
    assert "etag" not in got.headers


def test_editors_saving_at_once_one_wins(archive: Archive) -> None:
    """Four editors who read version 1 save at the same moment, each in its own thread and
    connection: exactly one change is written, the others are told, none is lost silently."""
    event = make_event(archive)
    start = threading.Barrier(4)

    def save(n: int) -> str:
        editor = Actor(f"editor-{n}", Role.editor)
        start.wait()
        try:
            archive.update(editor, "event", event, {"title": f"Title {n} (fictional)"},
                           expected_version=1)
        except StaleVersion:
            return "told"
        return "saved"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(save, range(4)))
    assert sorted(outcomes) == ["saved", "told", "told", "told"]
    record = archive.get(ADMIN, "event", event)
    winner = outcomes.index("saved")
    assert record["fields"]["title"] == f"Title {winner} (fictional)"
    assert record["version"] == 2
    assert [h["actor"] for h in archive.history(ADMIN, "event", event)][1:] == [
        f"editor-{winner}"]
