"""Follow-up of outcomes: the due date, follow-up notes with their documents, status
moves made with a note, undo and redo, packages carrying notes."""

from __future__ import annotations

import datetime as dt

import pytest

from piel_desktop.domain.errors import (
    DateInFuture, InvalidValue, RecordNotFound, StatusMoveRefused, ValueRequired,
)
from piel_desktop.services import follow_up, records, registries
from piel_desktop.services.history import History
from piel_desktop.storage.queries import content_fingerprint


def fingerprint(archive) -> str:
    with archive.unit_of_work() as uow:
        return content_fingerprint(uow.session)


def _outcome(archive, status: str = "agreed"):
    meeting = records.list_meetings(archive)[0]
    return records.add_outcome(archive, text="Create a registry of efforts", lang="en",
                               meeting_ids=[meeting.id], status=status)


def _status(archive, outcome_id) -> str:
    return records.outcome_fields(archive, outcome_id)["status"]


def test_due_date_edit_with_undo_and_redo(demo):
    outcome = _outcome(demo)
    history = History(demo)
    assert history.edit_outcome(outcome, due_date=dt.date(2019, 6, 30))
    assert history.undo_label == "edit outcome due date"
    assert records.outcome_fields(demo, outcome)["due_date"] == dt.date(2019, 6, 30)
    history.undo()
    assert records.outcome_fields(demo, outcome)["due_date"] is None
    history.redo()
    assert records.outcome_fields(demo, outcome)["due_date"] == dt.date(2019, 6, 30)
    assert not history.edit_outcome(outcome, due_date=dt.date(2019, 6, 30))  # no change, no step
    history.edit_outcome(outcome, due_date="2020-01-31")  # ISO text is taken too
    assert records.outcome_fields(demo, outcome)["due_date"] == dt.date(2020, 1, 31)
    before = fingerprint(demo)
    with pytest.raises(InvalidValue) as caught:
        history.edit_outcome(outcome, due_date="31/01/2020")
    assert caught.value.params["field"] == "due_date"
    assert fingerprint(demo) == before


def test_notes_add_edit_delete_with_undo_and_redo(demo):
    outcome = _outcome(demo)
    document = registries.create(demo, "document", {"symbol": "C18/35-E", "title": "Report"})
    history = History(demo)
    first = history.add_note(outcome, {"date": dt.date(2018, 3, 1), "text": "  Draft circulated. "})
    second = history.add_note(outcome, {"date": "2018-09-20", "text": "Registry online",
                                        "documents": [document]})
    assert history.undo_label == "add follow-up note"
    shown = follow_up.notes(demo, outcome)
    assert [n.id for n in shown] == [second, first]  # newest first
    assert shown[1].text == "Draft circulated."
    assert shown[0].documents == ((document, "C18/35-E — Report"),)

    assert history.edit_note(first, {"text": "Draft circulated to members", "documents": (document,)})
    assert history.undo_label == "edit follow-up note"
    assert not history.edit_note(first, {"text": "Draft circulated to members"})
    history.undo()
    assert follow_up.values(demo, first)["text"] == "Draft circulated."
    assert follow_up.values(demo, first)["documents"] == ()
    history.redo()
    assert follow_up.values(demo, first)["documents"] == (document,)

    history.delete_note(second)
    assert [n.id for n in follow_up.notes(demo, outcome)] == [first]
    history.undo()  # back under its own id, with its document
    assert follow_up.values(demo, second)["documents"] == (document,)
    history.redo()
    with pytest.raises(RecordNotFound):
        follow_up.values(demo, second)
    history.undo()
    history.undo()  # the edit
    history.undo()  # the second note
    history.undo()  # the first note
    assert follow_up.notes(demo, outcome) == []
    history.redo()
    assert [n.id for n in follow_up.notes(demo, outcome)] == [first]


@pytest.mark.parametrize("values, error, field", [
    ({"date": dt.date(2018, 1, 1), "text": "   "}, ValueRequired, "text"),
    ({"date": None, "text": "Done"}, ValueRequired, "date"),
    ({"text": "Done"}, ValueRequired, "date"),
    ({"date": dt.date.today() + dt.timedelta(days=1), "text": "Done"}, DateInFuture, "date"),
    ({"date": "yesterday", "text": "Done"}, InvalidValue, "date"),
    ({"date": dt.date(2018, 1, 1), "text": "Done", "status": "finished"}, InvalidValue, "status"),
    ({"date": dt.date(2018, 1, 1), "text": "Done", "colour": "red"}, InvalidValue, "colour"),
])
def test_bad_note_values_leave_the_archive_unchanged(demo, values, error, field):
    outcome = _outcome(demo)
    history = History(demo)
    before = fingerprint(demo)
    with pytest.raises(error) as caught:
        history.add_note(outcome, values)
    assert caught.value.params["field"] == field
    assert fingerprint(demo) == before and history.undo_label is None


def test_unknown_documents_and_bad_edits_leave_the_archive_unchanged(demo):
    import uuid
    outcome = _outcome(demo)
    history = History(demo)
    note = history.add_note(outcome, {"date": dt.date(2018, 1, 1), "text": "Done"})
    before = fingerprint(demo)
    with pytest.raises(RecordNotFound):
        history.add_note(outcome, {"date": dt.date(2018, 1, 1), "text": "Done", "documents": [uuid.uuid4()]})
    with pytest.raises(RecordNotFound):
        history.edit_note(note, {"documents": [uuid.uuid4()]})
    with pytest.raises(ValueRequired):
        history.edit_note(note, {"text": ""})
    with pytest.raises(DateInFuture):
        history.edit_note(note, {"date": dt.date.today() + dt.timedelta(days=3)})
    with pytest.raises(InvalidValue) as caught:
        follow_up.edit_note(demo, note, {"status": "implemented"})  # the move was made
    assert caught.value.params["field"] == "status"
    assert fingerprint(demo) == before
    assert history.undo_label == "add follow-up note"


def test_a_note_moves_the_outcome_by_the_lifecycle(demo):
    outcome = _outcome(demo, status="agreed")
    history = History(demo)
    history.add_note(outcome, {"date": dt.date(2018, 5, 2), "text": "Work started", "status": "in_progress"})
    assert _status(demo, outcome) == "in_progress"
    before = fingerprint(demo)
    with pytest.raises(StatusMoveRefused) as caught:  # in progress cannot go back to proposed
        history.add_note(outcome, {"date": dt.date(2018, 5, 3), "text": "Reopened", "status": "proposed"})
    assert caught.value.params["allowed"] == ("implemented", "superseded", "withdrawn")
    assert fingerprint(demo) == before
    history.undo()  # the note goes and the outcome is agreed again
    assert _status(demo, outcome) == "agreed" and follow_up.notes(demo, outcome) == []
    history.redo()
    assert _status(demo, outcome) == "in_progress"
    assert follow_up.notes(demo, outcome)[0].status == "in_progress"
    # A note that keeps the status (the one it has) changes nothing about the outcome.
    history.add_note(outcome, {"date": dt.date(2018, 6, 1), "text": "Still going", "status": "in_progress"})
    history.undo()
    assert _status(demo, outcome) == "in_progress"


def test_deleting_an_outcome_deletes_its_notes(demo):
    outcome = _outcome(demo)
    note = follow_up.add_note(demo, outcome, {"date": dt.date(2018, 1, 1), "text": "Done"})
    records.delete_outcome(demo, outcome)
    with pytest.raises(RecordNotFound):
        follow_up.values(demo, note)


def test_a_package_carries_a_note_with_its_document(hq_africa, tmp_path):
    from piel_desktop.services import sync
    hq, africa = hq_africa
    outcome = _outcome(hq)
    records.edit_outcome(hq, outcome, due_date=dt.date(2019, 12, 31))
    document = registries.create(hq, "document", {"symbol": "C18/35-E", "title": "Report"})
    note = follow_up.add_note(hq, outcome, {"date": dt.date(2018, 9, 20), "text": "Registry online",
                                            "documents": [document], "status": "implemented"})
    package = sync.export_package(hq, tmp_path / "hq.pielpkg", full=True).path
    sync.import_package(africa, package)
    assert follow_up.values(africa, note) == follow_up.values(hq, note)
    assert follow_up.values(africa, note)["documents"] == (document,)
    assert records.outcome_fields(africa, outcome)["due_date"] == dt.date(2019, 12, 31)
    assert _status(africa, outcome) == "implemented"
    # A change at Africa travels back: the edited text and the removed link.
    follow_up.edit_note(africa, note, {"text": "Registry online since September", "documents": ()})
    back = sync.export_package(africa, tmp_path / "africa.pielpkg", to="HQ").path
    sync.import_package(hq, back)
    assert follow_up.values(hq, note)["text"] == "Registry online since September"
    assert follow_up.values(hq, note)["documents"] == ()
    assert fingerprint(hq) == fingerprint(africa)
