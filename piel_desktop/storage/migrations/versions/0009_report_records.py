"""The report to Council as records (issue 16): a report's title, references, agenda
item and original language; the meetings it covers; its introduction paragraphs and
the mandate clauses each quotes. The sync triggers of the new tables, and the report's
made again for its new columns.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from piel_desktop.storage.migrations.tracking import track_tables

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: Tables whose sync triggers this migration (re)creates.
TRACKED = ("report", "report_meeting", "report_paragraph", "report_quote")



def _record_columns():
    return [sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
            sa.Column('created_at', sa.String(length=32), nullable=False),
            sa.Column('updated_at', sa.String(length=32), nullable=False),
            sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
            sa.Column('sync_clock', sa.Text(), nullable=True)]


def upgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.add_column(sa.Column('title_id', sa.Uuid(native_uuid=False), nullable=True))
        batch.add_column(sa.Column('references_id', sa.Uuid(native_uuid=False), nullable=True))
        batch.add_column(sa.Column('agenda_item', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('original_language', sa.String(length=8), nullable=True))
        batch.create_foreign_key(op.f('fk_report_title_id_text'), 'text', ['title_id'], ['id'])
        batch.create_foreign_key(op.f('fk_report_references_id_text'), 'text', ['references_id'], ['id'])
    op.create_table('report_meeting',
        sa.Column('report_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('meeting_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE',
                                name=op.f('fk_report_meeting_meeting_id_meeting')),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='CASCADE',
                                name=op.f('fk_report_meeting_report_id_report')),
        sa.PrimaryKeyConstraint('report_id', 'meeting_id', name=op.f('pk_report_meeting')))
    op.create_index(op.f('ix_report_meeting_meeting_id'), 'report_meeting', ['meeting_id'], unique=False)
    op.create_table('report_paragraph',
        sa.Column('report_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('quote_heading_id', sa.Uuid(native_uuid=False), nullable=True),
        sa.Column('lists_achievements', sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['changed_by'], ['replica.id'],
                                name=op.f('fk_report_paragraph_changed_by_replica')),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='CASCADE',
                                name=op.f('fk_report_paragraph_report_id_report')),
        sa.ForeignKeyConstraint(['text_id'], ['text.id'], name=op.f('fk_report_paragraph_text_id_text')),
        sa.ForeignKeyConstraint(['quote_heading_id'], ['text.id'],
                                name=op.f('fk_report_paragraph_quote_heading_id_text')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_paragraph')))
    op.create_index(op.f('ix_report_paragraph_report_id'), 'report_paragraph', ['report_id'], unique=False)
    op.create_table('report_quote',
        sa.Column('paragraph_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('clause_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], ondelete='CASCADE',
                                name=op.f('fk_report_quote_clause_id_clause')),
        sa.ForeignKeyConstraint(['paragraph_id'], ['report_paragraph.id'], ondelete='CASCADE',
                                name=op.f('fk_report_quote_paragraph_id_report_paragraph')),
        sa.PrimaryKeyConstraint('paragraph_id', 'clause_id', name=op.f('pk_report_quote')))
    op.create_index(op.f('ix_report_quote_clause_id'), 'report_quote', ['clause_id'], unique=False)
    track_tables(op.get_bind(), TRACKED)


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
