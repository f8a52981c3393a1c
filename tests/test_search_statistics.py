"""After a bulk write Sillok takes the search index's planner statistics itself on PostgreSQL
(search/index.py, refresh_statistics), only when they are missing or stale; SQLite needs none."""

from __future__ import annotations

from sqlalchemy import text

from sillok.archive.service import Archive
from sillok.search.index import refresh_statistics
from tests.conftest import make_source


def test_statistics_taken_when_missing_or_stale(archive: Archive) -> None:
    if archive.engine.dialect.name != "postgresql":
        assert not refresh_statistics(archive.engine, vacuum=True)
        return
    for i in range(3):
        make_source(archive, text=f"[가상] 통계 {i}")
    assert refresh_statistics(archive.engine, force=True)
    with archive.engine.connect() as conn:
        tuples = conn.execute(text("SELECT reltuples FROM pg_class "
                                   "WHERE oid = to_regclass('search_index')")).scalar_one()
    assert tuples >= 0  # analysed: -1 means never
    assert not refresh_statistics(archive.engine)  # fresh: nothing to do
    assert refresh_statistics(archive.engine, vacuum=True)  # after a reindex: always
