"""Indexes for the follow-up tracker's organisation filter: the outcomes linked to an
organisation, and the outcomes addressed to it (addressee compared case aside), so the
filter reads the few matching outcomes instead of walking every meeting.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_outcome_organisation_organisation_id'), 'outcome_organisation',
                    ['organisation_id'], unique=False)
    # Case aside: SQLite's NOCASE collation; PostgreSQL has none of that name, lower() serves.
    case_aside = 'addressee COLLATE NOCASE' if op.get_bind().dialect.name == "sqlite" else 'lower(addressee)'
    op.create_index('ix_outcome_addressee', 'outcome', [sa.text(case_aside)], unique=False)


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
