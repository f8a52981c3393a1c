"""a version number on every record, for optimistic locking

Two editors who open the same record must not overwrite each other silently: every change
of a record now says which version it was made from (``UPDATE … WHERE version = :loaded``)
and counts it up. Existing records start at version 1.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("terms", "places", "series", "sources", "persons", "events", "acts", "involvements",
          "evidence")


def upgrade() -> None:
    for table in TABLES:
        # A plain ADD COLUMN on both backends (SQLite allows it with a constant default):
        # no table is copied, and the triggers on them stay.
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
