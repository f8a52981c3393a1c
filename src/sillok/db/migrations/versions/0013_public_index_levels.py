"""public copies' full-text index without restricted records

The readers of ``search_fts_public`` (0012) — everyone without clearance for protected details
and without access to restricted records — can never be shown a restricted record, yet its
entries were in their index: every restricted person (their names the title) and every
restricted text, matched by a public search and only then dropped by the level filter. With
5,000 restricted persons beside 3,000 sources that was 8,196 entries matched instead of 3,196,
and most of the time a public search lost to the protection (bench/README.md, masking). The
view now leaves them out, and the triggers follow an entry into and out of the view when its
level changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PUBLIC = "('all', 'ap', 'public')"  # archive/views.py PUBLIC_COPIES


def _statements(condition: str) -> list[str]:
    """The view of the public copies and the triggers that keep their index, for entries that
    meet ``condition`` (written for ``{row}``: the entry, old or new)."""
    now, old, new = (condition.format(row=r) for r in ("search_index", "old", "new"))
    return [
        f"CREATE VIEW search_index_public AS SELECT id, title, body FROM search_index "
        f"WHERE {now}",
        f"CREATE TRIGGER search_index_public_ai AFTER INSERT ON search_index WHEN {new} BEGIN "
        "INSERT INTO search_fts_public(rowid, title, body) VALUES (new.id, new.title, new.body); "
        "END",
        f"CREATE TRIGGER search_index_public_ad AFTER DELETE ON search_index WHEN {old} BEGIN "
        "INSERT INTO search_fts_public(search_fts_public, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); END",
        # One trigger, the old copy out before the new one in (0012 says why).
        "CREATE TRIGGER search_index_public_au AFTER UPDATE ON search_index BEGIN "
        "INSERT INTO search_fts_public(search_fts_public, rowid, title, body) "
        f"SELECT 'delete', old.id, old.title, old.body WHERE {old}; "
        "INSERT INTO search_fts_public(rowid, title, body) "
        f"SELECT new.id, new.title, new.body WHERE {new}; END",
    ]


BEFORE = "{row}.audience IN " + PUBLIC
AFTER = BEFORE + " AND {row}.level <> 'restricted'"


def _replace(condition: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL filters by level in the query itself (search/onepass.py)
    for trigger in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER search_index_public_{trigger}")
    op.execute("DROP VIEW search_index_public")
    for statement in _statements(condition):
        op.execute(statement)
    # The index read again from the new view: entries it no longer holds are gone.
    op.execute("INSERT INTO search_fts_public(search_fts_public) VALUES ('rebuild')")


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    _replace(BEFORE)
