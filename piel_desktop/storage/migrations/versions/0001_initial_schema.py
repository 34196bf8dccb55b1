"""Initial schema: replica, multilingual texts, body, instruments and clauses, meetings,
outcomes, organisations, reports with achievements, consultations.

Timestamps are ISO 8601 text (storage.models.UTCDateTime); this file spells them as
String(32) so that it never depends on today's models.

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('replica',
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_local', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replica'))
    )
    op.create_table('text',
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_text_changed_by_replica')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text'))
    )
    op.create_table('body',
    sa.Column('name_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('acronym_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['acronym_id'], ['text.id'], name=op.f('fk_body_acronym_id_text')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_body_changed_by_replica')),
    sa.ForeignKeyConstraint(['name_id'], ['text.id'], name=op.f('fk_body_name_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body'))
    )
    op.create_table('organisation',
    sa.Column('name_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('acronym_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('former_name', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['acronym_id'], ['text.id'], name=op.f('fk_organisation_acronym_id_text')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_organisation_changed_by_replica')),
    sa.ForeignKeyConstraint(['name_id'], ['text.id'], name=op.f('fk_organisation_name_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('outcome',
    sa.Column('parent_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.Enum('recommendation', 'agreement', 'decision', 'request', 'proposal', 'discussion', name='outcomekind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'agreed', 'in_progress', 'implemented', 'superseded', name='outcomestatus', native_enum=False, length=32), nullable=False),
    sa.Column('addressee', sa.String(length=64), nullable=True),
    sa.Column('text_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_outcome_changed_by_replica')),
    sa.ForeignKeyConstraint(['parent_id'], ['outcome.id'], name=op.f('fk_outcome_parent_id_outcome'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['text.id'], name=op.f('fk_outcome_text_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome'))
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_parent_id'), ['parent_id'], unique=False)

    op.create_table('text_version',
    sa.Column('text_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('original', 'official', 'working', name='translationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.CheckConstraint("lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')", name=op.f('ck_text_version_lang')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_text_version_changed_by_replica')),
    sa.ForeignKeyConstraint(['text_id'], ['text.id'], name=op.f('fk_text_version_text_id_text'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_version')),
    sa.UniqueConstraint('text_id', 'lang', name=op.f('uq_text_version_text_id'))
    )
    with op.batch_alter_table('text_version', schema=None) as batch_op:
        batch_op.create_index('ix_text_version_one_original', ['text_id'], unique=True, sqlite_where=sa.text("status = 'original'"), postgresql_where=sa.text("status = 'original'"))

    op.create_table('consultation',
    sa.Column('body_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('topic_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('audience', sa.String(length=32), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('languages', sa.String(length=64), nullable=True),
    sa.Column('results_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('outcome_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_consultation_body_id_body')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_consultation_changed_by_replica')),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_consultation_outcome_id_outcome'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['results_id'], ['text.id'], name=op.f('fk_consultation_results_id_text')),
    sa.ForeignKeyConstraint(['topic_id'], ['text.id'], name=op.f('fk_consultation_topic_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation'))
    )
    op.create_table('instrument',
    sa.Column('body_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('issuer', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('adopted_year', sa.Integer(), nullable=True),
    sa.Column('revised_year', sa.Integer(), nullable=True),
    sa.Column('citation_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_instrument_body_id_body')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_instrument_changed_by_replica')),
    sa.ForeignKeyConstraint(['citation_id'], ['text.id'], name=op.f('fk_instrument_citation_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument'))
    )
    op.create_table('meeting',
    sa.Column('body_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('venue_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('chair', sa.String(length=200), nullable=True),
    sa.Column('format', sa.String(length=32), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_meeting_body_id_body')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_meeting_changed_by_replica')),
    sa.ForeignKeyConstraint(['venue_id'], ['text.id'], name=op.f('fk_meeting_venue_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('body_id', 'number', name=op.f('uq_meeting_body_id'))
    )
    op.create_table('outcome_organisation',
    sa.Column('outcome_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('organisation_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_outcome_organisation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_outcome_organisation_outcome_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'organisation_id', name=op.f('pk_outcome_organisation'))
    )
    op.create_table('report',
    sa.Column('body_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('symbol', sa.String(length=64), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('session_year', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('summary_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('action_requested_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['action_requested_id'], ['text.id'], name=op.f('fk_report_action_requested_id_text')),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_report_body_id_body')),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_report_changed_by_replica')),
    sa.ForeignKeyConstraint(['summary_id'], ['text.id'], name=op.f('fk_report_summary_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report'))
    )
    op.create_table('achievement',
    sa.Column('report_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('text_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_achievement_changed_by_replica')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_achievement_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['text.id'], name=op.f('fk_achievement_text_id_text')),
    sa.ForeignKeyConstraint(['title_id'], ['text.id'], name=op.f('fk_achievement_title_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement'))
    )
    op.create_table('clause',
    sa.Column('instrument_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('parent_id', sa.Uuid(native_uuid=False), nullable=True),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f('fk_clause_changed_by_replica')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_clause_instrument_id_instrument'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['clause.id'], name=op.f('fk_clause_parent_id_clause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['text.id'], name=op.f('fk_clause_text_id_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clause'))
    )
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clause_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('meeting_outcome',
    sa.Column('meeting_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('outcome_id', sa.Uuid(native_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_outcome_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_meeting_outcome_outcome_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'outcome_id', name=op.f('pk_meeting_outcome'))
    )
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_outcome_outcome_id'), ['outcome_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_outcome_id'))

    op.drop_table('meeting_outcome')
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_instrument_id'))

    op.drop_table('clause')
    op.drop_table('achievement')
    op.drop_table('report')
    op.drop_table('outcome_organisation')
    op.drop_table('meeting')
    op.drop_table('instrument')
    op.drop_table('consultation')
    with op.batch_alter_table('text_version', schema=None) as batch_op:
        batch_op.drop_index('ix_text_version_one_original', sqlite_where=sa.text("status = 'original'"), postgresql_where=sa.text("status = 'original'"))

    op.drop_table('text_version')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_parent_id'))

    op.drop_table('outcome')
    op.drop_table('organisation')
    op.drop_table('body')
    op.drop_table('text')
    op.drop_table('replica')
