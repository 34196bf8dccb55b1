"""The bulk merge transaction of an HQ archive: the server's :meth:`Archive.merging`.

On a file, storage/sqlite/file.py's ``merging`` turns foreign keys off and drops the
tracking triggers for one transaction, so that a package merge, a restore from the
trash, a resolved conflict or a bulk entry writes clocks itself (storage/merge.py).
On PostgreSQL the same is one setting local to the transaction, ``piel.applying``,
which the tracking triggers and the ON DELETE triggers honour
(storage/postgres/triggers.py), with the foreign keys deferred to COMMIT
(archive.defer_foreign_keys); storage/merge.py settles every reference before then.

One merge at a time, and no edit while it runs: the transaction first locks the
local replica's row, which every unit of work locks to take its stamp
(storage/sync.new_changeset). A merge reads records and writes them back whole, so an
edit committed in between would be lost; this is the file's one writer at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from piel_desktop.storage.postgres import search
from piel_desktop.storage.postgres.connect import ServerAddress, transaction_error
from piel_desktop.storage.postgres.raw import RawConnection


@dataclass
class Merging:
    """The transaction of :meth:`Archive.merging`: ``con`` to write, ``commit()`` to end."""

    con: RawConnection

    def commit(self, *, added_only: bool = False) -> None:
        """Fold the search index's marked versions (search.before_commit) and commit;
        a broken reference left (none should be: storage/merge.py checks them) fails
        here, deferred, as psycopg's IntegrityError. ``added_only`` is the file's hint
        for its search index, of no use here."""
        search.before_commit(self.con)
        self.con.commit()


@contextmanager
def merging(engine: Engine, address: ServerAddress) -> Iterator[Merging]:
    """A raw connection in one write transaction, ``piel.applying`` set, the local
    replica locked. Anything not committed is rolled back when the block ends, also on
    error. A lost server leaves as ServerUnreachable, a statement the account's role
    forbids as NotPermitted (params: location, user); anything else passes unchanged.
    """
    try:
        connection = engine.connect()
    except DBAPIError as e:
        _raise_mapped(address, e)
    raw = RawConnection(connection.connection.driver_connection)
    try:
        raw.execute("SELECT set_config('piel.applying', '1', true)")
        raw.execute("SELECT id FROM replica WHERE is_local FOR UPDATE")
        yield Merging(raw)
    except psycopg.Error as e:
        _raise_mapped(address, e)
    finally:
        try:
            if raw.in_transaction:
                raw.rollback()
        except psycopg.Error:
            pass  # the connection is gone: nothing was committed
        connection.close()


def _raise_mapped(address: ServerAddress, error: Exception) -> None:
    """Raise the domain error for ``error`` (connect.transaction_error), or ``error``
    itself when it is not the server's."""
    mapped = transaction_error(address, error)
    if mapped is None:
        raise error
    raise mapped from error
