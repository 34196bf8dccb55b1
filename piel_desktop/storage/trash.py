"""Deleted records, read from their tombstones, and putting them back.

Every delete leaves a tombstone with the row's last values (storage/sqlite/triggers.py),
stamped with the changeset that deleted it; the rows one delete took with it (an
outcome's sub-items and links, a meeting's outcomes) share that stamp. One *deletion*
is therefore the set of tombstones with one stamp, and restoring it puts those rows
back as a new change (:func:`restore_record`) that travels to other offices like any
edit. Resolving a "deleted while edited" conflict by keeping the record uses the same
restore.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from piel_desktop.domain.sync import DELETED, Stamp, stamp_of
from piel_desktop.storage import models as m
from piel_desktop.storage.sync import RawSQL, dumps, shape

#: The stamp that deleted a tombstone's record: its clock's ``_deleted`` entry, else the
#: clock's default (a compacted clock, see domain.sync.compact), as ``stamp_of`` reads it.
_DELETED_BY = "coalesce(json_extract(sync_clock, '$._deleted'), json_extract(sync_clock, '$.\"*\"'))"


@dataclass(frozen=True)
class DeletedRow:
    table: str
    key: list
    values: dict


@dataclass(frozen=True)
class Deletion:
    """One delete: its stamp, when (UTC) and by which replica (hex id), and its rows in
    table order (every table after the tables it refers to)."""

    stamp: str
    when: dt.datetime
    replica: str
    rows: tuple[DeletedRow, ...]


def deletions(con: RawSQL, *, limit: int = 200) -> list[Deletion]:
    """The ``limit`` most recent deletions, newest first."""
    stamps = [r[0] for r in con.execute(
        f"SELECT DISTINCT s FROM (SELECT {_DELETED_BY} AS s FROM tombstone WHERE deleted) AS d "
        "WHERE s IS NOT NULL ORDER BY s DESC LIMIT ?", (limit,))]
    return [deletion(con, stamp) for stamp in stamps]


def deletion(con: RawSQL, stamp: str) -> Deletion:
    """The rows deleted by the changeset ``stamp`` (none if it deleted nothing or they
    were restored since)."""
    order = {table: i for i, table in enumerate(m.CONTENT_TABLES)}
    rows = [DeletedRow(tbl, json.loads(key), json.loads(data)) for tbl, key, data in con.execute(
        f"SELECT tbl, row_key, data FROM tombstone WHERE deleted AND {_DELETED_BY} = ?", (stamp,))
        if tbl in order]
    depth = {id(row): _depth(row, rows) for row in rows}  # (a list being sorted reads as empty)
    rows.sort(key=lambda row: (order[row.table], depth[id(row)]))
    parsed = Stamp.parse(stamp)
    when = dt.datetime.fromtimestamp(parsed.wall_ms / 1000, dt.UTC)
    return Deletion(stamp, when, parsed.replica, tuple(rows))


def _depth(row: DeletedRow, rows: list[DeletedRow]) -> int:
    """How many of its ancestors (``parent_id``, outcomes and clauses) are in ``rows``:
    sub-items go back after their outcome."""
    by_id = {r.values.get("id"): r for r in rows if r.table == row.table}
    depth, parent = 0, row.values.get("parent_id")
    while parent in by_id and depth < len(rows):
        depth, parent = depth + 1, by_id[parent].values.get("parent_id")
    return depth


def _relink(con: sqlite3.Connection, table: str, key, deleted_by: str, stamp: str) -> None:
    """Point references back at a restored record where its delete had cleared them
    (ON DELETE SET NULL: a practice's organisation): a reference that is empty and
    whose clock says the same delete emptied it."""
    for child in m.SYNCED_TABLES:
        for column, parent, _ in shape(child).references:
            if parent != table:
                continue
            emptied_by = (f"coalesce(json_extract(sync_clock, '$.{column}'), "
                          f"json_extract(sync_clock, '$.\"*\"'))")
            con.execute(
                f'UPDATE "{child}" SET "{column}" = ?, sync_clock = json_set(sync_clock, \'$.{column}\', ?) '
                f'WHERE "{column}" IS NULL AND {emptied_by} = ?', (key, stamp, deleted_by))


def restore_record(con: sqlite3.Connection, table: str, key: list, stamp: str, depth: int = 0) -> None:
    """Bring a deleted record back as a change stamped ``stamp``, with the deleted
    records it refers to and those deleted together with it (the same delete). Its
    clock keeps the stamps of its fields and gets ``stamp`` as its ``_deleted`` entry,
    so every office sees that the restore came after the delete.

    For the transaction of :meth:`Archive.merging` (triggers off; the caller runs
    ``Merger.finish`` to check references). Raises sqlite3.IntegrityError when a
    record made since takes its number (UNIQUE).
    """
    key_text = dumps(key)
    row = con.execute("SELECT data, sync_clock FROM tombstone WHERE tbl = ? AND row_key = ?",
                      (table, key_text)).fetchone()
    if row is None or depth > 20:
        return
    s = shape(table)
    data, clock = json.loads(row[0]), json.loads(row[1])
    deleted_by = str(stamp_of(clock, DELETED))
    clock[DELETED] = stamp
    con.execute("DELETE FROM tombstone WHERE tbl = ? AND row_key = ?", (table, key_text))
    cols = ", ".join(f'"{c}"' for c in (*s.keys, *s.columns, "sync_clock"))
    con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * (len(s.keys) + len(s.columns) + 1))})',
                (*key, *(data.get(c) for c in s.columns), dumps(clock)))
    for column, parent, _ in s.references:
        if data.get(column) is not None:
            restore_record(con, parent, [data[column]], stamp, depth + 1)
    if deleted_by and len(s.keys) == 1:
        _relink(con, table, key[0], deleted_by, stamp)
    if deleted_by:
        for other_table, other_key in con.execute(
                f"SELECT tbl, row_key FROM tombstone WHERE deleted AND {_DELETED_BY} = ?",
                (deleted_by,)).fetchall():
            restore_record(con, other_table, json.loads(other_key), stamp, depth + 1)
