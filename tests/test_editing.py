"""Editing outcomes with undo and redo: the service history on a real archive, and the
editor and Edit menu offscreen (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from piel_desktop.domain.errors import InvalidValue, RecordNotFound, StatusMoveRefused
from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import LIMIT, History
from piel_desktop.ui import edit_actions
from piel_desktop.ui.edit_actions import OutcomeDialog

pytestmark = pytest.mark.both_backends


def _first_outcome(archive, number=14):
    meeting = next(m for m in records.list_meetings(archive) if m.number == number)
    return records.meeting_outcomes(archive, [meeting.id])[0]


def test_undo_puts_back_the_earlier_status_and_redo_the_new_one(demo):
    outcome = _first_outcome(demo)
    history = History(demo)
    before = records.outcome_fields(demo, outcome.id)
    assert history.edit_outcome(outcome.id, status="in_progress", addressee="secretariat")
    assert history.undo_label == "edit outcome" and history.redo_label is None
    history.undo()  # in progress -> agreed is no move a person may make, but undo may
    assert records.outcome_fields(demo, outcome.id)["status"] == "agreed"
    assert records.outcome_fields(demo, outcome.id)["addressee"] is None
    assert records.outcome_fields(demo, outcome.id) == before  # an undo is itself an edit
    assert history.undo_label is None and history.redo_label == "edit outcome"
    history.redo()
    assert records.outcome_fields(demo, outcome.id)["status"] == "in_progress"


def test_steps_are_named_after_the_field(demo):
    outcome = _first_outcome(demo)
    history = History(demo)
    history.edit_outcome(outcome.id, status="implemented")
    assert history.undo_label == "edit outcome status"
    assert not history.edit_outcome(outcome.id, status="implemented")  # nothing changes
    assert history.undo_label == "edit outcome status"


def test_refused_edits_leave_no_step_and_no_change(demo):
    outcome = _first_outcome(demo)
    history = History(demo)
    before = fingerprint(demo)
    with pytest.raises(StatusMoveRefused):
        history.edit_outcome(outcome.id, status="proposed")
    with pytest.raises(InvalidValue):
        history.edit_outcome(outcome.id, label="x" * 17)
    assert history.undo_label is None and fingerprint(demo) == before


def test_undo_of_a_record_deleted_meanwhile_says_so_and_drops_the_step(demo):
    outcome = _first_outcome(demo)
    history = History(demo)
    history.edit_outcome(outcome.id, kind="decision")
    records.delete_outcome(demo, outcome.id)  # an import, say
    with pytest.raises(RecordNotFound):
        history.undo()
    assert history.undo_label is None and history.redo_label is None


def test_history_keeps_the_last_steps(demo):
    outcome = _first_outcome(demo)
    history = History(demo)
    for n in range(LIMIT + 5):
        history.edit_outcome(outcome.id, label=str(n))
    undone = 0
    while history.undo_label:
        history.undo()
        undone += 1
    assert undone == LIMIT
    assert records.outcome_fields(demo, outcome.id)["label"] == "4"


@pytest.fixture
def window(window):
    """The demo window with meeting 14's first outcome selected."""
    window.select_meeting(14)
    window.outcome_view.setCurrentIndex(window.outcome_model.index(0, 0))
    return window


def test_editor_offers_only_allowed_moves_and_says_what_is_wrong(window, qtbot, monkeypatch):
    outcome = window.current_outcome()
    dialog = OutcomeDialog(outcome, window)
    qtbot.addWidget(dialog)
    offered = [dialog.status.itemData(i) for i in range(dialog.status.count())]
    assert offered == ["agreed", "in_progress", "implemented", "superseded", "withdrawn"]
    answers = iter([("label", "x" * 17), ("label", "b")])

    def run(dialog):
        field, value = next(answers)
        if field == "label":
            dialog.label.setText(value)
        dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
        run.dialogs.append(dialog)
        return QDialog.Accepted
    run.dialogs = []
    monkeypatch.setattr(OutcomeDialog, "exec", run)
    assert edit_actions.edit_outcome(window)
    first = run.dialogs[0]
    assert not first.problems["label"].isHidden() and "for Label." in first.problems["label"].text()
    assert window.current_outcome().status.value == "in_progress"
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo: edit outcome"
    assert "In progress" in window.detail.toPlainText()


def test_undo_and_redo_from_the_edit_menu(window, monkeypatch):
    outcome = window.current_outcome()
    window.history.edit_outcome(outcome.id, status="implemented")
    edit_actions.update(window)
    assert window.undo_action.text() == "&Undo: edit outcome status"
    assert not window.redo_action.isEnabled()
    window.undo_action.trigger()
    assert window.current_outcome().id == outcome.id
    assert window.current_outcome().status.value == "agreed"
    assert window.redo_action.isEnabled() and window.redo_action.text() == "&Redo: edit outcome status"
    window.redo_action.trigger()
    assert window.current_outcome().status.value == "implemented"
