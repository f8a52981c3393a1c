"""Saved searches (accounts/saved_searches.py): save, list, run, replace, delete; each user's
own; stored in the database."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sillok.accounts.saved_searches import (
    MAX_NAME,
    delete_search,
    get_search,
    list_searches,
    save_search,
)
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.security.policy import Actor, Role
from tests.auth_helpers import signed_in
from tests.conftest import EDITOR, VIEWER

TYPES = ("source", "event", "act", "person")
KEYS = ("q", "sort", "level", "kind", "year", "view")
OTHER = Actor("other-editor", Role.editor)


def _save(archive: Archive, actor: Actor, name: str, params: dict[str, str],
          record_type: str = "event") -> int:
    saved, _replaced = save_search(archive, actor, name, record_type, params, types=TYPES,
                                   keys=KEYS)
    return saved.id


def test_save_list_run_replace_delete(archive: Archive) -> None:
    first = _save(archive, EDITOR, "강제북송 2023 공개", {"q": "강제북송", "year": "2023",
                                                       "level": "public", "sort": ""})
    _save(archive, EDITOR, "All restricted acts", {"level": "restricted"}, "act")
    _save(archive, OTHER, "Not mine", {"q": "x"})

    mine = list_searches(archive, EDITOR)
    assert [s.name for s in mine] == ["All restricted acts", "강제북송 2023 공개"]
    run = get_search(archive, EDITOR, first)
    # Empty values are not kept; the record type is the list it runs on.
    assert run.params == {"q": "강제북송", "year": "2023", "level": "public"}
    assert run.record_type == "event"

    saved, replaced = save_search(archive, EDITOR, "  강제북송   2023 공개 ", "event",
                                  {"q": "강제북송", "view": "cards"}, types=TYPES, keys=KEYS)
    assert replaced and saved.id == first
    assert get_search(archive, EDITOR, first).params == {"q": "강제북송", "view": "cards"}
    assert len(list_searches(archive, EDITOR)) == 2

    assert delete_search(archive, EDITOR, first) == "강제북송 2023 공개"
    assert [s.name for s in list_searches(archive, EDITOR)] == ["All restricted acts"]
    with pytest.raises(NotFound):
        get_search(archive, EDITOR, first)


def test_another_users_search_is_not_there(archive: Archive) -> None:
    theirs = _save(archive, OTHER, "Theirs", {"q": "x"})
    with pytest.raises(NotFound):
        get_search(archive, EDITOR, theirs)
    with pytest.raises(NotFound):
        delete_search(archive, EDITOR, theirs)
    assert [s.name for s in list_searches(archive, OTHER)] == ["Theirs"]
    assert list_searches(archive, EDITOR) == []


def test_bad_input_is_refused(archive: Archive) -> None:
    with pytest.raises(Invalid) as caught:
        save_search(archive, EDITOR, " ", "spaceship", {"password": "x"}, types=TYPES,
                    keys=KEYS)
    assert set(caught.value.errors) == {"name", "type", "params.password"}
    with pytest.raises(Invalid):
        _save(archive, EDITOR, "x" * (MAX_NAME + 1), {})
    with pytest.raises(Invalid):
        _save(archive, EDITOR, "long", {"q": "가" * 501})
    with pytest.raises(Forbidden):
        _save(archive, VIEWER, "viewer's", {"q": "x"})
    assert list_searches(archive, EDITOR) == []


def test_saved_searches_through_the_workspace(settings: Settings) -> None:
    mine = signed_in(settings, "editor", username="saver-kim")
    form = {"list": "events", "name": "내부 사건", "level": "internal", "sort": "newest",
            "view": "cards", "page": "3"}
    saved = mine.post("/staff/saved-searches", data=form)
    assert saved.status_code == 303
    where = urlsplit(saved.headers["location"])
    # The page is not part of a search; the list says which one it saved.
    assert where.path == "/staff/lists/events"
    asked = parse_qs(where.query)
    assert asked.pop("saved")[0].isdigit()
    assert asked == {"level": ["internal"], "sort": ["newest"], "view": ["cards"]}
    shown = mine.get(saved.headers["location"])
    assert shown.status_code == 200 and "“내부 사건”" in shown.text
    listed = mine.get("/staff/saved-searches")
    search_id = re.findall(r'href="/staff/saved-searches/(\d+)"', listed.text)
    assert len(search_id) == 1
    run = mine.get(f"/staff/saved-searches/{search_id[0]}")
    assert run.status_code == 303
    ran = urlsplit(run.headers["location"])
    assert ran.path == "/staff/lists/events"
    assert parse_qs(ran.query) == {"level": ["internal"], "sort": ["newest"], "view": ["cards"]}

    theirs = signed_in(settings, "editor", username="saver-lee")
    assert theirs.get(f"/staff/saved-searches/{search_id[0]}").status_code == 404
    assert theirs.post(f"/staff/saved-searches/{search_id[0]}/delete").status_code == 404
    assert "내부 사건" not in theirs.get("/staff/saved-searches").text

    gone = mine.post(f"/staff/saved-searches/{search_id[0]}/delete")
    assert gone.status_code == 303
    assert "내부 사건" in mine.get(gone.headers["location"]).text  # "deleted …"
    assert mine.get(f"/staff/saved-searches/{search_id[0]}").status_code == 404
