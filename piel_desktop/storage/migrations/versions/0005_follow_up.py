"""Follow-up of outcomes: an outcome's due date, and dated follow-up notes with the
documents they give as evidence; the sync triggers of the new tables, and the
outcome's triggers made again for its new column.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from piel_desktop.storage.migrations.tracking import track_tables

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: Tables whose sync triggers this migration (re)creates.
TRACKED = ("outcome", "follow_up_note", "follow_up_document")


def upgrade() -> None:
    op.add_column('outcome', sa.Column('due_date', sa.Date(), nullable=True))
    op.create_table('follow_up_note',
        sa.Column('outcome_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum('proposed', 'agreed', 'in_progress', 'implemented', 'superseded',
                                    'withdrawn', name='outcomestatus', native_enum=False,
                                    create_constraint=False, length=32), nullable=True),
        sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('created_at', sa.String(length=32), nullable=False),
        sa.Column('updated_at', sa.String(length=32), nullable=False),
        sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['changed_by'], ['replica.id'],
                                name=op.f('fk_follow_up_note_changed_by_replica')),
        sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_note_outcome_id_outcome')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_note')))
    op.create_index(op.f('ix_follow_up_note_outcome_id'), 'follow_up_note', ['outcome_id'], unique=False)
    op.create_table('follow_up_document',
        sa.Column('note_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('document_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_document_document_id_document')),
        sa.ForeignKeyConstraint(['note_id'], ['follow_up_note.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_document_note_id_follow_up_note')),
        sa.PrimaryKeyConstraint('note_id', 'document_id', name=op.f('pk_follow_up_document')))
    op.create_index(op.f('ix_follow_up_document_document_id'), 'follow_up_document', ['document_id'],
                    unique=False)
    track_tables(op.get_bind(), TRACKED)


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
