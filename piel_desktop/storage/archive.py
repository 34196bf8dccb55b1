"""An open archive and its unit of work, whatever database holds it.

:func:`open_archive` and :func:`create_archive` take an archive's location and hand it
to the backend of its kind: today the SQLite file (storage/sqlite/); a connection
address (``postgresql://…``) is recognised and refused with ArchiveIsUrl until the
PostgreSQL backend exists, so it never becomes a file path. What the backends share
lives here: the Archive, its sessions (which stamp every change with the changeset of
this replica, storage/sync.py) and the unit of work.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.exc import DatabaseError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from piel_desktop.domain.errors import InvalidValue
from piel_desktop.paths import check_archive_location
from piel_desktop.storage import sync
from piel_desktop.storage.models import Record, Replica, utcnow
from piel_desktop.storage.schema import schema_head
from piel_desktop.storage.sqlite import file as sqlite_file
from piel_desktop.storage.sqlite.file import Merging, database_error

__all__ = ["Archive", "Merging", "UnitOfWork", "create_archive", "open_archive", "schema_head"]


@dataclass
class Archive:
    """An open archive file. Use :meth:`unit_of_work` to read or change it."""

    path: Path
    engine: Engine
    replica_id: uuid.UUID
    schema_version: int
    _sessions: sessionmaker = field(repr=False, default=None)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False,
                                      info={"replica_id": self.replica_id})
        event.listen(self._sessions, "before_flush", _stamp_changes)
        event.listen(self._sessions, "after_flush_postexec", _end_of_flush)
        event.listen(self._sessions, "after_transaction_end", _end_of_transaction)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self.path)

    @contextmanager
    def merging(self) -> Iterator[Merging]:
        """A raw connection in one write transaction for merging a package
        (storage/sqlite/file.py says how); ``commit()`` ends it, anything else rolls
        it back."""
        with sqlite_file.merging(self.engine, self.path) as merging:
            yield merging

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stamp_changes(session: Session, _context, _instances) -> None:
    """Open the transaction's changeset and record which replica changed each new or
    modified record (``updated_at`` is the column's ``onupdate``). The triggers stamp
    the changed fields with the changeset (storage/sqlite/triggers.py)."""
    if not (session.new or session.dirty or session.deleted):
        return
    con = session.connection().connection.driver_connection
    stamp = session.info.get("stamp")
    if stamp is None:
        stamp = session.info["stamp"] = sync.new_changeset(con, session.info["replica_id"].hex)
    sync.set_current_stamp(con, stamp)
    replica_id = uuid.UUID(stamp[17:])
    for obj in session.new:
        if isinstance(obj, Record) and obj.changed_by is None:
            obj.changed_by = replica_id
    for obj in session.dirty:
        if (isinstance(obj, Record) and session.is_modified(obj, include_collections=False)
                and not inspect(obj).attrs.changed_by.history.has_changes()):
            obj.changed_by = replica_id


def _end_of_flush(session: Session, _context) -> None:
    if session.info.get("stamp"):
        sync.set_current_stamp(session.connection().connection.driver_connection, None)


def _end_of_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("stamp", None)


class UnitOfWork:
    """One transaction: ``with archive.unit_of_work() as uow: ...; uow.commit()``.

    Anything not committed when the block ends is rolled back, including on error.
    SQLite failures of the file itself leave as domain errors (see database_error):
    ArchiveDamaged, ArchiveReadOnly or ArchiveUnreadable; other errors pass unchanged.
    """

    def __init__(self, sessions: sessionmaker, path: Path) -> None:
        self._sessions = sessions
        self._path = path
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, exc_type, exc, _traceback) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # loaded objects readable (detached) instead of expiring them.
        self.session.close()
        if isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError):
            raise database_error(self._path, exc) from exc

    def commit(self) -> None:
        self.session.commit()

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The transaction's raw SQLite connection, for bulk work (storage/sync.py)."""
        return self.session.connection().connection.driver_connection

    def stamp_as(self, replica_id: uuid.UUID, hlc: int) -> str:
        """Write this transaction's changes as a fixed changeset of ``replica_id`` (the
        demo data, identical in every archive) instead of a new local one."""
        con = self.sqlite
        if con.execute("SELECT 1 FROM replica WHERE id = ?", (replica_id.hex,)).fetchone() is None:
            raise ValueError(f"unknown replica {replica_id}")
        stamp = self.session.info["stamp"] = sync.new_changeset(con, replica_id.hex, hlc=hlc)
        return stamp


def open_archive(location: Path | str) -> Archive:
    """Open an existing archive, migrating it to the newest schema if it is older.

    Raises ArchiveIsUrl for a connection address; for a file (storage/sqlite/file.py)
    ArchiveNotFound, NotAFile, NotAnArchive (params: path, reason), NewerSchema
    (params: path, found, supported), ArchiveDamaged, ArchiveReadOnly or
    ArchiveUnreadable. A refused file is left untouched, with nothing written beside
    it; an older one is copied to ``<name>.before-schema-<N>`` before it is migrated,
    and a failed migration leaves the file as it was.
    """
    path = check_archive_location(location)
    return _attach(path, sqlite_file.open_file(path))


def create_archive(location: Path | str, *, office: str = "") -> Archive:
    """Create a new, empty archive at ``location`` and open it.

    ``office`` (at most 200 characters) names this archive's replica. Raises
    ArchiveIsUrl for a connection address, before anything is made; for a file
    ArchiveExists if it exists (nothing is overwritten), FolderNotWritable if its
    folder cannot be made or written, ArchiveUnreadable if SQLite cannot build it. The
    file appears complete or not at all: it is built under a temporary name first.
    """
    path = check_archive_location(location)
    if len(office) > 200:
        raise InvalidValue(field="office", value=office)
    engine = sqlite_file.create_file(path, office=office, attach=_local_replica)
    return _attach(path, engine, office)


def _local_replica(engine: Engine, office: str = "") -> uuid.UUID:
    """The archive's own replica, created if it has none (a new archive, or one whose
    identity was lost: a fresh identity is always safe)."""
    with engine.begin() as connection:
        replica_id = connection.execute(
            select(Replica.id).where(Replica.is_local.is_(True))).scalar_one_or_none()
        if replica_id is None:
            replica_id = uuid.uuid4()
            connection.execute(Replica.__table__.insert().values(
                id=replica_id, name=office, is_local=True, created_at=utcnow()))
    return replica_id


def _attach(path: Path, engine: Engine, office: str = "") -> Archive:
    try:
        replica_id = _local_replica(engine, office)
    except SQLAlchemyError as e:
        engine.dispose()
        raise database_error(path, e) from e
    return Archive(path=path, engine=engine, replica_id=replica_id, schema_version=schema_head())
