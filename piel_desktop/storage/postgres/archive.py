"""An HQ archive in a PostgreSQL database: created, opened, migrated, discarded.

The schema comes from the same Alembic history as a file's (storage/schema.py), run in
one transaction: PostgreSQL's DDL is transactional, so a failure leaves the database
as empty as it was. :class:`ServerBackend` is what storage.archive.Archive needs to
know of a server, as storage.sqlite.file.FileBackend is for a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from alembic import command
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from piel_desktop.domain.errors import ArchiveExists, NotAnArchive, PielError
from piel_desktop.storage.models import Base
from piel_desktop.storage.postgres import roles
from piel_desktop.storage.postgres import search as server_search
from piel_desktop.storage.postgres.connect import (
    MARK_TABLE, ServerAddress, identify, make_engine, server_error, transaction_error,
)
from piel_desktop.storage.postgres.merging import merging
from piel_desktop.storage.postgres.raw import RawConnection
from piel_desktop.storage.postgres.triggers import FUNCTIONS, cascade_statements
from piel_desktop.storage.schema import APPLICATION_ID, alembic_config, schema_head, schema_version_of


@dataclass(frozen=True)
class ServerBackend:
    """What storage.archive.Archive needs to know of an HQ archive."""

    address: ServerAddress
    dialect = "postgresql"
    path = None  # not a file: nothing to lock, back up or protect beside it

    @property
    def shown(self) -> str:
        return self.address.shown

    raw = staticmethod(RawConnection)
    search = server_search  # the search index: PostgreSQL's full-text search

    def transaction_error(self, error: Exception) -> PielError | None:
        return transaction_error(self.address, error)

    def merging(self, engine: Engine):
        return merging(engine, self.address)

    def discard(self, engine: Engine) -> None:
        """Remove the archive just created (filling it failed): every table, tracking
        function and the mark, in one transaction; the database itself stays."""
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in archive_tables())
                                       + " CASCADE")
            for (name,) in connection.exec_driver_sql(
                    "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = current_schema() "
                    "AND (p.proname LIKE 'piel\\_%%' OR p.proname = ANY(%(ours)s))",
                    {"ours": list(FUNCTIONS)}).all():
                connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name} CASCADE")
        engine.dispose()


def archive_tables() -> list[str]:
    """Every table of an HQ archive: the records' (the models), the search index's,
    Alembic's and the mark."""
    return [*Base.metadata.tables, *server_search.TABLES, "alembic_version", MARK_TABLE]


def create_server_archive(address: ServerAddress, *, office: str,
                          attach: Callable[[Connection, str], object]) -> Engine:
    """Build an HQ archive in the empty database of ``address``; its engine.

    ``attach(connection, office)`` gives it its replica, in the same transaction as
    the schema and the roles (storage/postgres/roles.py): the archive appears whole
    or not at all. The account needs the right to create roles (CREATEROLE), as the
    database's owner given by IT has. Raises the errors of :func:`create_schema`.
    """
    engine = make_engine(address)
    try:
        create_schema(engine, address, then=lambda connection: (
            attach(connection, office),
            roles.install_roles(connection, archive_tables())))
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_server_archive(address: ServerAddress) -> Engine:
    """The engine of the HQ archive at ``address``, migrated in one transaction if its
    schema is older. Raises the errors of :func:`schema_version`."""
    engine = make_engine(address)
    try:
        if schema_version(engine, address) < schema_head():
            try:
                with engine.begin() as connection:
                    _upgrade(connection)
            except DBAPIError as e:
                raise transaction_error(address, e) or server_error(address, e) from e
    except BaseException:
        engine.dispose()
        raise
    return engine


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def create_schema(engine: Engine, address: ServerAddress,
                  then: Callable[[Connection], object] | None = None) -> None:
    """Build the newest schema in the empty database of ``engine`` and mark it as ours;
    ``then(connection)`` runs in the same transaction.

    Raises the errors of connect.identify, ArchiveExists (params: path) if the
    database already holds an archive, NotAnArchive ("foreign-database") if it holds
    other tables, NotPermitted if the account may not create them.
    """
    header = identify(engine, address)
    if header.marked:
        raise ArchiveExists(path=address.shown)
    if header.has_tables:
        raise NotAnArchive(path=address.shown, reason="foreign-database")
    try:
        with engine.begin() as connection:
            _upgrade(connection)
            if then is not None:
                then(connection)
    except DBAPIError as e:
        raise transaction_error(address, e) or server_error(address, e) from e


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


def defer_foreign_keys(connection) -> None:
    """Make every foreign key of the archive checked at COMMIT rather than per
    statement, as the file's ``PRAGMA defer_foreign_keys`` does: a transaction may add
    records in any order (the ORM does not know text anchors come first) and still
    cannot commit a broken reference.

    The keys' ON DELETE actions (CASCADE, SET NULL in the models) move into triggers
    (triggers.cascade_statements), which a merge can hold back as the file's merge
    does by turning foreign keys off. Idempotent: migrations/env.py runs it after
    every upgrade, so a later migration's new keys get the same treatment."""
    run = connection.exec_driver_sql
    for table, name, definition in run(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' "
            "AND n.nspname = current_schema() AND (NOT c.condeferred OR c.confdeltype <> 'a')").all():
        checked_only = re.sub(r" ON DELETE (CASCADE|SET NULL)| DEFERRABLE.*$", "", definition)
        run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}", '
            f'ADD CONSTRAINT "{name}" {checked_only} DEFERRABLE INITIALLY DEFERRED')
    actions: dict[str, list[tuple[str, str, str, str]]] = {}
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_key_constraints:
            if key.ondelete in ("CASCADE", "SET NULL"):
                (element,) = key.elements  # one column: our references are ids
                actions.setdefault(element.column.table.name, []).append(
                    (table.name, element.parent.name, element.column.name, key.ondelete))
    for parent, listed in actions.items():
        for statement in cascade_statements(parent, listed):
            run(statement)
