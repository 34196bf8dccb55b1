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

pytestmark = pytest.mark.both_backends


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
    ({"date": dt.date.today() + dt.timedelta(days=400), "text": "Done"}, DateInFuture, "date"),
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


def test_archive_at_schema_4_gains_due_dates_and_notes(demo_path):
    """A file of schema 0004 (the demo, taken back) opens: its outcomes are kept,
    unchanged for sync, and take due dates and notes that are tracked."""
    import json
    import sqlite3

    from schema_helpers import undo_schema_5
    from piel_desktop.services.archive import check_archive, open_archive
    from piel_desktop.storage import schema
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_5(con)
        con.execute("UPDATE alembic_version SET version_num = '0004'")
        before = con.execute("SELECT id, status, sync_clock FROM outcome ORDER BY id").fetchall()
    con.close()
    with open_archive(demo_path) as archive:
        assert archive.schema_version == schema.schema_head() >= 5
        assert check_archive(archive).ok
        con = sqlite3.connect(demo_path)
        assert con.execute("SELECT id, status, sync_clock FROM outcome ORDER BY id").fetchall() == before
        outcome = __import__("uuid").UUID(before[0][0])
        records.edit_outcome(archive, outcome, due_date=dt.date(2019, 1, 31))
        note = follow_up.add_note(archive, outcome, {"date": dt.date(2018, 2, 1), "text": "Started"})
        clock = json.loads(con.execute("SELECT sync_clock FROM outcome WHERE id = ?", (before[0][0],)).fetchone()[0])
        assert "due_date" in clock  # the new column is tracked
        assert con.execute("SELECT sync_clock IS NOT NULL FROM follow_up_note WHERE id = ?",
                           (note.hex,)).fetchone() == (1,)
        triggers = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        con.close()
    for table in ("outcome", "follow_up_note", "follow_up_document"):
        assert {f"sync_{table}_{verb}" for verb in ("insert", "update", "delete")} <= triggers
    assert (demo_path.parent / f"{demo_path.name}.before-schema-{schema.schema_head()}").is_file()


def test_outcomes_table_carries_the_due_date(demo, tmp_path):
    from piel_desktop.services import tables
    outcome = _outcome(demo)
    records.edit_outcome(demo, outcome, due_date=dt.date(2019, 6, 30))
    data = tables.table(demo, "outcomes")
    column = data.headers.index("Due date")
    assert dt.date(2019, 6, 30) in [row[column] for row in data.rows]
    back = tables.read_csv(tables.write_table(data, tmp_path / "outcomes.csv"))
    assert "2019-06-30" in {str(row[column]) for row in back.rows}


def test_follow_up_dialog_adds_a_note_and_undoes_it(qtbot, demo_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from conftest import open_window
    from piel_desktop.ui import follow_up as follow_up_ui
    window = open_window(qtbot, demo_path)
    outcome = window.current_outcome()
    assert outcome is not None and window.follow_up_action.isEnabled()
    status = outcome.status.value
    dialog = follow_up_ui.open_notes(window)
    assert dialog.view.topLevelItemCount() == 0 and not dialog.undo_button.isEnabled()
    editor = dialog.add()
    assert editor.widgets["date"].text() == dt.date.today().isoformat()
    editor.widgets["text"].setPlainText("   ")
    editor.accept()  # refused next to the field; the editor stays open
    assert editor.isVisible() and editor.problems["text"].isVisibleTo(editor)
    editor.widgets["text"].setPlainText("Registry online since March")
    editor.widgets["date"].setText("2018-03-15")
    moves = [editor.widgets["status"].itemData(i) for i in range(editor.widgets["status"].count())]
    assert moves[0] is None and status not in moves[1:]  # only moves the lifecycle allows
    editor.widgets["status"].setCurrentIndex(1)
    moved_to = moves[1]
    editor.accept()
    assert not editor.isVisible()
    assert dialog.view.topLevelItemCount() == 1
    assert dialog.view.topLevelItem(0).text(2) == "Registry online since March"
    assert records.outcome_fields(window.archive, outcome.id)["status"] == moved_to
    assert "Registry online since March" in window.detail.toPlainText()  # the detail pane shows it
    assert dialog.undo_button.text() == "&Undo: add follow-up note"
    dialog.undo_button.click()
    assert dialog.view.topLevelItemCount() == 0
    assert records.outcome_fields(window.archive, outcome.id)["status"] == status
    dialog.redo_button.click()
    assert dialog.view.topLevelItemCount() == 1
    dialog.view.setCurrentItem(dialog.view.topLevelItem(0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    assert dialog.delete()
    assert dialog.view.topLevelItemCount() == 0
    dialog.close()
    window.close_archive()
