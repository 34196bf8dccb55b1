"""Applying incoming records to the archive: the merge of an import, in bulk.

Runs inside one transaction opened by the caller (:meth:`Archive.merging`), where no
delete cascades behind the merge's back (foreign keys off on a file, the ON DELETE
triggers held back on a server) and ``applying`` is set (so that the tracking triggers
stand aside). After the last batch, :meth:`Merger.finish` hides records whose parent
is deleted and brings back hidden ones whose parents returned (both derived from the
merged state, so every office reaches the same result), then checks every reference.
The caller commits or rolls back.

The SQL is one for both kinds of archive (PostgreSQL has SQLite's json functions that
it uses, storage/postgres/triggers.py), except where noted: the bulk index trick and
the value check are the file's; finding broken references is per database. Driver
errors are caught through the connection (``con.IntegrityError``: PEP 249's optional
extension, which sqlite3 and storage/postgres/raw.py both offer).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from piel_desktop.domain.sync import (
    ALL_FIELDS, BOOKKEEPING_FIELDS, DELETED, Loser, edits_unseen_by_delete, merge_record, stamp_of,
)
from piel_desktop.storage import models as m
from piel_desktop.storage.sync import (
    Contexts, RawSQL, Row, dumps, first_invalid, invalid_fields, on_server, shape,
)

#: Namespace of conflict ids: uuid5(CONFLICT_NAMESPACE, "table|key|field|stamp").
CONFLICT_NAMESPACE = uuid.UUID("7b1f0c52-5c0e-4f0e-9a55-3f0c8f1d2a61")
_CHUNK = 400
#: Most live records of a table whose keys a merge remembers, instead of looking each
#: incoming record up (a new archive holds a few: its office's body and its texts).
KNOWN_KEYS = 5000
#: Records arriving at once from which a bulk write builds indexes at its end (LateIndexes).
LATE_INDEX_ROWS = 1000
#: Effects kept one by one for the preview; beyond, only counted.
DETAILED = 5_000
_LINK_TABLES = frozenset({"meeting_outcome", "outcome_organisation", "report_meeting", "report_quote"})


class MissingReference(Exception):
    """A record refers to one that exists neither in the archive nor in the package."""

    def __init__(self, table: str, key: list, parent: str) -> None:
        super().__init__(f"{table} {key} refers to a missing {parent}")
        self.table, self.key, self.parent = table, key, parent


class DuplicateRecord(Exception):
    """Two records with different identities claim the same unique value."""

    def __init__(self, table: str, key: list, detail: str) -> None:
        super().__init__(f"{table} {key}: {detail}")
        self.table, self.key, self.detail = table, key, detail


class MalformedValue(Exception):
    """A record value the archive cannot store (a list, say) or its column does not allow."""

    def __init__(self, table: str, detail: str) -> None:
        super().__init__(f"{table}: {detail}")
        self.table, self.detail = table, detail


class Effect(NamedTuple):
    """What the merge did to one record: "new", "changed", "deleted" or "restored",
    and whether it met a conflict. Links between records are not listed."""

    action: str
    table: str
    key: list
    conflict: bool = False
    #: For "changed": the fields whose value changed (bookkeeping aside).
    fields: tuple[str, ...] = ()


class LateIndexes:
    """Indexes that a bulk write builds once at its end instead of record by record.

    ``defer(table, incoming)`` drops the indexes made by CREATE INDEX of ``table`` (its
    primary key and UNIQUE constraints stay) when ``incoming`` records arrive at once
    and the table holds at most KNOWN_KEYS: one sort at the end then costs less than a
    random B-tree insert per record. ``build()`` makes them again from the same
    statements. Inside the caller's transaction, so a rollback brings them back as
    they were. Raises DuplicateRecord when a unique one refuses what was written.
    A file's only: on a server, whose other users' statements would wait for the
    rebuild, it does nothing.
    """

    def __init__(self, con: RawSQL) -> None:
        self.con = con
        self._seen: set[str] = set()
        self._dropped: list[tuple[str, str]] = []  # (table, CREATE INDEX statement)

    def defer(self, table: str, incoming: int) -> None:
        """Decide for ``table`` on its first batch: ``incoming`` records."""
        if table in self._seen:
            return
        self._seen.add(table)
        if incoming < LATE_INDEX_ROWS or on_server(self.con) or self.con.execute(
                f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT ?)', (KNOWN_KEYS + 1,)).fetchone()[0] > KNOWN_KEYS:
            return
        made = self.con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                "AND sql IS NOT NULL", (table,)).fetchall()
        for name, sql in made:
            self.con.execute(f'DROP INDEX "{name}"')
            self._dropped.append((table, sql))

    def build(self) -> None:
        for table, sql in self._dropped:
            try:
                self.con.execute(sql)
            except self.con.IntegrityError as e:
                raise _duplicate(table, [], e) from e
        self._dropped.clear()


@dataclass
class Merger:
    """Merges batches of incoming records (``apply``), then settles references
    (``finish``); what it did is in ``effects``, ``more``, ``conflicts`` and ``changes``.

    Raises MissingReference, DuplicateRecord or MalformedValue; the caller rolls back.
    """

    con: RawSQL
    contexts: Contexts
    #: Makes (once) the stamp of the conflict records this merge creates: a changeset
    #: of this office, later than everything the package brought.
    conflict_stamp: Callable[[], str]
    effects: list[Effect] = field(default_factory=list)
    #: Effects beyond DETAILED, counted by action (and "conflict") only, so that the
    #: memory of a merge stays flat however large the package.
    more: Counter = field(default_factory=Counter)
    conflicts: int = 0
    #: Records written, links included.
    changes: int = 0
    #: Per table touched: its live records when the merge began (None: none; a set of
    #: keys when there were at most KNOWN_KEYS; True: more) and whether it held
    #: tombstones. An incoming record whose key was not there needs no lookup (a first
    #: full import, or one into an archive holding only its first few records).
    _before: dict[str, tuple[set | bool | None, bool]] = field(default_factory=dict)
    _late: LateIndexes = field(init=False)
    #: Whether values are checked record by record as they come (a server) rather
    #: than in one pass inside the database at the end (a file: first_invalid).
    _check_each: bool = field(init=False)

    def __post_init__(self) -> None:
        self._late = LateIndexes(self.con)
        self._check_each = on_server(self.con)

    def apply(self, rows: Sequence[Row]) -> None:
        """Merge a batch of records of one table."""
        if not rows:
            return
        s = shape(rows[0].table)
        if self._check_each:
            for row in rows:
                if not row.deleted and (bad := invalid_fields(s.name, row.values)):
                    raise _malformed(s.name, row.key, bad[0])
        self._late.defer(s.name, len(rows))
        for i in range(0, len(rows), _CHUNK):
            self._apply_chunk(s, rows[i:i + _CHUNK])

    def _lookups(self, s) -> tuple[set | bool | None, bool]:
        """(live records, has tombstones) of table ``s`` when the merge began: live
        records None (none), their keys (a set of tuples, at most KNOWN_KEYS) or True
        (more). The package holds each record once, so what it adds needs no second look."""
        table = s.name
        if table not in self._before:
            keys = ", ".join(f'"{k}"' for k in s.keys)
            known = set(self.con.execute(f'SELECT {keys} FROM "{table}" LIMIT ?', (KNOWN_KEYS + 1,)))
            self._before[table] = (
                (known or None) if len(known) <= KNOWN_KEYS else True,
                self.con.execute("SELECT 1 FROM tombstone WHERE tbl = ? LIMIT 1", (table,)).fetchone() is not None)
        return self._before[table]

    def _note(self, action: str, table: str, key: list, conflict: bool = False,
              fields: tuple[str, ...] = ()) -> None:
        self.changes += 1
        if table in _LINK_TABLES:
            return
        if len(self.effects) < DETAILED:
            self.effects.append(Effect(action, table, key, conflict, fields))
        else:
            self.more[action] += 1
            self.more["conflict"] += conflict

    def _note_new(self, table: str, keys: list[list]) -> None:
        """_note("new", ...) of each of ``keys``, at once (a first import adds many)."""
        self.changes += len(keys)
        if table in _LINK_TABLES:
            return
        room = max(0, DETAILED - len(self.effects))
        self.effects.extend(Effect("new", table, key) for key in keys[:room])
        if len(keys) > room:
            self.more["new"] += len(keys) - room

    def _apply_chunk(self, s, rows: Sequence[Row]) -> None:
        known, has_tombs = self._lookups(s)
        if known is True:
            live = self._fetch_live(s, rows)
        elif known:
            present = [row for row in rows if tuple(row.key) in known]
            live = self._fetch_live(s, present) if present else {}
        else:
            live = {}
        tombs = self._fetch_tombstones(s.name, rows) if has_tombs else {}
        if not live and not tombs and not any(row.deleted for row in rows):  # all new (a first import)
            self._run_many(s.name, _insert_sql(s), [(*row.key, *row.values.values(), row.clock_text) for row in rows])
            self._note_new(s.name, [row.key for row in rows])
            return
        inserts, tomb_inserts, new_keys = [], [], []
        for row in rows:
            local = live.get(tuple(row.key)) if live else None
            key_text = dumps(row.key) if local is not None or tombs else None
            tomb = tombs.get(key_text) if local is None and tombs else None
            if local is None and tomb is None:
                if row.deleted:
                    tomb_inserts.append((s.name, dumps(row.key), _data(s, row.key, row.values), row.clock_text, 1))
                    self._note("deleted", s.name, row.key)
                else:
                    inserts.append((*row.key, *row.values.values(), row.clock_text))
                    new_keys.append(row.key)
                continue
            if local is not None:
                values, clock_text = local
                was_deleted, hidden = False, False
            else:
                values, clock_text, tomb_deleted = tomb
                was_deleted, hidden = bool(tomb_deleted), not tomb_deleted
            if clock_text == row.clock_text and not _differs(values, row.values):
                continue
            merged = merge_record({**values, DELETED: was_deleted}, json.loads(clock_text),
                                  {**row.values, DELETED: row.deleted}, row.clock, self.contexts)
            if not merged.restamped and not merged.losers:
                continue
            self._write(s, row.key, key_text, merged, local is not None, was_deleted, hidden)
            for loser in merged.losers:
                self._add_conflict(s.name, key_text, loser)
        if inserts:
            self._run_many(s.name, _insert_sql(s), inserts)
            self._note_new(s.name, new_keys)
        if tomb_inserts:
            self._run_many(s.name, "INSERT INTO tombstone (tbl, row_key, data, sync_clock, deleted) "
                           "VALUES (?, ?, ?, ?, ?)", tomb_inserts)

    def _run_many(self, table: str, sql: str, params: list) -> None:
        con = self.con
        try:
            con.executemany(sql, params)
        except con.IntegrityError as e:
            raise _duplicate(table, list(params[0][:1]), e) from e
        except (con.InterfaceError, con.ProgrammingError, con.DataError) as e:
            raise MalformedValue(table, str(e).splitlines()[0]) from e

    def _write(self, s, key: list, key_text: str, merged, was_live: bool, was_deleted: bool,
               hidden: bool) -> None:
        values = {c: merged.values[c] for c in s.columns}
        deleted = bool(merged.values[DELETED])
        clock = dumps(merged.clock)
        conflict = bool(merged.losers)
        if deleted:
            conflict = conflict or bool(edits_unseen_by_delete(
                merged.clock, s.columns, stamp_of(merged.clock, DELETED), self.contexts))
            if was_live:
                self._delete_live(s, key)
            self.con.execute(TOMBSTONE_UPSERT, (s.name, key_text, _data(s, key, values), clock, True))
            self._note("changed" if was_deleted else "deleted", s.name, key, conflict)
            return
        if was_live:
            sets = ", ".join(f'"{c}" = ?' for c in (*s.columns, "sync_clock"))
            self._run_many(s.name, f'UPDATE "{s.name}" SET {sets} WHERE {_where(s)}',
                           [(*values.values(), clock, *key)])
            fields = tuple(f for f in dict.fromkeys([*merged.changed, *(x.field for x in merged.losers)])
                           if f not in BOOKKEEPING_FIELDS and f != DELETED)
            if fields or conflict:  # a new stamp on the same value is no change to show
                self._note("changed", s.name, key, conflict, fields)
            else:
                self.changes += 1
            return
        # A tombstone comes back to life: restored elsewhere, or its parent returned.
        self.con.execute("DELETE FROM tombstone WHERE tbl = ? AND row_key = ?", (s.name, key_text))
        self._run_many(s.name, _insert_sql(s), [(*key, *values.values(), clock)])
        self._note("changed" if hidden else "restored", s.name, key, conflict)

    def _delete_live(self, s, key: list) -> None:
        self.con.execute(f'DELETE FROM "{s.name}" WHERE {_where(s)}', key)

    def _add_conflict(self, table: str, key_text: str, loser: Loser) -> None:
        conflict_id = uuid.uuid5(CONFLICT_NAMESPACE, f"{table}|{key_text}|{loser.field}|{loser.stamp}")
        cursor = self.con.execute(
            "INSERT INTO conflict (id, tbl, row_key, field, value, stamp, sync_clock) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (conflict_id.hex, table, key_text, loser.field, dumps(loser.value), str(loser.stamp),
             dumps({ALL_FIELDS: self.conflict_stamp()})))
        self.conflicts += cursor.rowcount

    def _fetch_live(self, s, rows: Sequence[Row]) -> dict[tuple, tuple[dict, str]]:
        cols = ", ".join(f'"{c}"' for c in (*s.keys, *s.columns))
        n = len(s.keys)
        if n == 1:
            sql = f'SELECT {cols}, sync_clock FROM "{s.name}" WHERE "{s.keys[0]}" IN ({",".join("?" * len(rows))})'
            params = [r.key[0] for r in rows]
        else:  # a join from the keys, so that SQLite walks the primary key index
            tuples = ",".join(["(" + ",".join("?" * n) + ")"] * len(rows))
            on = " AND ".join(f't."{k}" = v.column{i + 1}' for i, k in enumerate(s.keys))
            cols = ", ".join(f't."{c}"' for c in (*s.keys, *s.columns))
            sql = f'SELECT {cols}, t.sync_clock FROM (VALUES {tuples}) AS v JOIN "{s.name}" AS t ON {on}'
            params = [v for r in rows for v in r.key]
        found = {}
        for record in self.con.execute(sql, params):
            found[record[:n]] = (dict(zip(s.columns, record[n:-1])), record[-1])
        return found

    def _fetch_tombstones(self, table: str, rows: Sequence[Row]) -> dict[str, tuple[dict, str, int]]:
        keys = [dumps(r.key) for r in rows]
        found = {}
        for key, data, clock, deleted in self.con.execute(
                f"SELECT row_key, data, sync_clock, deleted FROM tombstone WHERE tbl = ? "
                f"AND row_key IN ({','.join('?' * len(keys))})", (table, *keys)):
            s = shape(table)
            values = json.loads(data)
            found[key] = ({c: values.get(c) for c in s.columns}, clock, deleted)
        return found

    # -- after the last batch ------------------------------------------------------

    def finish(self) -> None:
        """Hide orphans, bring back records whose parents returned, check references.

        Raises MissingReference for a reference to a record that exists nowhere.
        """
        self._late.build()  # a unique index refuses a value listed twice
        for table in self._before:  # every value the merge wrote, in one pass per table
            bad = None if self._check_each else first_invalid(self.con, table)
            if bad:
                raise _malformed(table, bad[0], bad[1])
        for table in self._before:  # one record both live and deleted: a package listing it twice
            s = shape(table)
            key = f"json_array({', '.join(f't.{chr(34)}{k}{chr(34)}' for k in s.keys)})"
            row = self.con.execute(f'SELECT {key} FROM "{table}" AS t JOIN tombstone AS d '
                                   f"ON d.tbl = ? AND d.row_key = {key} LIMIT 1", (table,)).fetchone()
            if row:
                raise DuplicateRecord(table, json.loads(row[0]), "listed twice")
        for _ in range(100):  # each round settles one more level of parents
            if not (self._hide_orphans() | self._revive_hidden()):
                return
        raise RuntimeError("references did not settle")  # a cycle of references

    def _hide_orphans(self) -> bool:
        moved = False
        for table, key, parent in broken_references(self.con):
            s = shape(table)
            cols = ", ".join(f'"{c}"' for c in (*s.columns, "sync_clock"))
            record = self.con.execute(f'SELECT {cols} FROM "{table}" WHERE {_where(s)}', key).fetchone()
            if record is None:
                continue  # already hidden in this round
            values = dict(zip(s.columns, record[:-1]))
            if not self._parent_is_tombstone(s, {**dict(zip(s.keys, key)), **values}):
                raise MissingReference(table, key, parent)
            self._delete_live(s, key)
            self.con.execute(TOMBSTONE_UPSERT, (table, dumps(key), _data(s, key, values), record[-1], False))
            self._note("deleted", table, key)
            moved = True
        return moved

    def _parent_is_tombstone(self, s, values: dict) -> bool:
        for column, parent, _parent_column in s.references:
            value = values.get(column)
            if value is None:
                continue
            if self._exists_live(parent, value):
                continue
            if self.con.execute("SELECT 1 FROM tombstone WHERE tbl = ? AND row_key = ?",
                                (parent, dumps([value]))).fetchone() is None:
                return False
        return True

    def _exists_live(self, table: str, key_value) -> bool:
        s = shape(table)
        return self.con.execute(f'SELECT 1 FROM "{table}" WHERE "{s.keys[0]}" = ?', (key_value,)).fetchone() is not None

    def _revive_hidden(self) -> bool:
        revived = False
        for table, key_text, data, clock in self.con.execute(
                "SELECT tbl, row_key, data, sync_clock FROM tombstone WHERE NOT deleted").fetchall():
            s = shape(table)
            values = json.loads(data)
            if all(values.get(c) is None or self._exists_live(p, values[c]) for c, p, _ in s.references):
                key = json.loads(key_text)
                self.con.execute("DELETE FROM tombstone WHERE tbl = ? AND row_key = ?", (table, key_text))
                self._run_many(table, _insert_sql(s), [(*key, *(values.get(c) for c in s.columns), clock)])
                self._note("restored", table, key)
                revived = True
        return revived


#: Write a tombstone (tbl, row_key, data, sync_clock, deleted), over the one it replaces.
TOMBSTONE_UPSERT = ("INSERT INTO tombstone (tbl, row_key, data, sync_clock, deleted) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (tbl, row_key) DO UPDATE SET data = excluded.data, "
                    "sync_clock = excluded.sync_clock, deleted = excluded.deleted")


def broken_references(con: RawSQL) -> list[tuple[str, list, str]]:
    """(table, key, parent table) of each live record whose reference finds no record
    in the archive, now, inside the merge's transaction. Raises MissingReference at
    once for one outside the content tables (a record's office, a document's file),
    which no merge can hide.

    A file asks ``PRAGMA foreign_key_check``. A server first lets PostgreSQL check
    what the transaction changed (SET CONSTRAINTS ALL IMMEDIATE, in a savepoint, so
    that a failure costs nothing); only when that fails does it look for the records
    by a query per foreign key.
    """
    if not on_server(con):
        found = []
        for table, rowid, parent, _fk in con.execute("PRAGMA foreign_key_check").fetchall():
            if table not in m.SYNCED_TABLES or parent not in m.SYNCED_TABLES:
                raise MissingReference(table, [rowid], parent)
            keys = ", ".join(f'"{k}"' for k in shape(table).keys)
            row = con.execute(f'SELECT {keys} FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
            if row is not None:
                found.append((table, list(row), parent))
        return found
    con.execute("SAVEPOINT piel_references")
    try:
        con.execute("SET CONSTRAINTS ALL IMMEDIATE")
        con.execute("SET CONSTRAINTS ALL DEFERRED")
        con.execute("RELEASE SAVEPOINT piel_references")
        return []
    except con.IntegrityError:
        con.execute("ROLLBACK TO SAVEPOINT piel_references")
        con.execute("RELEASE SAVEPOINT piel_references")
    found = []
    for table in m.Base.metadata.sorted_tables:
        keys = ", ".join(f'c."{k.name}"' for k in table.primary_key.columns)
        for reference in table.foreign_key_constraints:
            (element,) = reference.elements
            column, parent, parent_column = element.parent.name, element.column.table.name, element.column.name
            rows = con.execute(
                f'SELECT {keys} FROM "{table.name}" AS c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent}" AS p WHERE p."{parent_column}" = c."{column}")').fetchall()
            if rows and (table.name not in m.SYNCED_TABLES or parent not in m.SYNCED_TABLES):
                raise MissingReference(table.name, list(rows[0]), parent)
            found.extend((table.name, list(row), parent) for row in rows)
    return found


def _duplicate(table: str, key: list, e: Exception) -> DuplicateRecord:
    text = str(e)  # SQLite names the columns; PostgreSQL's detail lists them
    same_number = "meeting.number" in text or (table == "meeting" and "(body_id, number)" in text)
    return DuplicateRecord(table, key, "same-meeting-number" if same_number else text.splitlines()[0])


def _malformed(table: str, key: Sequence, column: str) -> MalformedValue:
    return MalformedValue(table, f"{table}.{column} of {'/'.join(map(str, key))[:70]} is not a valid value")


def _data(s, key: list, values: dict) -> str:
    return dumps({**dict(zip(s.keys, key)), **{c: values.get(c) for c in s.columns}})


def _differs(a: dict, b: dict) -> bool:
    return any(a.get(k) != v for k, v in b.items())


def _where(s) -> str:
    return " AND ".join(f'"{k}" = ?' for k in s.keys)


def _insert_sql(s) -> str:
    cols = ", ".join(f'"{c}"' for c in (*s.keys, *s.columns, "sync_clock"))
    return f'INSERT INTO "{s.name}" ({cols}) VALUES ({", ".join("?" * (len(s.keys) + len(s.columns) + 1))})'
