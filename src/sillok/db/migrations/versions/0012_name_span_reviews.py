"""name_span_reviews: editors' decisions on the names the matcher finds in a source; the
public copies' own full-text index

The name matcher proposes every place a source names a protected person; each is hidden from
readers without clearance unless an editor rejects it (the words are not that person). A
decision is kept for the words around the name, so it holds wherever those words are shown.
Row 2 of protection_changes counts changes to the decisions, as row 1 counts changes to
persons and names (0008): a masker is rebuilt when either changes, and a decision costs only
the rebuild of the small set of rejected spans, not of the matcher.

Search entries get more audiences (analysts' copies without real names; search/index.py), so
the index is rebuilt on upgrade (archive/lifecycle.py INDEX_REVISION). On SQLite the public
copies — the entries readers without clearance read — get a full-text index of their own,
``search_fts_public``, whose content is a view of those entries alone: a public search reads
no other reader's copy (half the entries it used to read and drop), and even a 'rebuild' of
it cannot take in a protected name.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "name_span_reviews"
BUMP = "UPDATE protection_changes SET counter = counter + 1 WHERE id = 2"
PUBLIC = "('all', 'ap', 'public')"  # archive/views.py PUBLIC_COPIES
PUBLIC_FTS = [
    "CREATE VIEW search_index_public AS SELECT id, title, body FROM search_index "
    f"WHERE audience IN {PUBLIC}",
    "CREATE VIRTUAL TABLE search_fts_public USING fts5(title, body, "
    "content='search_index_public', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0\")",
    "CREATE TRIGGER search_index_public_ai AFTER INSERT ON search_index "
    f"WHEN new.audience IN {PUBLIC} BEGIN "
    "INSERT INTO search_fts_public(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "END",
    "CREATE TRIGGER search_index_public_ad AFTER DELETE ON search_index "
    f"WHEN old.audience IN {PUBLIC} BEGIN "
    "INSERT INTO search_fts_public(search_fts_public, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    # One trigger, the old copy out before the new one in: SQLite fires several triggers on
    # one event in no promised order, and the new row in first corrupts the index.
    "CREATE TRIGGER search_index_public_au AFTER UPDATE ON search_index BEGIN "
    "INSERT INTO search_fts_public(search_fts_public, rowid, title, body) "
    f"SELECT 'delete', old.id, old.title, old.body WHERE old.audience IN {PUBLIC}; "
    "INSERT INTO search_fts_public(rowid, title, body) "
    f"SELECT new.id, new.title, new.body WHERE new.audience IN {PUBLIC}; END",
    "INSERT INTO search_fts_public(search_fts_public) VALUES ('rebuild')",
]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("context_key", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')",
                           name=op.f("ck_name_span_reviews_decision")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_name_span_reviews_person_id_persons")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_name_span_reviews_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_span_reviews")),
        sa.UniqueConstraint("source_id", "person_id", "part", "context_key",
                            name="uq_name_span_reviews_span"),
    )
    op.create_index(op.f("ix_name_span_reviews_person_id"), TABLE, ["person_id"])
    op.create_index(op.f("ix_name_span_reviews_source_id"), TABLE, ["source_id"])
    op.execute("INSERT INTO protection_changes (id, counter) VALUES (2, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for statement in PUBLIC_FTS:
            op.execute(statement)
        for when in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {TABLE}_{when.lower()} AFTER {when} ON {TABLE} "
                       f"BEGIN {BUMP}; END")
        return
    op.execute("CREATE FUNCTION name_span_reviews_changed() RETURNS trigger LANGUAGE plpgsql "
               f"AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
    op.execute(f"CREATE TRIGGER {TABLE}_changed AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
               "FOR EACH STATEMENT EXECUTE FUNCTION name_span_reviews_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for when in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {TABLE}_{when}")
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER search_index_public_{trigger}")
        op.execute("DROP TABLE search_fts_public")
        op.execute("DROP VIEW search_index_public")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_changed ON {TABLE}")
        op.execute("DROP FUNCTION name_span_reviews_changed()")
    op.execute("DELETE FROM protection_changes WHERE id = 2")
    op.drop_index(op.f("ix_name_span_reviews_source_id"), table_name=TABLE)
    op.drop_index(op.f("ix_name_span_reviews_person_id"), table_name=TABLE)
    op.drop_table(TABLE)
