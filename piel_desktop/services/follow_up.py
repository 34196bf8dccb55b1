"""Follow-up notes: dated notes of what became of an outcome, with the documents that
are their evidence, and optionally the status the outcome moved to with the note.

Values travel as plain dicts, as in services/registries.py: ``date``
(``datetime.date`` or ISO text, required, not later than today), ``text`` (plain text,
required), ``status`` (an OutcomeStatus value or None: the status the outcome moves
to with this note) and ``documents`` (a tuple of document ids). :func:`values` gives a
note's dict in the form :func:`add_note` and :func:`edit_note` take it, so undo can
write it back (services/history.py). Every function is one transaction: a refused
value leaves the archive exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from piel_desktop.domain import model as d
from piel_desktop.domain.errors import DateInFuture, InvalidValue, RecordNotFound, ValueRequired
from piel_desktop.services.field_checks import parse_date
from piel_desktop.services.records import move_status
from piel_desktop.services.registries import Field, Kind, document_label
from piel_desktop.storage import Archive, models as m

#: A note's fields as an editor shows them (ui/record_editor.py).
NOTE = Kind("note", m.FollowUpNote, (
    Field("date", "date", required=True), Field("text", "text", required=True),
    Field("status", "choice"), Field("documents", "documents")))
#: The fields a note has.
FIELDS = tuple(f.name for f in NOTE.fields)


@dataclass(frozen=True)
class Note:
    """One follow-up note as shown: ``documents`` are (id, "symbol — title") pairs in
    the order of their labels; ``status`` a status value or None."""

    id: uuid.UUID
    outcome_id: uuid.UUID
    date: dt.date
    text: str
    status: str | None
    documents: tuple[tuple[uuid.UUID, str], ...] = ()


def check(new: Mapping, *, today: dt.date | None = None) -> dict:
    """``new`` checked and normalised (text stripped, ids as UUIDs), with only the
    fields given. Raises InvalidValue naming the first wrong field: ValueRequired for
    an empty date or text, DateInFuture for a date after ``today`` (default: the
    computer's date)."""
    unknown = set(new) - set(FIELDS)
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], value="")
    checked: dict = {}
    if "date" in new:
        day = parse_date(new["date"], "date")
        if day is None:
            raise ValueRequired(field="date")
        today = today or dt.date.today()
        if day > today:
            raise DateInFuture(field="date", value=day.isoformat(), today=today.isoformat())
        checked["date"] = day
    if "text" in new:
        text = new["text"]
        if text is not None and not isinstance(text, str):
            raise InvalidValue(field="text", value=str(text))
        if not (text or "").strip():
            raise ValueRequired(field="text")
        checked["text"] = text.strip()
    if "status" in new:
        checked["status"] = (None if new["status"] in (None, "")
                             else d.parse_enum(d.OutcomeStatus, new["status"], "status"))
    if "documents" in new:
        try:
            checked["documents"] = tuple(dict.fromkeys(
                v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in new["documents"] or ()))
        except (TypeError, ValueError):
            raise InvalidValue(field="documents", value=str(new["documents"])) from None
    return checked


# -- reading ------------------------------------------------------------------------

def notes(archive: Archive, outcome_id: uuid.UUID) -> list[Note]:
    """The notes of an outcome, newest first (by date, then by when they were written).
    An outcome without notes, or not in the archive, has none."""
    return latest(archive, [outcome_id], most=None).get(outcome_id, [])


def latest(archive: Archive, outcome_ids: Iterable[uuid.UUID], *,
           most: int | None = 1) -> dict[uuid.UUID, list[Note]]:
    """outcome id -> its ``most`` newest notes (all when None), newest first; outcomes
    without notes are left out. Reads 500 outcomes per query."""
    ids = list(dict.fromkeys(outcome_ids))
    found: dict[uuid.UUID, list[Note]] = {}
    with archive.unit_of_work() as uow:
        s = uow.session
        for start in range(0, len(ids), 500):
            rows = s.scalars(select(m.FollowUpNote).where(m.FollowUpNote.outcome_id.in_(ids[start:start + 500]))
                             .order_by(m.FollowUpNote.date.desc(), m.FollowUpNote.created_at.desc())).all()
            for row in rows:
                kept = found.setdefault(row.outcome_id, [])
                if most is None or len(kept) < most:
                    kept.append(_note(row))
    return found


def _note(row: m.FollowUpNote) -> Note:
    documents = sorted(((doc.id, document_label(doc.symbol, doc.title)) for doc in row.documents),
                       key=lambda pair: pair[1].casefold())
    return Note(id=row.id, outcome_id=row.outcome_id, date=row.date, text=row.text,
                status=row.status.value if row.status else None, documents=tuple(documents))


def values(archive: Archive, note_id: uuid.UUID) -> dict:
    """A note's fields as :func:`add_note` and :func:`edit_note` take them, with its
    ``outcome_id``. Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        row = _get(uow.session, note_id)
        return {"outcome_id": row.outcome_id, "date": row.date, "text": row.text,
                "status": row.status.value if row.status else None,
                "documents": tuple(sorted(doc.id for doc in row.documents))}


def _get(s, note_id: uuid.UUID) -> m.FollowUpNote:
    row = s.get(m.FollowUpNote, note_id)
    if row is None:
        raise RecordNotFound(kind="follow_up_note", id=str(note_id))
    return row


# -- writing ------------------------------------------------------------------------

def add_note(archive: Archive, outcome_id: uuid.UUID, new: Mapping, *, note_id: uuid.UUID | None = None,
             move: bool = True, lifecycle: bool = True) -> uuid.UUID:
    """Add a note to an outcome; return its id.

    ``new`` needs ``date`` and ``text``. With a ``status`` and ``move``, the outcome
    moves to that status in the same transaction, as ``domain.model.STATUS_MOVES``
    allows (any move when ``lifecycle`` is False: a redo). ``move`` False keeps the
    outcome's status (an undo bringing a deleted note back). ``note_id`` gives the note
    an id (the same undo). Raises InvalidValue (see :func:`check`), RecordNotFound (the
    outcome, a document), StatusMoveRefused; nothing is written then.
    """
    checked = check(new)
    for name in ("date", "text"):
        if name not in checked:
            raise ValueRequired(field=name)
    with archive.unit_of_work() as uow:
        s = uow.session
        outcome = s.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        status = checked.get("status")
        if move and status is not None:
            move_status(outcome, status, lifecycle=lifecycle)
        row = m.FollowUpNote(id=note_id or uuid.uuid4(), outcome_id=outcome_id, date=checked["date"],
                             text=checked["text"], status=status)
        row.documents = _documents(s, checked.get("documents", ()))
        s.add(row)
        s.flush()
        uow.commit()
        return row.id


def edit_note(archive: Archive, note_id: uuid.UUID, changes: Mapping) -> None:
    """Change a note's ``date``, ``text`` or ``documents`` (only those given are
    written). The status a note recorded stays: the outcome moved with it. Raises
    InvalidValue (also for ``status``), RecordNotFound; nothing is written then."""
    checked = check(changes)
    if "status" in checked:
        raise InvalidValue(field="status", value=str(changes["status"]))
    with archive.unit_of_work() as uow:
        s = uow.session
        row = _get(s, note_id)
        for name in ("date", "text"):
            if name in checked:
                setattr(row, name, checked[name])
        if "documents" in checked:
            row.documents = _documents(s, checked["documents"])
        s.flush()
        uow.commit()


def delete_note(archive: Archive, note_id: uuid.UUID, *, outcome_status: str | None = None) -> None:
    """Delete a note (its links to documents go with it, the documents stay); it leaves
    a tombstone that travels to other offices. ``outcome_status`` puts the outcome
    back to that status in the same transaction (an undo of a note that moved it).
    Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        s = uow.session
        row = _get(s, note_id)
        if outcome_status is not None:
            outcome = s.get(m.Outcome, row.outcome_id)
            move_status(outcome, d.parse_enum(d.OutcomeStatus, outcome_status, "status"), lifecycle=False)
        s.delete(row)
        uow.commit()


def _documents(s, ids) -> list[m.Document]:
    found = [s.get(m.Document, i) for i in ids]
    if None in found:
        raise RecordNotFound(kind="document", id=str(ids[found.index(None)]))
    return found
