"""search changes: the database's side of an embedded search index's watermark

Every transaction that writes search entries adds one row here, in the same transaction
(search/tantivy_store.py). An index kept outside the database (tantivy) records the highest
change it has applied; when it opens and finds the database elsewhere — a crash between the
database's commit and the index's, a write made while the index was not in use, a database
restored from a backup — it repairs itself from the entries.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("search_changes",
                    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("entries", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_table("search_changes")
