"""Full-text search: the index of text versions (``fts_text``, FTS5 over folded text),
the list of versions to re-index (``fts_dirty``) and the triggers that keep it, then
the index built for the existing texts.

The tables are replica-local and never travel; see storage/sqlite/fts.py.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from piel_desktop.storage.sqlite import fts as search

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: Records owning texts when this migration was written: (kind, table, column).
OWNERS = (
    ("outcome", "outcome", "text_id"),
    ("meeting", "meeting", "venue_id"),
    ("clause", "clause", "text_id"),
    ("instrument", "instrument", "citation_id"),
    ("body", "body", "name_id"),
    ("body", "body", "acronym_id"),
    ("organisation", "organisation", "name_id"),
    ("organisation", "organisation", "acronym_id"),
    ("report", "report", "summary_id"),
    ("report", "report", "action_requested_id"),
    ("achievement", "achievement", "title_id"),
    ("achievement", "achievement", "text_id"),
    ("consultation", "consultation", "topic_id"),
    ("consultation", "consultation", "results_id"),
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return  # FTS5 is SQLite's; a PostgreSQL archive gets its own search index
    for statement in search.create_statements(OWNERS, ("words", "alt")):
        connection.exec_driver_sql(statement)
    con = connection.connection.driver_connection
    search.mark_all(con)
    # The index is built by 0007, which gives it its stems column.


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
