"""published_estimates: estimates an admin put on the public statistics page

Multiple systems estimates (issue 21) are for staff; an admin may publish one — the filters,
lists and method asked, and the result as computed then — to show on /stats with its interval,
documented count, method and cautions, and may unpublish it later (kept, with who and when).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLE = "published_estimates"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filter_text", sa.Text(), nullable=False),
        sa.Column("lists_by", sa.String(length=12), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(length=120), nullable=False),
        sa.Column("published_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unpublished_by", sa.String(length=120), nullable=True),
        sa.Column("unpublished_at", sillok.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_estimates")),
    )
    op.create_index(op.f("ix_published_estimates_unpublished_at"), TABLE, ["unpublished_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_published_estimates_unpublished_at"), TABLE)
    op.drop_table(TABLE)
