"""Exact copies of records about to be deleted, to put them back (the undo of a delete).

A :class:`Snapshot` holds the rows a delete removes: the records themselves and every
row that refers to them with ON DELETE CASCADE, recursively (an outcome's sub-items,
its links to meetings and organisations), and the rows whose reference the delete sets
to NULL (a consultation naming the outcome). Each row is kept with all its columns
but the sync clock. :func:`restore` writes them back as they were (same ids, values,
times, who changed them) in one transaction, so the archive's content is then what it
was before the delete; only the clocks record the delete and the restore, which travel
to other offices like any edit.

A record's texts are not part of a snapshot: a delete leaves them in place.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from piel_desktop.domain.errors import StepNotPossible
from piel_desktop.storage import Archive, models as m, sync


@dataclass(frozen=True)
class Snapshot:
    """``rows``: (table name, row as column -> value) to insert, parents first;
    ``nulled``: the same for rows whose reference the delete sets to NULL, to write
    back whole."""

    rows: tuple[tuple[str, dict], ...]
    nulled: tuple[tuple[str, dict], ...]

    def count(self, table: str) -> int:
        """How many rows of ``table`` the snapshot holds (outcomes going with a meeting)."""
        return sum(1 for name, _row in self.rows if name == table)


def _key(table, row: Mapping) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def capture(s, roots: Mapping[str, Iterable[uuid.UUID]]) -> Snapshot:
    """Within session ``s``: the rows that deleting the records ``roots`` (table name ->
    ids) removes or changes, read before the delete."""
    tables = m.Base.metadata.tables
    found: dict[str, dict[tuple, dict]] = {}
    nulled: dict[str, dict[tuple, dict]] = {}
    pending = [(name, "id", set(ids)) for name, ids in roots.items()]
    while pending:
        name, column, values = pending.pop()
        if not values:
            continue
        table = tables[name]
        new_ids = set()
        for row in s.execute(select(table).where(table.c[column].in_(values))).mappings():
            row = {k: v for k, v in row.items() if k != "sync_clock"}
            if _key(table, row) in found.setdefault(name, {}):
                continue
            found[name][_key(table, row)] = row
            if "id" in table.c:
                new_ids.add(row["id"])
        for other in m.Base.metadata.sorted_tables:
            for fk in other.foreign_keys:
                if fk.column.table.name != name or not new_ids:
                    continue
                if fk.ondelete == "CASCADE":
                    pending.append((other.name, fk.parent.name, new_ids))
                elif fk.ondelete == "SET NULL":
                    for row in s.execute(select(other).where(fk.parent.in_(new_ids))).mappings():
                        nulled.setdefault(other.name, {})[_key(other, row)] = {
                            k: v for k, v in row.items() if k != "sync_clock"}
    order = {name: n for n, name in enumerate(m.CONTENT_TABLES)}
    rows = tuple((name, row) for name in sorted(found, key=order.__getitem__)
                 for row in found[name].values())
    kept = tuple((name, row) for name in sorted(nulled, key=order.__getitem__)
                 for key, row in nulled[name].items() if key not in found.get(name, {}))
    return Snapshot(rows=rows, nulled=kept)


def restore(archive: Archive, snapshot: Snapshot) -> None:
    """Write the snapshot's rows back, in one transaction. Raises StepNotPossible if a
    row came back since or a record it refers to is gone; nothing is written then."""
    tables = m.Base.metadata.tables
    with archive.unit_of_work() as uow:
        s = uow.session
        con = uow.raw
        stamp = s.info.get("stamp") or sync.new_changeset(con, s.info["replica_id"].hex)
        s.info["stamp"] = stamp
        sync.set_current_stamp(con, stamp)
        try:
            for name, row in snapshot.rows:
                s.execute(insert(tables[name]).values(**row))
            for name, row in snapshot.nulled:
                table = tables[name]
                where = [c == row[c.name] for c in table.primary_key.columns]
                s.execute(update(table).where(*where).values(**row))
        except IntegrityError as error:
            raise StepNotPossible() from error
        finally:
            sync.set_current_stamp(con, None)
        uow.commit()
