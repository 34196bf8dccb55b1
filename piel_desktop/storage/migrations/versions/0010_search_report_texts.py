"""Search finds the report's own texts (issue 16): its title and references and its
introduction paragraphs (text and heading of the quoted clauses) become owners of
texts in the search index. Migration 0009 rebuilt the ``report`` table (new columns),
which dropped the index triggers 0003 had put on it, so they are made again with the
report's four text columns, and ``report_paragraph`` gets its own. The texts of
existing reports and paragraphs are marked and indexed.

The refresh here also folds what 0007 left marked (it marks every version and leaves
the folding to this one, because the owners the code knows include tables made by
0009). A later migration adding an owner table must do the same: mark, and refresh
after the table exists.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from piel_desktop.storage.sqlite import fts as search

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: The owner columns this migration indexes, as they were when it was written.
OWNERS = {
    "report": ("summary_id", "action_requested_id", "title_id", "references_id"),
    "report_paragraph": ("text_id", "quote_heading_id"),
}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return  # FTS5 is SQLite's; a PostgreSQL archive gets its own search index
    con = connection.connection.driver_connection
    for table, columns in OWNERS.items():
        for statement in search.owner_triggers(table, columns):
            con.execute(statement)
        for column in columns:
            con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT tv.rowid FROM text_version tv "
                        f'JOIN "{table}" o ON o."{column}" = tv.text_id')
    search.refresh(con)


def downgrade() -> None:
    raise NotImplementedError("archives are never downgraded; restore the backup copy")
