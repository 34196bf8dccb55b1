"""Sync between offices: field clocks on content rows, change-tracking triggers,
tombstones, conflicts, changesets, office keys and the import log; an index of
outcomes by text.

Existing rows are stamped with one changeset of the local replica. Text version ids
become ``uuid5(text_id, lang)`` so that two offices adding the same language version
of a text make the same record.

Revision ID: 0002
Revises: 0001
"""

import json
import time
import uuid

import sqlalchemy as sa
from alembic import op

from piel_desktop.storage.migrations.tracking import track_tables

#: 64-bit on PostgreSQL (a clock is milliseconds << 16); on SQLite the same INTEGER
#: as when this migration was first written, so no file's schema differs.
WIDE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

CONTENT_TABLES = (
    "text", "text_version", "body", "instrument", "clause", "meeting", "outcome",
    "meeting_outcome", "organisation", "outcome_organisation", "report", "achievement",
    "consultation",
)


def upgrade() -> None:
    for table in CONTENT_TABLES:
        op.add_column(table, sa.Column('sync_clock', sa.Text(), nullable=True))
    op.add_column('replica', sa.Column('covered', WIDE, nullable=True))
    op.add_column('replica', sa.Column('public_key', sa.String(length=64), nullable=True))
    op.add_column('replica', sa.Column('private_key', sa.String(length=64), nullable=True))
    op.add_column('replica', sa.Column('peer_seen', sa.Text(), nullable=True))
    op.create_table('conflict',
    sa.Column('id', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('tbl', sa.String(length=32), nullable=False),
    sa.Column('row_key', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('stamp', sa.String(length=49), nullable=False),
    sa.Column('sync_clock', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict'))
    )
    op.create_index('ix_conflict_row', 'conflict', ['tbl', 'row_key'], unique=False)
    # What a text belongs to is looked up by the text (previews of imports).
    op.create_index('ix_outcome_text_id', 'outcome', ['text_id'], unique=False)
    op.create_table('tombstone',
    sa.Column('tbl', sa.String(length=32), nullable=False),
    sa.Column('row_key', sa.Text(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('sync_clock', sa.Text(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('tbl', 'row_key', name=op.f('pk_tombstone'))
    )
    op.create_table('changeset',
    sa.Column('stamp', sa.String(length=49), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('stamp', name=op.f('pk_changeset'))
    )
    op.create_table('sync_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=49), nullable=True),
    sa.Column('applying', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_state'))
    )
    op.create_table('import_log',
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('producer', sa.Uuid(native_uuid=False), nullable=False),
    sa.Column('applied_at', sa.String(length=32), nullable=False),
    sa.Column('backup', sa.Text(), nullable=True),
    sa.Column('last_stamp', sa.String(length=49), nullable=True),
    sa.Column('receipt', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('package_id', name=op.f('pk_import_log'))
    )
    connection = op.get_bind()
    run = connection.exec_driver_sql
    run("INSERT INTO sync_state (id, stamp, applying) VALUES (1, NULL, 0)")
    for row_id, text_id, lang in run("SELECT id, text_id, lang FROM text_version").fetchall():
        run("UPDATE text_version SET id = ? WHERE id = ?",
            (uuid.uuid5(uuid.UUID(text_id), lang).hex, row_id))
    _stamp_existing_rows(run)
    track_tables(connection, CONTENT_TABLES)


def _stamp_existing_rows(run) -> None:
    if not any(run(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in CONTENT_TABLES):
        return
    local = run("SELECT id FROM replica WHERE is_local = 1").fetchone()
    if local is None:
        return  # cannot happen: the archive makes its replica before any record
    replica = local[0]
    hlc = int(time.time() * 1000) << 16
    stamp = f"{hlc:016x}.{replica}"
    run("INSERT INTO changeset (stamp, context) VALUES (?, ?)", (stamp, json.dumps({replica: hlc})))
    run("UPDATE replica SET covered = ? WHERE id = ?", (hlc, replica))
    for table in CONTENT_TABLES:
        run(f'UPDATE "{table}" SET sync_clock = json_object(\'*\', ?)', (stamp,))


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
