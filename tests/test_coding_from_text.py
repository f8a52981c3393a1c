"""Coding from the text (issue 18 point 3): a passage of a source becomes evidence of a new
act (in a new or an existing event) or of an existing record chosen from a list; the source's
page marks every evidence passage with a link to its record; a record's page quotes its
passages with a link back into the source at that place. Fictional text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.evidence_marks import with_evidence
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, make_event, make_person, make_source

TEXT = ("[가상 증언 — 시험용] 2019년 3월 온성에서 체포되었다. 보위부 구류장에서 "
        "박가상 씨가 심하게 맞는 것을 보았다. 이후 강제북송되었다.")
BEATEN = "박가상 씨가 심하게 맞는 것을 보았다"


@pytest.fixture
def staff(settings: Settings) -> Iterator[TestClient]:
    with signed_in(settings, "editor", username="coder") as c:
        yield c


def _at(words: str) -> dict[str, str]:
    start = TEXT.index(words)
    return {"start": str(start), "end": str(start + len(words))}


def test_a_new_act_in_a_new_event_from_a_passage(staff: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    victim = make_person(archive, level="restricted", name="박가상")
    page = staff.get(f"/staff/sources/{source}?lang=en").text
    # The victim and the event are chosen in pickers, which send the chosen record's id.
    assert 'id="act-victim"' in page and 'id="act-event"' in page
    made = staff.post(f"/staff/sources/{source}/acts", data={
        "act_type": "torture", "event": "", "event_title": "구류장 구타 (가상)",
        "victim": str(victim), "connection": "witness", "level": "public", **_at(BEATEN)})
    assert made.status_code == 303
    act_id = int(made.headers["location"].rsplit("/", 1)[1])
    act = archive.get(ADMIN, "act", act_id)
    assert act["fields"]["victim"]["id"] == victim
    event = act["fields"]["event"]["id"]
    assert archive.get(ADMIN, "event", event)["fields"]["title"] == "구류장 구타 (가상)"
    [evidence] = act["related"]["evidence"]
    # The offsets are kept, the quote read from the text; never more public than the source.
    assert (evidence["quote"], evidence["connection"]) == (BEATEN, "witness")
    assert (evidence["start"], evidence["end"]) == (TEXT.index(BEATEN),
                                                    TEXT.index(BEATEN) + len(BEATEN))
    assert archive.get(ADMIN, "evidence", evidence["id"])["level"] == "internal"
    # The act's page quotes it and links back into the source at that passage.
    act_page = staff.get(f"/staff/records/act/{act_id}?lang=en").text
    assert f'href="/staff/sources/{source}#evidence-{evidence["id"]}"' in act_page
    assert BEATEN in act_page
    # The source's page marks the passage, anchors it, and links it to the act.
    page = staff.get(f"/staff/sources/{source}?lang=ko").text
    assert f'id="evidence-{evidence["id"]}"' in page
    marked = re.findall(r'<mark class="evidence" data-evidence="([\d ]+)">(.*?)</mark>', page,
                        flags=re.S)
    assert BEATEN in "".join(re.sub(r"<[^>]+>", "", body) for _ids, body in marked)
    assert f'href="/staff/records/act/{act_id}"' in page
    assert 'id="evidence-list"' in page and "이 자료의 근거 구절" in page


def test_a_passage_as_evidence_of_an_existing_record(staff: TestClient,
                                                     archive: Archive) -> None:
    source = make_source(archive, level="public", text=TEXT)
    event = make_event(archive, level="restricted")
    page = staff.get(f"/staff/sources/{source}").text
    assert 'id="link-to"' in page and 'data-pick="record"' in page  # chosen, not typed
    linked = staff.post(f"/staff/sources/{source}/link", data={
        "record": f"event:{event}", "back": "1", "connection": "witness",
        **_at("강제북송되었다")})
    assert linked.status_code == 303
    [evidence] = archive.get(ADMIN, "event", event)["related"]["evidence"]
    assert linked.headers["location"] == f"/staff/sources/{source}#evidence-{evidence['id']}"
    # As confidential as the event: a public source does not make its link public.
    assert archive.get(ADMIN, "evidence", evidence["id"])["level"] == "restricted"
    # Each piece of the passage on the page knows it belongs to the evidence.
    assert staff.get(f"/staff/sources/{source}").text.count(
        f'data-evidence="{evidence["id"]}"') >= 1


def test_an_act_in_an_existing_event_with_a_new_victim(staff: TestClient,
                                                       archive: Archive) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    event = make_event(archive, level="internal")
    made = staff.post(f"/staff/sources/{source}/acts", data={
        "act_type": "forced_repatriation", "event": str(event), "victim_name": "최가상",
        "level": "restricted", **_at("강제북송되었다")})
    assert made.status_code == 303
    act = archive.get(ADMIN, "act", int(made.headers["location"].rsplit("/", 1)[1]))
    assert act["fields"]["event"]["id"] == event and act["level"] == "restricted"
    assert archive.list_records(ADMIN, "event").total == 1  # no second event


@pytest.mark.parametrize("missing", ["passage", "event", "victim", "act_type"])
def test_what_is_missing_is_said_and_nothing_made(staff: TestClient, archive: Archive,
                                                  missing: str) -> None:
    source = make_source(archive, level="internal", text=TEXT)
    data = {"act_type": "torture", "event": "", "event_title": "가상 사건",
            "victim_name": "가상인물", **_at(BEATEN)}
    if missing == "passage":
        data["end"] = data["start"]
    elif missing == "event":
        data["event_title"] = ""
    elif missing == "victim":
        data["victim_name"] = ""
    else:
        data["act_type"] = ""
    refused = staff.post(f"/staff/sources/{source}/acts", data=data)
    assert refused.status_code == 422
    assert archive.list_records(ADMIN, "act").total == 0
    assert archive.list_records(ADMIN, "event").total == 0


def test_overlapping_passages_cut_the_text_without_losing_a_character() -> None:
    text = "0123456789"
    cuts = [{"kind": None, "text": text[:4], "start": 0},
            {"kind": "person", "text": text[4:7], "start": 4},
            {"kind": None, "text": text[7:], "start": 7}]
    evidence = [{"id": 1, "start": 2, "end": 6, "record": {}},
                {"id": 2, "start": 5, "end": 9, "record": {}}]
    out = with_evidence(cuts, evidence)
    assert "".join(c["text"] for c in out) == text
    assert [c["start"] for c in out] == sorted(c["start"] for c in out)
    by_start = {c["start"]: c for c in out}
    assert by_start[5]["evidence"] == "1 2" and by_start[5]["kind"] == "person"
    assert by_start[2]["anchors"] == [1] and by_start[0]["evidence"] == ""
    assert [e["id"] for c in out for e in c["ends"]] == [1, 2]


@given(st.integers(1, 60), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)),
                                    max_size=6), st.lists(st.integers(1, 59), max_size=4))
def test_any_passages_keep_the_text_whole(length: int, spans: list[tuple[int, int]],
                                          cuts_at: list[int]) -> None:
    text = "가" * length
    points = sorted({0, length, *(p for p in cuts_at if p < length)})
    cuts = [{"kind": None, "text": text[a:b], "start": a} for a, b in pairwise(points)]
    evidence = [{"id": i, "start": min(a, b) % (length + 1), "end": max(a, b) % (length + 1),
                 "record": {}} for i, (a, b) in enumerate(spans)]
    out = with_evidence(cuts, evidence)
    assert "".join(c["text"] for c in out) == text
    for c in out:
        covering = {str(e["id"]) for e in evidence
                    if e["start"] <= c["start"] and c["start"] + len(c["text"]) <= e["end"]
                    and e["end"] > e["start"]}
        assert set(c.get("evidence", "").split()) - {""} == covering
