"""record assignments and saved searches: the staff lists (issue 18 point 8)

A record can be assigned to one staff user (bulk "assign" on a list); each user can save a
list's query and filters under a name. Neither is a record: no level, no version.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""
import sqlalchemy as sa
import sillok.db.types
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=120), nullable=False),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.Column("assigned_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_assignments")),
        sa.UniqueConstraint("record_type", "record_id",
                            name=op.f("uq_record_assignments_record_type")),
    )
    with op.batch_alter_table("record_assignments") as batch:
        batch.create_index(batch.f("ix_record_assignments_assignee"), ["assignee"],
                           unique=False)
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
        sa.UniqueConstraint("owner", "name", name=op.f("uq_saved_searches_owner")),
    )
    with op.batch_alter_table("saved_searches") as batch:
        batch.create_index(batch.f("ix_saved_searches_owner"), ["owner"], unique=False)


def downgrade() -> None:
    op.drop_table("saved_searches")
    op.drop_table("record_assignments")
