"""What is particular to the mandate's records, instruments and their clauses
(services/registries.py edits them like any record): the codes their coded fields
take, where a new one goes among its siblings, which clause may be a clause's parent,
and moving them up and down.

A clause belongs to one instrument and, as a sub-clause ("1.1" under "1"), to a parent
clause of the same instrument; siblings (an instrument's top-level clauses, a clause's
sub-clauses, a body's instruments) are ordered by ``position``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from piel_desktop.domain.errors import NotAParent, RecordNotFound
from piel_desktop.services.records import swap_positions
from piel_desktop.storage import Archive, models as m

#: The codes of the coded fields; their names for people are in messages.CHOICE_LABELS.
INSTRUMENT_KINDS = ("resolution", "decision")
ISSUERS = ("plenipotentiary", "council")
#: The sections of a resolution, in the order a resolution has them.
SECTIONS = ("considering", "recognizing", "noting", "bearing_in_mind", "resolves", "decides",
            "instructs", "requests", "invites", "encourages", "urges")
#: Whom a report of the body goes to.
RECIPIENTS = ("council", "plenipotentiary")

_MODELS = {"instrument": m.Instrument, "clause": m.Clause}


def _siblings(s, record) -> list:
    """The records ordered together with ``record`` (itself among them once it is in
    the session)."""
    if isinstance(record, m.Instrument):
        where = [m.Instrument.body_id == record.body_id]
        model = m.Instrument
    else:
        parent = (m.Clause.parent_id.is_(None) if record.parent_id is None
                  else m.Clause.parent_id == record.parent_id)
        where = [m.Clause.instrument_id == record.instrument_id, parent]
        model = m.Clause
    return list(s.scalars(select(model).where(*where)))


def next_position(s, record) -> int:
    """The position after the last of ``record``'s siblings: where a new one goes."""
    model = type(record)
    ids = [r.id for r in _siblings(s, record) if r.id != record.id]
    if not ids:
        return 1
    return (s.scalar(select(func.max(model.position)).where(model.id.in_(ids))) or 0) + 1


def descendants(s, clause_id: uuid.UUID) -> list[m.Clause]:
    """The sub-clauses of a clause, their sub-clauses, and so on."""
    found, pending = [], [clause_id]
    while pending:
        children = s.scalars(select(m.Clause).where(m.Clause.parent_id.in_(pending))).all()
        children = [c for c in children if c.id != clause_id and c not in found]
        found.extend(children)
        pending = [c.id for c in children]
    return found


def check_clause(s, clause: m.Clause) -> None:
    """Within a write of ``clause`` (its fields set): its instrument must exist, and its
    parent, if any, must be a clause of the same instrument other than itself and its
    own sub-clauses. Its sub-clauses follow it to another instrument. Raises
    RecordNotFound, NotAParent."""
    if s.get(m.Instrument, clause.instrument_id) is None:
        raise RecordNotFound(kind="instrument", id=str(clause.instrument_id))
    below = descendants(s, clause.id) if clause.id is not None else []
    if clause.parent_id is not None:
        parent = s.get(m.Clause, clause.parent_id)
        if (parent is None or parent.id == clause.id or parent in below
                or parent.instrument_id != clause.instrument_id):
            raise NotAParent(field="parent_id", value=parent.number if parent else str(clause.parent_id))
    for sub in below:
        if sub.instrument_id != clause.instrument_id:
            sub.instrument_id = clause.instrument_id


def move(archive: Archive, kind_name: str, record_id: uuid.UUID, step: int) -> dict[uuid.UUID, int]:
    """Move an instrument or a clause ``step`` places (-1 up, +1 down) among its
    siblings. Returns the earlier positions of the records whose position changed (id
    -> position), empty when it cannot move further. Raises RecordNotFound."""
    model = _MODELS[kind_name]
    with archive.unit_of_work() as uow:
        s = uow.session
        record = s.get(model, record_id)
        if record is None:
            raise RecordNotFound(kind=kind_name, id=str(record_id))
        changed = swap_positions(_siblings(s, record), record, step)
        uow.commit()
    return changed


def positions(archive: Archive, kind_name: str, ids) -> dict[uuid.UUID, int]:
    """Current positions of the instruments or clauses ``ids`` (those found)."""
    model = _MODELS[kind_name]
    with archive.unit_of_work() as uow:
        return dict(uow.session.execute(select(model.id, model.position).where(model.id.in_(list(ids)))).all())


def set_positions(archive: Archive, kind_name: str, wanted: dict[uuid.UUID, int]) -> None:
    """Write positions (id -> position) in one transaction: the undo and redo of a
    move. Raises RecordNotFound."""
    model = _MODELS[kind_name]
    with archive.unit_of_work() as uow:
        for record_id, position in wanted.items():
            record = uow.session.get(model, record_id)
            if record is None:
                raise RecordNotFound(kind=kind_name, id=str(record_id))
            record.position = position
        uow.commit()
