"""jobs: a lease, an owner and a count of attempts, so that queued work survives a crash

Re-reading a page by OCR takes seconds to minutes, so it became a job (issue 23): the request
only writes the job row, and a worker (a thread of the server, or ``sillok jobs run``) claims
it. A job a worker claimed is held until ``lease_until``; a worker killed mid-job leaves its
lease to run out, and then another worker claims the job again (``attempts`` counts the claims,
so a job that kills every worker that takes it is given up). ``claimed_by`` names the claim, so
that only the worker holding it may write the job's result. ``source_id`` says which source a
job works on, so that the source's page can show its jobs.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (a server default for the NOT NULL one): SQLite keeps the table.
    op.add_column("jobs", sa.Column("attempts", sa.Integer(), nullable=False,
                                    server_default="0"))
    op.add_column("jobs", sa.Column("lease_until", sillok.db.types.UTCDateTime(timezone=True),
                                    nullable=True))
    op.add_column("jobs", sa.Column("claimed_by", sa.String(length=120), nullable=True))
    op.add_column("jobs", sa.Column("source_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_jobs_source_id"), "jobs", ["source_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_source_id"), table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("source_id")
        batch.drop_column("claimed_by")
        batch.drop_column("lease_until")
        batch.drop_column("attempts")
