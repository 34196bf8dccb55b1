"""Meetings and outcomes edited from the main window's Edit menu: new, edit, delete
(asking first), reordering, each undone and redone through the History, on a real
archive; the service steps too. Deletes are undone exactly: the archive's content
fingerprint after the undo is the one before the delete."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from conftest import answer_questions
from piel_desktop.domain.errors import ValueRequired
from piel_desktop.services import meeting_records, records, registries
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import History
from piel_desktop.ui import record_actions
from piel_desktop.ui.edit_actions import OutcomeDialog
from piel_desktop.ui.main_window import ID_ROLE

pytestmark = pytest.mark.both_backends


def _meeting(archive, number):
    return next(m for m in records.list_meetings(archive) if m.number == number)


def _tree(archive, number):
    """(id, label, position, parent) of the meeting's outcomes, depth first."""
    found = []

    def walk(outcome, parent):
        found.append((outcome.id, outcome.label, outcome.position, parent))
        for child in outcome.children:
            walk(child, outcome.id)
    for outcome in records.meeting_outcomes(archive, [_meeting(archive, number).id]):
        walk(outcome, None)
    return found


# -- services -------------------------------------------------------------------------

def test_deleting_a_meeting_takes_its_own_outcomes_and_undo_restores_exactly(demo):
    history = History(demo)
    meeting = _meeting(demo, 14)
    before, tree = fingerprint(demo), _tree(demo, 14)
    going = meeting_records.outcomes_going(demo, meeting.id)
    assert going == len(tree) > 0
    history.delete("meeting", meeting.id)
    assert 14 not in [m.number for m in records.list_meetings(demo)]
    assert history.undo_label == "delete meeting"
    history.undo()
    assert fingerprint(demo) == before and _tree(demo, 14) == tree
    history.redo()
    assert 14 not in [m.number for m in records.list_meetings(demo)]
    history.undo()
    assert fingerprint(demo) == before


def test_a_meeting_reported_together_keeps_the_shared_outcomes(demo):
    ten, eleven = _meeting(demo, 10), _meeting(demo, 11)
    assert registries.values(demo, "meeting", eleven.id)["reported_with"] == (10,)
    shared = _tree(demo, 10)
    before = fingerprint(demo)
    history = History(demo)
    assert meeting_records.outcomes_going(demo, eleven.id) == 0
    history.delete("meeting", eleven.id)
    assert _tree(demo, 10) == shared  # only the link to meeting 11 went
    history.undo()
    assert fingerprint(demo) == before
    assert registries.values(demo, "meeting", ten.id)["reported_with"] == (11,)


def test_reported_with_relinks_the_outcomes_and_undo_puts_them_back(demo):
    history = History(demo)
    twelve = _meeting(demo, 14)
    before = fingerprint(demo)
    assert history.edit("meeting", twelve.id, {"reported_with": "9, 14"})
    assert registries.values(demo, "meeting", twelve.id)["reported_with"] == (9,)
    assert _tree(demo, 14)[0][0] in [row[0] for row in _tree(demo, 9)]
    history.undo()
    assert fingerprint(demo) != before  # the undo is an edit of its own (clocks), but
    assert registries.values(demo, "meeting", twelve.id)["reported_with"] == ()


def test_outcomes_are_added_moved_and_deleted_with_undo(demo):
    history = History(demo)
    meeting = _meeting(demo, 14)
    first = _tree(demo, 14)[0][0]
    with pytest.raises(ValueRequired):
        history.add_outcome(text="  ", lang="fr", meeting_ids=[meeting.id])
    new = history.add_outcome(text="Publier un guide", lang="fr", parent_id=first, label="z")
    assert history.undo_label == "add outcome"
    assert [row for row in _tree(demo, 14) if row[0] == new][0][3] == first
    history.undo()
    assert new not in [row[0] for row in _tree(demo, 14)]
    history.redo()
    assert new in [row[0] for row in _tree(demo, 14)]
    top = [row[0] for row in _tree(demo, 14) if row[3] is None]
    assert not history.move_outcome(top[0], -1, meeting.id)  # already first: no step
    assert history.move_outcome(top[0], +1, meeting.id)
    assert [row[0] for row in _tree(demo, 14) if row[3] is None][:2] == [top[1], top[0]]
    history.undo()
    assert [row[0] for row in _tree(demo, 14) if row[3] is None] == top
    history.redo()
    assert [row[0] for row in _tree(demo, 14) if row[3] is None][:2] == [top[1], top[0]]
    before, tree = fingerprint(demo), _tree(demo, 14)
    history.delete_outcome(first)  # with its sub-items, the new one among them
    assert first not in [row[0] for row in _tree(demo, 14)] and new not in [row[0] for row in _tree(demo, 14)]
    history.undo()
    assert fingerprint(demo) == before and _tree(demo, 14) == tree


# -- the window -----------------------------------------------------------------------

def test_meeting_editor_creates_edits_says_what_is_wrong_and_undoes(window, qtbot):
    editor = record_actions.new_meeting(window)
    qtbot.addWidget(editor)
    assert editor.widgets["number"].text() == "15"  # after the last
    editor.widgets["number"].setText("14")
    editor.widgets["start_date"].setText("2019-09-20")
    editor.buttons.button(QDialogButtonBox.Ok).click()
    assert editor.isVisible() and "14" in editor.problems["number"].text()  # already used
    editor.widgets["number"].setText("15")
    editor.widgets["end_date"].setText("2019-09-19")
    editor.accept()
    assert editor.isVisible() and not editor.problems["end_date"].isHidden()
    editor.widgets["end_date"].setText("2019-09-21")
    editor.widgets["venue_id"].setText("Ginebra")
    editor.accept()
    assert not editor.isVisible()
    assert window.current_meeting().number == 15
    assert window.undo_action.text() == "&Undo: add meeting"
    editor = record_actions.edit_meeting(window)
    qtbot.addWidget(editor)
    assert editor.widgets["venue_id"].text() == "Ginebra"
    editor.widgets["start_date"].setText("2019-13-01")
    editor.accept()
    assert editor.isVisible() and not editor.problems["start_date"].isHidden()
    editor.widgets["start_date"].setText("2019-09-19")
    editor.accept()
    assert window.current_meeting().start_date == dt.date(2019, 9, 19)
    assert window.undo_action.text() == "&Undo: edit meeting"
    window.undo_action.trigger()
    assert window.current_meeting().start_date == dt.date(2019, 9, 20)
    window.redo_action.trigger()
    assert window.current_meeting().start_date == dt.date(2019, 9, 19)
    window.undo_action.trigger()
    window.undo_action.trigger()  # the meeting's creation
    assert 15 not in [m.number for m in window.meetings]
    window.redo_action.trigger()
    assert 15 in [m.number for m in window.meetings]


def test_meeting_delete_asks_naming_the_outcomes_and_undo_restores(window, monkeypatch):
    asked = answer_questions(monkeypatch, QMessageBox.No, QMessageBox.Yes)
    window.select_meeting(14)
    count = window.meeting_model.rowCount()
    going = meeting_records.outcomes_going(window.archive, window.current_meeting().id)
    before = fingerprint(window.archive)
    assert not record_actions.delete_meeting(window)
    assert window.meeting_model.rowCount() == count and f"{going} outcomes" in asked[0]
    assert record_actions.delete_meeting(window)
    assert window.meeting_model.rowCount() == count - 1
    assert window.undo_action.text() == "&Undo: delete meeting"
    window.undo_action.trigger()
    assert window.meeting_model.rowCount() == count
    assert fingerprint(window.archive) == before


def test_outcome_editor_creates_a_sub_item_validates_and_undoes(window, qtbot, monkeypatch):
    window.select_meeting(14)
    parent = window.current_outcome()
    made = []

    def run(dialog):
        assert isinstance(dialog, OutcomeDialog) and dialog.place.count() == 2
        assert dialog.lang.currentData() == "en"  # the interface language first
        assert len(made) < 2  # accepted the second time: no third asking
        if not made:  # first: an empty text, said next to the field
            made.append(dialog)
            dialog.place.setCurrentIndex(1)
            dialog.label.setText("q")
            return QDialog.Accepted
        assert not dialog.problems["text"].isHidden() and dialog.problems["text"].text()
        dialog.text.setPlainText("Promouvoir la ligne d'écoute")
        dialog.lang.setCurrentIndex(dialog.lang.findData("fr"))
        dialog.kind.setCurrentIndex(dialog.kind.findData("request"))
        made.append(dialog)
        return QDialog.Accepted
    monkeypatch.setattr(OutcomeDialog, "exec", run)
    assert record_actions.new_outcome(window)
    created = window.current_outcome()
    assert created.label == "q" and created.kind.value == "request"
    assert created.text.original.lang == "fr"
    assert created.id in [c.id for c in window.outcomes[parent.id].children]
    assert window.undo_action.text() == "&Undo: add outcome"
    window.undo_action.trigger()
    assert created.id not in window.outcomes
    window.redo_action.trigger()
    assert created.id in window.outcomes


def test_outcome_delete_asks_and_undo_restores_exactly(window, monkeypatch):
    window.select_meeting(14)
    outcome = window.current_outcome()
    asked = answer_questions(monkeypatch, QMessageBox.Yes)
    before = fingerprint(window.archive)
    assert record_actions.delete_outcome(window)
    assert asked and outcome.id not in window.outcomes
    assert window.undo_action.text() == "&Undo: delete outcome"
    window.undo_action.trigger()
    assert outcome.id in window.outcomes and fingerprint(window.archive) == before


def test_moving_keeps_the_selection_and_undoes(window):
    window.select_meeting(14)
    rows = lambda: [window.outcome_model.index(r, 0).data(ID_ROLE)  # noqa: E731
                    for r in range(window.outcome_model.rowCount())]
    top = rows()
    assert window.current_outcome().id == top[0]
    window.move_down_action.trigger()
    assert window.current_outcome().id == top[0]  # still selected, one row lower
    assert rows() == [top[1], top[0], *top[2:]]
    assert window.undo_action.text() == "&Undo: move outcome"
    window.move_up_action.trigger()
    assert rows() == top
    window.undo_action.trigger()
    assert rows() == [top[1], top[0], *top[2:]]
    window.undo_action.trigger()
    assert rows() == top


def test_new_shortcuts_do_not_clash(window):
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    assert {"Ctrl+Shift+M", "Shift+F2", "Ctrl+Shift+N", "Del", "Alt+Up", "Alt+Down", "Ctrl+Shift+O"} <= set(keys)
