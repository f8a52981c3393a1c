"""search index entries per audience: the public index reads public copies

A record whose text names a protected person (security/name_matcher.py) has two entries: its
own ('full', for readers cleared for restricted records) and its public copy's, with every
such name left out ('public', for everybody else). A record with nothing to hide has one
entry for both ('all'). A search without clearance reads only 'all' and 'public' entries, so
it can never match a hidden name, in any spelling. Entries written before this revision hold
names for everybody, so `sillok init` rebuilds the index (archive/lifecycle.py).

On SQLite the table is made again, empty (its unique key cannot be changed in place), with
its full-text table and triggers; the rebuild fills it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
import importlib

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FIRST = importlib.import_module("sillok.db.migrations.versions.0003_search_index")


SQLITE_TABLE = (
    "CREATE TABLE search_index (id INTEGER NOT NULL, record_type VARCHAR(20) NOT NULL, "
    "record_id INTEGER NOT NULL, level VARCHAR(12) NOT NULL, language VARCHAR(8), "
    "kind VARCHAR(80), date_start DATE, title TEXT NOT NULL, body TEXT NOT NULL, "
    "audience VARCHAR(8) DEFAULT 'all' NOT NULL, "
    "CONSTRAINT pk_search_index PRIMARY KEY (id), "
    "CONSTRAINT uq_search_index_record_type UNIQUE (record_type, record_id, audience))")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Emptied and made again: the rebuild that follows fills it.
        op.execute("DROP TABLE search_fts")
        op.execute("DROP TABLE search_index")
        op.execute(SQLITE_TABLE)
        op.execute("CREATE INDEX ix_search_index_level ON search_index (level)")
        for statement in FIRST.SQLITE_FTS:
            op.execute(statement)
        return
    op.add_column("search_index", sa.Column("audience", sa.String(length=8), nullable=False,
                                            server_default="all"))
    op.drop_constraint("uq_search_index_record_type", "search_index", type_="unique")
    op.create_unique_constraint("uq_search_index_record_type", "search_index",
                                ["record_type", "record_id", "audience"])


def downgrade() -> None:
    op.execute("DELETE FROM search_index WHERE audience <> 'all'")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
        op.execute("DROP TABLE search_index")
        FIRST.upgrade()
        return
    op.drop_constraint("uq_search_index_record_type", "search_index", type_="unique")
    op.create_unique_constraint("uq_search_index_record_type", "search_index",
                                ["record_type", "record_id"])
    op.drop_column("search_index", "audience")
