"""audit entries signed with a key outside the database, with the record's state digest

Adds ``signature`` (HMAC of the entry's hash with the audit key, archive/audit_anchor.py) and
``state`` (HMAC of the changed record's state after the change, archive/audit_state.py) to
audit entries. Entries already there keep neither: ``sillok audit verify`` names how many come
before the first signed entry and checks the chain from there on.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("state")
        batch_op.drop_column("signature")
