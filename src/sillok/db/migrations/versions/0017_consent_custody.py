"""consent and chain of custody: two append-only ledgers

A witness's consent (publication, use of the name, sharing with partners, statistics) and a
source's chain of custody (who received it, how, transfers and copies) are kept as entries that
are only ever added (issue 24, docs/evidence.md). The database itself refuses UPDATE and DELETE
of them, so that a withdrawal or a correction is a new entry and the history stays whole.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

from sillok.db.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = ("consent_entries", "custody_entries")


def upgrade() -> None:
    op.create_table(
        "consent_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("subject_type IN ('source', 'person')",
                           name=op.f("ck_consent_entries_subject_type")),
        sa.CheckConstraint("scope IN ('publication', 'name', 'partners', 'statistics')",
                           name=op.f("ck_consent_entries_scope")),
        sa.CheckConstraint("decision IN ('given', 'refused', 'withdrawn')",
                           name=op.f("ck_consent_entries_decision")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_entries")),
    )
    op.create_index("ix_consent_entries_subject", "consent_entries",
                    ["subject_type", "subject_id"])
    op.create_table(
        "custody_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("from_party", sa.Text(), nullable=False),
        sa.Column("to_party", sa.Text(), nullable=False),
        sa.Column("happened_at", UTCDateTime(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("action IN ('received', 'transferred', 'copied', 'returned', "
                           "'destroyed', 'other')", name=op.f("ck_custody_entries_action")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_custody_entries_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_entries")),
    )
    op.create_index(op.f("ix_custody_entries_source_id"), "custody_entries", ["source_id"])
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for when in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{when.lower()} BEFORE {when} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END")
        return
    op.execute("CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS "
               "$$ BEGIN RAISE EXCEPTION '% are append-only', TG_TABLE_NAME; END $$")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION append_only()")
    op.drop_index(op.f("ix_custody_entries_source_id"), "custody_entries")
    op.drop_table("custody_entries")
    op.drop_index("ix_consent_entries_subject", "consent_entries")
    op.drop_table("consent_entries")
