"""search index: a GIN index of the title's own tsvector (PostgreSQL)

A common word's first page of results was ranked by reading the tsvector of every match, most
of them out of line (TOAST): 1.3 s for a word with 45,566 matches at 1,000,000 sources. The
search now ranks such a word among the matches with the question's words in their title
(search/onepass.py), found through this index; the title's vector is computed from the title
(short, in the row) for those candidates only, so nothing is stored beside the index and the
table is not rewritten. SQLite's FTS5 scores every match from its own index and needs nothing
here.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_search_index_title_tsv ON search_index "
                   "USING gin (to_tsvector('simple', title))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_index_title_tsv")
