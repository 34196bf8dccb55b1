"""An open archive and its unit of work, whatever database holds it.

An archive's location is a file path or a PostgreSQL address (``postgresql://…`` or
``service=NAME``, storage/postgres/connect.py); :func:`archive_location` tells which.
:func:`open_archive` and :func:`create_archive` hand the location to the backend of
its kind: the SQLite file (storage/sqlite/) or the HQ server (storage/postgres/).
What the backends share lives here: the Archive, its sessions (which stamp every
change with the changeset of this replica, storage/sync.py) and the unit of work.
Services never learn which backend they talk to, except through ``Archive.path``
(None on a server: nothing to lock or back up beside it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from piel_desktop.domain.errors import InvalidValue, PielError, RecordNotFound
from piel_desktop.paths import check_archive_location
from piel_desktop.storage import sync
from piel_desktop.storage.models import Record, Replica, utcnow
from piel_desktop.storage.postgres import archive as server
from piel_desktop.storage.postgres.connect import ServerAddress, is_server_address, parse_address
from piel_desktop.storage.schema import schema_head
from piel_desktop.storage.search_index import SearchIndex
from piel_desktop.storage.sqlite import file as sqlite_file
from piel_desktop.storage.sqlite.file import Merging

Location = Path | ServerAddress


class Backend(Protocol):
    """What an archive's kind of database provides (storage.sqlite.file.FileBackend,
    storage.postgres.archive.ServerBackend)."""

    dialect: str  # "sqlite" or "postgresql"
    path: Path | None  # the file, None on a server
    shown: str  # the location as shown to people (never a password)
    search: SearchIndex  # the search index (storage/search_index.py)

    def raw(self, dbapi_connection: Any) -> sync.RawSQL: ...

    def transaction_error(self, error: Exception) -> PielError | None: ...

    def merging(self, engine: Engine) -> Any: ...

    def discard(self, engine: Engine) -> None: ...


def archive_location(location: str | os.PathLike | ServerAddress) -> Location:
    """The file path or server address that ``location`` names (``~`` expanded).

    Raises ServerAddressInvalid for an unusable PostgreSQL address and ArchiveIsUrl for
    another kind of URL (which must never become folders named after it).
    """
    if isinstance(location, ServerAddress):
        return location
    if is_server_address(os.fspath(location)):
        return parse_address(os.fspath(location))
    return check_archive_location(location)  # also a URL pathlib folded (scheme:/)


__all__ = ["Archive", "Location", "Merging", "UnitOfWork", "archive_location", "create_archive",
           "open_archive", "schema_head"]


@dataclass
class Archive:
    """An open archive. Use :meth:`unit_of_work` to read or change it."""

    backend: Backend
    engine: Engine
    replica_id: uuid.UUID
    schema_version: int
    _sessions: sessionmaker = field(repr=False, default=None)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False,
                                      info={"replica_id": self.replica_id, "raw": self.backend.raw,
                                            "search": self.backend.search})
        event.listen(self._sessions, "before_flush", _stamp_changes)
        event.listen(self._sessions, "before_commit", _before_commit)
        event.listen(self._sessions, "after_flush_postexec", _end_of_flush)
        event.listen(self._sessions, "after_transaction_end", _end_of_transaction)

    @property
    def path(self) -> Path | None:
        """The archive file; None for an HQ archive on a server."""
        return self.backend.path

    @property
    def shown(self) -> str:
        """Where the archive is, as shown to people: the file's path or the server
        address without its password."""
        return self.backend.shown

    @property
    def on_server(self) -> bool:
        return self.backend.dialect == "postgresql"

    @property
    def search_index(self) -> SearchIndex:
        """The search index of this kind of archive (storage/search_index.py)."""
        return self.backend.search

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self.backend)

    @contextmanager
    def merging(self) -> Iterator[Merging]:
        """A raw connection in one write transaction for merging a package
        (storage/sqlite/file.py says how); ``commit()`` ends it, anything else rolls
        it back. On an HQ archive see storage/postgres/merging.py (one merge at a time,
        edits wait; ServerUnreachable, NotPermitted)."""
        with self.backend.merging(self.engine) as merging:
            yield merging

    def discard(self) -> None:
        """Close and remove an archive just created whose filling failed."""
        self.backend.discard(self.engine)

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
    con = sync.raw_connection(session)
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
    if sync.on_server(con):
        _still_there(con, session)


def _still_there(con, session: Session) -> None:
    """Refuse to write records another login deleted since this transaction read them:
    RecordNotFound (params: kind, id), before anything is written.

    On a server several staff write at once. A transaction reads first and takes the
    replica's lock (sync.new_changeset) only when it first writes; any writer that
    deleted a record meanwhile has committed by then (it held the lock until COMMIT), so
    one look here finds it gone. Without it the ORM's UPDATE would match no row (a
    StaleDataError) and its DELETE would remove nothing yet count as done. A file has
    one writer, so it cannot happen there."""
    wanted: dict[str, set[str]] = {}
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Record) and inspect(obj).persistent and (
                obj in session.deleted or session.is_modified(obj, include_collections=False)):
            wanted.setdefault(obj.__tablename__, set()).add(obj.id.hex)
    for table, ids in wanted.items():
        listed = sorted(ids)
        found = {r[0] for r in con.execute(
            f'SELECT id FROM "{table}" WHERE id IN ({", ".join("?" * len(listed))})', listed)}
        missing = [i for i in listed if i not in found]
        if missing:
            raise RecordNotFound(kind=table, id=str(uuid.UUID(missing[0])))


def _before_commit(session: Session) -> None:
    """Let the search index finish what the transaction changed (on a server it folds
    the versions the transaction marked, storage/postgres/search.py)."""
    session.flush()
    session.info["search"].before_commit(sync.raw_connection(session))


def _end_of_flush(session: Session, _context) -> None:
    if session.info.get("stamp"):
        sync.set_current_stamp(sync.raw_connection(session), None)


def _end_of_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("stamp", None)


class UnitOfWork:
    """One transaction: ``with archive.unit_of_work() as uow: ...; uow.commit()``.

    Anything not committed when the block ends is rolled back, including on error.
    Failures of the database itself leave as domain errors (the backend's
    ``transaction_error``): on a file ArchiveDamaged, ArchiveReadOnly or
    ArchiveUnreadable; on a server NotPermitted or ServerUnreachable. Other errors
    pass unchanged.
    """

    def __init__(self, sessions: sessionmaker, backend: Backend) -> None:
        self._sessions = sessions
        self._backend = backend
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, exc_type, exc, _traceback) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # loaded objects readable (detached) instead of expiring them.
        try:
            self.session.close()
        except SQLAlchemyError:
            if exc is None:
                raise
        if exc is not None and not isinstance(exc, PielError):
            error = self._backend.transaction_error(exc)
            if error is not None:
                raise error from exc

    def commit(self) -> None:
        self.session.commit()

    @property
    def raw(self) -> sync.RawSQL:
        """The transaction's raw connection, for bulk work (storage/sync.py)."""
        return sync.raw_connection(self.session)

    def stamp_as(self, replica_id: uuid.UUID, hlc: int) -> str:
        """Write this transaction's changes as a fixed changeset of ``replica_id`` (the
        demo data, identical in every archive) instead of a new local one."""
        con = self.raw
        if con.execute("SELECT 1 FROM replica WHERE id = ?", (replica_id.hex,)).fetchone() is None:
            raise ValueError(f"unknown replica {replica_id}")
        stamp = self.session.info["stamp"] = sync.new_changeset(con, replica_id.hex, hlc=hlc)
        return stamp


def open_archive(location: str | os.PathLike | ServerAddress) -> Archive:
    """Open an existing archive, migrating it to the newest schema if it is older.

    ``location`` is read by :func:`archive_location` (its errors). For a file
    (storage/sqlite/file.py): ArchiveNotFound, NotAFile, NotAnArchive (params: path,
    reason), NewerSchema (params: path, found, supported), ArchiveDamaged,
    ArchiveReadOnly or ArchiveUnreadable; a refused file is left untouched, with
    nothing written beside it; an older one is copied to ``<name>.before-schema-<N>``
    before it is migrated, and a failed migration leaves the file as it was. For a
    server (storage/postgres/): the errors of connect.identify, NotAnArchive,
    NewerSchema; a migration runs in one transaction.
    """
    where = archive_location(location)
    if isinstance(where, ServerAddress):
        return _attach(server.ServerBackend(where), server.open_server_archive(where))
    return _attach(sqlite_file.FileBackend(where), sqlite_file.open_file(where))


def create_archive(location: str | os.PathLike | ServerAddress, *, office: str = "") -> Archive:
    """Create a new, empty archive at ``location`` and open it.

    ``office`` (at most 200 characters) names this archive's replica. Raises the errors
    of :func:`archive_location` before anything is made. For a file ArchiveExists if
    it exists (nothing is overwritten), FolderNotWritable if its folder cannot be made
    or written, ArchiveUnreadable if SQLite cannot build it; the file appears complete
    or not at all: it is built under a temporary name first. For a server (an empty
    database) ArchiveExists, NotAnArchive if the database holds other tables, and the
    errors of reaching it; the schema, the roles and the replica are one transaction.
    """
    where = archive_location(location)
    if len(office) > 200:
        raise InvalidValue(field="office", value=office)
    if isinstance(where, ServerAddress):
        backend = server.ServerBackend(where)
        engine = server.create_server_archive(where, office=office, attach=_local_replica)
    else:
        backend = sqlite_file.FileBackend(where)
        engine = sqlite_file.create_file(where, office=office, attach=_local_replica)
    return _attach(backend, engine, office)


def _local_replica(connection: Connection, office: str = "") -> uuid.UUID:
    """The archive's own replica, created if it has none (a new archive, or one whose
    identity was lost: a fresh identity is always safe)."""
    replica_id = connection.execute(
        select(Replica.id).where(Replica.is_local.is_(True))).scalar_one_or_none()
    if replica_id is None:
        replica_id = uuid.uuid4()
        connection.execute(Replica.__table__.insert().values(
            id=replica_id, name=office, is_local=True, created_at=utcnow()))
    return replica_id


def _attach(backend: Backend, engine: Engine, office: str = "") -> Archive:
    try:
        with engine.begin() as connection:
            replica_id = _local_replica(connection, office)
    except SQLAlchemyError as e:
        engine.dispose()
        error = backend.transaction_error(e)
        if error is None:
            raise
        raise error from e
    return Archive(backend=backend, engine=engine, replica_id=replica_id, schema_version=schema_head())
