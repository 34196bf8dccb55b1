"""Creating an HQ archive's schema in an empty PostgreSQL database.

The schema comes from the same Alembic history as a file's (storage/schema.py), run in
one transaction: PostgreSQL's DDL is transactional, so a failure leaves the database
as empty as it was.
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from piel_desktop.domain.errors import ArchiveExists, NotAnArchive
from piel_desktop.storage.postgres.connect import MARK_TABLE, ServerAddress, identify, server_error
from piel_desktop.storage.schema import APPLICATION_ID, alembic_config, schema_version_of


def create_schema(engine: Engine, address: ServerAddress) -> None:
    """Build the newest schema in the empty database of ``engine`` and mark it as ours.

    Raises the errors of connect.identify, ArchiveExists (params: path) if the
    database already holds an archive, NotAnArchive ("foreign-database") if it holds
    other tables.
    """
    header = identify(engine, address)
    if header.marked:
        raise ArchiveExists(path=address.shown)
    if header.has_tables:
        raise NotAnArchive(path=address.shown, reason="foreign-database")
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except DBAPIError as e:
        raise server_error(address, e) from e


def schema_version(engine: Engine, address: ServerAddress) -> int:
    """The schema version of the archive in ``engine``'s database. Raises the errors of
    connect.identify, and those of storage.schema.schema_version_of; NotAnArchive
    ("unknown-schema") also for a database not marked as ours."""
    header = identify(engine, address)
    if not header.marked:
        raise NotAnArchive(path=address.shown, reason="unknown-schema")
    return schema_version_of(header.revision, header.has_tables, address.shown)


def mark_as_archive(connection) -> None:
    """Mark the database as a PIeL Desktop archive, as ``PRAGMA application_id`` marks
    a file: the one-row table connect.MARK_TABLE (migrations/env.py calls this)."""
    run = connection.exec_driver_sql
    run(f"CREATE TABLE IF NOT EXISTS {MARK_TABLE} (application_id integer PRIMARY KEY)")
    run(f"DELETE FROM {MARK_TABLE}")
    run(f"INSERT INTO {MARK_TABLE} (application_id) VALUES ({APPLICATION_ID})")
