"""audit hash chain

Adds prev_hash/entry_hash to audit entries and chains the entries already there, oldest first,
so that an archive made before the chain existed verifies cleanly after the upgrade.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
    # The chain is computed by the same function the application uses to verify it.
    from sillok.archive.audit import compute_hash
    from sillok.db.types import UTCDateTime

    entries = sa.table(
        "audit_entries",
        sa.column("id", sa.Integer), sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String), sa.column("action", sa.String),
        sa.column("record_type", sa.String), sa.column("record_id", sa.Integer),
        sa.column("before", sa.JSON), sa.column("after", sa.JSON),
        sa.column("reason", sa.Text), sa.column("prev_hash", sa.String),
        sa.column("entry_hash", sa.String),
    )
    conn = op.get_bind()
    prev = ""
    for row in conn.execute(sa.select(entries).order_by(entries.c.id)).mappings():
        digest = compute_hash(
            at=row["at"], actor=row["actor"], action=row["action"],
            record_type=row["record_type"], record_id=row["record_id"], before=row["before"],
            after=row["after"], reason=row["reason"], prev_hash=prev,
        )
        conn.execute(
            entries.update().where(entries.c.id == row["id"]).values(prev_hash=prev,
                                                                     entry_hash=digest)
        )
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
