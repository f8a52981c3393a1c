"""when a facility opened and closed, as public reports date them

A detention facility's page (issue 19, point 5) shows when it opened and when it was reported
closed, only where a public source says so: fuzzy dates in the archive's date syntax
(``~1959``, ``2012``, ``2014-11``), kept as text with the place's source note.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain nullable ADD COLUMNs: SQLite keeps the table and its triggers.
    op.add_column("places", sa.Column("opened", sa.String(40), nullable=True))
    op.add_column("places", sa.Column("closed", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.drop_column("closed")
        batch.drop_column("opened")
