"""The review queue of person pairs, on SQLite and PostgreSQL: "not the same" keeps a pair out
of ``persons duplicates`` and the queue, "unsure" puts it last, each answer audited on both
records and undone; the workspace page compares the two side by side, merges and unmerges,
for editors only, in Korean and English."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.config import Settings
from sillok.db import models as m
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.linkage import evalset
from sillok.linkage.decisions import decide, forget
from sillok.linkage.duplicates import find_duplicates
from sillok.linkage.queue import person_candidates
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, ANALYST, make_event, make_source


def _names(names: list[str]) -> list[dict[str, str]]:
    return [{"name": n, "system": "hangul" if any("가" <= c <= "힣" for c in n) else "rr"}
            for n in names]


def _fill(archive: Archive, persons: int = 30) -> None:
    """Fictional persons from the evaluation generator, so that the model has an archive to
    learn from."""
    for rec in evalset.generate(21, persons):
        if rec.names:
            archive.create(ADMIN, "person", {
                "level": "internal", "names": _names(rec.names),
                "sex": {"M": "male", "F": "female"}.get(rec.sex or ""),
                "birth_year": rec.birth_year, "origin_place": rec.origin,
                "description": "Fictional test person / 가상 인물"})


def _person(archive: Archive, names: list[str], level: str = "internal") -> int:
    return archive.create(ADMIN, "person", {
        "level": level, "names": _names(names), "sex": "female", "birth_year": 1971,
        "origin_place": "kp-10-hyesan", "description": "Fictional / 가상"})


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def test_not_the_same_is_not_proposed_again_and_can_be_taken_back(archive: Archive) -> None:
    _fill(archive)
    a, b = _person(archive, ["김영희"]), _person(archive, ["Kim Young-hee"])
    c, d = _person(archive, ["리순옥"]), _person(archive, ["Lee Soon-ok"])
    proposed = {_pair(p.a, p.b) for p in find_duplicates(archive, ADMIN, 0.9)}
    assert {_pair(a, b), _pair(c, d)} <= proposed
    decide(archive, ADMIN, "person", b, a, "different", reason="two women, one name")
    decide(archive, ADMIN, "person", c, d, "unsure")
    proposed = {_pair(p.a, p.b) for p in find_duplicates(archive, ADMIN, 0.9)}
    assert _pair(a, b) not in proposed and _pair(c, d) in proposed
    queue = person_candidates(archive, ADMIN, 0.9)
    keys = [(q.a, q.b) for q in queue]
    assert _pair(a, b) not in keys
    assert keys[-1] == _pair(c, d) and queue[-1].decision == "unsure"
    assert all(q.decision is None for q in queue[:-1])
    for person in (a, b):
        last = archive.history(ADMIN, "person", person)[-1]
        assert last["action"] == "different" and last["reason"] == "two women, one name"
    forget(archive, ADMIN, "person", a, b)
    assert _pair(a, b) in {(q.a, q.b) for q in person_candidates(archive, ADMIN, 0.9)}
    assert archive.history(ADMIN, "person", a)[-1]["action"] == "reconsider"


def test_answers_are_refused_where_they_should_be(archive: Archive) -> None:
    a, b = _person(archive, ["박철수"]), _person(archive, ["Park Chul-soo"])
    with pytest.raises(Forbidden):
        decide(archive, ANALYST, "person", a, b, "different")
    with pytest.raises(Invalid):
        decide(archive, ADMIN, "person", a, b, "maybe")
    with pytest.raises(Invalid):
        decide(archive, ADMIN, "person", a, a, "different")
    with pytest.raises(NotFound):
        decide(archive, ADMIN, "person", a, 999_999, "different")
    with pytest.raises(NotFound):
        forget(archive, ADMIN, "person", a, b)


def test_cli_duplicates_leaves_out_pairs_said_to_differ(runner: CliRunner, archive: Archive,
                                                        cli_env: dict[str, str]) -> None:
    _fill(archive)
    a, b = _person(archive, ["최민희"]), _person(archive, ["Choi Min-hee"])
    decide(archive, ADMIN, "person", a, b, "different")
    out = runner.invoke(app, ["persons", "duplicates", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert _pair(a, b) not in {_pair(p["a"], p["b"]) for p in json.loads(out.stdout)["pairs"]}


def _form_url(page: str, a: int, b: int, answer: str) -> str:
    url = f"/staff/review/person/{a}/{b}/{answer}"
    assert f'action="{url}"' in page
    return url


def test_review_page_compares_merges_and_undoes(settings: Settings, archive: Archive) -> None:
    _fill(archive)
    a, b = _person(archive, ["김영희", "金英姬"]), _person(archive, ["Kim Young-hee"])
    source = make_source(archive, level="internal", title="Testimony of a fictional woman")
    event = make_event(archive, level="internal")
    act = archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                        "act_type": "forced_repatriation", "victim": b,
                                        "date": "2019-05"})
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "act", "id": act}, "start": 0,
                                       "end": 10})
    first, second = _pair(a, b)
    with signed_in(settings, "editor") as staff:
        page = staff.get("/staff/review?lang=en").text
        pair = page[page.index(f'id="pair-{first}-{second}"'):]
        pair = pair[:pair.index("</li>\n")]
        for shown in ("김영희", "金英姬", "Kim Young-hee", "1971", "female", "2019-05",
                      "Testimony of a fictional woman", "same surname", "Not the same"):
            assert shown in pair, shown
        korean = staff.get("/staff/review?lang=ko").text
        assert "동일인 아님" in korean and "성이 같음" in korean and "검토 대기열" in korean
        merged = staff.post(_form_url(page, first, second, "merge"), data={"min": "0.9"})
        assert merged.status_code == 303
        with archive.sessions() as session:
            assert session.get_one(m.Person, second).merged_into_id == first
        after = staff.get(merged.headers["location"]).text
        assert f'id="pair-{first}-{second}"' not in after
        assert 'id="review-done"' in after
        undo = _form_url(after, first, second, "undo")
        assert re.search(r"Unmerge|병합 취소", after)
        assert staff.post(undo, data={"min": "0.9"}).status_code == 303
        history = [e["action"] for e in archive.history(ADMIN, "person", second)]
        assert history[-2:] == ["merge", "unmerge"]
        back = staff.get("/staff/review?lang=en").text
        assert f'id="pair-{first}-{second}"' in back
        assert staff.post(f"/staff/review/person/{first}/{second}/different",
                          data={"min": "0.9"}).status_code == 303
        assert f'id="pair-{first}-{second}"' not in staff.get("/staff/review").text
        assert staff.get("/staff/review?min=2").status_code == 400
    with signed_in(settings, "viewer") as viewer:
        assert viewer.get("/staff/review").status_code == 403
        assert viewer.post(f"/staff/review/person/{first}/{second}/merge").status_code == 403


def test_acts_coded_twice_in_the_queue(settings: Settings, archive: Archive) -> None:
    victim = _person(archive, ["김영희"])
    event = make_event(archive, level="internal")
    acts = []
    for title, date in (("Testimony A (fictional)", "2019-05"), ("Report B (fictional)", "2019")):
        source = make_source(archive, level="internal", title=title)
        act = archive.create(ADMIN, "act", {"level": "internal", "event": event,
                                            "act_type": "forced_repatriation",
                                            "victim": victim, "date": date,
                                            "place": "kp-09-onsong"})
        archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                           "record": {"type": "act", "id": act}, "start": 0,
                                           "end": 10})
        acts.append(act)
    a, b = acts
    with signed_in(settings, "editor") as staff:
        page = staff.get("/staff/review?lang=en").text
        pair = page[page.index(f'id="act-pair-{a}-{b}"'):]
        pair = pair[:pair.index("</li>\n")]
        for shown in ("2019-05", "Testimony A (fictional)", "Report B (fictional)",
                      "same place", "dates overlap"):
            assert shown in pair, shown
        assert staff.post(f"/staff/review/act/{a}/{b}/merge").status_code == 303
        with archive.sessions() as session:
            assert session.get_one(m.Act, b).merged_into_id == a
        after = staff.get("/staff/review?lang=ko").text
        assert f'id="act-pair-{a}-{b}"' not in after and "두 번 입력된 행위" in after
        assert staff.post(f"/staff/review/act/{a}/{b}/undo").status_code == 303
        with archive.sessions() as session:
            assert session.get_one(m.Act, b).merged_into_id is None
        assert staff.post(f"/staff/review/act/{a}/{b}/different").status_code == 303
        assert f'id="act-pair-{a}-{b}"' not in staff.get("/staff/review").text
        assert staff.post(f"/staff/review/event/{a}/{b}/merge").status_code == 404
