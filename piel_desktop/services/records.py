"""Reading and adding records: meetings and their outcomes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from piel_desktop.domain import model as d
from piel_desktop.domain.errors import (
    InvalidValue, NothingToPrint, RecordNotFound, StatusMoveRefused, UnknownMeetings, ValueRequired,
)
from piel_desktop.domain.meeting_time import check_start
from piel_desktop.domain.meetings import group_reported_together
from piel_desktop.services import snapshots
from piel_desktop.services.field_checks import MOST_NUMBER, parse_date
from piel_desktop.storage import Archive, models as m, queries
from piel_desktop.storage.texts import new_text


def list_meetings(archive: Archive) -> list[d.Meeting]:
    """All meetings, by date."""
    with archive.unit_of_work() as uow:
        return queries.meetings(uow.session)


@dataclass(frozen=True)
class MeetingList:
    """What the meeting list shows: meetings by date, how many top-level outcomes each
    reported (by meeting number), and the meetings each was reported together with
    (by number; a meeting's own group includes itself)."""

    meetings: tuple[d.Meeting, ...]
    outcome_counts: dict[int, int]
    reported_with: dict[int, tuple[int, ...]]


def meeting_list(archive: Archive) -> MeetingList:
    with archive.unit_of_work() as uow:
        meetings = queries.meetings(uow.session)
        links = queries.meetings_of_outcomes(uow.session)
    counts = Counter(n for numbers in links.values() for n in numbers)
    groups = group_reported_together([mt.number for mt in meetings], links)
    return MeetingList(meetings=tuple(meetings), outcome_counts=dict(counts),
                       reported_with={n: group for group in groups for n in group})


def meeting_outcomes(archive: Archive, meeting_ids: Iterable[uuid.UUID]) -> list[d.Outcome]:
    """Outcome trees of the given meetings (see queries.outcomes_for_meetings)."""
    with archive.unit_of_work() as uow:
        return queries.outcomes_for_meetings(uow.session, list(meeting_ids))


def add_meeting(archive: Archive, *, number: int, start_date: dt.date,
                end_date: dt.date | None = None) -> uuid.UUID:
    """Record a meeting of the archive's body; return its id.

    Raises InvalidValue for a number below 1, an end before the start, a number already
    used, or an archive without a body.
    """
    with archive.unit_of_work() as uow:
        meeting_id = insert_meeting(uow.session, number=number, start_date=start_date, end_date=end_date)
        uow.commit()
        return meeting_id


def insert_meeting(s, *, number: int, start_date: dt.date, end_date: dt.date | None = None,
                   venue: Mapping[str, str] | None = None, venue_lang: str | None = None,
                   start_time: str | None = None, time_zone: str | None = None) -> uuid.UUID:
    """add_meeting's work inside the caller's session (several records in one unit
    of work); ``venue`` maps languages to the venue's text, original ``venue_lang``;
    ``start_time`` "HH:MM" in IANA zone ``time_zone``, checked (domain/meeting_time.py)."""
    check_start(start_date, start_time, time_zone)
    if not 1 <= number <= MOST_NUMBER:
        raise InvalidValue(field="number", value=number)
    if end_date is not None and end_date < start_date:
        raise InvalidValue(field="end date", value=end_date.isoformat())
    the_body = queries.body(s)
    if the_body is None:
        raise InvalidValue(field="body", value="")
    if s.scalar(select(func.count()).where(m.Meeting.body_id == the_body.id,
                                           m.Meeting.number == number)):
        raise InvalidValue(field="number", value=number)
    meeting = m.Meeting(id=uuid.uuid4(), body_id=the_body.id, number=number,
                        start_date=start_date, end_date=end_date,
                        start_time=start_time, time_zone=time_zone,
                        venue_id=new_text(s, venue, original=venue_lang or next(iter(venue)))
                        if venue else None)
    s.add(meeting)
    s.flush()
    return meeting.id


def add_outcome(archive: Archive, *, text: str, lang: str,
                meeting_ids: Iterable[uuid.UUID] = (), parent_id: uuid.UUID | None = None,
                kind: d.OutcomeKind = d.OutcomeKind.RECOMMENDATION,
                status: d.OutcomeStatus = d.OutcomeStatus.PROPOSED,
                label: str | None = None, addressee: str | None = None,
                due_date: dt.date | str | None = None) -> uuid.UUID:
    """Record an outcome (``text`` original in ``lang``) after the existing ones; a
    ``due_date`` may be ISO text ("2026-03-31").

    A top-level outcome needs ``meeting_ids``; a sub-item names its ``parent_id`` and
    inherits the parent's meetings. Raises ValueRequired for an empty text,
    InvalidValue (a label over 16 or an addressee over 64 characters, an unknown
    language, kind or status) or RecordNotFound; nothing is written then.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueRequired(field="text")
    d.check_language(lang)
    label, addressee = _short_text(label, "label", 16), _short_text(addressee, "addressee", 64)
    due_date = parse_date(due_date, "due_date")
    with archive.unit_of_work() as uow:
        outcome_id = insert_outcome(uow.session, texts={lang: text}, original=lang,
                                    meeting_ids=meeting_ids, parent_id=parent_id, kind=kind,
                                    status=status, label=label, addressee=addressee, due_date=due_date)
        uow.commit()
        return outcome_id


def insert_outcome(s, *, texts: Mapping[str, str], original: str,
                   meeting_ids: Iterable[uuid.UUID] = (), parent_id: uuid.UUID | None = None,
                   kind=d.OutcomeKind.RECOMMENDATION, status=d.OutcomeStatus.PROPOSED,
                   label: str | None = None, addressee: str | None = None,
                   due_date: dt.date | None = None) -> uuid.UUID:
    """add_outcome's work inside the caller's session; ``texts`` maps languages to the
    text (``original`` among them, the others official translations)."""
    meeting_ids = list(meeting_ids)
    if (parent_id is None) == (not meeting_ids):
        raise InvalidValue(field="meetings", value=len(meeting_ids))
    meetings = [s.get(m.Meeting, i) for i in meeting_ids]
    if None in meetings:
        raise RecordNotFound(kind="meeting", id=str(meeting_ids[meetings.index(None)]))
    if parent_id is not None and s.get(m.Outcome, parent_id) is None:
        raise RecordNotFound(kind="outcome", id=str(parent_id))
    if parent_id is not None:
        siblings = select(func.max(m.Outcome.position)).where(m.Outcome.parent_id == parent_id)
    else:
        siblings = (select(func.max(m.Outcome.position))
                    .join(m.meeting_outcome, m.meeting_outcome.c.outcome_id == m.Outcome.id)
                    .where(m.meeting_outcome.c.meeting_id.in_(meeting_ids)))
    position = (s.scalar(siblings) or 0) + 1
    outcome = m.Outcome(id=uuid.uuid4(), parent_id=parent_id, position=position, label=label,
                        kind=d.parse_enum(d.OutcomeKind, kind, "kind"),
                        status=d.parse_enum(d.OutcomeStatus, status, "status"),
                        addressee=addressee, due_date=parse_date(due_date, "due_date"),
                        text_id=new_text(s, texts, original=original),
                        meetings=meetings)
    s.add(outcome)
    s.flush()
    return outcome.id


#: Outcome fields :func:`edit_outcome` changes, with their parsers.
_OUTCOME_FIELDS = {
    "kind": lambda v: d.parse_enum(d.OutcomeKind, v, "kind"),
    "status": lambda v: d.parse_enum(d.OutcomeStatus, v, "status"),
    "label": lambda v: _short_text(v, "label", 16),
    "addressee": lambda v: _short_text(v, "addressee", 64),
    "position": lambda v: _whole(v, "position"),
    "due_date": lambda v: parse_date(v, "due_date"),
}


def _short_text(value, field: str, most: int) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > most:
        raise InvalidValue(field=field, value=str(value))
    return value


def _whole(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidValue(field=field, value=str(value))
    return value


def check_outcome_fields(changes: Mapping) -> dict:
    """``changes`` to an outcome's fields as edit_outcome writes them (coded values as
    enums, which compare equal to their text; a due date as a date; empty text as
    None). Raises InvalidValue naming the first wrong or unknown field."""
    unknown = set(changes) - set(_OUTCOME_FIELDS)
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], value="")
    return {name: _OUTCOME_FIELDS[name](value) for name, value in changes.items()}


def outcome_fields(archive: Archive, outcome_id: uuid.UUID) -> dict:
    """The editable fields of an outcome as edit_outcome takes them (coded values as
    their text): kind, status, label, addressee, position, due_date (a date or None).
    Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        outcome = uow.session.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        return {"kind": outcome.kind.value, "status": outcome.status.value, "label": outcome.label,
                "addressee": outcome.addressee, "position": outcome.position,
                "due_date": outcome.due_date}


def edit_outcome(archive: Archive, outcome_id: uuid.UUID, *, lifecycle: bool = True,
                 **changes) -> None:
    """Change fields of an outcome: kind, status, label, addressee, position, due_date
    (a ``datetime.date``, ISO text, or None to clear it).

    Only the fields given are written (and so only they travel to other offices). A
    status may only move as ``domain.model.STATUS_MOVES`` allows, unless ``lifecycle``
    is False (an undo putting back an earlier status). Raises
    RecordNotFound, StatusMoveRefused, or InvalidValue naming the field; nothing is
    written then.
    """
    parsed = check_outcome_fields(changes)
    with archive.unit_of_work() as uow:
        outcome = uow.session.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        if "status" in parsed:
            move_status(outcome, parsed.pop("status"), lifecycle=lifecycle)
        for name, value in parsed.items():
            setattr(outcome, name, value)
        uow.commit()


def move_status(outcome: m.Outcome, new: d.OutcomeStatus, *, lifecycle: bool = True) -> None:
    """Set the status of ``outcome`` (a row of the caller's session) to ``new``, as
    ``domain.model.STATUS_MOVES`` allows unless ``lifecycle`` is False. Raises
    StatusMoveRefused (nothing changed)."""
    if lifecycle and not d.can_move(outcome.status, new):
        raise StatusMoveRefused(current=outcome.status.value, new=new.value, allowed=tuple(
            sorted(s.value for s in d.STATUS_MOVES[outcome.status])))
    if outcome.status != new:
        outcome.status = new


def set_text(archive: Archive, text_id: uuid.UUID, lang: str, body: str) -> None:
    """Write the ``lang`` version of a text: a new working translation if there is none,
    else a new revision of it (an original's revision makes its translations stale).

    Raises RecordNotFound, or InvalidValue for an unknown language or an empty text.
    """
    _check_text(lang, body)
    with archive.unit_of_work() as uow:
        write_version(uow.session, text_id, lang, body)
        uow.commit()


def set_outcome_text(archive: Archive, outcome_id: uuid.UUID, lang: str, body: str) -> None:
    """Write the ``lang`` version of an outcome's text (see set_text).

    Raises RecordNotFound, or InvalidValue for an unknown language or an empty text.
    """
    _check_text(lang, body)
    with archive.unit_of_work() as uow:
        outcome = uow.session.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        write_version(uow.session, outcome.text_id, lang, body)
        uow.commit()


@dataclass(frozen=True)
class VersionsChange:
    """What :func:`set_outcome_texts` changed in text ``text_id``: for each language
    whose version it wrote, the version's row before and after (column -> value, the
    sync clock aside; None where there was no version)."""

    text_id: uuid.UUID
    before: dict[str, dict | None]
    after: dict[str, dict | None]


def set_outcome_texts(archive: Archive, outcome_id: uuid.UUID, bodies: Mapping[str, str]) -> VersionsChange:
    """Write several language versions of an outcome's text (language -> body, each as
    set_text writes it) in one transaction. Returns the rows of the versions that
    changed, before and after, for :func:`put_text_versions` (undo and redo).

    Raises RecordNotFound, or InvalidValue for an unknown language or an empty text;
    nothing is written then.
    """
    for lang, body in bodies.items():
        _check_text(lang, body)
    with archive.unit_of_work() as uow:
        s = uow.session
        outcome = s.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        text_id = outcome.text_id
        before = _version_rows(s, text_id)
        for lang, body in bodies.items():
            write_version(s, text_id, lang, body)
        s.flush()
        after = _version_rows(s, text_id)
        changed = [lang for lang in bodies if before.get(lang) != after.get(lang)]
        uow.commit()
    return VersionsChange(text_id, {lang: before.get(lang) for lang in changed},
                          {lang: after.get(lang) for lang in changed})


def put_text_versions(archive: Archive, text_id: uuid.UUID, rows: Mapping[str, dict | None]) -> None:
    """Make the versions of text ``text_id`` in the languages of ``rows`` exactly those
    rows again (body, status, revisions, time and office of the last change), deleting
    the version where the row is None, in one transaction: the undo and redo of
    set_outcome_texts. Raises RecordNotFound if the text is gone."""
    with archive.unit_of_work() as uow:
        s = uow.session
        text = s.get(m.Text, text_id)
        if text is None:
            raise RecordNotFound(kind="text", id=str(text_id))
        held = {v.lang: v for v in text.versions}
        for lang, row in rows.items():
            version = held.get(lang)
            if row is None:
                if version is not None:
                    text.versions.remove(version)
            elif version is None:
                s.add(m.TextVersion(**row))
            else:
                for name, value in row.items():
                    setattr(version, name, value)
                flag_modified(version, "updated_at")  # the row's own time, not now
        uow.commit()


def _version_rows(s, text_id: uuid.UUID) -> dict[str, dict]:
    """The versions of a text as rows (language -> column -> value, no sync clock)."""
    columns = [c.key for c in m.TextVersion.__table__.columns if c.key != "sync_clock"]
    return {v.lang: {c: getattr(v, c) for c in columns}
            for v in s.scalars(select(m.TextVersion).where(m.TextVersion.text_id == text_id))}


def _check_text(lang: str, body: str) -> None:
    d.check_language(lang)
    if not isinstance(body, str) or not body.strip():
        raise InvalidValue(field=f"text ({lang})", value=body)


def write_version(s, text_id: uuid.UUID, lang: str, body: str) -> None:
    """Within session ``s``: set the ``lang`` version of text ``text_id`` to ``body``
    (a new working translation if there is none; a new revision if it changed).
    Raises RecordNotFound."""
    text = s.get(m.Text, text_id)
    if text is None:
        raise RecordNotFound(kind="text", id=str(text_id))
    version = next((v for v in text.versions if v.lang == lang), None)
    original = next((v for v in text.versions if v.status is d.TranslationStatus.ORIGINAL), None)
    if version is None:
        s.add(m.TextVersion(id=uuid.uuid5(text_id, lang), text_id=text_id, lang=lang, body=body,
                            status=d.TranslationStatus.WORKING, revision=1,
                            source_revision=original.revision if original else None))
    elif version.body != body:
        version.body = body
        version.revision += 1
        if version is not original and original is not None:
            version.source_revision = original.revision


def delete_outcome(archive: Archive, outcome_id: uuid.UUID) -> snapshots.Snapshot:
    """Delete an outcome with its sub-items and links; each leaves a tombstone that
    travels to other offices (its text stays). Returns what was removed, for
    snapshots.restore. Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        outcome = uow.session.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        snapshot = snapshots.capture(uow.session, {"outcome": [outcome_id]})
        uow.session.delete(outcome)
        uow.commit()
    return snapshot


def move_outcome(archive: Archive, outcome_id: uuid.UUID, step: int,
                 meeting_id: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    """Move an outcome ``step`` places (-1 up, +1 down) among its siblings: the
    sub-items of its parent, or for a top-level outcome those shown with it under
    meeting ``meeting_id`` (same first meeting). Returns the earlier positions of the
    outcomes whose position changed (id -> position), empty when it cannot move
    further. Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        s = uow.session
        outcome = s.get(m.Outcome, outcome_id)
        if outcome is None:
            raise RecordNotFound(kind="outcome", id=str(outcome_id))
        if outcome.parent_id is not None:
            siblings = s.scalars(select(m.Outcome).where(m.Outcome.parent_id == outcome.parent_id)).all()
        else:
            first = min(mt.number for mt in outcome.meetings)
            shown = meeting_id or next(mt.id for mt in outcome.meetings if mt.number == first)
            siblings = [o for o in s.scalars(
                select(m.Outcome).join(m.meeting_outcome, m.meeting_outcome.c.outcome_id == m.Outcome.id)
                .where(m.meeting_outcome.c.meeting_id == shown, m.Outcome.parent_id.is_(None)))
                if min(mt.number for mt in o.meetings) == first]
        changed = swap_positions(siblings, outcome, step)
        uow.commit()
    return changed


def swap_positions(siblings, record, step: int) -> dict[uuid.UUID, int]:
    """Move ``record`` ``step`` places among ``siblings`` (records with ``id`` and
    ``position``, itself among them) by rewriting positions; return the earlier
    positions of those that changed (empty when it cannot move further). Equal
    positions are first numbered as the records stand."""
    order = sorted(siblings, key=lambda o: (o.position, o.id))
    here = order.index(record)
    if not 0 <= here + step < len(order):
        return {}
    earlier = {o.id: o.position for o in order}
    slots = sorted(earlier.values())
    if len(set(slots)) < len(slots):  # equal positions: number them as they stand
        slots = list(range(1, len(order) + 1))
    order[here], order[here + step] = order[here + step], order[here]
    for o, position in zip(order, slots):
        o.position = position
    return {o.id: earlier[o.id] for o in order if o.position != earlier[o.id]}


def set_positions(archive: Archive, positions: dict[uuid.UUID, int]) -> None:
    """Write outcome positions (id -> position) in one transaction: the undo and redo
    of a move. Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        for outcome_id, position in positions.items():
            outcome = uow.session.get(m.Outcome, outcome_id)
            if outcome is None:
                raise RecordNotFound(kind="outcome", id=str(outcome_id))
            outcome.position = position
        uow.commit()


def outcome_positions(archive: Archive, ids) -> dict[uuid.UUID, int]:
    """Current positions of the outcomes ``ids`` (those found)."""
    with archive.unit_of_work() as uow:
        return dict(uow.session.execute(select(m.Outcome.id, m.Outcome.position)
                                        .where(m.Outcome.id.in_(list(ids)))).all())


@dataclass(frozen=True)
class MeetingGroup:
    """Meetings reported together and their shared top-level outcomes."""

    meetings: tuple[d.Meeting, ...]
    outcomes: tuple[d.Outcome, ...]


@dataclass(frozen=True)
class BriefContent:
    """Everything a brief prints, read in one transaction so that ``fingerprint`` is
    the fingerprint of exactly this state."""

    body: d.Body
    groups: tuple[MeetingGroup, ...]
    fingerprint: str


def brief_content(archive: Archive, numbers: Iterable[int] | None = None) -> BriefContent:
    """The outcomes of the meetings numbered ``numbers`` (all when None), grouped.

    A meeting that reported outcomes jointly with others brings them along: the group
    is printed whole, as the seed report prints meetings 10 and 11. Raises
    UnknownMeetings for a number not in the archive and NothingToPrint when the
    selection has no outcomes.
    """
    with archive.unit_of_work() as uow:
        return brief_in_session(uow.session, numbers)


def brief_in_session(s, numbers: Iterable[int] | None, *, empty_ok: bool = False) -> BriefContent:
    """:func:`brief_content` inside the caller's unit of work (the report to Council
    reads its section 2 with it, in its own transaction). With ``empty_ok`` a selection
    without outcomes gives no groups instead of raising NothingToPrint."""
    the_body = queries.body(s)
    all_meetings = queries.meetings(s)
    if numbers is None:
        chosen = all_meetings
    else:
        wanted = set(numbers)
        missing = wanted - {mt.number for mt in all_meetings}
        if missing:
            raise UnknownMeetings(numbers=tuple(sorted(missing)))
        chosen = [mt for mt in all_meetings if mt.number in wanted]
    by_number = {mt.number: mt for mt in all_meetings}
    # Widen the selection to the meetings its outcomes were reported with, and
    # theirs, until nothing is added: a group is printed with all its outcomes.
    selected: set[int] = {mt.number for mt in chosen}
    while True:
        outcomes = queries.outcomes_for_meetings(s, [by_number[n].id for n in selected])
        involved = selected | {n for o in outcomes for n in o.meeting_numbers}
        if involved == selected:
            break
        selected = involved
    if the_body is None or (not outcomes and not empty_ok):
        raise NothingToPrint()
    fingerprint = queries.content_fingerprint(s)
    involved = sorted({n for o in outcomes for n in o.meeting_numbers},
                      key=lambda n: (by_number[n].start_date, n))
    grouped = group_reported_together(involved, {o.id: o.meeting_numbers for o in outcomes})
    # The groups split the meetings, and an outcome's meetings are all in one group.
    group_of = {n: i for i, numbers_in_group in enumerate(grouped) for n in numbers_in_group}
    members: list[list] = [[] for _ in grouped]
    for o in outcomes:
        members[group_of[o.meeting_numbers[0]]].append(o)
    groups = tuple(MeetingGroup(meetings=tuple(by_number[n] for n in numbers_in_group), outcomes=tuple(found))
                   for numbers_in_group, found in zip(grouped, members))
    return BriefContent(body=the_body, groups=groups, fingerprint=fingerprint)
