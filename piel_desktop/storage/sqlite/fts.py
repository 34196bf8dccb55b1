"""The full-text index of text versions in an archive file (FTS5): its tables, how
it is kept current, and the SQL that searches it; the file's
storage.search_index.SearchIndex. Works on a raw ``sqlite3`` connection.

Tables (all named ``fts_*``, which Alembic autogenerate, the content fingerprint and
packages leave out; the index is replica-local and can always be rebuilt):

- ``fts_text``: FTS5, ``rowid`` = the ``text_version`` rowid, columns ``words`` and
  ``alt`` holding *folded* text (see :mod:`piel_desktop.storage.search_text`) and
  ``stems`` the Snowball stems of its words in the version's language (since schema
  0007; see :mod:`piel_desktop.storage.stems`). Only versions of texts that belong to
  a live record are in it.
- ``fts_dirty(version)``: rowids of text versions whose index row may be out of date.

Pure-SQL triggers (no application functions, so any SQLite program can still write
the file) put a version's rowid in ``fts_dirty`` when the version is added, deleted
or its body changes, and when a record that owns the text (``OWNERS``) is added,
deleted or pointed at another text. :func:`refresh` folds the dirty versions in
Python and rewrites their index rows; the search service calls it before reading.
During package imports (``Archive.merging``) the triggers are dropped like the sync
triggers (a trigger per row made a large import 25 % slower) and :func:`mark_merged`
marks the changes in bulk before they come back; the folding is left to the next
refresh.

``text_version`` has no INTEGER PRIMARY KEY, so SQLite documents that VACUUM *may*
renumber its rowids (SQLite 3.40 keeps them, and the program never runs VACUUM);
after such a renumbering :func:`rebuild` makes the index right again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from piel_desktop.storage.search_index import OWNERS, columns_by_table, owned_texts
from piel_desktop.storage.search_text import Term, fts_expression, index_columns

_MARK_TEXT = "INSERT OR IGNORE INTO fts_dirty (version) SELECT rowid FROM text_version WHERE text_id = {}.\"{}\";"


#: The columns of ``fts_text`` today (schema 0003 had ``words, alt``).
COLUMNS = ("words", "alt", "stems")


def table_statement(columns: Sequence[str] = COLUMNS) -> str:
    """DDL of the ``fts_text`` table with ``columns``."""
    return (f"CREATE VIRTUAL TABLE fts_text USING fts5({', '.join(columns)}, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")


def create_statements(owners: Sequence[tuple[str, str, str]] = OWNERS,
                      columns: Sequence[str] = COLUMNS) -> list[str]:
    """DDL of the index tables and triggers, for a migration (``owners`` and ``columns``
    as they were)."""
    statements = [
        table_statement(columns),
        "CREATE TABLE fts_dirty (version INTEGER PRIMARY KEY)",
        """CREATE TRIGGER fts_text_version_insert AFTER INSERT ON text_version
BEGIN INSERT OR IGNORE INTO fts_dirty (version) VALUES (NEW.rowid); END""",
        """CREATE TRIGGER fts_text_version_update AFTER UPDATE OF body, text_id ON text_version
WHEN OLD.body IS NOT NEW.body OR OLD.text_id IS NOT NEW.text_id
BEGIN INSERT OR IGNORE INTO fts_dirty (version) VALUES (NEW.rowid); END""",
        """CREATE TRIGGER fts_text_version_delete AFTER DELETE ON text_version
BEGIN INSERT OR IGNORE INTO fts_dirty (version) VALUES (OLD.rowid); END""",
    ]
    for table, columns in columns_by_table(owners).items():
        statements += owner_triggers(table, columns)
    return statements


def owner_triggers(table: str, columns: Sequence[str]) -> list[str]:
    """DDL of the triggers marking dirty the texts ``table``'s ``columns`` own, when a
    row is added, deleted or pointed at another text (dropped first if they exist: a
    migration that rebuilt ``table`` lost them)."""
    listed = ", ".join(f'"{c}"' for c in columns)
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    new = "\n  ".join(_MARK_TEXT.format("NEW", c) for c in columns)
    old = "\n  ".join(_MARK_TEXT.format("OLD", c) for c in columns)
    return [
        *(f"DROP TRIGGER IF EXISTS fts_{table}_{event}" for event in ("insert", "update", "delete")),
        f'CREATE TRIGGER fts_{table}_insert AFTER INSERT ON "{table}"\nBEGIN\n  {new}\nEND',
        f'CREATE TRIGGER fts_{table}_update AFTER UPDATE OF {listed} ON "{table}" WHEN {changed}\n'
        f'BEGIN\n  {old}\n  {new}\nEND',
        f'CREATE TRIGGER fts_{table}_delete AFTER DELETE ON "{table}"\nBEGIN\n  {old}\nEND',
    ]


def merge_marks(con: sqlite3.Connection) -> tuple[int, int]:
    """Where a merge starts: the highest rowids of ``text_version`` and ``changeset``."""
    return tuple(con.execute(f'SELECT coalesce(max(rowid), 0) FROM "{t}"').fetchone()[0]
                 for t in ("text_version", "changeset"))


def mark_merged(con: sqlite3.Connection, marks: tuple[int, int]) -> None:
    """Mark dirty what a merge that ran without the index triggers changed, found in
    bulk from the merge's traces: text versions added since ``marks`` (from
    :func:`merge_marks`); versions and owning records whose clock names a changeset
    added since (rewritten by the merge); texts of owners deleted with such a stamp;
    index rows whose version is gone. Set-based, so a large import pays a few scans
    instead of a trigger per row. (An owner hidden because its parent was deleted
    keeps its text in the index until the text changes; search skips it.)"""
    mark_added(con, marks)
    changesets_before = marks[1]
    con.execute("CREATE TEMP TABLE IF NOT EXISTS fts_new_stamp (stamp TEXT PRIMARY KEY, clock TEXT UNIQUE)")
    con.execute("DELETE FROM temp.fts_new_stamp")
    # clock: the clock of a record that one changeset wrote whole, '{"*":"<stamp>"}'
    # (storage/sync.py dumps), most records; a clock naming several stamps has a comma.
    con.execute("INSERT INTO temp.fts_new_stamp SELECT stamp, json_object('*', stamp) FROM changeset "
                "WHERE rowid > ?", (changesets_before,))
    if con.execute("SELECT 1 FROM temp.fts_new_stamp LIMIT 1").fetchone() is None:
        return
    stamped = ("({0}.sync_clock IN (SELECT clock FROM temp.fts_new_stamp) OR instr({0}.sync_clock, ',') > 0 "
               "AND EXISTS (SELECT 1 FROM json_each({0}.sync_clock) j "
               "WHERE j.value IN (SELECT stamp FROM temp.fts_new_stamp)))")
    # Versions the merge added are marked already (mark_added): rowid <= marks[0].
    con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT rowid FROM text_version tv "
                f"WHERE tv.rowid <= ? AND {stamped.format('tv')}", (marks[0],))
    for table, columns in columns_by_table(OWNERS).items():
        for column in columns:
            con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT tv.rowid "
                        f'FROM "{table}" o JOIN text_version tv ON tv.text_id = o."{column}" '
                        f"WHERE tv.rowid <= ? AND {stamped.format('o')}", (marks[0],))
            con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT tv.rowid FROM tombstone t "
                        f"JOIN text_version tv ON tv.text_id = json_extract(t.data, '$.{column}') "
                        f"WHERE t.tbl = '{table}' AND tv.rowid <= ? AND {stamped.format('t')}", (marks[0],))
    con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT id FROM fts_text_docsize "
                "WHERE id NOT IN (SELECT rowid FROM text_version)")


def mark_added(con: sqlite3.Connection, marks: tuple[int, int]) -> None:
    """Mark dirty only the text versions added since ``marks`` (from :func:`merge_marks`):
    enough after a bulk entry that only added records with new texts of their own
    (services/bulk_entry.py), where :func:`mark_merged`'s scans of every clock would
    find nothing more. One range insert on the rowid."""
    con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT rowid FROM text_version WHERE rowid > ?",
                (marks[0],))


def mark_all(con: sqlite3.Connection) -> None:
    """Mark every text version dirty (the next refresh re-folds them all)."""
    con.execute("INSERT OR IGNORE INTO fts_dirty (version) SELECT rowid FROM text_version")


def dirty_count(con: sqlite3.Connection) -> int:
    return con.execute("SELECT count(*) FROM fts_dirty").fetchone()[0]


def is_dirty(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM fts_dirty LIMIT 1").fetchone() is not None


#: Versions folded per statement batch by :func:`refresh`.
BATCH = 2000
#: Above this many rows refreshed at once, the index's segments are merged afterwards
#: (FTS5 'optimize'): a large import or rebuild would otherwise leave many segments.
OPTIMIZE_AFTER = 50_000


def refresh(con: sqlite3.Connection, *, step: Callable[[int, int], None] | None = None) -> int:
    """Bring the index rows of dirty text versions up to date, in the caller's
    transaction; return how many versions were looked at. ``step(done, total)`` is
    called after each batch (for progress). Raises sqlite3 errors only.
    """
    total = dirty_count(con)
    if not total:
        return 0
    empty = con.execute("SELECT 1 FROM fts_text LIMIT 1").fetchone() is None
    done, low = 0, -(2 ** 63)
    while True:
        ids = [r[0] for r in con.execute(
            "SELECT version FROM fts_dirty WHERE version > ? ORDER BY version LIMIT ?", (low, BATCH))]
        if not ids:
            break
        low, high = ids[0], ids[-1]
        if not empty:
            con.executemany("DELETE FROM fts_text WHERE rowid = ?", ((i,) for i in ids))
        rows = con.execute(
            "SELECT rowid, text_id, body, lang FROM text_version WHERE rowid BETWEEN ? AND ? "
            "AND rowid IN (SELECT version FROM fts_dirty WHERE version BETWEEN ? AND ?)",
            (low, high, low, high)).fetchall()
        owned = owned_texts(con, {r[1] for r in rows})
        con.executemany("INSERT INTO fts_text (rowid, words, alt, stems) VALUES (?, ?, ?, ?)",
                        ((rowid, *index_columns(body, lang)) for rowid, text_id, body, lang in rows
                         if text_id in owned))
        con.execute("DELETE FROM fts_dirty WHERE version BETWEEN ? AND ?", (low, high))
        done += len(ids)
        if step:
            step(done, total)
        low = high
    if done >= OPTIMIZE_AFTER:
        con.execute("INSERT INTO fts_text (fts_text) VALUES ('optimize')")
    return done


def rebuild(con: sqlite3.Connection, *, step: Callable[[int, int], None] | None = None) -> int:
    """Empty the index and index every text version again (in the caller's transaction)."""
    con.execute("DELETE FROM fts_text")
    mark_all(con)
    return refresh(con, step=step)


#: SQL selecting the ids of the texts with a version matching an FTS5 expression, the
#: placeholder of the expression in braces: ``MATCHING_TEXTS.format(":words")``.
MATCHING_TEXTS = ("SELECT tv.text_id FROM fts_text JOIN text_version tv ON tv.rowid = fts_text.rowid "
                  "WHERE fts_text MATCH {}")


def matching_texts(terms: list[Term], name: str) -> tuple[str, dict[str, str]]:
    """SQL selecting the ids of texts with a version matching every term (word forms
    included), with the mark ``:name``, and its value (the FTS5 expression)."""
    return MATCHING_TEXTS.format(f":{name}"), {name: fts_expression(terms, stemmed=True)}


def before_commit(con: sqlite3.Connection) -> None:
    """Nothing: a file's index is brought up to date when it is read (:func:`refresh`),
    by the one program that writes the file."""


def candidates(con: sqlite3.Connection, terms: list[Term], stemmed: bool,
               most: int) -> list[tuple[int, str, str, str]]:
    """The newest ``most`` index rows matching every term (``stemmed``: word forms
    too), newest first: (rowid, words, alt, stems). FTS5 walks its rowid-ordered lists
    backwards and stops at ``most``, so this costs about as much for a word in every
    text as for a rare one."""
    return con.execute("SELECT rowid, words, alt, stems FROM fts_text WHERE fts_text MATCH ? "
                       "ORDER BY rowid DESC LIMIT ?", (fts_expression(terms, stemmed), most)).fetchall()


def match_count(con: sqlite3.Connection, terms: list[Term]) -> int:
    """How many index rows match every term, word forms included."""
    return con.execute("SELECT count(*) FROM fts_text WHERE fts_text MATCH ?",
                       (fts_expression(terms, stemmed=True),)).fetchone()[0]


def versions(con: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """rowid -> (text id, lang, body) of live text versions."""
    if not rowids:
        return {}
    marks = ", ".join("?" * len(rowids))
    return {r[0]: r[1:] for r in con.execute(
        f"SELECT rowid, text_id, lang, body FROM text_version WHERE rowid IN ({marks})", list(rowids))}
