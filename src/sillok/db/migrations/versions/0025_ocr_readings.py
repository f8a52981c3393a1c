"""ocr_readings: each page's OCR with its settings, word confidences and mean; corrections

OCR that says how sure it is (issue 23, point 3): every page read by OCR keeps its text, how it
was read (engine, page segmentation mode, pre-processing), each word's offsets and confidence
and their mean, which staff see on the source's page. Reading a page again or typing a
corrected text adds a reading; none is changed or removed, so the OCR output stays in history.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TABLE = "ocr_readings"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("engine", sa.String(length=120), nullable=True),
        sa.Column("psm", sa.Integer(), nullable=True),
        sa.Column("preprocess", sa.JSON(), nullable=False),
        sa.Column("mean_confidence", sa.Float(), nullable=True),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sillok.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('ocr', 'correction')", name=op.f("ck_ocr_readings_kind")),
        sa.CheckConstraint("page >= 1", name=op.f("ck_ocr_readings_page")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_ocr_readings_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocr_readings")),
    )
    op.create_index("ix_ocr_readings_source_page", TABLE, ["source_id", "page"])


def downgrade() -> None:
    op.drop_index("ix_ocr_readings_source_page", table_name=TABLE)
    op.drop_table(TABLE)
