"""The SQLite archive file: its engine, how it is recognised, created, migrated,
backed up and written in bulk.

An archive file is one SQLite database marked with ``PRAGMA application_id`` so that
another program's database is recognised as such before anything is written. Files
from an older program are migrated on open, after a backup copy; files from a newer
program are refused. The rest of the program reaches the file through
:class:`piel_desktop.storage.archive.Archive`; only this package knows it is SQLite.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic import command
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, IntegrityError, SQLAlchemyError

from piel_desktop.domain.errors import (
    ArchiveDamaged, ArchiveExists, ArchiveNotFound, ArchiveReadOnly, ArchiveUnreadable,
    FolderNotWritable, NotAFile, NotAnArchive, PielError,
)
from piel_desktop.storage import sync
from piel_desktop.storage.models import utcnow
from piel_desktop.storage.schema import APPLICATION_ID, alembic_config, schema_head, schema_version_of
from piel_desktop.storage.sqlite import fts

log = logging.getLogger(__name__)

_SQLITE_HEADER = b"SQLite format 3\x00"
_NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs"}


def on_network_filesystem(path: Path) -> bool:
    """True if ``path`` lies on a network share, where SQLite's WAL mode is unsafe.

    Reads ``/proc/mounts`` on Linux; on Windows a UNC path counts. Elsewhere False.
    """
    if str(path).startswith("\\\\"):
        return True
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    resolved, best, fstype = str(path.resolve()), "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (resolved == point or resolved.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, fstype = point, parts[2]
    return fstype in _NETWORK_FILESYSTEMS


def make_engine(path: Path, *, foreign_keys: bool = True, journal: str | None = None) -> Engine:
    """An engine for the archive file. ``journal`` ("WAL" or "DELETE") sets SQLite's
    journal mode, which is stored in the file; None leaves it as it is."""
    engine = create_engine(URL.create("sqlite", database=str(path)))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from the sqlite3 module so BEGIN is explicit
        # (SQLAlchemy's documented recipe); pragmas per connection.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if journal:  # must be set outside a transaction
            cursor.execute(f"PRAGMA journal_mode = {journal}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
        # References are checked at COMMIT, not per statement: a transaction may add
        # records in any order (the ORM does not know text anchors come first), and
        # still cannot commit a broken reference.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")

    return engine


def database_error(path: Path, error: Exception) -> PielError:
    """The domain error for an SQLite failure of the archive file itself."""
    detail = str(getattr(error, "orig", None) or error)
    if "malformed" in detail or "not a database" in detail:
        return ArchiveDamaged(path=str(path), detail=detail)
    if "readonly" in detail or "read-only" in detail:
        return ArchiveReadOnly(path=str(path))
    return ArchiveUnreadable(path=str(path), reason=detail)


@dataclass(frozen=True)
class _Header:
    application_id: int
    revision: str | None  # the Alembic revision, None if no migration was recorded
    has_tables: bool  # any table besides alembic_version


def _read_header(path: Path) -> _Header:
    """Identify the file without writing to it or beside it.

    Raises NotAnArchive (not SQLite, or another program's database), ArchiveDamaged
    or ArchiveUnreadable.
    """
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as e:
        raise ArchiveUnreadable(path=str(path), reason=e.strerror or str(e)) from e
    if len(head) < 100 or head[:len(_SQLITE_HEADER)] != _SQLITE_HEADER:
        raise NotAnArchive(path=str(path), reason="not-sqlite")
    application_id = int.from_bytes(head[68:72], "big")  # SQLite file format, header offset 68
    if application_id != APPLICATION_ID:
        raise NotAnArchive(path=str(path), reason="foreign-database")
    # "immutable" reads without locks and creates no -wal/-shm files beside a file we
    # may refuse; only when a -wal file exists must its pending pages be read too.
    pending = Path(f"{path}-wal").exists()
    uri = _file_uri(path) + ("?mode=ro" if pending else "?immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.OperationalError as e:
        raise ArchiveUnreadable(path=str(path), reason=str(e)) from e
    except sqlite3.DatabaseError as e:
        raise ArchiveDamaged(path=str(path), detail=str(e)) from e
    return _Header(application_id, revision, bool(tables - {"alembic_version"}))


def _file_uri(path: Path) -> str:
    """An SQLite URI for ``path`` with an empty authority, which SQLite requires; a
    Windows UNC path ``\\\\server\\share`` becomes ``file:////server/share``."""
    posix = path.resolve().as_posix()
    return "file://" + ("" if posix.startswith("/") else "/") + quote(posix)


def _check_writable(path: Path) -> None:
    """Raise ArchiveReadOnly unless SQLite can write the file and create files beside it."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise ArchiveReadOnly(path=str(path))


def migrate(path: Path) -> None:
    """Upgrade the file to the newest schema in one transaction."""
    engine = make_engine(path, foreign_keys=False)  # see migrations/env.py
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def backup_copy(source: Path, target: Path) -> Path:
    """Write a consistent single-file copy of archive ``source`` to ``target``.

    Uses SQLite's online backup API, safe while the archive is open (also in WAL mode).
    Raises ArchiveUnreadable if either file cannot be used.
    """
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as e:
        raise ArchiveUnreadable(path=str(target), reason=str(e)) from e
    return target


#: Page cache of a merge, in KiB: a large import writes far faster with it.
_MERGE_CACHE_KIB = 65536


@dataclass
class Merging:
    """The transaction of :meth:`Archive.merging`: ``con`` to write, ``commit()`` to end."""

    con: sqlite3.Connection
    triggers: list[str]
    #: Where the merge started, for the search index (storage/sqlite/fts.py).
    search_marks: tuple[int, int] = (0, 0)

    def commit(self, *, added_only: bool = False) -> None:
        """Mark the search index, put the triggers back and commit. ``added_only``: the
        transaction only added records whose texts are new too (a bulk entry), so only
        the added text versions are marked (search.mark_added), not found by scanning
        every clock (search.mark_merged)."""
        (fts.mark_added if added_only else fts.mark_merged)(self.con, self.search_marks)
        for statement in self.triggers:
            self.con.execute(statement)
        sync.set_applying(self.con, False)
        self.con.execute("COMMIT")



@contextmanager
def merging(engine: Engine, path: Path) -> Iterator[Merging]:
    """A raw connection in one write transaction for merging a package.

    Foreign keys are off (a merged delete must not cascade; storage/merge.py checks
    every reference before the end) and the change-tracking and search-index
    triggers are dropped for the transaction (the merge writes clocks itself; the
    index is marked in bulk, see storage/sqlite/fts.py), then put back by
    :meth:`Merging.commit`. Anything not committed is rolled back when the block
    ends, also on error, triggers included. SQLite failures leave as domain errors.
    """
    connection = engine.connect()
    con = connection.connection.driver_connection
    try:
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute(f"PRAGMA cache_size = -{_MERGE_CACHE_KIB}")
        con.execute("BEGIN IMMEDIATE")
        try:
            ours = ("type = 'trigger' AND (name LIKE 'sync\\_%' ESCAPE '\\' "
                    "OR name LIKE 'fts\\_%' ESCAPE '\\')")
            triggers = [row[0] for row in con.execute(f"SELECT sql FROM sqlite_master WHERE {ours}")]
            for (name,) in con.execute(f"SELECT name FROM sqlite_master WHERE {ours}").fetchall():
                con.execute(f'DROP TRIGGER "{name}"')
            sync.set_applying(con, True)
            yield Merging(con, triggers, fts.merge_marks(con))
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
    except sqlite3.DatabaseError as e:
        if isinstance(e, sqlite3.IntegrityError):
            raise
        raise database_error(path, e) from e
    finally:
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA cache_size = -2000")
        finally:
            connection.close()

@dataclass(frozen=True)
class FileBackend:
    """What storage.archive.Archive needs to know of an archive file."""

    path: Path
    dialect = "sqlite"
    search = fts  # the search index: FTS5 (storage.search_index.SearchIndex)

    @property
    def shown(self) -> str:
        return str(self.path)

    @staticmethod
    def raw(dbapi_connection: sqlite3.Connection) -> sqlite3.Connection:
        return dbapi_connection

    def transaction_error(self, error: Exception) -> PielError | None:
        """ArchiveDamaged, ArchiveReadOnly or ArchiveUnreadable for a failure of the
        file itself; None for others (a broken rule, a bug), which pass unchanged."""
        if isinstance(error, DatabaseError) and not isinstance(error, IntegrityError):
            return database_error(self.path, error)
        return None

    def merging(self, engine: Engine):
        return merging(engine, self.path)

    def discard(self, engine: Engine) -> None:
        """Remove the archive just created (filling it failed)."""
        engine.dispose()
        delete_archive_files(self.path)


def open_file(path: Path) -> Engine:
    """An engine for an existing archive file, migrated to the newest schema if it is
    older (storage.archive.open_archive builds the Archive on it).

    Raises ArchiveNotFound, NotAFile (a folder or device), NotAnArchive (params: path,
    reason), NewerSchema (params: path, found, supported), ArchiveDamaged,
    ArchiveReadOnly or ArchiveUnreadable. A refused file is left untouched, with nothing
    written beside it; an older one is copied to ``<name>.before-schema-<N>`` before it
    is migrated, and a failed migration leaves the file as it was.
    """
    if not path.exists():
        raise ArchiveNotFound(path=str(path))
    if not path.is_file():
        raise NotAFile(path=str(path))
    header = _read_header(path)
    head = schema_head()
    current = schema_version_of(header.revision, header.has_tables, str(path))
    _check_writable(path)
    if current < head:
        backup = path.with_name(f"{path.name}.before-schema-{head}")
        log.info("migrating %s from schema %s to %s; backup at %s", path, current, head, backup)
        backup_copy(path, backup)
        try:
            migrate(path)  # one transaction: a failure leaves the file as it was
        except Exception as e:
            log.exception("migration of %s failed", path)
            backup.unlink(missing_ok=True)  # the file itself is unchanged
            if isinstance(e, SQLAlchemyError):
                raise database_error(path, e) from e
            raise ArchiveUnreadable(path=str(path), reason=str(e)) from e
    return file_engine(path)


def file_engine(path: Path) -> Engine:
    """The engine of a migrated archive file, in WAL mode unless the file is on a
    network file system (WAL needs shared memory that those do not provide reliably)."""
    return make_engine(path, journal="DELETE" if on_network_filesystem(path) else "WAL")


def create_file(path: Path, *, office: str = "", attach) -> Engine:
    """Create a new, empty archive file at ``path``; its engine.

    ``attach(connection, office)`` gives the new file its replica, named ``office``
    (storage.archive does this the same way for every kind of archive). Raises ArchiveExists if ``path`` exists
    (nothing is overwritten), FolderNotWritable if its folder cannot be made or
    written, ArchiveUnreadable if SQLite cannot build it. The
    file appears complete or not at all: it is built under a temporary name first.
    """
    if path.exists() and not path.is_file():
        raise NotAFile(path=str(path))
    if path.exists():
        raise ArchiveExists(path=str(path))
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.creating")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FolderNotWritable(path=str(path.parent), reason=e.strerror or str(e)) from e
    if not os.access(path.parent, os.W_OK):
        raise FolderNotWritable(path=str(path.parent), reason=os.strerror(errno.EACCES))
    try:
        migrate(temporary)
        engine = make_engine(temporary)
        try:
            with engine.begin() as connection:
                attach(connection, office)
        finally:
            engine.dispose()
        if path.exists():
            raise ArchiveExists(path=str(path))
        os.replace(temporary, path)
    except OSError as e:
        raise ArchiveUnreadable(path=str(path), reason=e.strerror or str(e)) from e
    except SQLAlchemyError as e:
        raise ArchiveUnreadable(path=str(path), reason=str(e.orig or e)) from e
    finally:
        delete_archive_files(temporary)
    return file_engine(path)


def delete_archive_files(path: Path) -> None:
    """Remove an archive file and SQLite's companions (``-wal``, ``-shm``, ``-journal``)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def check_archive_file(path: Path) -> None:
    """Raise NotAnArchive, ArchiveDamaged or ArchiveUnreadable unless ``path`` is an
    archive of ours; reads without writing to it or beside it."""
    _read_header(path)


def take_new_identity(path: Path) -> str:
    """Give a closed archive file a new replica id (hex), keeping its office name and key.

    After a backup is restored, the file no longer holds changes its replica made and
    other offices may have received; under the old id it would claim to have seen them,
    so offices would never send them back. Under a new id it is an office they have
    not heard from yet, and gets everything again. The old id stays, as a peer.
    """
    new_id = uuid.uuid4().hex
    con = sqlite3.connect(path)
    try:
        with con:
            old = con.execute("SELECT id, name, private_key, public_key FROM replica WHERE is_local = 1").fetchone()
            con.execute("UPDATE replica SET is_local = 0, private_key = NULL WHERE is_local = 1")
            con.execute("INSERT INTO replica (id, name, is_local, created_at, private_key, public_key) "
                        "VALUES (?, ?, 1, ?, ?, ?)",
                        (new_id, old[1] if old else "", utcnow().isoformat(), old[2] if old else None,
                         old[3] if old else None))
    except sqlite3.Error as e:
        raise ArchiveUnreadable(path=str(path), reason=str(e)) from e
    finally:
        con.close()
    return new_id
