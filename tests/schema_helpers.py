"""Taking a test archive back to an earlier schema, for migration tests that start
from the demo archive (made at the newest schema)."""

from __future__ import annotations

import sqlite3

from piel_desktop.storage.sync_triggers import create_triggers, drop_triggers

#: What migration 0004 added: tables, and the consultation's column.
_TABLES_4 = ("practice_document", "practice", "document", "blob", "country_effort")


def undo_schema_4(con: sqlite3.Connection) -> None:
    """Remove what migration 0004 added (inside the caller's transaction)."""
    for table in _TABLES_4:
        for statement in drop_triggers(table):
            con.execute(statement)
        con.execute(f'DROP TABLE "{table}"')
    for statement in drop_triggers("consultation"):
        con.execute(statement)
    con.execute("ALTER TABLE consultation DROP COLUMN partners")
    info = con.execute('PRAGMA table_info("consultation")').fetchall()
    for statement in create_triggers("consultation", [r[1] for r in info if r[5]],
                                     [r[1] for r in info if not r[5] and r[1] != "sync_clock"]):
        con.execute(statement)
