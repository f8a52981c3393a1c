"""at rest: keys of encrypted protected details, birth dates as text, redaction marks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import sillok.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('at_rest_keys',
    sa.Column('key_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('check_value', sa.Text(), nullable=False),
    sa.Column('created_at', sillok.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sillok.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('current', 'retired')", name=op.f('ck_at_rest_keys_status')),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_at_rest_keys'))
    )
    op.create_table('redaction_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sillok.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('start_offset >= 0 AND end_offset > start_offset',
                       name=op.f('ck_redaction_marks_offsets')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'],
                            name=op.f('fk_redaction_marks_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_marks'))
    )
    with op.batch_alter_table('redaction_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_marks_source_id'), ['source_id'],
                              unique=False)
    # An encrypted birth date is text; plaintext dates keep their YYYY-MM-DD form as text.
    with op.batch_alter_table('person_protected', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Date(), type_=sa.Text(),
                              existing_nullable=True,
                              postgresql_using="to_char(birth_date, 'YYYY-MM-DD')")


def downgrade() -> None:
    # Only an archive without encrypted birth dates can go back (run 'sillok keys' off first).
    with op.batch_alter_table('person_protected', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Text(), type_=sa.Date(),
                              existing_nullable=True, postgresql_using="birth_date::date")
    with op.batch_alter_table('redaction_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_marks_source_id'))
    op.drop_table('redaction_marks')
    op.drop_table('at_rest_keys')
