"""What is particular to meetings as records (services/registries.py edits them like
any record): numbers used once, meetings reported together, outcomes that go with a
deleted meeting.

Meetings are "reported together" through the top-level outcomes they share (the seed
report's meetings 10 and 11): the archive keeps no other link between meetings. So a
meeting's ``reported_with`` is read from its outcomes' meetings, and setting it links
every top-level outcome of the meeting to exactly that meeting and those named.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select

from piel_desktop.domain.errors import NoSharedOutcomes, NotAMeeting, NumberInUse, RecordNotFound
from piel_desktop.services import snapshots
from piel_desktop.storage import Archive, models as m

_LINK = m.meeting_outcome


def reported_with(s, meeting_id: uuid.UUID) -> tuple[int, ...]:
    """Numbers of the other meetings that share top-level outcomes with the meeting."""
    own = select(_LINK.c.outcome_id).where(_LINK.c.meeting_id == meeting_id)
    return tuple(sorted(set(s.scalars(
        select(m.Meeting.number).join(_LINK, _LINK.c.meeting_id == m.Meeting.id)
        .where(_LINK.c.outcome_id.in_(own), m.Meeting.id != meeting_id)))))


def set_reported_with(s, meeting: m.Meeting, numbers: Iterable[int]) -> None:
    """Link every top-level outcome of ``meeting`` to it and to the meetings numbered
    ``numbers`` (its own number is ignored). Raises NotAMeeting for an unknown number,
    NoSharedOutcomes when partners are named for a meeting without outcomes."""
    wanted = set(numbers) - {meeting.number}
    others = {mt.number: mt for mt in s.scalars(select(m.Meeting).where(
        m.Meeting.body_id == meeting.body_id, m.Meeting.number.in_(wanted)))}
    missing = sorted(wanted - set(others))
    if missing:
        raise NotAMeeting(field="reported_with", value=missing[0])
    outcomes = s.scalars(select(m.Outcome).join(_LINK, _LINK.c.outcome_id == m.Outcome.id)
                         .where(_LINK.c.meeting_id == meeting.id)).all()
    if wanted and not outcomes:
        raise NoSharedOutcomes(field="reported_with", value=", ".join(map(str, sorted(wanted))))
    linked = [meeting, *(others[n] for n in sorted(wanted))]
    for outcome in outcomes:
        if {mt.id for mt in outcome.meetings} != {mt.id for mt in linked}:
            outcome.meetings = linked


def check_number_free(s, meeting: m.Meeting, number: int) -> None:
    """Raises NumberInUse if another meeting of the body has ``number``."""
    taken = s.scalar(select(func.count()).where(
        m.Meeting.body_id == meeting.body_id, m.Meeting.number == number, m.Meeting.id != meeting.id))
    if taken:
        raise NumberInUse(field="number", value=number)


def own_outcomes(s, meeting_id: uuid.UUID) -> list[uuid.UUID]:
    """Top-level outcomes reported by this meeting alone: those deleted with it (an
    outcome shared with other meetings stays with them)."""
    linked = s.scalars(select(_LINK.c.outcome_id).where(_LINK.c.meeting_id == meeting_id)).all()
    counts = dict(s.execute(select(_LINK.c.outcome_id, func.count())
                            .where(_LINK.c.outcome_id.in_(linked)).group_by(_LINK.c.outcome_id)).all())
    return [o for o in linked if counts.get(o) == 1]


def outcomes_going(archive: Archive, meeting_id: uuid.UUID) -> int:
    """How many outcomes (sub-items included) deleting the meeting deletes with it."""
    with archive.unit_of_work() as uow:
        return snapshots.capture(uow.session, {"outcome": own_outcomes(uow.session, meeting_id)}).count("outcome")


def meetings_of_new_outcome(archive: Archive, meeting_id: uuid.UUID) -> list[uuid.UUID]:
    """The meetings a new top-level outcome of ``meeting_id`` is linked to: the meeting
    and those it is reported together with. Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        s = uow.session
        meeting = s.get(m.Meeting, meeting_id)
        if meeting is None:
            raise RecordNotFound(kind="meeting", id=str(meeting_id))
        partners = reported_with(s, meeting_id)
        others = s.scalars(select(m.Meeting.id).where(
            m.Meeting.body_id == meeting.body_id, m.Meeting.number.in_(partners))).all()
        return [meeting_id, *others]
