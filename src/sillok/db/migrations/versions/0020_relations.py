"""relations between persons: parent, child, sibling, spouse, witness of, other

Issue 18 point 6: a person's page shows the family and other relations a testimony names.
A relation is a record like the others (level, audit, retraction, version); its kinds are
the vocabulary relation_kind, seeded by ``sillok init``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relations",
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_by", sa.String(length=120), nullable=True),
        sa.Column("retraction_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.CheckConstraint("level IN ('public', 'internal', 'restricted')",
                           name=op.f("ck_relations_level")),
        sa.CheckConstraint("person_a_id <> person_b_id", name=op.f("ck_relations_two_persons")),
        sa.ForeignKeyConstraint(["person_a_id"], ["persons.id"],
                                name=op.f("fk_relations_person_a_id_persons")),
        sa.ForeignKeyConstraint(["person_b_id"], ["persons.id"],
                                name=op.f("fk_relations_person_b_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations")),
    )
    with op.batch_alter_table("relations") as batch:
        batch.create_index(batch.f("ix_relations_level"), ["level"], unique=False)
        batch.create_index(batch.f("ix_relations_person_a_id"), ["person_a_id"], unique=False)
        batch.create_index(batch.f("ix_relations_person_b_id"), ["person_b_id"], unique=False)


def downgrade() -> None:
    op.drop_table("relations")
