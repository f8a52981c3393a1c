"""ingest: near-duplicate links, MinHash bands and suggestions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_bands',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_bands_source_id_sources')),
    sa.PrimaryKeyConstraint('source_id', 'band', name=op.f('pk_source_bands'))
    )
    with op.batch_alter_table('source_bands', schema=None) as batch_op:
        batch_op.create_index('ix_source_bands_bucket', ['band', 'bucket'], unique=False)

    op.create_table('source_signatures',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_signatures_source_id_sources')),
    sa.PrimaryKeyConstraint('source_id', name=op.f('pk_source_signatures'))
    )
    op.create_table('source_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=30), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sillok.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'confirmed', 'dismissed')", name=op.f('ck_source_links_status')),
    sa.ForeignKeyConstraint(['other_id'], ['sources.id'], name=op.f('fk_source_links_other_id_sources')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_links_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_links')),
    sa.UniqueConstraint('source_id', 'other_id', 'relation', name=op.f('uq_source_links_source_id'))
    )
    with op.batch_alter_table('source_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_links_other_id'), ['other_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_links_source_id'), ['source_id'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sillok.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'accepted', 'dismissed')", name=op.f('ck_suggestions_status')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_suggestions_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_source_id'))

    op.drop_table('suggestions')
    with op.batch_alter_table('source_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_links_source_id'))
        batch_op.drop_index(batch_op.f('ix_source_links_other_id'))

    op.drop_table('source_links')
    op.drop_table('source_signatures')
    with op.batch_alter_table('source_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_source_bands_bucket')

    op.drop_table('source_bands')
