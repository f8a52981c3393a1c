"""linkage_decisions: an editor's "not the same" or "unsure" on a proposed pair; act merges

The review queue (issue 20) shows the pairs of persons, and of acts, that linkage takes for
one; a merge is kept on the record itself (0015). A pair an editor says is not the same is
kept here so that it is not proposed again; one they are unsure of stays in the queue, after
the pairs nobody has looked at. An act coded twice (from two sources) is merged as a person
is: the merged act points at the act it is merged into and keeps its evidence.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLE = "linkage_decisions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=10), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("record_type IN ('person', 'act')",
                           name=op.f("ck_linkage_decisions_record_type")),
        sa.CheckConstraint("decision IN ('different', 'unsure')",
                           name=op.f("ck_linkage_decisions_decision")),
        sa.CheckConstraint("a_id < b_id", name=op.f("ck_linkage_decisions_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_decisions")),
        sa.UniqueConstraint("record_type", "a_id", "b_id", name="uq_linkage_decisions_pair"),
    )
    op.create_index(op.f("ix_linkage_decisions_b_id"), TABLE, ["b_id"])
    # As persons.merged_into_id (0015): a plain ADD COLUMN on both backends.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE acts ADD COLUMN merged_into_id INTEGER "
                   "CONSTRAINT fk_acts_merged_into REFERENCES acts (id)")
    else:
        op.add_column("acts", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_acts_merged_into", "acts", "acts", ["merged_into_id"], ["id"])
    op.create_index("ix_acts_merged_into_id", "acts", ["merged_into_id"])


def downgrade() -> None:
    op.drop_index("ix_acts_merged_into_id", "acts")
    with op.batch_alter_table("acts") as batch:
        batch.drop_column("merged_into_id")
    op.drop_index(op.f("ix_linkage_decisions_b_id"), table_name=TABLE)
    op.drop_table(TABLE)
