"""Writing many new meetings or outcomes at once: batched inserts of plain rows.

For table imports (services/table_import.py), inside the transaction of
:meth:`Archive.merging`: the change-tracking and search-index triggers are off there,
so every row is written with its clock (``{"*": stamp}``, what the insert trigger
would have stamped) and the search index is marked once for the batch when the merge
commits (``search.mark_merged``). Statements are SQLAlchemy Core ``insert()``s of the
models' tables, compiled once and run with ``executemany`` on the raw connection.

What is written is what ``records.insert_meeting`` / ``records.insert_outcome`` write
for the same values, one call per row: texts with one version per language (the
original, the others official translations, version ids ``uuid5(text id, lang)``), an
outcome after the ones already reported by any of its meetings.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import sqlite3
import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

from piel_desktop.domain.model import TranslationStatus
from piel_desktop.storage import models as m
from piel_desktop.storage import sync as tracking

#: Rows collected before they are written.
BATCH = 5000
_RECORD = ("id", "created_at", "updated_at", "changed_by", "sync_clock")
_COLUMNS = {
    "text": _RECORD,
    "text_version": (*_RECORD, "text_id", "lang", "body", "status", "revision", "source_revision"),
    "meeting": (*_RECORD, "body_id", "number", "start_date", "end_date", "venue_id"),
    "outcome": (*_RECORD, "parent_id", "position", "label", "kind", "status", "addressee", "due_date",
                "text_id"),
    "meeting_outcome": ("meeting_id", "outcome_id", "sync_clock"),
}


@functools.cache
def _insert(table: str) -> tuple[str, Callable[[tuple], tuple]]:
    """The INSERT of ``table``'s _COLUMNS, and the function putting a row collected in
    _COLUMNS order into the statement's parameter order (the model's column order)."""
    compiled = insert(m.Base.metadata.tables[table]).compile(
        dialect=sqlite.dialect(paramstyle="qmark"), column_keys=list(_COLUMNS[table]))
    order = [_COLUMNS[table].index(name) for name in compiled.positiontup]
    return str(compiled), operator.itemgetter(*order)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class BulkWriter:
    """Collects new records as rows and writes them in batches of BATCH.

    ``con`` is the transaction of :meth:`Archive.merging`; the rows belong to the
    local replica's new changeset. Call :meth:`flush` at the end."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.replica = tracking.local_replica(con)
        stamp = tracking.new_changeset(con, self.replica)
        self.clock = tracking.dumps({"*": stamp})
        self.rows: dict[str, list[tuple]] = {t: [] for t in _COLUMNS}
        self.pending = 0
        #: meeting id (hex) -> the highest outcome position among its outcomes.
        self.positions: dict[str, int] = {}
        self._body: str | None = None

    def _record(self) -> tuple:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        return uuid.uuid4(), at, at, self.replica, self.clock

    def text(self, versions: Mapping[str, str], original: str) -> str:
        """Add a text (language -> words; ``original`` among them); return its id (hex)."""
        text_id, at, _at, replica, clock = self._record()
        self.rows["text"].append((text_id.hex, at, at, replica, clock))
        for lang, body in versions.items():
            status = TranslationStatus.ORIGINAL if lang == original else TranslationStatus.OFFICIAL
            self.rows["text_version"].append((
                uuid.uuid5(text_id, lang).hex, at, at, replica, clock, text_id.hex, lang, body,
                status.value, 1, None if status is TranslationStatus.ORIGINAL else 1))
        return text_id.hex

    def meeting(self, *, number: int, start_date: dt.date, end_date: dt.date | None,
                venue: Mapping[str, str] | None, venue_lang: str) -> None:
        """Add a meeting of the archive's body (checked by the caller: a free number,
        an end not before the start)."""
        if self._body is None:
            self._body = self.con.execute("SELECT id FROM body ORDER BY rowid LIMIT 1").fetchone()[0]
        venue_id = self.text(venue, venue_lang) if venue else None
        meeting_id, at, _at, replica, clock = self._record()
        self.rows["meeting"].append((meeting_id.hex, at, at, replica, clock, self._body, number,
                                     _iso(start_date), _iso(end_date), venue_id))
        self._added()

    def outcome(self, *, texts: Mapping[str, str], original: str, meeting_ids, kind: str, status: str,
                label: str | None, addressee: str | None, due_date: dt.date | None) -> None:
        """Add a top-level outcome of existing meetings (``meeting_ids``: UUIDs), after
        the outcomes any of them already reported."""
        meetings = [i.hex for i in meeting_ids]
        missing = [i for i in meetings if i not in self.positions]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            self.positions.update({i: 0 for i in chunk})
            self.positions.update(self.con.execute(
                "SELECT mo.meeting_id, max(o.position) FROM meeting_outcome mo JOIN outcome o "
                f"ON o.id = mo.outcome_id WHERE mo.meeting_id IN ({marks}) GROUP BY mo.meeting_id",
                chunk).fetchall())
        position = max(self.positions[i] or 0 for i in meetings) + 1
        text_id = self.text(texts, original)
        outcome_id, at, _at, replica, clock = self._record()
        self.rows["outcome"].append((outcome_id.hex, at, at, replica, clock, None, position, label,
                                     str(kind), str(status), addressee, _iso(due_date), text_id))
        for meeting in meetings:
            self.positions[meeting] = position
            self.rows["meeting_outcome"].append((meeting, outcome_id.hex, clock))
        self._added()

    def _added(self) -> None:
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the rows collected so far."""
        for table, rows in self.rows.items():
            if rows:
                sql, ordered = _insert(table)
                self.con.executemany(sql, map(ordered, rows))
                rows.clear()
        self.pending = 0
