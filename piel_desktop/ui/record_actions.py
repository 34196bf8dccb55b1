"""Meetings and outcomes from the main window's Edit menu, every change a History step
(services/history.py) that Undo / Redo take back and name:

- New meeting… (Ctrl+Shift+M), Edit meeting… (Shift+F2), Delete meeting…: the
  meeting editor is ui/record_editor.py on the "meeting" kind of services/registries.py
  (number, dates, venue, meetings reported together with); deleting a meeting that
  has outcomes says how many go with it.
- New outcome… (Ctrl+Shift+N): text in a chosen language, kind, status, addressee and
  label, top level in the selected meeting or a sub-item of the selected outcome
  (the dialog of ui/edit_actions.py); Delete outcome… (Del; its sub-items go with it);
  Move up / Move down (Alt+Up / Alt+Down) among its siblings.

``window`` is the MainWindow (``archive``, ``history``, ``current_meeting()``,
``current_outcome()``, ``reload()``, ``select_meeting(n)``, ``select_outcome(id)``).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import _, ngettext, ui_language
from piel_desktop.services import meeting_records, registries
from piel_desktop.ui import edit_actions
from piel_desktop.ui.dialogs import show_error
from piel_desktop.ui.record_editor import RecordEditor

#: Characters of an outcome's text that name it where it is the parent of a new one.
_SHORT = 60


def install(window) -> None:
    """Add the meeting and outcome actions to ``window``'s Edit menu."""
    def action(text, slot, shortcut=None) -> QAction:
        made = QAction(text, window)
        if shortcut is not None:
            made.setShortcut(QKeySequence(shortcut))
        made.triggered.connect(lambda _checked=False: slot(window))
        return made

    window.new_meeting_action = action(_("New &meeting…"), new_meeting, "Ctrl+Shift+M")
    window.edit_meeting_action = action(_("Edit meeting…"), edit_meeting, "Shift+F2")
    window.delete_meeting_action = action(_("Delete meeting…"), delete_meeting)
    window.new_outcome_action = action(_("New &outcome…"), new_outcome, "Ctrl+Shift+N")
    window.delete_outcome_action = action(_("&Delete outcome…"), delete_outcome, QKeySequence.Delete)
    window.move_up_action = action(_("Move &up"), lambda w: move_outcome(w, -1), "Alt+Up")
    window.move_down_action = action(_("Move do&wn"), lambda w: move_outcome(w, +1), "Alt+Down")
    menu = window.edit_menu
    menu.addSeparator()
    menu.addActions([window.new_meeting_action, window.edit_meeting_action, window.delete_meeting_action])
    menu.addSeparator()
    menu.addActions([window.new_outcome_action, window.delete_outcome_action,
                     window.move_up_action, window.move_down_action])


def update(window) -> None:
    """Enable what the selection allows."""
    if not hasattr(window, "new_meeting_action"):
        return
    has_archive = window.archive is not None and window.history is not None
    meeting, outcome = window.current_meeting(), window.current_outcome()
    window.new_meeting_action.setEnabled(has_archive)
    for made in (window.edit_meeting_action, window.delete_meeting_action, window.new_outcome_action):
        made.setEnabled(has_archive and meeting is not None)
    for made in (window.delete_outcome_action, window.move_up_action, window.move_down_action):
        made.setEnabled(has_archive and outcome is not None)


# -- meetings -------------------------------------------------------------------------

def _meeting_editor(window, current: dict, save, title: str) -> RecordEditor:
    editor = RecordEditor("meeting", current, save, window, title=title)
    editor.finished.connect(lambda _result: _after_meeting(window, editor))
    editor.open()
    return editor


def _after_meeting(window, editor: RecordEditor) -> None:
    if editor.result_value:
        number = registries.values(window.archive, "meeting", editor.result_value)["number"]
        edit_actions.refresh(window, meeting_number=number)


def new_meeting(window) -> RecordEditor | None:
    """Open the meeting editor for a new meeting (numbered after the last); returns it."""
    if window.history is None:
        return None
    number = max((mt.number for mt in window.meetings), default=0) + 1
    return _meeting_editor(window, {"number": number},
                           lambda values: window.history.create("meeting", values), _("New meeting"))


def edit_meeting(window) -> RecordEditor | None:
    """Open the meeting editor on the selected meeting; returns it."""
    meeting, history = window.current_meeting(), window.history
    if meeting is None or history is None:
        return None
    try:
        current = registries.values(window.archive, "meeting", meeting.id)
    except PielError as error:
        show_error(window, error)
        return None
    return _meeting_editor(window, current,
                           lambda values: history.edit("meeting", meeting.id, values) and meeting.id,
                           _("Meeting {number}").format(number=meeting.number))


def delete_meeting(window) -> bool:
    """Ask (naming how many outcomes go with it), then delete the selected meeting."""
    meeting, history = window.current_meeting(), window.history
    if meeting is None or history is None:
        return False
    try:
        going = meeting_records.outcomes_going(window.archive, meeting.id)
    except PielError as error:
        show_error(window, error)
        return False
    question = (ngettext("Delete meeting {number} and the {n} outcome that only it reported "
                         "(with its sub-items)? Undo brings them back.",
                         "Delete meeting {number} and the {n} outcomes that only it reported "
                         "(with their sub-items)? Undo brings them back.", going)
                if going else _("Delete meeting {number}? Undo brings it back."))
    if QMessageBox.question(window, APP_NAME, question.format(number=meeting.number, n=going)) != QMessageBox.Yes:
        return False
    try:
        history.delete("meeting", meeting.id)
    except PielError as error:
        show_error(window, error)
    edit_actions.refresh(window)
    return True


# -- outcomes -------------------------------------------------------------------------

def _short(outcome) -> str:
    version = outcome.text.pick(ui_language())
    text = " ".join(version.text.split()) if version else ""
    text = text if len(text) <= _SHORT else text[:_SHORT - 1] + "…"
    return f"{outcome.label}) {text}" if outcome.label else text


def new_outcome(window) -> bool:
    """Ask for a new outcome of the selected meeting (top level, or a sub-item of the
    selected outcome), then add it and select it; True if one was added."""
    meeting, history = window.current_meeting(), window.history
    if meeting is None or history is None:
        return False
    places = [(_("Top level of meeting {number}").format(number=meeting.number), None)]
    selected = window.current_outcome()
    if selected is not None:
        places.append((_("Sub-item of “{outcome}”").format(outcome=_short(selected)), selected.id))
    dialog = edit_actions.OutcomeDialog(None, window, places=places)
    if selected is not None and selected.children:  # adding to a list of sub-items
        dialog.place.setCurrentIndex(1)
    while dialog.exec() == QDialog.Accepted:
        values = dialog.values()
        parent_id = values.pop("parent_id")
        try:
            meetings = [] if parent_id else meeting_records.meetings_of_new_outcome(window.archive, meeting.id)
            outcome_id = history.add_outcome(meeting_ids=meetings, parent_id=parent_id, **values)
        except PielError as error:
            if dialog.show_problem(error):
                continue
            show_error(window, error)
            return False
        edit_actions.refresh(window, outcome_id)
        return True
    return False


def delete_outcome(window) -> bool:
    """Ask, then delete the selected outcome with its sub-items (undo brings them back)."""
    outcome, history = window.current_outcome(), window.history
    if outcome is None or history is None:
        return False
    count = _descendants(outcome)
    question = (ngettext("Delete the outcome “{outcome}” and its {n} sub-item? Undo brings them back.",
                         "Delete the outcome “{outcome}” and its {n} sub-items? Undo brings them back.", count)
                if count else _("Delete the outcome “{outcome}”? Undo brings it back."))
    if QMessageBox.question(window, APP_NAME, question.format(outcome=_short(outcome), n=count)) != QMessageBox.Yes:
        return False
    try:
        history.delete_outcome(outcome.id)
    except PielError as error:
        show_error(window, error)
    edit_actions.refresh(window)
    return True


def _descendants(outcome) -> int:
    return sum(1 + _descendants(child) for child in outcome.children)


def move_outcome(window, step: int) -> bool:
    """Move the selected outcome up (-1) or down (+1) among its siblings, keeping it
    selected; False when it is already first or last."""
    outcome, meeting, history = window.current_outcome(), window.current_meeting(), window.history
    if outcome is None or history is None:
        return False
    try:
        moved = history.move_outcome(outcome.id, step, meeting.id if meeting else None)
    except PielError as error:
        show_error(window, error)
        moved = False
    edit_actions.refresh(window, outcome.id)
    return moved
