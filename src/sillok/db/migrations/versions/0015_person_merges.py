"""person merges: a person record may stand merged into another

Person linkage (issue 20) finds records of one person; an editor merges them. The merged
record is kept whole — its names, acts, evidence and history — and only points at the record
it is merged into, so that an unmerge is one column set back. Statistics count a person and
the records merged into it once.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends (the persons table is not copied: other tables'
    # keys and triggers stay as they are). SQLite takes the key only written inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE persons ADD COLUMN merged_into_id INTEGER "
                   "CONSTRAINT fk_persons_merged_into REFERENCES persons (id)")
    else:
        op.add_column("persons", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_persons_merged_into", "persons", "persons",
                              ["merged_into_id"], ["id"])
    op.create_index("ix_persons_merged_into_id", "persons", ["merged_into_id"])


def downgrade() -> None:
    op.drop_index("ix_persons_merged_into_id", "persons")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("merged_into_id")
