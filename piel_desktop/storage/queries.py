"""Read queries. Each takes a session and returns plain domain dataclasses."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict

from sqlalchemy import Row, func, select, text as sql_text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from piel_desktop.domain import model as d
from piel_desktop.domain.sync import DELETED, stamp_of
from piel_desktop.storage import models as m
from piel_desktop.storage.texts import load_texts


def body(session: Session) -> d.Body | None:
    """The working group (the first body recorded), or None in an empty archive."""
    row = session.scalars(select(m.Body).order_by(m.Body.created_at, m.Body.id).limit(1)).first()
    if row is None:
        return None
    texts = load_texts(session, [row.name_id, row.acronym_id])
    return d.Body(id=row.id, name=texts[row.name_id],
                  acronym=texts.get(row.acronym_id, d.EMPTY_TEXT))


def meetings(session: Session) -> list[d.Meeting]:
    """All meetings, by start date then number."""
    rows = session.scalars(select(m.Meeting).order_by(m.Meeting.start_date, m.Meeting.number)).all()
    texts = load_texts(session, (r.venue_id for r in rows))
    return [d.Meeting(id=r.id, number=r.number, start_date=r.start_date, end_date=r.end_date,
                      venue=texts.get(r.venue_id, d.EMPTY_TEXT), chair=r.chair, format=r.format,
                      start_time=r.start_time, time_zone=r.time_zone)
            for r in rows]


def meetings_of_outcomes(session: Session) -> dict[uuid.UUID, tuple[int, ...]]:
    """For each top-level outcome, the numbers of the meetings that reported it."""
    rows = session.execute(
        select(m.meeting_outcome.c.outcome_id, m.Meeting.number)
        .join(m.Meeting, m.Meeting.id == m.meeting_outcome.c.meeting_id)
        .order_by(m.Meeting.number)).all()
    links: dict[uuid.UUID, list[int]] = defaultdict(list)
    for outcome_id, number in rows:
        links[outcome_id].append(number)
    return {k: tuple(v) for k, v in links.items()}


def outcomes_for_meetings(session: Session, meeting_ids: list[uuid.UUID]) -> list[d.Outcome]:
    """Outcome trees reported by any of the given meetings, in their recorded order.

    Top-level outcomes come in the order of their earliest meeting, then position;
    each carries its sub-items (any depth) and the numbers of all its meetings.
    """
    links = session.execute(
        select(m.meeting_outcome.c.outcome_id, m.Meeting.number, m.Meeting.start_date)
        .join(m.Meeting, m.Meeting.id == m.meeting_outcome.c.meeting_id)
        .where(m.meeting_outcome.c.outcome_id.in_(
            select(m.meeting_outcome.c.outcome_id).where(m.meeting_outcome.c.meeting_id.in_(meeting_ids))))
    ).all()
    numbers: dict[uuid.UUID, list[tuple]] = defaultdict(list)
    for outcome_id, number, start in links:
        numbers[outcome_id].append((start, number))
    if not numbers:
        return []
    # Walk down from the top-level outcomes one level at a time, each level's records
    # read by their parents' ids (the first by the meetings: fewer values to bind).
    rows: dict[uuid.UUID, Row] = {}
    o = m.Outcome  # columns, not entities (a brief reads thousands): several times faster
    columns = (o.id, o.parent_id, o.position, o.label, o.kind, o.status, o.text_id, o.addressee, o.due_date)
    reported = select(m.meeting_outcome.c.outcome_id).where(m.meeting_outcome.c.meeting_id.in_(meeting_ids))
    found = session.execute(select(*columns).where(o.id.in_(reported))).all()
    while found:
        level = [r for r in found if r.id not in rows]  # a record met twice ends the walk there
        rows.update((r.id, r) for r in level)
        found = session.execute(select(*columns).where(o.parent_id.in_([r.id for r in level]))).all() if level else []
    children: dict[uuid.UUID | None, list[Row]] = defaultdict(list)
    for r in rows.values():
        if r.parent_id in rows:
            children[r.parent_id].append(r)
    organisations = _organisation_names(session, rows.keys())
    texts = load_texts(session, (r.text_id for r in rows.values()))

    def build(r: Row, meeting_numbers: tuple[int, ...]) -> d.Outcome:
        kids = sorted(children[r.id], key=lambda c: (c.position, c.id))
        return d.Outcome(
            id=r.id, position=r.position, label=r.label, kind=r.kind, status=r.status,
            text=texts[r.text_id], addressee=r.addressee, due_date=r.due_date, meeting_numbers=meeting_numbers,
            organisations=tuple(organisations.get(r.id, ())),
            children=tuple(build(k, meeting_numbers) for k in kids))

    top = sorted(numbers, key=lambda o: (min(numbers[o]), rows[o].position, o))
    return [build(rows[o], tuple(n for _, n in sorted(numbers[o]))) for o in top]


def _organisation_names(session: Session, outcome_ids) -> dict[uuid.UUID, list[str]]:
    links = session.execute(
        select(m.outcome_organisation.c.outcome_id, m.Organisation.acronym_id, m.Organisation.name_id)
        .join(m.Organisation, m.Organisation.id == m.outcome_organisation.c.organisation_id)
        .where(m.outcome_organisation.c.outcome_id.in_(list(outcome_ids)))).all()
    texts = load_texts(session, [t for _, a, n in links for t in (a, n)])
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    for outcome_id, acronym_id, name_id in links:
        text = texts.get(acronym_id) or texts.get(name_id)
        names[outcome_id].append(text.original.text if text and text.original else "?")
    return {k: sorted(v) for k, v in names.items()}


def counts(session: Session) -> dict[str, int]:
    """Number of rows per record kind (table name)."""
    return {name: session.execute(select(func.count()).select_from(m.Base.metadata.tables[name])).scalar_one()
            for name in m.COUNTED_TABLES}


def is_empty(session: Session) -> bool:
    """True if the archive holds no content records."""
    return all(session.execute(select(func.count()).select_from(m.Base.metadata.tables[t])).scalar_one() == 0
               for t in ("body", "meeting", "outcome", "text"))


def _on_server(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def quick_problems(session: Session, most: int = 20) -> list[str]:
    """SQLite's ``quick_check`` (pages and records, not indexes against tables): up to
    ``most`` problems, or damage that stops the check reported as one problem."""
    if _on_server(session):
        return []  # PostgreSQL checks its own pages (see integrity_problems)
    try:
        return [row[0] for row in session.execute(sql_text(f"PRAGMA quick_check({int(most)})"))
                if row[0] != "ok"]
    except DatabaseError as e:
        return [str(e.orig or e)]


def integrity_problems(session: Session) -> list[str]:
    """Problems SQLite finds in the file and its references; empty when all is well.

    Damage bad enough to stop the check itself is reported as one problem, not raised.
    On an HQ archive PostgreSQL itself keeps pages checksummed and references
    enforced, and recovers from its own log: there is nothing for the program to add.
    """
    if _on_server(session):
        return []
    try:
        problems = [row[0] for row in session.execute(sql_text("PRAGMA integrity_check"))
                    if row[0] != "ok"]
        if not problems:  # references are only worth checking in a sound file
            problems = [f"broken reference in {row[0]} row {row[1]} to {row[2]}"
                        for row in session.execute(sql_text("PRAGMA foreign_key_check"))]
    except DatabaseError as e:
        problems = [str(e.orig or e)]
    return problems


#: (database file, change marker) -> fingerprint, for the last few archive states.
_FINGERPRINTS: dict[tuple[str, tuple], str] = {}


def content_fingerprint(session: Session) -> str:
    """SHA-256 (hex) of the archive's records as every office sees them.

    Covers the content tables (``models.CONTENT_TABLES``), conflicts and tombstones
    (deleted records, with who deleted them and when), rows by primary key, values as
    JSON text. Replica-local bookkeeping (clocks, changesets, keys, the import log) is
    left out, so two archives that have merged the same changes give the same value.

    Hashing reads the whole archive, so the value is remembered per archive state: no
    content can change without a new changeset (the sync triggers refuse writes
    without one), so the number of changesets, the last rowid and its stamp (clock and
    replica, unique) mark the state. Printing a brief in six languages hashes once.
    """
    state = ("SELECT count(*), max(stamp) FROM changeset" if _on_server(session) else  # no rowid there
             "SELECT count(*), max(rowid), (SELECT stamp FROM changeset ORDER BY rowid DESC LIMIT 1) "
             "FROM changeset")
    marker = (session.get_bind().url.render_as_string(hide_password=True),
              tuple(session.execute(sql_text(state)).one()))
    if marker in _FINGERPRINTS:
        return _FINGERPRINTS[marker]
    value = _content_fingerprint(session)
    if len(_FINGERPRINTS) >= 16:
        _FINGERPRINTS.pop(next(iter(_FINGERPRINTS)))
    _FINGERPRINTS[marker] = value
    return value


def _content_fingerprint(session: Session) -> str:
    digest = hashlib.sha256()
    for name in (*m.CONTENT_TABLES, "conflict"):
        table = m.Base.metadata.tables[name]
        columns = sorted(c.name for c in table.columns if c.name != "sync_clock")
        digest.update(f"\x1e{name}\x1f{','.join(columns)}\n".encode())
        query = select(*(table.c[c] for c in columns)).order_by(*table.primary_key.columns)
        for row in session.execute(query):
            _add_line(digest, [_canonical(v) for v in row])
    digest.update(b"\x1etombstone\n")
    for tbl, key, data, clock, deleted in session.execute(sql_text(
            "SELECT tbl, row_key, data, sync_clock, deleted FROM tombstone ORDER BY tbl, row_key")):
        who = str(stamp_of(json.loads(clock), DELETED)) if deleted else None
        _add_line(digest, [tbl, key, json.loads(data), bool(deleted), who])
    return digest.hexdigest()


def _add_line(digest, values: list) -> None:
    digest.update(json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    digest.update(b"\n")


def _canonical(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return str(value)
