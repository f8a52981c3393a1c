"""protection_changes: a counter of changes to persons, their names and protected details

The masker (security/redact.py) checks before every public search and page whether the
people it protects may have changed. That check counted persons and names: two passes over
60,000 persons and their names at NKDB scale, half the time of a page served from kept
answers. Triggers now count every change to the three tables — made through the archive's
services or not — in one row, read by its key. On PostgreSQL the row is written in the
changing transaction, so a reader never sees the new count before the change itself.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("persons", "person_names", "person_protected")
BUMP = "UPDATE protection_changes SET counter = counter + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "protection_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_changes")),
    )
    op.execute("INSERT INTO protection_changes (id, counter) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for when in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_protection_{when.lower()} AFTER {when} "
                           f"ON {table} BEGIN {BUMP}; END")
        return
    # Once per statement, not per row: a bulk import takes the row's lock once.
    op.execute("CREATE FUNCTION protection_changed() RETURNS trigger LANGUAGE plpgsql AS "
               f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_protection AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION protection_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for when in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_protection_{when}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_protection ON {table}")
        op.execute("DROP FUNCTION protection_changed()")
    op.drop_table("protection_changes")
