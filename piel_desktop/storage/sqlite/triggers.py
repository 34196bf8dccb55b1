"""SQL of the triggers that track changes for sync, as in cr-sqlite.

Every insert, update and delete of a content row, by any code path, stamps the fields
it wrote in the row's ``sync_clock`` with the stamp of the current transaction (read
from ``sync_state``), and a delete leaves a tombstone with the row's last values. A
write made outside a unit of work (no stamp set) is refused, so nothing can change
without being tracked. While an import applies merged rows (``applying`` = 1) the
update and delete triggers stand aside: the import writes clocks itself.

A pure function of its arguments, so that a migration can pass the columns its
schema had at the time; a migration that adds a column recreates the triggers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

_STAMP = "(SELECT stamp FROM sync_state WHERE id = 1)"
_APPLYING = "(SELECT applying FROM sync_state WHERE id = 1)"
_REFUSE = f"SELECT RAISE(ABORT, 'piel: change outside a unit of work') WHERE {_STAMP} IS NULL;"


def trigger_names(table: str) -> list[str]:
    return [f"sync_{table}_{verb}" for verb in ("insert", "update", "delete")]


def create_triggers(table: str, keys: Sequence[str], columns: Sequence[str]) -> list[str]:
    """CREATE TRIGGER statements for ``table`` (primary key ``keys``; ``columns`` are
    the other columns, without ``sync_clock``)."""
    insert_name, update_name, delete_name = trigger_names(table)
    where_new = " AND ".join(f'"{k}" = NEW."{k}"' for k in keys)
    new_key = "json_array(%s)" % ", ".join(f'NEW."{k}"' for k in keys)
    old_key = "json_array(%s)" % ", ".join(f'OLD."{k}"' for k in keys)
    updates = "\n".join(
        f"  UPDATE \"{table}\" SET sync_clock = json_set(sync_clock, '$.{c}', {_STAMP})"
        f' WHERE {where_new} AND OLD."{c}" IS NOT NEW."{c}";' for c in columns)
    data = "json_object(%s)" % ", ".join(f"'{c}', OLD.\"{c}\"" for c in (*keys, *columns))
    return [
        f"""CREATE TRIGGER {insert_name} AFTER INSERT ON "{table}" WHEN NEW.sync_clock IS NULL
BEGIN
  {_REFUSE}
  UPDATE "{table}" SET sync_clock = json_object('*', {_STAMP}) WHERE {where_new};
  DELETE FROM tombstone WHERE tbl = '{table}' AND row_key = {new_key};
END""",
        f"""CREATE TRIGGER {update_name} AFTER UPDATE ON "{table}" WHEN {_APPLYING} = 0
BEGIN
  {_REFUSE}
{updates}
END""",
        f"""CREATE TRIGGER {delete_name} AFTER DELETE ON "{table}" WHEN {_APPLYING} = 0
BEGIN
  {_REFUSE}
  INSERT OR REPLACE INTO tombstone (tbl, row_key, data, sync_clock, deleted)
  VALUES ('{table}', {old_key}, {data}, json_set(OLD.sync_clock, '$._deleted', {_STAMP}), 1);
END""",
    ]


def drop_triggers(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names(table)]


def track_tables(run: Callable, tables: Iterable[str]) -> None:
    """(Re)create the triggers of ``tables`` for the columns each has in the database
    now, as a migration that adds tables or columns must. ``run(sql)`` executes one
    statement and returns a cursor (``connection.exec_driver_sql``)."""
    for table in tables:
        info = run(f'PRAGMA table_info("{table}")').fetchall()
        keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
        columns = [r[1] for r in info if not r[5] and r[1] != "sync_clock"]
        for statement in (*drop_triggers(table), *create_triggers(table, keys, columns)):
            run(statement)
