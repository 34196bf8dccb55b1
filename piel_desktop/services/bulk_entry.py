"""Writing many new meetings or outcomes at once: batched inserts of plain rows.

For table imports (services/table_import.py), inside the transaction of
:meth:`Archive.merging`: the change-tracking and search-index triggers are off there,
so every row is written with its clock (``{"*": stamp}``, what the insert trigger
would have stamped) and the search index is marked once for the batch when the merge
commits (``search.mark_added``: only the versions the batch added). Statements are SQLAlchemy Core ``insert()``s of the
models' tables, compiled once and run with ``executemany`` on the raw connection.

What is written is what ``records.insert_meeting`` / ``records.insert_outcome`` write
for the same values, one call per row: texts with one version per language (the
original, the others official translations, version ids ``uuid5(text id, lang)``), an
outcome after the ones already reported by any of its meetings.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import os
from collections.abc import Callable, Mapping

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

from piel_desktop.domain.model import TranslationStatus
from piel_desktop.storage import models as m
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.merge import LateIndexes
from piel_desktop.storage.sync import RawSQL

#: Rows collected before they are written.
BATCH = 5000
_RECORD = ("id", "created_at", "updated_at", "changed_by", "sync_clock")
_COLUMNS = {
    "text": _RECORD,
    "text_version": (*_RECORD, "text_id", "lang", "body", "status", "revision", "source_revision"),
    "meeting": (*_RECORD, "body_id", "number", "start_date", "end_date", "venue_id", "start_time",
                "time_zone"),
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


_ORIGINAL, _OFFICIAL = TranslationStatus.ORIGINAL.value, TranslationStatus.OFFICIAL.value


#: Hex digit -> the digit with RFC 9562's variant bits (10xx) set.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
#: Per 16 bytes of randomness: the bits RFC 9562 fixes in a version 4 UUID cleared
#: (_KEEP), then set (_SET): version 0100 in byte 6, variant 10 in byte 8.
_KEEP = bytes([0xFF] * 6 + [0x0F, 0xFF, 0x3F] + [0xFF] * 7)
_SET = bytes([0] * 6 + [0x40, 0, 0x80] + [0] * 7)


def _new_ids(count: int = 4096):
    """An endless stream of random (version 4) UUIDs as stored, 32 hex digits each
    (``uuid.uuid4().hex``, faster): randomness for ``count`` ids at a time, their fixed
    bits set on all of them at once as one large integer."""
    keep, put = int.from_bytes(_KEEP * count), int.from_bytes(_SET * count)
    while True:
        digits = ((int.from_bytes(os.urandom(16 * count)) & keep) | put).to_bytes(16 * count).hex()
        for start in range(0, 32 * count, 32):
            yield digits[start:start + 32]


def version_id(text_id: str, lang: str) -> str:
    """``uuid.uuid5(text id, lang).hex`` (the id storage/texts.new_text gives a
    version), from the text id as stored; faster than building UUID objects."""
    digest = hashlib.sha1(bytes.fromhex(text_id) + lang.encode()).hexdigest()
    return f"{digest[:12]}5{digest[13:16]}{_VARIANT[digest[16]]}{digest[17:32]}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class BulkWriter:
    """Collects new records as rows and writes them in batches of BATCH.

    ``con`` is the transaction of :meth:`Archive.merging`; the rows belong to the
    local replica's new changeset and carry the time the writer was made (the
    transaction's time, as ``created_at``/``updated_at``). Call :meth:`finish` at the
    end."""

    def __init__(self, con: RawSQL) -> None:
        self.con = con
        self.replica = tracking.local_replica(con)
        stamp = tracking.new_changeset(con, self.replica)
        self.clock = tracking.dumps({"*": stamp})
        self.rows: dict[str, list[tuple]] = {t: [] for t in _COLUMNS}
        self.pending = 0
        #: meeting id (hex) -> the highest outcome position among its outcomes.
        self.positions: dict[str, int] = {}
        self._body: str | None = None
        self.at = _now()
        self._ids = _new_ids()
        self._late = LateIndexes(con)

    def text(self, versions: Mapping[str, str], original: str) -> str:
        """Add a text (language -> words; ``original`` among them); return its id (hex)."""
        text_id, replica, clock, at = next(self._ids), self.replica, self.clock, self.at
        self.rows["text"].append((text_id, at, at, replica, clock))
        for lang, body in versions.items():
            original_one = lang == original
            self.rows["text_version"].append((
                version_id(text_id, lang), at, at, replica, clock, text_id, lang, body,
                _ORIGINAL if original_one else _OFFICIAL, 1, None if original_one else 1))
        return text_id

    def meeting(self, *, number: int, start_date: dt.date, end_date: dt.date | None,
                venue: Mapping[str, str] | None, venue_lang: str, start_time: str | None = None,
                time_zone: str | None = None) -> None:
        """Add a meeting of the archive's body (checked by the caller: a free number,
        an end not before the start, ``start_time`` "HH:MM" in IANA ``time_zone``)."""
        if self._body is None:
            self._body = self.con.execute("SELECT id FROM body ORDER BY created_at, id LIMIT 1").fetchone()[0]
        at = self.at
        venue_id = self.text(venue, venue_lang) if venue else None
        self.rows["meeting"].append((next(self._ids), at, at, self.replica, self.clock, self._body, number,
                                     _iso(start_date), _iso(end_date), venue_id, start_time, time_zone))
        self._added()

    def outcome(self, *, texts: Mapping[str, str], original: str, meeting_ids, kind: str, status: str,
                label: str | None, addressee: str | None, due_date: dt.date | None) -> None:
        """Add a top-level outcome of existing meetings (``meeting_ids``: UUIDs), after
        the outcomes any of them already reported."""
        meetings = [i.hex for i in meeting_ids]
        missing = [i for i in meetings if i not in self.positions]
        for start in range(0, len(missing), 500):  # once per meeting
            chunk = missing[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            self.positions.update({i: 0 for i in chunk})
            self.positions.update(self.con.execute(
                "SELECT mo.meeting_id, max(o.position) FROM meeting_outcome mo JOIN outcome o "
                f"ON o.id = mo.outcome_id WHERE mo.meeting_id IN ({marks}) GROUP BY mo.meeting_id",
                chunk).fetchall())
        position = max(self.positions[i] or 0 for i in meetings) + 1
        at = self.at
        text_id, outcome_id, clock = self.text(texts, original), next(self._ids), self.clock
        self.rows["outcome"].append((outcome_id, at, at, self.replica, clock, None, position, label,
                                     str(kind), str(status), addressee, _iso(due_date), text_id))
        for meeting in meetings:
            self.positions[meeting] = position
            self.rows["meeting_outcome"].append((meeting, outcome_id, clock))
        self._added()

    def _added(self) -> None:
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the rows collected so far."""
        for table, rows in self.rows.items():
            if rows:
                self._late.defer(table, len(rows))
                sql, ordered = _insert(table)
                self.con.executemany(sql, map(ordered, rows))
                rows.clear()
        self.pending = 0

    def finish(self) -> None:
        """Write the rest and build the indexes left for the end (storage/merge.py
        LateIndexes); the caller then commits."""
        self.flush()
        self._late.build()
