"""withheld_citations: a public record citing a source the public may not read

When an editor publishes a record that rests on an internal or restricted source, they may
choose to cite that source as a *withheld source* (issue 18 point 5): the public sees that the
record rests on a source it cannot read, and nothing about the source. The evidence itself
keeps its level (every way out keeps hiding it); this row only says that the record's public
page may show "a withheld source" in its place.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

TABLE = "withheld_citations"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_withheld_citations_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withheld_citations")),
        sa.UniqueConstraint("record_type", "record_id", "source_id",
                            name="uq_withheld_citations_citation"),
    )
    op.create_index(op.f("ix_withheld_citations_source_id"), TABLE, ["source_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_withheld_citations_source_id"), table_name=TABLE)
    op.drop_table(TABLE)
