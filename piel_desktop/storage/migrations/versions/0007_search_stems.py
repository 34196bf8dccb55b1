"""Search finds word forms: the full-text index gets a ``stems`` column (Snowball
stems of each version's words in its language, see storage/stems.py). The index is
replica-local and rebuildable, so ``fts_text`` is made again with the new column and
every text version is marked to be indexed again; ``fts_dirty`` and the triggers
stay. The refresh that folds them is migration 0010's: it reads the owners of texts
as the code knows them, and some of those tables (the report's paragraphs) are made
by 0009, after this one.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from piel_desktop.storage.sqlite import fts as search

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return  # FTS5 is SQLite's; a PostgreSQL archive gets its own search index
    connection.exec_driver_sql("DROP TABLE fts_text")
    connection.exec_driver_sql(search.table_statement(("words", "alt", "stems")))
    con = connection.connection.driver_connection
    search.mark_all(con)  # folded by 0010's refresh


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
