"""Alembic environment for archive files.

Run programmatically by :mod:`piel_desktop.storage.sqlite.file`, which passes an open
connection in ``config.attributes["connection"]``, already inside a transaction and with
foreign keys OFF: with them on, the table rebuilds of SQLite batch migrations would fire
ON DELETE actions. After the migrations, and before the transaction commits, every
foreign key is checked, so a migration that breaks a reference fails as a whole.
"""

from alembic import context

from piel_desktop.storage.models import Base, UTCDateTime
from piel_desktop.storage.schema import APPLICATION_ID
from piel_desktop.storage.search_index import include_in_autogenerate



def _render_item(type_, obj, autogen_context):
    # Migrations must not import today's models: spell our column types in plain SQLAlchemy.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.String(length=32)"
    return False


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("archive migrations run from piel_desktop.storage.sqlite.file only")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_in_autogenerate,
        render_item=_render_item,
    )
    context.run_migrations()
    if connection.dialect.name == "postgresql":
        # PostgreSQL checks references itself (at commit, as a file does); the mark is
        # a table of its own.
        from piel_desktop.storage.postgres.archive import defer_foreign_keys, mark_as_archive
        defer_foreign_keys(connection)
        mark_as_archive(connection)
        return
    connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left broken references: {broken[:5]}")


run_migrations_online()
