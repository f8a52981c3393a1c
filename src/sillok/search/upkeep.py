"""Keeping the search index fast after a bulk write: a reindex, an upgrade's rebuild, an import
or an ingest run that changed a tenth of it.

- PostgreSQL: the planner's statistics (``ANALYZE``), rather than waiting for autovacuum,
  which may be off and is minutes late after a bulk load. Without them the planner misjudged
  the permission filter 40 × and the frequency of common words.
- SQLite: FTS5's ``optimize``, which merges the index's segments into one. FTS5 writes a new
  segment per transaction and merges them only a few at a time, so a search reads each word's
  list of matches from every segment. At 1,000,000 entries merging took 17 s and the median
  faceted search went from 19–22 to 16–19 ms (bench/README.md, "Search at scale"). The merge
  holds the archive's write lock while it runs: other writers wait (busy timeout 30 s), which
  is why it follows only a bulk write, and never a single record's.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from sillok.search.cache import GENERATION

# The index's rows changed, as a share of its rows, beyond which it is tended to after a bulk
# write (PostgreSQL autovacuum's default share is the same).
STALE_SHARE = 0.1


def after_bulk_write(engine: Engine, *, rebuilt: bool = False, changed: int | None = None,
                     force: bool = False) -> bool:
    """Tend the index after a bulk write when it needs it; returns whether anything ran.

    ``rebuilt``: every entry was written again (a reindex): always, and on PostgreSQL with
    ``VACUUM``, since every old entry is a dead row. ``changed``: entries the write added or
    replaced, known to the caller (SQLite keeps no count; PostgreSQL's own is used there).
    ``force``: whatever the count."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return _analyse(conn, vacuum=rebuilt, force=force)
        if not (rebuilt or force or (changed is not None and _stale(conn, changed))):
            return False
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        conn.execute(text("INSERT INTO search_fts_public(search_fts_public) VALUES ('optimize')"))
        conn.commit()
        # The merge went through the write-ahead log, as large as the index: give it back.
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return True


def _stale(conn: Connection, changed: int) -> bool:
    rows = int(conn.execute(text("SELECT count(*) FROM search_index")).scalar_one())
    return changed > 50 + STALE_SHARE * (rows - changed)


def _analyse(conn: Connection, *, vacuum: bool, force: bool) -> bool:
    if not force and not vacuum:
        row = conn.execute(text(
            "SELECT c.reltuples, s.n_mod_since_analyze FROM pg_class c "
            "JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.oid = to_regclass('search_index')")).first()
        if row is not None and row[0] >= 0 and row[1] <= 50 + STALE_SHARE * row[0]:
            return False
    conn.commit()
    # VACUUM cannot run inside a transaction block.
    auto = conn.execution_options(isolation_level="AUTOCOMMIT")
    auto.execute(text(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} search_index"))
    return True


def fts_segments(engine: Engine, table: str = "search_fts") -> int:
    """SQLite: how many segments an FTS5 index (``search_fts`` or ``search_fts_public``) has
    now (for tests and diagnosis). Read from its structure record: a 4-byte cookie, on
    SQLite ≥ 3.45 maybe the 4 bytes FF 00 00 01, then varints — the number of levels and the
    number of segments on all of them."""
    if table not in ("search_fts", "search_fts_public"):
        raise ValueError(table)
    with engine.connect() as conn:
        # The record the search cache reads as the index's generation (search/cache.py).
        sql = GENERATION["sqlite"].replace("search_fts_data", f"{table}_data")
        record = conn.execute(text(sql)).scalar_one_or_none()
    if not record:
        return 0
    at = 8 if record[4:8] == b"\xff\x00\x00\x01" else 4
    _levels, at = _varint(record, at)
    segments, _at = _varint(record, at)
    return segments


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: 7 bits a byte, high bit set while more
    follow, the ninth byte whole; returns the value and where the next one starts."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9
