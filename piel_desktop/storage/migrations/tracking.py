"""What the migrations do per database: change tracking in the database's own language.

Here, not in storage/, because only the migration scripts (loaded by Alembic) use it,
and it knows both kinds of archive, which storage/sqlite and storage/postgres do not
know of each other.
"""

from __future__ import annotations


def track_tables(connection, tables) -> None:
    """(Re)create the change-tracking triggers of ``tables`` for the columns each has
    now, in the database's own language: SQL triggers on SQLite
    (storage/sqlite/triggers.py), PL/pgSQL on PostgreSQL (storage/postgres/triggers.py).
    ``connection`` is the migration's SQLAlchemy connection."""
    if connection.dialect.name == "sqlite":
        from piel_desktop.storage.sqlite.triggers import track_tables as track
        track(connection.exec_driver_sql, tables)
    else:
        from piel_desktop.storage.postgres.triggers import track_tables as track
        track(connection, tables)
