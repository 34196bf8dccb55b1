"""Editing outcomes from the window, with undo and redo (Edit menu).

- Edit → Edit outcome… (F2, or Enter on the outcome list): kind, status (only the
  moves the lifecycle allows are offered), addressee, label and due date, with what
  is wrong said next to the field.
- Edit → Language versions… (Ctrl+L): the versions of the selected outcome's text
  in other languages, all written as one step (ui/text_dialog.py).
- Edit → Undo / Redo (Ctrl+Z / Ctrl+Shift+Z), named after the step ("Undo: edit
  outcome status"). The history lives in the service layer (services/history.py);
  this module only shows it.

Functions of the main window (passed as ``window``: ``archive``, ``history``,
``current_outcome()``, ``select_outcome(id)``, ``edit_menu``, ``sync.refresh()``,
``update_actions()``). The meeting and outcome actions of ui/record_actions.py build on
this module, never the other way round.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from piel_desktop.domain.errors import InvalidValue, PielError
from piel_desktop.domain.model import LANGUAGES, STATUS_MOVES, Outcome, OutcomeStatus
from piel_desktop.i18n import _, language_name, ui_language
from piel_desktop.messages import ADDRESSEE_LABELS, KIND_LABELS, STATUS_LABELS, describe, label
from piel_desktop.ui.dialogs import shortcut_button, show_error
from piel_desktop.ui.record_editor import field_with_problem, show_problem_under
from piel_desktop.ui.text_dialog import TextVersionsDialog


class OutcomeDialog(QDialog):
    """The fields of one outcome (``outcome``), or of a new one (None): then also its
    text, the text's language (the interface language first) and its place, one of
    ``places`` [(text, parent outcome id or None for top level)]. ``values()`` gives
    the fields as the services take them."""

    def __init__(self, outcome: Outcome | None, parent: QWidget | None = None, *,
                 places: list[tuple[str, object]] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit outcome") if outcome is not None else _("New outcome"))
        self.setMinimumWidth(480)
        self.outcome = outcome
        self.kind = QComboBox()
        for code, text in KIND_LABELS.items():
            self.kind.addItem(_(text), code)
        self.kind.setCurrentIndex(self.kind.findData(outcome.kind.value if outcome else "recommendation"))
        self.status = QComboBox()
        current = OutcomeStatus(outcome.status) if outcome else None
        offered = ([current, *sorted(STATUS_MOVES[current], key=list(OutcomeStatus).index)]
                   if current else list(OutcomeStatus))
        for status in offered:
            self.status.addItem(label(STATUS_LABELS, status.value), status.value)
        self.addressee = QComboBox()
        self.addressee.setEditable(True)
        self.addressee.addItem("", None)
        for code, text in ADDRESSEE_LABELS.items():
            self.addressee.addItem(_(text), code)
        index = self.addressee.findData(outcome.addressee if outcome else None)
        if index >= 0:
            self.addressee.setCurrentIndex(index)
        else:
            self.addressee.setEditText(outcome.addressee or "")
        self.label = QLineEdit(outcome.label or "" if outcome else "")
        self.label.setMaximumWidth(100)
        self.due_date = QLineEdit(outcome.due_date.isoformat() if outcome and outcome.due_date else "")
        self.due_date.setPlaceholderText(_("yyyy-mm-dd"))
        self.due_date.setMaximumWidth(140)
        rows = [("kind", self.kind, _("Kind")), ("status", self.status, _("Status")),
                ("addressee", self.addressee, _("Addressee")), ("label", self.label, _("Label")),
                ("due_date", self.due_date, _("Due date"))]
        if outcome is None:
            self.place = QComboBox()
            for text, parent_id in places:
                self.place.addItem(text, parent_id)
            self.text = QPlainTextEdit()
            self.text.setTabChangesFocus(True)
            self.text.setMinimumHeight(110)
            self.lang = QComboBox()
            for code in sorted(LANGUAGES, key=lambda c: c != ui_language()):
                self.lang.addItem(language_name(code, ui_language()), code)
            rows[:0] = [("place", self.place, _("Place")), ("text", self.text, _("Text")),
                        ("lang", self.lang, _("Language"))]
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, widget, text in rows:
            column, self.problems[name] = field_with_problem(widget)
            form.addRow(text, column)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def values(self) -> dict:
        """kind, status, addressee (a code, else the text typed), label, due_date (as
        typed, None for none: the service reads it); for a new outcome also text, lang
        and parent_id (None: top level)."""
        typed = self.addressee.currentText().strip()
        index = self.addressee.findText(typed)
        addressee = self.addressee.itemData(index) if index >= 0 else typed or None
        found = {"kind": self.kind.currentData(), "status": self.status.currentData(),
                 "addressee": addressee, "label": self.label.text().strip() or None,
                 "due_date": self.due_date.text().strip() or None}
        if self.outcome is None:
            found.update(text=self.text.toPlainText().strip(), lang=self.lang.currentData(),
                         parent_id=self.place.currentData())
        return found

    def show_problem(self, error: PielError) -> bool:
        """Show ``error`` next to its field; False if it belongs to no field."""
        field = error.params.get("field") if isinstance(error, InvalidValue) else None
        field = "lang" if getattr(error, "code", "") == "unsupported-language" else field
        return show_problem_under(self.problems, field, describe(error))


def install(window) -> None:
    """Add Edit outcome…, Undo and Redo to ``window``'s Edit menu."""
    window.edit_outcome_action = _action(window, _("&Edit outcome…"), lambda: edit_outcome(window), "F2")
    window.undo_action = _action(window, _("&Undo"), lambda: _step(window, "undo"), QKeySequence.Undo)
    window.redo_action = _action(window, _("&Redo"), lambda: _step(window, "redo"), "Ctrl+Shift+Z")
    menu = window.edit_menu
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, [window.undo_action, window.redo_action])
    menu.insertSeparator(first)
    menu.addAction(window.edit_outcome_action)
    window.outcome_view.activated.connect(lambda _index: edit_outcome(window))
    update(window)


def _action(window, text, slot, shortcut) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    return action


def step_texts(history) -> tuple[tuple[bool, str], tuple[bool, str]]:
    """(enabled, text) of Undo and of Redo for ``history`` (None: nothing to undo),
    named after their steps: "&Undo: edit outcome status"."""
    undo, redo = (getattr(history, name, None) if history is not None else None
                  for name in ("undo_label", "redo_label"))
    return ((undo is not None, _("&Undo: {step}").format(step=_(undo)) if undo else _("&Undo")),
            (redo is not None, _("&Redo: {step}").format(step=_(redo)) if redo else _("&Redo")))


def show_steps(history, undo, redo) -> None:
    """Name the ``undo`` and ``redo`` actions or buttons after their steps; disable
    them when there is none."""
    for widget, (enabled, text) in zip((undo, redo), step_texts(history)):
        widget.setEnabled(enabled)
        widget.setText(text)


class StepsWindow(QDialog):
    """A window of its own whose edits are steps of the main window's History
    (``window_``): Undo / Redo buttons, keys for the whole window, named after the
    steps; and its contents read again when it comes to the front (after an undo in the
    main window, say). Subclasses give ``reload()`` and ``after_step()``."""

    window_ = None
    undo_button = redo_button = None

    def add_undo_buttons(self, row) -> None:
        """Put the Undo and Redo buttons at the end of ``row`` (a QHBoxLayout)."""
        self.undo_button = shortcut_button(self, _("&Undo"), lambda: self.step("undo"), QKeySequence.Undo, row)
        self.redo_button = shortcut_button(self, _("&Redo"), lambda: self.step("redo"), "Ctrl+Shift+Z", row)

    def _enable(self) -> None:
        show_steps(self.window_.history, self.undo_button, self.redo_button)

    def event(self, event) -> bool:
        if event.type() == QEvent.WindowActivate and self.redo_button is not None:
            self.reload()
        return super().event(event)

    def step(self, direction: str) -> None:
        """Undo or redo the last step, then show the window as the archive is now."""
        history = self.window_.history
        if history is not None:
            try:
                getattr(history, direction)()
            except PielError as error:
                show_error(self, error)
        self.after_step()

    def reload(self) -> None:
        raise NotImplementedError

    def after_step(self) -> None:
        raise NotImplementedError


def update(window) -> None:
    """Name the Undo and Redo actions after their steps; disable them when empty."""
    show_steps(getattr(window, "history", None), window.undo_action, window.redo_action)
    window.edit_outcome_action.setEnabled(window.archive is not None and window.current_outcome() is not None)


def edit_outcome(window) -> bool:
    """Edit the selected outcome in a dialog; True if something was changed."""
    outcome = window.current_outcome()
    if outcome is None or window.history is None:
        return False
    dialog = OutcomeDialog(outcome, window)
    while dialog.exec() == QDialog.Accepted:
        try:
            changed = window.history.edit_outcome(outcome.id, **dialog.values())
        except PielError as error:
            if dialog.show_problem(error):
                continue  # said next to the field: let the person correct it
            show_error(window, error)
            return False
        refresh(window, outcome.id)
        return changed
    return False


def edit_text_versions(window) -> bool:
    """Add or correct language versions of the selected outcome's text, all in one
    step of the history; True if a version changed."""
    outcome = window.current_outcome()
    if outcome is None or window.history is None:
        return False
    dialog = TextVersionsDialog(outcome.text, ui_language(), window)
    if dialog.exec() != QDialog.Accepted:
        return False
    try:
        changed = window.history.edit_text_versions(outcome.id, dialog.changes())
    except Exception as error:  # said in a message box, never a traceback
        show_error(window, error)
        changed = False
    refresh(window, outcome.id)
    if changed:
        window.statusBar().showMessage(_("Language versions saved."), 10000)
    return changed


def _step(window, direction: str) -> None:
    history = window.history
    if history is None:
        return
    try:
        getattr(history, direction)()
    except PielError as error:
        show_error(window, error)
    outcome = window.current_outcome()
    refresh(window, outcome.id if outcome else None)


def refresh(window, outcome_id=None, meeting_number: int | None = None) -> None:
    """Read the meetings and the selected meeting's outcomes again, keeping the selected
    meeting (or selecting ``meeting_number``), and select ``outcome_id`` (if given)."""
    window.reload()
    if meeting_number is not None:
        window.select_meeting(meeting_number)
    if outcome_id is not None:
        window.select_outcome(outcome_id)
    window.sync.refresh()
    window.update_actions()
