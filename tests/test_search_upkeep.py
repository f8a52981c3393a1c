"""After a bulk write Sillok tends the search index itself (search/upkeep.py), only when it
needs it: on PostgreSQL the planner's statistics, when missing or stale; on SQLite FTS5's
segments, merged into one, after a rebuild or a write that changed a tenth of the index."""

from __future__ import annotations

from sqlalchemy import text

from sillok.archive.service import Archive
from sillok.search.service import search
from sillok.search.upkeep import after_bulk_write, fts_segments
from sillok.security.policy import Actor
from tests.conftest import ADMIN, make_source


def test_postgresql_statistics_taken_when_missing_or_stale(archive: Archive) -> None:
    if archive.engine.dialect.name != "postgresql":
        return
    for i in range(3):
        make_source(archive, text=f"[가상] 통계 {i}")
    assert after_bulk_write(archive.engine, force=True)
    with archive.engine.connect() as conn:
        tuples = conn.execute(text("SELECT reltuples FROM pg_class "
                                   "WHERE oid = to_regclass('search_index')")).scalar_one()
    assert tuples >= 0  # analysed: -1 means never
    assert not after_bulk_write(archive.engine)  # fresh: nothing to do
    assert not after_bulk_write(archive.engine, changed=3)  # its own count decides there
    assert after_bulk_write(archive.engine, rebuilt=True)  # after a reindex: always


def test_sqlite_segments_merged_after_a_large_write(archive: Archive) -> None:
    if archive.engine.dialect.name != "sqlite":
        return
    # Each transaction leaves FTS5 a segment of its own.
    ids = [make_source(archive, text=f"[가상] 병합 시험 {i} merge test") for i in range(6)]
    before = fts_segments(archive.engine)
    assert before >= 2
    with archive.engine.connect() as conn:
        entries = conn.execute(text("SELECT count(*) FROM search_index")).scalar_one()
    assert not after_bulk_write(archive.engine)  # no count, no rebuild: nothing
    assert not after_bulk_write(archive.engine, changed=6)  # a tenth or less: nothing
    assert fts_segments(archive.engine) == before
    # The seeded vocabulary and gazetteer are most of the index: as if all had come at once.
    assert after_bulk_write(archive.engine, changed=entries)
    assert fts_segments(archive.engine) == 1
    # The merged index finds what it found before.
    found = search(archive, ADMIN, "병합 merge", limit=50)
    assert sorted(i["id"] for i in found.items if i["type"] == "source") == sorted(ids)
    make_source(archive, text="[가상] 하나 더")
    assert fts_segments(archive.engine) == 2
    assert after_bulk_write(archive.engine, rebuilt=True)
    assert fts_segments(archive.engine) == 1


def test_index_merged_after_a_protected_name_is_taken_out_of_many_copies(archive: Archive
                                                                         ) -> None:
    """Making a person restricted makes again the copies of every record naming them, as
    deletions and new entries: from TEND_AFTER records on, the index is merged after the
    commit, so that public searches do not read through the deletions from then on."""
    from sillok.search.index import TEND_AFTER

    few = [make_source(archive, text=f"[가상] 탁미르 씨가 {i}번째로 증언했다.")
           for i in range(TEND_AFTER - 1)]
    pid = archive.create(ADMIN, "person", {
        "level": "public", "roles": ["victim"],
        "names": [{"name": "탁미르 (가상 / fictional)", "system": "hangul"}]})
    archive.update(ADMIN, "person", pid, {"level": "restricted"})
    many = [make_source(archive, text=f"[가상] 남궁새벽 씨가 {i}번째로 증언했다.")
            for i in range(TEND_AFTER)]
    other = archive.create(ADMIN, "person", {
        "level": "public", "roles": ["victim"],
        "names": [{"name": "남궁새벽 (가상 / fictional)", "system": "hangul"}]})
    sqlite = archive.engine.dialect.name == "sqlite"
    if sqlite:
        # Each transaction above left a segment (FTS5 merges a few at a time by itself).
        assert fts_segments(archive.engine, "search_fts_public") > 1
    archive.update(ADMIN, "person", other, {"level": "restricted"})
    if sqlite:
        assert fts_segments(archive.engine, "search_fts_public") == 1
        assert fts_segments(archive.engine) == 1
    # Merged or not, the public search finds the texts and never the names.
    anonymous = Actor.anonymous()
    assert search(archive, anonymous, "남궁새벽").total == 0
    assert search(archive, anonymous, "탁미르").total == 0
    found = search(archive, anonymous, "증언했다", limit=100)
    assert {i["id"] for i in found.items if i["type"] == "source"} == {*few, *many}
