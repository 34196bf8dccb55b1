"""The archive schema's Alembic history, common to every kind of archive.

Revision ids are zero-padded integers ("0001"); that integer is the schema version
shown to people. The scripts are in ``storage/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the archive's migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def schema_head() -> int:
    """The newest schema version this program knows."""
    return int(ScriptDirectory.from_config(alembic_config()).get_current_head())


def known_revisions() -> set[str]:
    """Every revision id of the history ("0001", ...)."""
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


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
