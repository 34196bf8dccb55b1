"""Change tracking in an archive: changesets, knowledge, records as plain data.

Works on the raw connection of a unit of work (:func:`raw_connection`: the file's
``sqlite3`` connection, or its counterpart on a server, storage/postgres/raw.py),
because an import moves hundreds of thousands of rows and the ORM would multiply that
cost. Values are what
SQLite stores (text, integers, NULL), so they go to and from JSON unchanged.

Each content row carries ``sync_clock`` (JSON: field -> stamp, ``"*"`` the default);
the rules for stamps are in :mod:`piel_desktop.domain.sync`. The version vector an
archive has seen is ``replica.covered``, one value per office.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol
from functools import lru_cache

from piel_desktop.domain.sync import ALL_FIELDS, DELETED, Context, Stamp, is_newer, next_hlc
from sqlalchemy import Boolean, Date, Enum as SAEnum, Integer, String, Uuid

from piel_desktop.storage import models as m

_JSON = {"separators": (",", ":"), "ensure_ascii": False}


def dumps(value) -> str:
    """Compact JSON, the encoding of keys (as SQLite's json_array writes them) and clocks."""
    return json.dumps(value, **_JSON)


@dataclass(frozen=True)
class TableShape:
    """Primary key columns and the other columns of a synced table (``sync_clock`` aside)."""

    name: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    #: (column, parent table, parent column) of each reference to another content table.
    references: tuple[tuple[str, str, str], ...]

    @property
    def column_set(self) -> frozenset[str]:
        return _column_sets[self.name]

    @property
    def checks(self) -> tuple:
        """(column, valid(value) -> bool) for every column."""
        return _checks[self.name]

    @property
    def clock_fields(self) -> frozenset[str]:
        """Keys a record's clock may have."""
        return _clock_fields[self.name]


@lru_cache(maxsize=None)
def shape(table: str) -> TableShape:
    """Raises KeyError for a table that does not travel in packages."""
    if table not in m.SYNCED_TABLES:
        raise KeyError(table)
    t = m.Base.metadata.tables[table]
    keys = tuple(c.name for c in t.primary_key.columns)
    columns = tuple(c.name for c in t.columns if c.name not in keys and c.name != "sync_clock")
    references = tuple(
        (fk.parent.name, fk.column.table.name, fk.column.name)
        for fk in t.foreign_keys if fk.column.table.name in m.SYNCED_TABLES)
    _column_sets[table] = frozenset(columns)
    _clock_fields[table] = frozenset((*columns, ALL_FIELDS, DELETED))
    _checks[table] = tuple((c, _checker(t.c[c])) for c in columns)
    return TableShape(table, keys, columns, references)


_column_sets: dict[str, frozenset[str]] = {}
_clock_fields: dict[str, frozenset[str]] = {}
_checks: dict[str, tuple] = {}


def _is_hex_id(v) -> bool:
    """An id as SQLite holds it: 32 lowercase hex digits."""
    return type(v) is str and len(v) == 32 and not v.strip("0123456789abcdef")


is_hex_id = _is_hex_id


def _is_date(v) -> bool:
    try:
        return type(v) is str and len(v) == 10 and bool(dt.date.fromisoformat(v))
    except ValueError:
        return False


def _is_utc_time(v) -> bool:
    """What ``isoformat()`` writes of an aware time: seconds or microseconds, then the
    offset as ±HH:MM (the same rule as _invalid_sql's, inside SQLite)."""
    try:
        return (type(v) is str and len(v) in (25, 32) and v[-6] in "+-"
                and dt.datetime.fromisoformat(v).tzinfo is not None)
    except ValueError:
        return False


def _checker(column):
    """A function telling whether a value SQLite holds is valid for ``column``."""
    kind = column.type
    if isinstance(kind, (SAEnum, )):
        allowed = frozenset(kind.enums)
        valid = allowed.__contains__
    elif isinstance(kind, m.UTCDateTime):
        valid = _is_utc_time
    elif isinstance(kind, Uuid):
        valid = _is_hex_id
    elif isinstance(kind, Date):
        valid = _is_date
    elif isinstance(kind, Boolean):
        valid = (0, 1).__contains__
    elif isinstance(kind, Integer):
        valid = lambda v: type(v) is int  # noqa: E731
    elif isinstance(kind, String) and kind.length:
        length = kind.length
        valid = lambda v: type(v) is str and len(v) <= length  # noqa: E731
    else:
        valid = lambda v: type(v) is str  # noqa: E731
    if column.nullable:
        return lambda v: v is None or valid(v)
    return valid


def _invalid_sql(column) -> str | None:
    """An SQL condition, true where a stored value breaks the column's rules; the same
    rules as _checker, for checking many records at once inside SQLite. A reference
    (a foreign key) is only checked for NULL: ``PRAGMA foreign_key_check`` checks it."""
    c, kind = f'"{column.name}"', column.type
    if isinstance(kind, SAEnum):
        bad = f"{c} NOT IN ({', '.join(repr(str(v)) for v in kind.enums)})"
    elif isinstance(kind, m.UTCDateTime):  # what isoformat() writes, seconds or microseconds, with its offset
        bad = (f"typeof({c}) != 'text' OR length({c}) NOT IN (25, 32) OR substr({c}, -6, 1) NOT IN ('+', '-') "
               f"OR julianday({c}) IS NULL")
    elif isinstance(kind, Uuid) and column.foreign_keys:
        # A reference equal to a stored key is an id; the foreign key check finds the others.
        return None if column.nullable else f"({c} IS NULL)"
    elif isinstance(kind, Uuid):
        bad = f"typeof({c}) != 'text' OR length({c}) != 32 OR {c} GLOB '*[^0-9a-f]*'"
    elif isinstance(kind, Date):
        bad = f"typeof({c}) != 'text' OR date({c}) IS NOT {c}"
    elif isinstance(kind, Boolean):
        bad = f"{c} NOT IN (0, 1)"
    elif isinstance(kind, Integer):
        bad = f"typeof({c}) != 'integer'"
    elif isinstance(kind, String) and kind.length:
        bad = f"typeof({c}) != 'text' OR length({c}) > {int(kind.length)}"
    else:
        bad = f"typeof({c}) != 'text'"
    return f"({c} IS NOT NULL AND ({bad}))" if column.nullable else f"({c} IS NULL OR {bad})"


def first_invalid(con: sqlite3.Connection, table: str) -> tuple[list, str] | None:
    """(key, column) of a live record of ``table`` with a value its column does not
    allow, or None. One pass inside SQLite: how a bulk import checks its values. The
    references (foreign keys) are left to ``PRAGMA foreign_key_check``, which the
    caller must run after (storage/merge.py): a value equal to a stored key is valid."""
    s = shape(table)
    t = m.Base.metadata.tables[table]
    conditions = [(c, sql) for c in s.columns if (sql := _invalid_sql(t.c[c]))]
    if not conditions:  # a link: its references are checked by the foreign keys
        return None
    which = " ".join(f"WHEN {cond} THEN '{c}'" for c, cond in conditions)
    keys = ", ".join(f'"{k}"' for k in s.keys)
    row = con.execute(f'SELECT {keys}, CASE {which} END FROM "{table}" WHERE '
                      + " OR ".join(cond for _, cond in conditions) + " LIMIT 1").fetchone()
    return (list(row[:-1]), row[-1]) if row else None


def invalid_fields(table: str, values: Mapping) -> list[str]:
    """The columns of ``table`` whose values break its schema (type, length, code list)."""
    shape(table)
    return [c for c, valid in _checks[table] if not valid(values.get(c))]


# -- changesets and knowledge -------------------------------------------------------

class RawSQL(Protocol):
    """What storage code needs of a raw connection: ``sqlite3.Connection``'s calls,
    with ``?`` marks and rows as tuples (storage/postgres/raw.py offers them on a
    server)."""

    def execute(self, sql: str, params: Sequence = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Sequence], /) -> Any: ...


def on_server(con) -> bool:
    """Whether ``con`` (a unit of work's raw connection) is an HQ archive's
    (storage/postgres/raw.py) rather than a file's ``sqlite3.Connection``."""
    return getattr(con, "dialect", "sqlite") == "postgresql"


def raw_connection(session):
    """The raw connection of a unit of work's transaction: ``sqlite3.Connection`` for a
    file, storage.postgres.raw.RawConnection on a server; both take ``?`` marks."""
    return session.info["raw"](session.connection().connection.driver_connection)


def local_replica(con: RawSQL) -> str:
    return con.execute("SELECT id FROM replica WHERE is_local").fetchone()[0]


def knowledge(con: RawSQL) -> dict[str, int]:
    """The version vector of this archive: replica hex -> highest hlc seen."""
    return {r: h for r, h in con.execute("SELECT id, covered FROM replica WHERE covered IS NOT NULL")}


def new_changeset(con: RawSQL, replica: str, *, hlc: int | None = None) -> str:
    """Start a changeset of ``replica`` (normally the local one); return its stamp text.

    Its clock is later than every clock the archive has seen, and its context is the
    archive's knowledge, itself included. ``hlc`` fixes the clock (the demo data).
    On a server several staff write at once: the replica's row is locked first (until
    the transaction ends), so two transactions never read the same knowledge and
    never share a stamp; on a file SQLite's one writer gives the same.
    """
    if on_server(con):
        con.execute("SELECT covered FROM replica WHERE id = ? FOR UPDATE", (replica,))
    known = knowledge(con)
    if hlc is None:
        hlc = next_hlc(known.values())
    stamp = str(Stamp(hlc, replica))
    raise_covered(con, replica, hlc)
    context = {**known, replica: max(hlc, known.get(replica, -1))}
    # The account: the login on a server (several staff), none on a file (one user).
    account = "session_user" if on_server(con) else "NULL"
    con.execute(f"INSERT INTO changeset (stamp, context, account) VALUES (?, ?, {account}) "
                "ON CONFLICT DO NOTHING", (stamp, dumps(context)))
    return stamp


def raise_covered(con: RawSQL, replica: str, hlc: int) -> None:
    """Let ``replica``'s known clock (``covered``) be at least ``hlc``."""
    larger = "greatest" if on_server(con) else "max"  # SQLite's max of two values
    con.execute(f"UPDATE replica SET covered = {larger}(coalesce(covered, -1), ?) WHERE id = ?", (hlc, replica))


def set_current_stamp(con: RawSQL, stamp: str | None) -> None:
    """The stamp the triggers write (None: refuse tracked writes). On a server it is
    a setting local to the transaction (storage/postgres/triggers.py)."""
    if on_server(con):
        con.execute("SELECT set_config('piel.stamp', ?, true)", (stamp or "",))
    else:
        con.execute("UPDATE sync_state SET stamp = ? WHERE id = 1", (stamp,))


@contextmanager
def stamped(session) -> Iterator[None]:
    """Run SQL statements (link rows written without the ORM) inside a unit of work's
    session as its own changes: stamped with the session's changeset, opened here if
    the transaction has none yet, like the ORM's writes (storage/archive.py)."""
    con = raw_connection(session)
    stamp = session.info.get("stamp") or new_changeset(con, session.info["replica_id"].hex)
    session.info["stamp"] = stamp
    session.flush()
    set_current_stamp(con, stamp)
    try:
        yield
    finally:
        set_current_stamp(con, None)


def set_applying(con: RawSQL, applying: bool) -> None:
    if on_server(con):
        con.execute("SELECT set_config('piel.applying', ?, true)", ("1" if applying else "",))
    else:
        con.execute("UPDATE sync_state SET applying = ? WHERE id = 1", (int(applying),))


def last_local_stamp(con: RawSQL) -> str | None:
    replica = local_replica(con)
    row = con.execute("SELECT max(stamp) FROM changeset WHERE substr(stamp, 18) = ?", (replica,)).fetchone()
    return row[0]


class Contexts:
    """Changeset contexts by stamp, read from the archive once and cached."""

    def __init__(self, con: RawSQL) -> None:
        self._con = con
        self._cache: dict[Stamp, Context] = {}
        #: Stamps added from a package (not read from the archive).
        self.added: list[str] = []

    def add(self, stamp: str, context: Mapping[str, int]) -> None:
        self._cache[Stamp.parse(stamp)] = dict(context)
        self.added.append(stamp)

    def __call__(self, stamp: Stamp) -> Context:
        found = self._cache.get(stamp)
        if found is None:
            row = self._con.execute("SELECT context FROM changeset WHERE stamp = ?", (str(stamp),)).fetchone()
            found = json.loads(row[0]) if row else {}
            self._cache[stamp] = found
        return found


# -- records as plain data ----------------------------------------------------------

class Row(NamedTuple):
    """One record as it travels: table, primary key values, other values (in the
    table's column order), clock, whether it is deleted (its own ``_deleted`` value),
    and the clock as stored (compact JSON)."""

    table: str
    key: list
    values: dict
    clock: dict[str, str]
    deleted: bool
    clock_text: str

    def to_json(self) -> dict:
        return {"k": self.key, "v": self.values, "c": self.clock, "d": self.deleted}


def _newer(clock_text: str, since: Context) -> bool:
    return any(is_newer(Stamp.parse(s), since) for s in json.loads(clock_text).values())


def iter_rows(con: RawSQL, since: Context | None = None) -> Iterator[Row]:
    """Every synced record (live, tombstone or conflict) that a peer which has seen
    ``since`` lacks; all of them when ``since`` is None. Parents come before children."""
    for table in m.SYNCED_TABLES:
        s = shape(table)
        cols = ", ".join(f'"{c}"' for c in (*s.keys, *s.columns))
        n = len(s.keys)
        for row in con.execute(f'SELECT {cols}, sync_clock FROM "{table}"'):
            if since is None or _newer(row[-1], since):
                yield Row(table, list(row[:n]), dict(zip(s.columns, row[n:-1])), json.loads(row[-1]),
                          False, row[-1])
    for table, key, data, clock, deleted in con.execute(
            "SELECT tbl, row_key, data, sync_clock, deleted FROM tombstone ORDER BY tbl, row_key"):
        if since is None or _newer(clock, since):
            s = shape(table)
            values = json.loads(data)
            yield Row(table, json.loads(key), {c: values.get(c) for c in s.columns},
                      json.loads(clock), bool(deleted), clock)


def authors(con: RawSQL, stamps: Iterable[str]) -> dict[str, tuple[str, str]]:
    """stamp -> (office, account) of who wrote each changeset: the office's name (the
    replica id's first 8 digits if it has none) and the account ("" on a file or
    for a changeset the archive does not know)."""
    wanted = sorted(set(stamps))
    offices = {r: n for r, n in con.execute("SELECT id, name FROM replica")}
    found = {s: (offices.get(s[17:]) or s[17:25], "") for s in wanted}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for stamp, account in con.execute(
                f"SELECT stamp, account FROM changeset WHERE stamp IN ({marks}) AND account IS NOT NULL", chunk):
            found[stamp] = (found[stamp][0], account)
    return found


def changeset_contexts(con: RawSQL, stamps: set[str]) -> dict[str, dict]:
    """Contexts of the given changesets (those the archive knows)."""
    found = {}
    wanted = sorted(stamps)
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for stamp, context in con.execute(f"SELECT stamp, context FROM changeset WHERE stamp IN ({marks})", chunk):
            found[stamp] = json.loads(context)
    return found
