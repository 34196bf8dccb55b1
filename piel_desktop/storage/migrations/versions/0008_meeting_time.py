"""A meeting's start time and its IANA time zone (local wall time as entered; the UTC
instant is derived, domain/meeting_time.py); the meeting's sync triggers made again so
the new fields travel in packages with their own field clocks.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from piel_desktop.storage.migrations.tracking import track_tables

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('meeting', sa.Column('start_time', sa.String(length=5), nullable=True))
    op.add_column('meeting', sa.Column('time_zone', sa.String(length=64), nullable=True))
    track_tables(op.get_bind(), ("meeting",))


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
