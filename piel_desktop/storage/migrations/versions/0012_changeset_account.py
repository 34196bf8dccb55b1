"""Who made each change (issue 15): a changeset records the database account that
wrote it on an HQ archive (``changeset.account``; empty on a file, which has one
user), shown beside the office in the detail pane, the trash and the conflicts.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('changeset', sa.Column('account', sa.String(length=63), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
