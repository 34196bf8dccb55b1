"""The transaction's own psycopg connection, used as storage code uses SQLite's.

Bulk work (change tracking, packages, the trash) talks to the database below the ORM,
through the DB-API connection of the unit of work (storage/sync.py says why). On a
file that is ``sqlite3.Connection``; on an HQ archive it is :class:`RawConnection`,
which offers the same three things: ``execute(sql, params)`` returning a cursor that
iterates tuples and has ``fetchone``/``fetchall``, ``executemany`` and ``in_transaction``.

Two differences are smoothed over here, so that the storage code stays one:

- SQL is written with SQLite's ``?`` (or ``:name``) marks; psycopg's are ``%s`` (and
  ``%(name)s``; a literal ``%`` must be doubled). :func:`psycopg_sql` rewrites a
  statement once and remembers it.
- values come back as SQLite holds them, the form packages carry: a ``date`` column as
  its ISO text, a ``boolean`` as 0 or 1 (psycopg's loaders are replaced for these
  cursors only; the ORM's connection keeps its own). Going in, an integer is sent
  untyped, as psycopg sends a string, so that PostgreSQL reads it as the column
  wants: 0 or 1 into a ``boolean`` column, as SQLite takes them.

Like ``sqlite3.Connection`` (PEP 249's optional extension), the connection names its
driver's exceptions (``con.IntegrityError``, ``con.DataError``…), so that storage code
catches the right ones without knowing the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import psycopg
from psycopg.adapt import Dumper, Loader


class _DateAsText(Loader):
    def load(self, data) -> str:
        return bytes(data).decode()  # PostgreSQL's text output of a date: YYYY-MM-DD


class _BoolAsInt(Loader):
    def load(self, data) -> int:
        return 1 if bytes(data) == b"t" else 0


class _IntUntyped(Dumper):
    oid = 0  # unknown: the server gives it the type its place needs

    def dump(self, obj: int) -> bytes:
        return str(obj).encode()


@lru_cache(maxsize=1024)
def psycopg_sql(sql: str, named: bool = False) -> str:
    """``sql`` with SQLite's marks as psycopg's: ``?`` as ``%s``, or with ``named``
    each ``:name`` as ``%(name)s``; every other ``%`` doubled. Marks inside a quoted
    string or identifier are left as they are, as is PostgreSQL's ``::`` cast.
    """
    out, quote, i, n = [], None, 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "%":
            out.append("%%")
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?" and not named:
            out.append("%s")
        elif ch == ":" and named and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_") \
                and (i == 0 or sql[i - 1] != ":"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            i = j
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


class RawConnection:
    """A psycopg connection that reads and writes as storage/sync.py expects."""

    dialect = "postgresql"
    Error = psycopg.Error
    IntegrityError = psycopg.IntegrityError
    DataError = psycopg.DataError
    InterfaceError = psycopg.InterfaceError
    ProgrammingError = psycopg.ProgrammingError
    OperationalError = psycopg.OperationalError

    def __init__(self, connection: psycopg.Connection) -> None:
        self._con = connection

    def cursor(self) -> psycopg.Cursor:
        cursor = self._con.cursor()
        cursor.adapters.register_loader("date", _DateAsText)
        cursor.adapters.register_loader("bool", _BoolAsInt)
        cursor.adapters.register_dumper(int, _IntUntyped)
        return cursor

    def execute(self, sql: str, params: Sequence | Mapping = ()) -> psycopg.Cursor:
        """Run ``sql`` with ``?`` marks and a sequence, or ``:name`` marks and a mapping."""
        cursor = self.cursor()
        if isinstance(params, Mapping):
            cursor.execute(psycopg_sql(sql, named=True), params)
        else:
            cursor.execute(psycopg_sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> psycopg.Cursor:
        cursor = self.cursor()
        cursor.executemany(psycopg_sql(sql), [tuple(r) for r in rows])
        return cursor

    def commit(self) -> None:
        self._con.commit()

    def rollback(self) -> None:
        self._con.rollback()

    @property
    def in_transaction(self) -> bool:
        return self._con.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
