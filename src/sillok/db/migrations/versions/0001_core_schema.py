"""core schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_record', ['record_type', 'record_id'], unique=False)

    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('events',
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=True),
    sa.Column('date_estimate', sa.Boolean(), nullable=False),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_events_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_date_start'), ['date_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_level'), ['level'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name=op.f('ck_jobs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_table('places',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('iso_code', sa.String(length=12), nullable=True),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_ko', sa.String(length=200), nullable=False),
    sa.Column('facility_type', sa.String(length=80), nullable=True),
    sa.Column('agency', sa.String(length=80), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_places_level')),
    sa.ForeignKeyConstraint(['parent_id'], ['places.id'], name=op.f('fk_places_parent_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('code', name=op.f('uq_places_code'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_level'), ['level'], unique=False)

    op.create_table('series',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_ko', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_series_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('code', name=op.f('uq_series_code'))
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_level'), ['level'], unique=False)

    op.create_table('terms',
    sa.Column('vocabulary', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('parent_code', sa.String(length=80), nullable=True),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('label_ko', sa.String(length=200), nullable=False),
    sa.Column('synonyms_en', sa.JSON(), nullable=False),
    sa.Column('synonyms_ko', sa.JSON(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('description_ko', sa.Text(), nullable=True),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_terms_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('vocabulary', 'code', name=op.f('uq_terms_vocabulary'))
    )
    with op.batch_alter_table('terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_terms_vocabulary'), ['vocabulary'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('viewer', 'editor', 'analyst', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('event_places',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_places_event_id_events')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_event_places_place_id_places')),
    sa.PrimaryKeyConstraint('event_id', 'place_id', name=op.f('pk_event_places'))
    )
    with op.batch_alter_table('event_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_places_place_id'), ['place_id'], unique=False)

    op.create_table('observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('breakdown', sa.String(length=120), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_observations_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
    sa.UniqueConstraint('series_id', 'period', 'breakdown', name=op.f('uq_observations_series_id'))
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observations_series_id'), ['series_id'], unique=False)

    op.create_table('persons',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('birth_year_estimate', sa.Boolean(), nullable=False),
    sa.Column('origin_place_id', sa.Integer(), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_persons_level')),
    sa.ForeignKeyConstraint(['origin_place_id'], ['places.id'], name=op.f('fk_persons_origin_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_level'), ['level'], unique=False)

    op.create_table('place_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('system', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_place_names_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_names'))
    )
    with op.batch_alter_table('place_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_names_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_names_place_id'), ['place_id'], unique=False)

    op.create_table('sources',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('origin', sa.Text(), nullable=True),
    sa.Column('reliability', sa.String(length=40), nullable=True),
    sa.Column('published_start', sa.Date(), nullable=True),
    sa.Column('published_end', sa.Date(), nullable=True),
    sa.Column('published_precision', sa.String(length=8), nullable=True),
    sa.Column('published_estimate', sa.Boolean(), nullable=False),
    sa.Column('recorded_start', sa.Date(), nullable=True),
    sa.Column('recorded_end', sa.Date(), nullable=True),
    sa.Column('recorded_precision', sa.String(length=8), nullable=True),
    sa.Column('recorded_estimate', sa.Boolean(), nullable=False),
    sa.Column('original_filename', sa.Text(), nullable=True),
    sa.Column('media_type', sa.String(length=120), nullable=True),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('pages', sa.JSON(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('ingested_by', sa.String(length=120), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_sources_level')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_sources_blob_sha256_blobs')),
    sa.ForeignKeyConstraint(['parent_id'], ['sources.id'], name=op.f('fk_sources_parent_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_published_start'), ['published_start'], unique=False)

    op.create_table('acts',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('act_type', sa.String(length=80), nullable=False),
    sa.Column('victim_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('victim_status', sa.String(length=40), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=True),
    sa.Column('date_estimate', sa.Boolean(), nullable=False),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_acts_level')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_acts_event_id_events')),
    sa.ForeignKeyConstraint(['facility_id'], ['places.id'], name=op.f('fk_acts_facility_id_places')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_acts_place_id_places')),
    sa.ForeignKeyConstraint(['victim_id'], ['persons.id'], name=op.f('fk_acts_victim_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acts'))
    )
    with op.batch_alter_table('acts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acts_act_type'), ['act_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_acts_date_start'), ['date_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_acts_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acts_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_acts_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acts_victim_id'), ['victim_id'], unique=False)

    op.create_table('evidence',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('connection', sa.String(length=40), nullable=True),
    sa.Column('reliability', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_evidence_level')),
    sa.CheckConstraint('start_offset >= 0 AND end_offset > start_offset', name=op.f('ck_evidence_offsets')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_evidence_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_level'), ['level'], unique=False)
        batch_op.create_index('ix_evidence_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_source_id'), ['source_id'], unique=False)

    op.create_table('person_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('system', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_names_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_names'))
    )
    with op.batch_alter_table('person_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_names_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_names_person_id'), ['person_id'], unique=False)

    op.create_table('person_protected',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('real_name', sa.Text(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('home_village', sa.Text(), nullable=True),
    sa.Column('family', sa.Text(), nullable=True),
    sa.Column('contacts', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_protected_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_protected'))
    )
    op.create_table('involvements',
    sa.Column('act_id', sa.Integer(), nullable=False),
    sa.Column('perpetrator_id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=80), nullable=True),
    sa.Column('degree', sa.String(length=40), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sa.String(length=120), nullable=True),
    sa.Column('retraction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('public', 'internal', 'restricted')", name=op.f('ck_involvements_level')),
    sa.ForeignKeyConstraint(['act_id'], ['acts.id'], name=op.f('fk_involvements_act_id_acts')),
    sa.ForeignKeyConstraint(['perpetrator_id'], ['persons.id'], name=op.f('fk_involvements_perpetrator_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvements'))
    )
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvements_act_id'), ['act_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_perpetrator_id'), ['perpetrator_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvements_perpetrator_id'))
        batch_op.drop_index(batch_op.f('ix_involvements_level'))
        batch_op.drop_index(batch_op.f('ix_involvements_act_id'))

    op.drop_table('involvements')
    op.drop_table('person_protected')
    with op.batch_alter_table('person_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_names_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_names_name'))

    op.drop_table('person_names')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_source_id'))
        batch_op.drop_index('ix_evidence_record')
        batch_op.drop_index(batch_op.f('ix_evidence_level'))

    op.drop_table('evidence')
    with op.batch_alter_table('acts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acts_victim_id'))
        batch_op.drop_index(batch_op.f('ix_acts_place_id'))
        batch_op.drop_index(batch_op.f('ix_acts_level'))
        batch_op.drop_index(batch_op.f('ix_acts_event_id'))
        batch_op.drop_index(batch_op.f('ix_acts_date_start'))
        batch_op.drop_index(batch_op.f('ix_acts_act_type'))

    op.drop_table('acts')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_published_start'))
        batch_op.drop_index(batch_op.f('ix_sources_level'))
        batch_op.drop_index(batch_op.f('ix_sources_kind'))
        batch_op.drop_index(batch_op.f('ix_sources_blob_sha256'))

    op.drop_table('sources')
    with op.batch_alter_table('place_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_names_place_id'))
        batch_op.drop_index(batch_op.f('ix_place_names_name'))

    op.drop_table('place_names')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_level'))

    op.drop_table('persons')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_series_id'))

    op.drop_table('observations')
    with op.batch_alter_table('event_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_places_place_id'))

    op.drop_table('event_places')
    op.drop_table('users')
    with op.batch_alter_table('terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_vocabulary'))
        batch_op.drop_index(batch_op.f('ix_terms_level'))

    op.drop_table('terms')
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_level'))

    op.drop_table('series')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_places_level'))

    op.drop_table('places')
    op.drop_table('jobs')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_level'))
        batch_op.drop_index(batch_op.f('ix_events_date_start'))

    op.drop_table('events')
    op.drop_table('blobs')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_record')

    op.drop_table('audit_entries')
    
