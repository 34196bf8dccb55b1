"""Taking a test archive back to an earlier schema, for migration tests that start
from the demo archive (made at the newest schema)."""

from __future__ import annotations

import sqlite3

from piel_desktop.storage.sqlite.triggers import create_triggers, drop_triggers

#: What migration 0004 added: tables, and the consultation's column.
_TABLES_4 = ("practice_document", "practice", "document", "blob", "country_effort")
#: What migration 0005 added: tables, and the outcome's column.
_TABLES_5 = ("follow_up_document", "follow_up_note")


#: What migration 0006 added: indexes.
_INDEXES_6 = ("ix_outcome_organisation_organisation_id", "ix_outcome_addressee")


#: What migration 0009 added: tables, and the report's columns.
_TABLES_9 = ("report_quote", "report_paragraph", "report_meeting")
_COLUMNS_9 = ("original_language", "agenda_item", "references_id", "title_id")


def undo_schema_12(con: sqlite3.Connection) -> None:
    """Remove what migration 0012 added: the changeset's account (0011 and 0010 added
    nothing a file keeps apart from 0010's report triggers, made again when 0010 runs)."""
    con.execute("ALTER TABLE changeset DROP COLUMN account")


def undo_schema_9(con: sqlite3.Connection) -> None:
    """Remove what migrations 0012 and 0009 added: the report's records (covered meetings,
    paragraphs, quotes) and its new columns (foreign keys off, as migrations run),
    with the texts only those columns held (an archive of schema 8 had none of them;
    removed untracked, as if they had never been written)."""
    undo_schema_12(con)
    texts = [row[0] for row in con.execute(
        "SELECT text_id FROM report_paragraph UNION SELECT quote_heading_id FROM report_paragraph "
        "UNION SELECT title_id FROM report UNION SELECT references_id FROM report") if row[0] is not None]
    con.execute("UPDATE sync_state SET applying = 1 WHERE id = 1")
    con.executemany("DELETE FROM text_version WHERE text_id = ?", ((t,) for t in texts))
    con.executemany("DELETE FROM text WHERE id = ?", ((t,) for t in texts))
    con.execute("UPDATE sync_state SET applying = 0 WHERE id = 1")
    for name in _TABLES_9:
        for statement in drop_triggers(name):
            con.execute(statement)
        con.execute(f'DROP TABLE "{name}"')
    for statement in drop_triggers("report"):
        con.execute(statement)
    info = con.execute('PRAGMA table_info("report")').fetchall()
    kept = [r[1] for r in info if r[1] not in _COLUMNS_9]
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'report'").fetchone()[0]
    # One column or constraint a line (as SQLAlchemy writes CREATE TABLE): leave out
    # the lines naming the new columns, then the comma the last line kept has left.
    # Made under another name and renamed, so that references to "report" stay.
    lines = [line for line in sql.split("\n") if not any(c in line for c in _COLUMNS_9)]
    lines[-2] = lines[-2].rstrip().rstrip(",").rstrip()
    con.execute("\n".join(lines).replace('CREATE TABLE "report"', 'CREATE TABLE "report_8"', 1))
    cols = ", ".join(f'"{c}"' for c in kept)
    con.execute(f'INSERT INTO "report_8" ({cols}) SELECT {cols} FROM "report"')
    con.execute('DROP TABLE "report"')
    con.execute('ALTER TABLE "report_8" RENAME TO "report"')
    info = con.execute('PRAGMA table_info("report")').fetchall()
    for statement in create_triggers("report", [r[1] for r in info if r[5]],
                                     [r[1] for r in info if not r[5] and r[1] != "sync_clock"]):
        con.execute(statement)


def undo_schema_8(con: sqlite3.Connection) -> None:
    """Remove what migrations 0009 and 0008 added: the meeting's start time and time zone."""
    undo_schema_9(con)
    _undo(con, (), "meeting", "time_zone")
    _undo(con, (), "meeting", "start_time")


def undo_schema_7(con: sqlite3.Connection) -> None:
    """Remove what migrations 0008 and 0007 added: the index gets back its two columns
    (words, alt), empty; migration 0007 fills it again."""
    from piel_desktop.storage.sqlite.fts import table_statement
    undo_schema_8(con)
    con.execute("DROP TABLE fts_text")
    con.execute(table_statement(("words", "alt")))


def undo_schema_6(con: sqlite3.Connection) -> None:
    """Remove what migrations 0008, 0007 and 0006 added (inside the caller's transaction)."""
    undo_schema_7(con)
    for name in _INDEXES_6:
        con.execute(f'DROP INDEX "{name}"')


def undo_schema_5(con: sqlite3.Connection) -> None:
    """Remove what migrations 0008 to 0005 added (inside the caller's transaction)."""
    undo_schema_6(con)
    _undo(con, _TABLES_5, "outcome", "due_date")


def undo_schema_4(con: sqlite3.Connection) -> None:
    """Remove what migrations 0008 to 0004 added (inside the caller's transaction)."""
    undo_schema_5(con)
    _undo(con, _TABLES_4, "consultation", "partners")


def _undo(con: sqlite3.Connection, tables, table: str, column: str) -> None:
    """Drop ``tables`` and ``table``'s ``column``, with the triggers made again."""
    for name in tables:
        for statement in drop_triggers(name):
            con.execute(statement)
        con.execute(f'DROP TABLE "{name}"')
    for statement in drop_triggers(table):
        con.execute(statement)
    con.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
    for statement in create_triggers(table, [r[1] for r in info if r[5]],
                                     [r[1] for r in info if not r[5] and r[1] != "sync_clock"]):
        con.execute(statement)
