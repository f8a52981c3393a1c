"""persons.updated_at indexed (the masker's version check on every public search)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_persons_updated_at", "persons", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_persons_updated_at", table_name="persons")
