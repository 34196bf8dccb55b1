"""Creating an HQ archive's schema in an empty PostgreSQL database.

The schema comes from the same Alembic history as a file's (storage/schema.py), run in
one transaction: PostgreSQL's DDL is transactional, so a failure leaves the database
as empty as it was.
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from piel_desktop.domain.errors import ArchiveExists, NewerSchema, NotAnArchive
from piel_desktop.storage.postgres.connect import ServerAddress, identify, server_error
from piel_desktop.storage.schema import alembic_config, known_revisions, schema_head


def create_schema(engine: Engine, address: ServerAddress, application_id: int) -> None:
    """Build the newest schema in the empty database of ``engine`` and mark it as ours.

    Raises the errors of connect.identify, ArchiveExists (params: path) if the
    database already holds an archive, NotAnArchive ("foreign-database") if it holds
    other tables.
    """
    header = identify(engine, address, application_id)
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


def schema_version(engine: Engine, address: ServerAddress, application_id: int) -> int:
    """The schema version of the archive in ``engine``'s database. Raises the errors of
    connect.identify, NotAnArchive ("unknown-schema") for a marked database without a
    known revision, NewerSchema (params: path, found, supported) for a newer one."""
    header = identify(engine, address, application_id)
    if not header.marked:
        raise NotAnArchive(path=address.shown, reason="unknown-schema")
    head = schema_head()
    if header.revision in known_revisions():
        return int(header.revision)
    if header.revision and header.revision.isdigit() and int(header.revision) > head:
        raise NewerSchema(path=address.shown, found=int(header.revision), supported=head)
    raise NotAnArchive(path=address.shown, reason="unknown-schema")
