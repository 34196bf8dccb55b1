"""Registries and documents: country efforts, good practices (with their documents),
documents with their files (``blob``, one row per SHA-256), and the partners of a
consultation; the sync triggers of the new tables, and the consultation's triggers
made again for its new column.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from piel_desktop.storage.migrations.tracking import track_tables

#: 64-bit on PostgreSQL (a clock is milliseconds << 16); on SQLite the same INTEGER
#: as when this migration was first written, so no file's schema differs.
WIDE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: Tables whose sync triggers this migration (re)creates.
TRACKED = ("consultation", "country_effort", "document", "practice", "practice_document")


def _record_columns():
    return [
        sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('created_at', sa.String(length=32), nullable=False),
        sa.Column('updated_at', sa.String(length=32), nullable=False),
        sa.Column('changed_by', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
    ]


def _record_constraints(table: str):
    return [
        sa.ForeignKeyConstraint(['changed_by'], ['replica.id'], name=op.f(f'fk_{table}_changed_by_replica')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.add_column('consultation', sa.Column('partners', sa.Text(), nullable=True))
    op.create_table('country_effort',
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('links', sa.Text(), nullable=True),
        sa.Column('contact', sa.String(length=300), nullable=True),
        *_record_columns(), *_record_constraints('country_effort'))
    op.create_table('blob',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', WIDE, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob')))
    op.create_table('document',
        sa.Column('symbol', sa.String(length=64), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=True),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=True),
        sa.Column('blob_sha256', sa.String(length=64), nullable=True),
        *_record_columns(), *_record_constraints('document'),
        sa.ForeignKeyConstraint(['blob_sha256'], ['blob.sha256'], name=op.f('fk_document_blob_sha256_blob')))
    op.create_index(op.f('ix_document_blob_sha256'), 'document', ['blob_sha256'], unique=False)
    op.create_table('practice',
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('organisation_id', sa.Uuid(native_uuid=False), nullable=True),
        sa.Column('summary', sa.Text(), nullable=True),
        *_record_columns(), *_record_constraints('practice'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='SET NULL',
                                name=op.f('fk_practice_organisation_id_organisation')))
    op.create_table('practice_document',
        sa.Column('practice_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('document_id', sa.Uuid(native_uuid=False), nullable=False),
        sa.Column('sync_clock', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE',
                                name=op.f('fk_practice_document_document_id_document')),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ondelete='CASCADE',
                                name=op.f('fk_practice_document_practice_id_practice')),
        sa.PrimaryKeyConstraint('practice_id', 'document_id', name=op.f('pk_practice_document')))
    op.create_index(op.f('ix_practice_document_document_id'), 'practice_document', ['document_id'],
                    unique=False)
    track_tables(op.get_bind(), TRACKED)


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
