"""Whole search answers are kept between searches (search/cache.py) and never outlive a change
that would alter them: a new record, a change of level, a retraction, a redaction mark, a new
protected name. On both backends. Fictional data."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sillok.archive.redactions import add_mark
from sillok.archive.service import Archive
from sillok.search import cache, service, tantivy_search
from sillok.search.service import search
from tests.conftest import ADMIN, ANON, EDITOR, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

WORD = "쥐똥나무"


def _ids(archive: Archive, query: str = WORD) -> set[int]:
    return {int(i["id"]) for i in search(archive, ANON, query, facets=True).items}


def test_a_repeated_search_is_answered_from_the_cache(archive: Archive,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    make_source(archive, text=f"[가상] {WORD} 하나")
    computed: list[str] = []
    real = service._search

    def counting(*args: Any, **kwargs: Any) -> Any:
        computed.append(args[4])  # the query
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "_search", counting)
    real_tantivy = tantivy_search.run

    def counting_tantivy(*args: Any, **kwargs: Any) -> Any:
        computed.append(args[4])
        return real_tantivy(*args, **kwargs)

    monkeypatch.setattr(tantivy_search, "run", counting_tantivy)
    # On PostgreSQL a kept answer lasts until any transaction on the server writes (other
    # tests' databases too): a few tries find two searches with no write between them.
    for _attempt in range(10):
        cache.clear()
        computed.clear()
        first = search(archive, ANON, WORD, facets=True)
        first.items[0]["label"] = "changed by a caller"  # callers mask items in place
        again = search(archive, ANON, WORD, facets=True)
        if len(computed) == 1:
            break
    assert computed == [WORD]  # the second search was answered without searching
    assert again.items[0]["label"] == "Test source" and again.total == 1
    # Another role, another answer: what one role may see is never served to another.
    search(archive, EDITOR, WORD, facets=True)
    assert computed == [WORD, WORD]


def test_a_kept_answer_follows_every_change(archive: Archive) -> None:
    cache.clear()
    one = make_source(archive, text=f"[가상] {WORD} 하나")
    assert _ids(archive) == {one}
    two = make_source(archive, text=f"[가상] {WORD} 둘")
    assert _ids(archive) == {one, two}  # a new record
    archive.update(ADMIN, "source", two, {"level": "restricted"})
    assert _ids(archive) == {one}  # a change of level
    archive.retract(ADMIN, "source", one, "test: retracted")
    assert _ids(archive) == set()  # a retraction
    three = make_source(archive, text=f"[가상] {WORD} 셋 비밀구절")
    assert _ids(archive, "비밀구절") == {three}
    text = f"[가상] {WORD} 셋 비밀구절"
    start = text.index("비밀구절")
    add_mark(archive, ADMIN, three, start, start + len("비밀구절"), "test: witness detail")
    assert _ids(archive, "비밀구절") == set()  # a redaction mark takes the words out


def test_a_new_protected_name_is_masked_and_unsearchable_at_once(archive: Archive) -> None:
    cache.clear()
    source = make_source(archive, text=f"[가상] {WORD} 증인 한가람 씨가 말했다.")
    before = search(archive, ANON, f"{WORD} 한가람", facets=True)
    assert [int(i["id"]) for i in before.items] == [source]
    assert "한가람" in before.items[0]["snippet"]
    make_person(archive, level="restricted", name="한가람")
    after = search(archive, ANON, f"{WORD} 한가람", facets=True)
    assert after.total == 0 and after.items == []  # the name is no search word any more
    shown = search(archive, ANON, WORD, facets=True)
    assert [int(i["id"]) for i in shown.items] == [source]
    assert "한가람" not in shown.items[0]["snippet"]


def _same_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    # Other tests' databases on the same PostgreSQL server end a snapshot at any moment; the
    # waiting is what is tested here, so every thread is given the same one.
    monkeypatch.setattr(cache.IndexCache, "snapshot", lambda self: ("fixed",))


def test_threads_asking_the_same_question_wait_for_one_answer(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    _same_snapshot(monkeypatch)
    started = threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return "answer"

    def ask() -> str:
        with archive.sessions() as session:
            return cache.IndexCache(session).result(("q",), slow)

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(ask)
        started.wait(5)
        others = [pool.submit(ask) for _ in range(3)]
        answers = [first.result(), *(f.result() for f in others)]
    assert answers == ["answer"] * 4
    assert len(calls) == 1  # the three others waited instead of computing it again


def test_a_failed_answer_lets_the_waiting_threads_compute_it(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    _same_snapshot(monkeypatch)
    started, release = threading.Event(), threading.Event()

    def failing() -> str:
        started.set()
        release.wait(5)
        raise RuntimeError("the database went away")

    def ask(compute: Any) -> str:
        with archive.sessions() as session:
            return str(cache.IndexCache(session).result(("q",), compute))

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(ask, failing)
        started.wait(5)
        second = pool.submit(ask, lambda: "computed by the waiting thread")
        time.sleep(0.1)  # the second thread is waiting now
        release.set()
        with pytest.raises(RuntimeError):
            first.result()
        assert second.result() == "computed by the waiting thread"
