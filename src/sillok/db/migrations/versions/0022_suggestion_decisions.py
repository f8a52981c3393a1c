"""a suggestion's decision: who, when, why, and what it made

Suggestions are reviewed in a queue (issue 18): an accept says whether it created its record or
linked an existing one and which evidence link it made (so it can be undone), a dismissal keeps
its reason. One evidence link belongs to at most one suggestion (unique). A second accept
cannot make a second record: the accept first claims the suggestion with one conditional
``UPDATE … WHERE status = 'open'``, which the database lets only one transaction through.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""
import sqlalchemy as sa
import sillok.db.types
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("decided_by", sa.String(120), nullable=True))
        batch.add_column(sa.Column("decided_at", sillok.db.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("created_record", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("evidence_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f("uq_suggestions_evidence_id"), ["evidence_id"])


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_constraint(op.f("uq_suggestions_evidence_id"), type_="unique")
        for column in ("evidence_id", "created_record", "reason", "decided_at", "decided_by"):
            batch.drop_column(column)
