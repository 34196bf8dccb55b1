"""Change tracking on PostgreSQL: the PL/pgSQL twin of storage/sqlite/triggers.py.

Every insert, update and delete of a content row stamps the fields it wrote in the
row's ``sync_clock`` and a delete leaves a tombstone, with the same text as the SQLite
triggers write (compact JSON, keys in the order they were first set), so that both
kinds of archive hold the same clocks and tombstones for the same writes.

Unlike a file, the server has several writers at once, so the stamp of the current
transaction is not a row every transaction shares (SQLite's ``sync_state``) but a
setting local to the transaction: ``set_config('piel.stamp', stamp, true)``, and
``piel.applying`` = '1' while an import writes clocks itself. A write without a stamp
is refused, as on the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: One field of a clock set to a stamp, as SQLite's json_set does it on our clocks:
#: an existing key keeps its place, a new one goes at the end. Keys are column names
#: and values stamps (hex digits and a dot), so neither holds a quote.
CLOCK_SET = r"""CREATE OR REPLACE FUNCTION piel_clock_set(clock text, field text, stamp text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN clock IS NULL THEN NULL
    WHEN position('"' || field || '":' IN clock) > 0
      THEN regexp_replace(clock, '"' || field || '":"[^"]*"', '"' || field || '":"' || stamp || '"')
    WHEN clock = '{}' THEN '{"' || field || '":"' || stamp || '"}'
    ELSE left(clock, -1) || ',"' || field || '":"' || stamp || '"}'
  END
$$"""

#: The JSON text of one value as SQLite's json_object/json_array write it: booleans
#: are the integers SQLite stores, NULL is null.
JSON_VALUE = r"""CREATE OR REPLACE FUNCTION piel_json(value anyelement)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(CASE WHEN pg_typeof(value) = 'boolean'::regtype
                       THEN (CASE WHEN value::text = 'true' THEN '1' ELSE '0' END)
                       ELSE to_json(value)::text END, 'null')
$$"""

#: SQLite's ``json_extract(doc, '$.key')`` for the one-key paths storage code reads
#: from clocks and tombstones (``'$."*"'`` included), so that SQL stays one; the value
#: comes back as text (the clocks' stamps and records' ids are text anyway).
JSON_EXTRACT = r"""CREATE OR REPLACE FUNCTION json_extract(doc text, path text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT doc::json ->> btrim(substr(path, 3), '"')
$$"""

#: SQLite's ``json_set(doc, '$.key', value, ...)`` for the clocks storage code stamps
#: (keys are column names, values stamps): one function, so that SQL stays one.
JSON_SET = r"""CREATE OR REPLACE FUNCTION json_set(doc text, VARIADIC pairs text[])
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE i integer := 1;
BEGIN
  WHILE i < coalesce(array_length(pairs, 1), 0) LOOP
    doc := piel_clock_set(doc, btrim(substr(pairs[i], 3), '"'), pairs[i + 1]);
    i := i + 2;
  END LOOP;
  RETURN doc;
END
$$"""

#: SQLite's ``json_array(a, b, ...)`` of a record's key columns, as key text.
JSON_ARRAY = r"""CREATE OR REPLACE FUNCTION json_array(VARIADIC items text[])
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '[' || string_agg(piel_json(item), ',' ORDER BY n) || ']'
  FROM unnest(items) WITH ORDINALITY AS u(item, n)
$$"""

#: Every function of ours outside the per-table ones: made by track_tables, dropped
#: with the archive (storage/postgres/archive.py).
FUNCTIONS = ("piel_clock_set", "piel_json", "json_extract", "json_set", "json_array")

_REFUSE = ("IF stamp IS NULL OR stamp = '' THEN "
           "RAISE EXCEPTION 'piel: change outside a unit of work'; END IF;")


def trigger_names(table: str) -> tuple[str, str]:
    """(function, trigger) names of ``table``'s change tracking."""
    return f"sync_{table}_track", f"sync_{table}"


def create_statements(table: str, keys: Sequence[str], columns: Sequence[str]) -> list[str]:
    """The function and the trigger tracking ``table`` (primary key ``keys``;
    ``columns`` the others, without ``sync_clock``)."""
    function, trigger = trigger_names(table)

    def key(row: str) -> str:
        return "'[' || " + " || ',' || ".join(f'piel_json({row}."{k}")' for k in keys) + " || ']'"
    data = "'{' || " + " || ',' || ".join(
        f"'\"{c}\":' || piel_json(OLD.\"{c}\")" for c in (*keys, *columns)) + " || '}'"
    updates = "\n    ".join(
        f"IF OLD.\"{c}\" IS DISTINCT FROM NEW.\"{c}\" THEN "
        f"NEW.sync_clock := piel_clock_set(NEW.sync_clock, '{c}', stamp); END IF;" for c in columns)
    body = f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp text := current_setting('piel.stamp', true);
  applying boolean := coalesce(current_setting('piel.applying', true), '') = '1';
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.sync_clock IS NOT NULL THEN RETURN NEW; END IF;
    {_REFUSE}
    NEW.sync_clock := '{{"*":"' || stamp || '"}}';
    DELETE FROM tombstone WHERE tbl = '{table}' AND row_key = {key('NEW')};
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF applying THEN RETURN NEW; END IF;
    {_REFUSE}
    {updates}
    RETURN NEW;
  END IF;
  IF applying THEN RETURN OLD; END IF;
  {_REFUSE}
  INSERT INTO tombstone (tbl, row_key, data, sync_clock, deleted)
  VALUES ('{table}', {key('OLD')}, {data}, piel_clock_set(OLD.sync_clock, '_deleted', stamp), true)
  ON CONFLICT (tbl, row_key) DO UPDATE
    SET data = EXCLUDED.data, sync_clock = EXCLUDED.sync_clock, deleted = EXCLUDED.deleted;
  RETURN OLD;
END
$$"""
    return [body, f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"',
            f'CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"]


def track_tables(connection, tables: Iterable[str]) -> None:
    """(Re)create the tracking of ``tables`` for the columns each has now, as a
    migration that adds tables or columns must (``connection``: SQLAlchemy)."""
    run = connection.exec_driver_sql
    run(CLOCK_SET)
    run(JSON_VALUE)
    run(JSON_EXTRACT)
    run(JSON_SET)
    run(JSON_ARRAY)
    for table in tables:
        columns = [r[0] for r in run(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %(t)s ORDER BY ordinal_position", {"t": table})]
        keys = [r[0] for r in run(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %(t)s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", {"t": f'"{table}"'})]
        others = [c for c in columns if c not in keys and c != "sync_clock"]
        for statement in create_statements(table, keys, others):
            run(statement)



def cascade_statements(parent: str, actions: Sequence[tuple[str, str, str, str]]) -> list[str]:
    """The trigger that does ``parent``'s ON DELETE actions: ``actions`` lists (child
    table, child column, parent column, "CASCADE" or "SET NULL").

    PostgreSQL runs a foreign key's ON DELETE action at once even when the key is
    deferred, and only a superuser may turn it off; a merge (storage/merge.py) must
    delete a record without its children following it, as the file does with
    foreign keys off. So on a server the keys themselves take no action (they are
    only checked, at COMMIT) and this trigger does what they said, except while a
    merge applies records (``piel.applying``): the children then stay, and the merge
    hides them itself, keeping their clocks. Every other delete cascades as on the
    file, and each child's own tracking trigger leaves its tombstone.
    """
    function, trigger = f"piel_cascade_{parent}", f"piel_cascade_{parent}"
    steps = "\n  ".join(
        (f'DELETE FROM "{child}" WHERE "{column}" = OLD."{parent_column}";' if action == "CASCADE" else
         f'UPDATE "{child}" SET "{column}" = NULL WHERE "{column}" = OLD."{parent_column}";')
        for child, column, parent_column, action in actions)
    body = f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('piel.applying', true), '') = '1' THEN RETURN OLD; END IF;
  {steps}
  RETURN OLD;
END
$$"""
    return [body, f'DROP TRIGGER IF EXISTS {trigger} ON "{parent}"',
            f'CREATE TRIGGER {trigger} AFTER DELETE ON "{parent}" FOR EACH ROW EXECUTE FUNCTION {function}()']
