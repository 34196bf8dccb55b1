"""Conflicts between offices: listing the open ones and resolving them.

Two kinds, both derived from the archive's clocks, so every office that has seen the
same changes lists the same conflicts:

- ``field``: a field was written concurrently at two offices; the archive holds the
  winner and keeps the other value in a conflict record;
- ``deleted``: a record was deleted at one office while another edited it.

Resolving is a new change stamped by this office after both writes, so it travels to
the other offices like any edit and closes the conflict there too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from piel_desktop.domain.errors import ConflictNotOpen, InvalidValue, PackageMissingReference
from piel_desktop.domain.sync import DELETED, Stamp, edits_unseen_by_delete, is_open_conflict, stamp_of
from piel_desktop.services.sync.preview import RecordLookup
from piel_desktop.storage import Archive
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.merge import TOMBSTONE_UPSERT, Merger, MissingReference
from piel_desktop.storage.models import utcnow
from piel_desktop.storage.trash import restore_record


@dataclass(frozen=True)
class ConflictItem:
    """One open conflict as the Conflicts view shows it, side by side."""

    id: str  # a conflict record's id, or "deleted:<table>:<key>"
    kind: str  # "field" or "deleted"
    table: str
    key: tuple
    field: str  # "" for a deleted record
    record: str  # a few words that identify the record
    meetings: tuple[int, ...]
    current: object  # the value in the archive (None for a deleted record)
    other: object  # the losing value (for "deleted": the edited field's value)
    current_by: str  # office
    current_at: dt.datetime  # aware UTC, from the writing office's clock
    other_by: str
    other_at: dt.datetime
    #: The accounts that wrote each value on an HQ archive ("" for an office's file).
    current_account: str = ""
    other_account: str = ""
    #: For "deleted": the record went with a deleted record it belongs to (its outcome).
    with_parent: bool = False


def _when(stamp: Stamp) -> dt.datetime:
    return dt.datetime.fromtimestamp(stamp.wall_ms / 1000, dt.UTC)


def list_conflicts(archive: Archive) -> list[ConflictItem]:
    """The open conflicts, by meeting, then record."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        contexts = tracking.Contexts(con)
        names = _Authors(con)
        lookup = RecordLookup(con)
        items = []
        by_field = defaultdict(list)
        for cid, table, key, field, value, stamp in con.execute(
                "SELECT id, tbl, row_key, field, value, stamp FROM conflict"):
            by_field[(table, key, field)].append((cid, json.loads(value), Stamp.parse(stamp)))
        for (table, key_text, field), losers in by_field.items():
            key = json.loads(key_text)
            clock, values = _clock_and_values(con, table, key_text, key)
            if clock is None:
                continue
            current = stamp_of(clock, field)
            stamps = [s for _, _, s in losers]
            for cid, value, stamp in losers:
                if is_open_conflict(stamp, current, stamps, contexts):
                    items.append(_item(lookup, names, cid, "field", table, key, field,
                                       values.get(field), current, value, stamp))
        for table, key_text, data, clock_text, own in con.execute(
                "SELECT tbl, row_key, data, sync_clock, deleted FROM tombstone").fetchall():
            clock = json.loads(clock_text)
            # A hidden record (its parent deleted) counts as deleted by that delete.
            deleted = stamp_of(clock, DELETED) if own else _deleted_parent(con, table, json.loads(data))
            if deleted is None:
                continue
            edited = edits_unseen_by_delete(clock, tracking.shape(table).columns, deleted, contexts)
            if edited:
                stamp, field = edited[-1]
                key = json.loads(key_text)
                other = json.loads(data).get(field)
                if tracking.is_hex_id(other):  # a reference: say what it is, not its id
                    other = lookup.label(table, key)
                items.append(_item(lookup, names, f"deleted:{table}:{key_text}", "deleted", table, key,
                                   field, None, deleted, other, stamp, with_parent=not own))
    return sorted(items, key=lambda i: (not i.meetings, i.meetings, i.record, i.field, i.id))


def _deleted_parent(con, table: str, data: dict, depth: int = 0) -> Stamp | None:
    """The delete that hides a record: its deleted parent's (or further up)."""
    for column, parent, _ in tracking.shape(table).references:
        value = data.get(column)
        if value is None or depth > 20:
            continue
        row = con.execute("SELECT data, sync_clock, deleted FROM tombstone WHERE tbl = ? AND row_key = ?",
                          (parent, tracking.dumps([value]))).fetchone()
        if row:
            if row[2]:
                return stamp_of(json.loads(row[1]), DELETED)
            return _deleted_parent(con, parent, json.loads(row[0]), depth + 1)
    return None


def _item(lookup, names: _Authors, cid, kind, table, key, field, current, current_stamp, other, other_stamp,
          with_parent=False):
    current_by, current_account = names(current_stamp)
    other_by, other_account = names(other_stamp)
    return ConflictItem(
        id=cid, kind=kind, table=table, key=tuple(key), field=field, record=lookup.label(table, key),
        meetings=tuple(lookup.meetings(table, key)), current=current, other=other,
        current_by=current_by, current_at=_when(current_stamp), other_by=other_by, other_at=_when(other_stamp),
        current_account=current_account, other_account=other_account, with_parent=with_parent)


class _Authors:
    """stamp -> (office, account) of who wrote it (storage.sync.authors), each stamp
    read once."""

    def __init__(self, con) -> None:
        self.con, self.known = con, {}

    def __call__(self, stamp: Stamp) -> tuple[str, str]:
        text = str(stamp)
        if text not in self.known:
            self.known.update(tracking.authors(self.con, [text]))
        return self.known[text]


def _clock_and_values(con, table: str, key_text: str, key: list):
    s = tracking.shape(table)
    where = " AND ".join(f'"{k}" = ?' for k in s.keys)
    cols = ", ".join(f'"{c}"' for c in s.columns)
    row = con.execute(f'SELECT {cols}, sync_clock FROM "{table}" WHERE {where}', key).fetchone()
    if row:
        return json.loads(row[-1]), {**dict(zip(s.columns, row[:-1])), DELETED: False}
    row = con.execute("SELECT data, sync_clock, deleted FROM tombstone WHERE tbl = ? AND row_key = ?",
                      (table, key_text)).fetchone()
    if row:
        return json.loads(row[1]), {**json.loads(row[0]), DELETED: bool(row[2])}
    return None, {}


def resolve_conflict(archive: Archive, conflict_id: str, keep: str, value: object = None) -> None:
    """Resolve an open conflict.

    ``keep`` is "current" (the archive's value, or for a deleted record: stay
    deleted), "other" (the losing value; for a deleted record: restore it, with its
    edits), or "edit" (write ``value``; field conflicts only). Raises ConflictNotOpen
    if it was resolved meanwhile, InvalidValue for a bad choice or value, and
    PackageMissingReference if the kept value refers to a record that is gone.
    """
    open_ids = {c.id: c for c in list_conflicts(archive)}
    item = open_ids.get(conflict_id)
    if item is None:
        raise ConflictNotOpen()
    if keep not in ("current", "other", "edit") or (keep == "edit" and item.kind != "field"):
        raise InvalidValue(field="resolution", value=keep)
    with archive.merging() as merging:
        con = merging.con
        stamp = tracking.new_changeset(con, tracking.local_replica(con))
        if item.field == DELETED:  # one office deleted the record, another restored it
            if keep == "edit":
                raise InvalidValue(field="resolution", value=keep)
            _set_deleted(con, item.table, list(item.key),
                         item.current if keep == "current" else item.other, stamp)
        elif item.kind == "field":
            chosen = {"current": item.current, "other": item.other, "edit": value}[keep]
            if keep == "edit" and isinstance(item.current, int) and not isinstance(chosen, int):
                try:
                    chosen = int(str(chosen))
                except ValueError:
                    raise InvalidValue(field=item.field, value=str(chosen)) from None
            if tracking.invalid_fields(item.table, {**_values_of(con, item), item.field: chosen}):
                raise InvalidValue(field=item.field, value=str(chosen))
            _write_field(con, item.table, list(item.key), item.field, chosen, stamp)
        elif keep == "current":
            _stamp_tombstone(con, item.table, tracking.dumps(list(item.key)), stamp)
        else:
            restore_record(con, item.table, list(item.key), stamp)
        try:
            Merger(con, tracking.Contexts(con), lambda: stamp).finish()
        except MissingReference as e:
            raise PackageMissingReference(path="", kind=e.table, key="/".join(map(str, e.key)),
                                          parent=e.parent) from None
        merging.commit()


def _values_of(con, item: ConflictItem) -> dict:
    return _clock_and_values(con, item.table, tracking.dumps(list(item.key)), list(item.key))[1]


def _write_field(con, table: str, key: list, field: str, value, stamp: str) -> None:
    """Write one field as a change of this office (live record or tombstone)."""
    s = tracking.shape(table)
    if field not in s.columns:  # names go into SQL: only the table's own columns
        raise InvalidValue(field="field", value=field)
    writes = {field: value}
    if "updated_at" in s.columns:
        writes.update(updated_at=utcnow().isoformat(timespec="microseconds"), changed_by=stamp[17:])
    key_text = tracking.dumps(key)
    sets = ", ".join(f'"{f}" = ?' for f in writes)
    paths = ", ".join(f"'$.{f}', ?" for f in writes)
    where = " AND ".join(f'"{k}" = ?' for k in s.keys)
    cursor = con.execute(f'UPDATE "{table}" SET {sets}, sync_clock = json_set(sync_clock, {paths}) WHERE {where}',
                         (*writes.values(), *[stamp] * len(writes), *key))
    if cursor.rowcount:
        return
    data, clock = con.execute("SELECT data, sync_clock FROM tombstone WHERE tbl = ? AND row_key = ?",
                              (table, key_text)).fetchone()
    data, clock = json.loads(data), json.loads(clock)
    data.update(writes)
    clock.update({f: stamp for f in writes})
    con.execute("UPDATE tombstone SET data = ?, sync_clock = ? WHERE tbl = ? AND row_key = ?",
                (tracking.dumps(data), tracking.dumps(clock), table, key_text))


def _set_deleted(con, table: str, key: list, deleted: bool, stamp: str) -> None:
    """Delete or keep a record as a change of this office, after seeing both decisions."""
    key_text = tracking.dumps(key)
    s = tracking.shape(table)
    where = " AND ".join(f'"{k}" = ?' for k in s.keys)
    cols = ", ".join(f'"{c}"' for c in s.columns)
    row = con.execute(f'SELECT {cols}, sync_clock FROM "{table}" WHERE {where}', key).fetchone()
    if row is None:  # deleted now
        if deleted:
            _stamp_tombstone(con, table, key_text, stamp)
        else:
            restore_record(con, table, key, stamp)
        return
    clock = json.loads(row[-1])
    clock[DELETED] = stamp
    if not deleted:  # stays: the new stamp says this office saw the delete and kept it
        con.execute(f'UPDATE "{table}" SET sync_clock = ? WHERE {where}', (tracking.dumps(clock), *key))
        return
    con.execute(f'DELETE FROM "{table}" WHERE {where}', key)
    data = {**dict(zip(s.keys, key)), **dict(zip(s.columns, row[:-1]))}
    con.execute(TOMBSTONE_UPSERT, (table, key_text, tracking.dumps(data), tracking.dumps(clock), True))


def _stamp_tombstone(con, table: str, key_text: str, stamp: str) -> None:
    """Delete again, after seeing the edits: a hidden record becomes deleted itself."""
    clock = json.loads(con.execute("SELECT sync_clock FROM tombstone WHERE tbl = ? AND row_key = ?",
                                   (table, key_text)).fetchone()[0])
    clock[DELETED] = stamp
    con.execute("UPDATE tombstone SET sync_clock = ?, deleted = TRUE WHERE tbl = ? AND row_key = ?",
                (tracking.dumps(clock), table, key_text))
