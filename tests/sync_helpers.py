"""Read helpers for sync tests: raw SQL on the archive file, no service shortcuts."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict


def _con(archive) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{archive.path}?mode=ro", uri=True)


def live_outcomes(archive) -> list[str]:
    """Ids of the live outcomes, in a stable order."""
    con = _con(archive)
    try:
        return [r[0] for r in con.execute("SELECT id FROM outcome ORDER BY id")]
    finally:
        con.close()


def all_values(archive, table: str, key: str) -> dict:
    """A record's values, live or from its tombstone ({} if neither)."""
    con = _con(archive)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(f'SELECT * FROM "{table}" WHERE id = ?', (key,)).fetchone()
        if row:
            return dict(row)
        row = con.execute("SELECT data FROM tombstone WHERE tbl = ? AND row_key = ?",
                          (table, json.dumps([key]))).fetchone()
        return json.loads(row[0]) if row else {}
    finally:
        con.close()


def conflict_values(archive) -> dict[tuple, set]:
    """(table, key, field) -> the losing values kept as conflict records."""
    con = _con(archive)
    try:
        kept = defaultdict(set)
        for table, key, field, value in con.execute("SELECT tbl, row_key, field, value FROM conflict"):
            kept[(table, json.loads(key)[0], field)].add(json.loads(value))
        return kept
    finally:
        con.close()
