"""The embedded tantivy index (search/tantivy_store.py): its public index holds only public
copies; a restriction leaves it before the database commits and a publication enters it after;
a crash between the two is repaired when the archive opens; a reindex rebuilds it. The search
and protection suites run on it too (their ``search_engine`` fixture). Fictional data."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from sillok.archive.lifecycle import init_archive
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import SillokError
from sillok.search import service, tantivy_store
from sillok.search.index import reindex_all
from sillok.search.service import search
from sillok.search.tantivy_store import FULL, PUBLIC, Store
from tests.conftest import ANON, EDITOR, VIEWER, make_person, make_source
from tests.test_search_facets import MARK, _archive_with_places

WORD = "쥐똥나무골"


@pytest.fixture
def tantivy_settings(settings: Settings) -> Iterator[Settings]:
    yield dataclasses.replace(settings, search_backend="tantivy")
    tantivy_store.forget(settings)


@pytest.fixture
def archive_t(tantivy_settings: Settings) -> Iterator[Archive]:
    a = Archive.open(tantivy_settings)
    yield a
    a.close()


def _store(archive: Archive) -> Store:
    store = tantivy_store.store_of(archive.engine)
    assert store is not None
    return store


def _held(store: Store, name: str, kind: str, rid: int) -> bool:
    return bool(store.searcher(name).doc_freq("rec", f"{kind}:{rid}"))


def _has_term(store: Store, name: str, term: str) -> int:
    return int(store.searcher(name).doc_freq("body", term)
               + store.searcher(name).doc_freq("title", term))


def _db_level(archive: Archive, source: int) -> str:
    """The source's level as another connection sees it (committed data only)."""
    with archive.engine.connect() as conn:
        return str(conn.execute(text("SELECT level FROM sources WHERE id = :i"),
                                {"i": source}).scalar_one())


def test_the_public_index_holds_only_public_copies(archive_t: Archive) -> None:
    store = _store(archive_t)
    make_person(archive_t, level="restricted", name="박철수")
    source = make_source(archive_t, text="[가상] 박철수 씨는 회령에서 체포됐다.")
    hidden = make_source(archive_t, level="restricted", text=f"[가상] {WORD} 마을의 기록.")
    # The name's bigram is in the full index (the cleared read the text itself), never in the
    # public one; the restricted source is not in the public index at all.
    assert _has_term(store, FULL, "철수") and not _has_term(store, PUBLIC, "철수")
    assert _held(store, PUBLIC, "source", source) and not _held(store, PUBLIC, "source", hidden)
    assert search(archive_t, ANON, "type:sources 회령").total == 1
    assert search(archive_t, ANON, "박철수").total == 0
    assert search(archive_t, EDITOR, "박철수").total >= 1


def test_a_restriction_leaves_the_index_before_the_commit_and_a_publication_after(
        archive_t: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(archive_t)
    source = make_source(archive_t, text=f"[가상] {WORD} 마을의 기록.")
    assert search(archive_t, ANON, WORD).total == 1
    seen: list[tuple[str, str, bool]] = []
    begin, end = Store.begin, Store.end

    def spy_begin(self: Store, job: Any) -> None:
        begin(self, job)
        # Before the database commits: the record is out of both indexes already.
        seen.append(("begin", _db_level(archive_t, source), _held(store, PUBLIC, "source",
                                                                   source)))

    def spy_end(self: Store, engine: Any, job: Any, committed: bool) -> None:
        # After the database committed, before the index is written again.
        seen.append(("end", _db_level(archive_t, source), _held(store, PUBLIC, "source",
                                                                 source)))
        end(self, engine, job, committed)

    monkeypatch.setattr(Store, "begin", spy_begin)
    monkeypatch.setattr(Store, "end", spy_end)
    archive_t.update(EDITOR, "source", source, {"level": "restricted"})
    # begin: the database still says public (not committed) and the index no longer has it.
    assert seen == [("begin", "public", False), ("end", "restricted", False)]
    assert not _held(store, PUBLIC, "source", source) and _held(store, FULL, "source", source)
    assert search(archive_t, ANON, WORD).total == 0
    seen.clear()
    archive_t.update(EDITOR, "source", source, {"level": "public"})
    # Published: not in the public index until the database has committed it.
    assert seen == [("begin", "restricted", False), ("end", "public", False)]
    assert _held(store, PUBLIC, "source", source)
    assert search(archive_t, ANON, WORD).total == 1


def _crash_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process 'dies' after the database commits, before the index is written: its note
    stays behind, under a process id that no longer runs."""
    def dead_end(self: Store, engine: Any, job: Any, committed: bool) -> None:
        assert job.note is not None
        job.note.rename(job.note.with_name(f"{_dead_pid()}-{job.note.name.split('-', 1)[1]}"))
        raise SystemExit  # nothing after this runs in a dead process

    monkeypatch.setattr(Store, "end", dead_end)


def _dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_crash_between_the_database_and_the_index_is_repaired_on_open(
        tantivy_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive.open(tantivy_settings)
    source = make_source(archive, text=f"[가상] {WORD} 마을의 기록.")
    # Written to the index now, not with a later batch (which would write the record as the
    # database holds it after the crash, and so show it repaired already).
    tantivy_store.flush(archive.engine)
    with monkeypatch.context() as patch:
        _crash_after_commit(patch)
        with pytest.raises(SystemExit):
            archive.update(EDITOR, "source", source, {"text": f"[가상] {WORD} 새 기록 회령."})
    # Committed in the database; hidden in the index until it is repaired (never shown stale).
    assert search(archive, EDITOR, "type:sources 회령").total == 0
    archive.close()
    tantivy_store.forget(tantivy_settings)
    reopened = Archive.open(tantivy_settings)  # a restart: the dead process's note is applied
    try:
        assert not list((tantivy_store.index_dir(tantivy_settings) / "pending").glob("*.json"))
        assert [i["id"] for i in search(reopened, ANON, "type:sources 회령").items] == [source]
    finally:
        reopened.close()


def test_a_write_made_without_the_index_or_a_lost_index_is_rebuilt_on_open(
        tantivy_settings: Settings) -> None:
    Archive.open(tantivy_settings).close()
    tantivy_store.forget(tantivy_settings)
    plain = Archive.open(dataclasses.replace(tantivy_settings, search_backend="database"))
    source = make_source(plain, text=f"[가상] {WORD} 마을의 기록.")
    plain.close()
    archive = Archive.open(tantivy_settings)  # its generation is behind the database's
    try:
        assert [i["id"] for i in search(archive, ANON, WORD).items] == [source]
    finally:
        archive.close()
    tantivy_store.forget(tantivy_settings)
    shutil.rmtree(tantivy_store.index_dir(tantivy_settings))
    archive = Archive.open(tantivy_settings)
    try:
        assert [i["id"] for i in search(archive, ANON, WORD).items] == [source]
    finally:
        archive.close()


def test_tantivy_is_the_default_beside_sqlite_and_the_database_on_postgresql() -> None:
    assert Settings.from_env({}).search_backend == "tantivy"
    pg = {"SILLOK_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/x"}
    assert Settings.from_env(pg).search_backend == "database"
    for env in ({"SILLOK_SEARCH_BACKEND": "database"}, {**pg, "SILLOK_SEARCH_BACKEND": "Tantivy"}):
        assert Settings.from_env(env).search_backend == env["SILLOK_SEARCH_BACKEND"].lower()
    with pytest.raises(SillokError, match="SILLOK_SEARCH_BACKEND: 'lucene'"):
        Settings.from_env({"SILLOK_SEARCH_BACKEND": "lucene"})


def test_init_builds_a_missing_index_with_progress(tantivy_settings: Settings) -> None:
    # An archive used without the index (as every SQLite archive was before tantivy became
    # the default there): its upgrade builds the index, with progress, before a server opens.
    # The test template's copy of its index (SQLite), gone as from an archive made before.
    shutil.rmtree(tantivy_store.index_dir(tantivy_settings), ignore_errors=True)
    plain = Archive.open(dataclasses.replace(tantivy_settings, search_backend="database"))
    source = make_source(plain, text=f"[가상] {WORD} 마을의 기록.")
    plain.close()
    assert not tantivy_store.index_dir(tantivy_settings).exists()
    seen: list[tuple[str, int, int]] = []
    init_archive(tantivy_settings, lambda *step: seen.append(step))
    with Archive(tantivy_settings).engine.connect() as conn:
        entries = int(conn.execute(text("SELECT count(*) FROM search_index")).scalar_one())
    assert seen and seen[-1] == (tantivy_store.PROGRESS_LABEL, entries, entries)
    store = tantivy_store._stores[tantivy_store.index_dir(tantivy_settings).resolve()]
    assert store.searcher(FULL).num_docs == entries
    seen.clear()
    init_archive(tantivy_settings, lambda *step: seen.append(step))  # up to date: no rebuild
    assert seen == []
    archive = Archive.open(tantivy_settings)
    try:
        assert [i["id"] for i in search(archive, ANON, WORD).items] == [source]
    finally:
        archive.close()


def test_reindex_rebuilds_the_index_from_the_database(archive_t: Archive) -> None:
    store = _store(archive_t)
    make_source(archive_t, text=f"[가상] {WORD} 마을의 기록.")
    make_source(archive_t, level="restricted", text=f"[가상] {WORD} 비공개 기록.")
    with archive_t.transaction() as session:
        reindex_all(session)
    with archive_t.engine.connect() as conn:
        rows = conn.execute(text("SELECT level, audience FROM search_index")).all()
    assert store.searcher(FULL).num_docs == len(rows)
    assert store.searcher(PUBLIC).num_docs == sum(tantivy_store.public(lv, au) for lv, au in rows)
    assert (search(archive_t, ANON, WORD).total, search(archive_t, EDITOR, WORD).total) == (1, 2)
    with archive_t.engine.connect() as conn:
        assert store.applied() == tantivy_store.changes(conn)


def test_the_suites_search_the_engine_they_name(archive: Archive, search_engine: str) -> None:
    """The search and protection suites' ``search_engine`` reaches the archive they search."""
    assert (tantivy_store.store_of(archive.engine) is not None) == (search_engine == "tantivy")


def test_writes_are_committed_to_the_index_in_batches(archive_t: Archive,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(archive_t)
    store.flush()
    monkeypatch.setattr(tantivy_store, "FLUSH_AFTER", 60.0)  # no batch written by the clock
    opened: list[int] = []
    writers = Store._writers

    def counting(self: Store) -> Any:
        opened.append(1)
        return writers(self)

    monkeypatch.setattr(Store, "_writers", counting)
    made = [make_source(archive_t, text=f"[가상] {WORD} 마을의 기록 {n}.") for n in range(5)]
    # New records: nothing to hide before each commit, and nothing written after it yet.
    assert opened == []
    # A search writes the batch first (once), and finds every record.
    assert sorted(i["id"] for i in search(archive_t, ANON, WORD).items) == sorted(made)
    assert opened == [1]
    # A record restricted while its publication is still due is never public.
    late = make_source(archive_t, text=f"[가상] {WORD} 늦은 기록.")
    archive_t.update(EDITOR, "source", late, {"level": "restricted"})
    assert not _held(store, PUBLIC, "source", late) and _held(store, FULL, "source", late)
    assert late not in {i["id"] for i in search(archive_t, ANON, WORD).items}
    with archive_t.engine.connect() as conn:
        assert store.applied() == tantivy_store.changes(conn)
    assert not list((tantivy_store.index_dir(archive_t.settings) / "pending").iterdir())


def test_an_index_of_an_earlier_format_is_rebuilt_on_open(tantivy_settings: Settings) -> None:
    archive = Archive.open(tantivy_settings)
    source = make_source(archive, text=f"[가상] {WORD} 마을의 기록.")
    archive.close()
    tantivy_store.forget(tantivy_settings)
    (tantivy_store.index_dir(tantivy_settings) / "format").write_text("1")
    archive = Archive.open(tantivy_settings)
    try:
        assert (tantivy_store.index_dir(tantivy_settings) / "format").read_text() == \
            tantivy_store.FORMAT
        assert [i["id"] for i in search(archive, ANON, WORD).items] == [source]
    finally:
        archive.close()


def test_facets_are_the_same_counted_in_hand_in_the_index_or_capped(
        archive_t: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """Facets are counted from the results in hand (every match), by the index (more matches
    than the page) or in the database (more than the cap): the same counts every way."""
    _archive_with_places(archive_t)
    for actor in (ANON, EDITOR):
        in_hand = search(archive_t, actor, MARK, facets=True)
        monkeypatch.setattr(service, "RERANK_WINDOW", 1)
        in_index = search(archive_t, actor, MARK, facets=True, limit=1)
        monkeypatch.setattr(service, "COUNT_CAP", in_hand.total)
        capped = search(archive_t, actor, MARK, facets=True, limit=1)
        monkeypatch.undo()
        assert in_hand.facets["province"] and in_hand.facets["source_kind"]
        assert in_hand.total == in_index.total == capped.total
        assert in_hand.facets == in_index.facets == capped.facets


def test_a_reindex_beside_a_flush_under_way_loses_no_record(archive_t: Archive,
                                                             monkeypatch: Any) -> None:
    """A batch's flush that has written its records but not yet let go of its notes (the
    timer's thread) while a reindex ends in another: the rebuild must not take those records
    as held by a live change and leave them out (once seen as 223 documents for 224 entries)."""
    store = _store(archive_t)
    monkeypatch.setattr(tantivy_store, "FLUSH_AFTER", 3600.0)  # this test flushes, no timer
    make_source(archive_t, text=f"[가상] {WORD} 마을의 기록.")
    shown, go = threading.Event(), threading.Event()
    real_show = store.show

    def show_then_pause(*args: Any, **kwargs: Any) -> None:
        real_show(*args, **kwargs)
        shown.set()
        go.wait(5)  # the flush's notes are still on disk here

    monkeypatch.setattr(store, "show", show_then_pause)
    flusher = threading.Thread(target=store.flush)
    flusher.start()
    assert shown.wait(30)
    threading.Timer(0.5, go.set).start()
    with archive_t.transaction() as session:
        reindex_all(session)
    flusher.join(30)
    monkeypatch.setattr(store, "show", real_show)
    with archive_t.engine.connect() as conn:
        rows = conn.execute(text("SELECT level, audience FROM search_index")).all()
    assert store.searcher(FULL).num_docs == len(rows)
    assert search(archive_t, ANON, WORD).total == 1


def test_a_search_filters_by_term_only_what_the_index_read_may_hold_beyond_the_reader(
        archive_t: Archive) -> None:
    """Scope filters cost a pass over most of the index each as term sets (tantivy makes a
    bitset of every document with the level 'public'); as term queries, only those the index
    read does not already answer for: the public index holds only public copies of records
    that are not restricted."""
    from sillok.archive.views import PUBLIC_COPIES
    from sillok.search.tantivy_search import _scope

    public = _scope(True, ["public"], PUBLIC_COPIES)
    assert len(public) == 1 and "TermQuery" in repr(public[0]) and "TermSet" not in repr(public)
    assert _scope(True, ["public", "internal"], PUBLIC_COPIES) == []
    staff = _scope(False, ["public", "internal", "restricted"], ("all", "full", "fa"))
    assert len(staff) == 1 and '"full"' in repr(staff) and "TermSet" not in repr(staff)
    analyst = _scope(False, ["public", "internal"], ("all", "fa", "analyst", "ap"))
    assert len(analyst) == 2
    # And the answers are what the database allows: a restricted source and an internal one
    # are found by those who may see them only.
    make_source(archive_t, level="internal", text=f"[가상] {WORD} 내부 기록.")
    make_source(archive_t, level="restricted", text=f"[가상] {WORD} 제한 기록.")
    make_source(archive_t, text=f"[가상] {WORD} 공개 기록.")
    assert search(archive_t, ANON, f"type:sources {WORD}").total == 1
    assert search(archive_t, VIEWER, f"type:sources {WORD}").total == 2
    assert search(archive_t, EDITOR, f"type:sources {WORD}").total == 3
