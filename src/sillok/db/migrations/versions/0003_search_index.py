"""search index

The analysed terms of every searchable record, with a full-text index per backend: an FTS5
table kept in step by triggers on SQLite, a generated tsvector column with GIN on PostgreSQL.
Existing archives get an empty index: `sillok reindex` (run by `sillok init`) fills it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_index', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 0\")",
    "CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
POSTGRES_TSV = [
    "ALTER TABLE search_index ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', body), 'B')) STORED",
    "CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table(
        "search_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("kind", sa.String(length=80), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index")),
        sa.UniqueConstraint("record_type", "record_id",
                            name=op.f("uq_search_index_record_type")),
    )
    with op.batch_alter_table("search_index", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_index_level"), ["level"], unique=False)
    statements = SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TSV
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_index")
