"""who a source's information comes from: witness, publisher, and the source it restates

Corroboration (issue 20, docs/corroboration.md) counts the independent sources of an act:
different witnesses, different organisations, and not a restatement of another source. A
source now says who its witness is (a person record or a witness key the organisation keeps),
who recorded or published it, and which source it is based on.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, no default): SQLite keeps the table and its triggers. SQLite
    # takes a reference inside ADD COLUMN but no ALTER … ADD CONSTRAINT.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column, target in (("witness_id", "persons"), ("based_on_id", "sources")):
        if sqlite:
            op.execute(f"ALTER TABLE sources ADD COLUMN {column} INTEGER "
                       f"REFERENCES {target} (id)")
        else:
            op.add_column("sources", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_sources_{column}_{target}", "sources", target,
                                  [column], ["id"])
    op.add_column("sources", sa.Column("witness_key", sa.String(80), nullable=True))
    op.add_column("sources", sa.Column("publisher", sa.String(200), nullable=True))
    op.create_index("ix_sources_witness_id", "sources", ["witness_id"])
    op.create_index("ix_sources_based_on_id", "sources", ["based_on_id"])


def downgrade() -> None:
    op.drop_index("ix_sources_based_on_id", "sources")
    op.drop_index("ix_sources_witness_id", "sources")
    with op.batch_alter_table("sources") as batch:
        for column in ("based_on_id", "publisher", "witness_key", "witness_id"):
            batch.drop_column(column)
