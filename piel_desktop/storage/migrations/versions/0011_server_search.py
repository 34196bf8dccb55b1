"""Search on an HQ archive (issue 15): the PostgreSQL search index
(storage/postgres/search.py), its marking triggers, and every existing text version
indexed; the archive's roles get their rights on the new tables. Nothing changes in a
file, whose index is FTS5's (0003).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

from piel_desktop.storage.postgres import roles, search
from piel_desktop.storage.postgres.raw import RawConnection

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: The owners this migration marks texts for, as they were when it was written.
OWNERS = (
    ("outcome", "outcome", "text_id"), ("meeting", "meeting", "venue_id"),
    ("clause", "clause", "text_id"), ("instrument", "instrument", "citation_id"),
    ("body", "body", "name_id"), ("body", "body", "acronym_id"),
    ("organisation", "organisation", "name_id"), ("organisation", "organisation", "acronym_id"),
    ("report", "report", "summary_id"), ("report", "report", "action_requested_id"),
    ("report", "report", "title_id"), ("report", "report", "references_id"),
    ("report_paragraph", "report_paragraph", "text_id"),
    ("report_paragraph", "report_paragraph", "quote_heading_id"),
    ("achievement", "achievement", "title_id"), ("achievement", "achievement", "text_id"),
    ("consultation", "consultation", "topic_id"), ("consultation", "consultation", "results_id"),
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return  # a file's index is FTS5's
    for statement in search.create_statements(OWNERS):
        connection.exec_driver_sql(statement)
    con = RawConnection(connection.connection.driver_connection)
    search.mark_all(con)
    search.refresh(con)
    if roles.installed(connection):
        roles.grant_tables(connection, list(search.TABLES))


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
