"""Follow-up notes in the window.

- Edit → Follow-up notes… (Ctrl+U), and the tracker's Follow-up… button: the notes of
  one outcome, newest first, with Add (Ctrl+N), Edit (F2), Delete (asks first) and
  Undo / Redo of those steps (services/history.py, shared with the Edit menu). The
  note editor is ui/record_editor.py with the note's fields (services/follow_up.py):
  date, text, the documents it links and, for a new note, a status to move the
  outcome to (only the moves the lifecycle allows are offered).
- The outcome detail pane of the main window gets the due date and the notes
  (:func:`detail_html`).

Functions of the main window (passed as ``window``: ``archive``, ``history``,
``current_outcome()``, ``outcome_view``, ``edit_menu``).
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import RIGHT_TO_LEFT, SETTLED, STATUS_MOVES, OutcomeStatus
from piel_desktop.i18n import _, format_date, ngettext, ui_language
from piel_desktop.messages import STATUS_LABELS, label
from piel_desktop.services import follow_up, records, registries
from piel_desktop.ui import edit_actions
from piel_desktop.ui.dialogs import shortcut_button, show_beside, show_error
from piel_desktop.ui.record_editor import RecordEditor

#: Notes shown in the detail pane; the dialog shows all.
NOTES_SHOWN = 5


def is_overdue(due_date: dt.date | None, status: str, today: dt.date | None = None) -> bool:
    """True if ``due_date`` has passed and ``status`` is not a settled one."""
    return (due_date is not None and due_date < (today or dt.date.today())
            and OutcomeStatus(status) not in SETTLED)


def due_text(due_date: dt.date | None, status: str, lang: str) -> str:
    """"30 Jun 2019 (overdue)", the date alone, or "" without one."""
    if due_date is None:
        return ""
    shown = format_date(due_date, lang, "medium")
    return _("{date} (overdue)").format(date=shown) if is_overdue(due_date, status) else shown


class FollowUpDialog(edit_actions.StepsWindow):
    """The notes of one outcome (``outcome_id``; ``title``: its text as shown) for
    ``window``'s archive."""

    def __init__(self, window, outcome_id, title: str) -> None:
        super().__init__(window)
        self.window_, self.outcome_id, self.lang = window, outcome_id, ui_language()
        self.setWindowTitle(_("Follow-up notes"))
        self.resize(820, 460)
        self.heading = QLabel(title)
        self.heading.setTextFormat(Qt.PlainText)
        self.heading.setWordWrap(True)
        self.facts = QLabel()
        self.view = QTreeWidget()
        self.view.setHeaderLabels([_("Date"), _("Status"), _("Note"), _("Documents")])
        self.view.setRootIsDecorated(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setWordWrap(True)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setStretchLastSection(False)
        self.view.itemDoubleClicked.connect(lambda *_args: self.edit())
        self.view.currentItemChanged.connect(lambda *_args: self._enable())
        buttons = QHBoxLayout()
        self.add_button = shortcut_button(self, _("&Add…"), self.add, "Ctrl+N", buttons)
        self.edit_button = shortcut_button(self, _("&Edit…"), self.edit, "F2", buttons)
        self.delete_button = shortcut_button(self, _("&Delete…"), self.delete, QKeySequence.Delete, buttons)
        buttons.addStretch()
        self.add_undo_buttons(buttons)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.status = ""
        self.reload()

    # -- reading ------------------------------------------------------------------

    def reload(self) -> None:
        """Read the outcome's status, due date and notes again, keeping the selection."""
        archive = self.window_.archive
        if archive is None:
            self.close()
            return
        chosen = self.current()
        try:
            fields = records.outcome_fields(archive, self.outcome_id)
        except PielError as error:  # deleted meanwhile (an import, an undo)
            show_error(self, error)
            self.close()
            return
        self.status = fields["status"]
        due = due_text(fields["due_date"], self.status, self.lang) or "—"
        self.facts.setText(_("Status: {status} · Due date: {due}").format(
            status=label(STATUS_LABELS, self.status), due=due))
        self.notes = follow_up.notes(archive, self.outcome_id)
        self.view.clear()
        for note in self.notes:
            item = QTreeWidgetItem([format_date(note.date, self.lang, "medium"),
                                    label(STATUS_LABELS, note.status) if note.status else "",
                                    note.text, "\n".join(text for _id, text in note.documents)])
            item.setToolTip(2, note.text)
            item.setData(0, Qt.UserRole, note.id)
            self.view.addTopLevelItem(item)
        for row, note in enumerate(self.notes):
            if chosen is not None and note.id == chosen.id:
                self.view.setCurrentItem(self.view.topLevelItem(row))
        self._enable()

    def current(self) -> follow_up.Note | None:
        item = self.view.currentItem()
        row = self.view.indexOfTopLevelItem(item) if item is not None else -1
        return self.notes[row] if 0 <= row < len(getattr(self, "notes", [])) else None

    def _enable(self) -> None:
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(self.current() is not None)
        super()._enable()

    # -- writing ------------------------------------------------------------------

    def _editor(self, current: dict, statuses: list, save, title: str) -> RecordEditor:
        choices = {"status": statuses, "documents": registries.document_choices(self.window_.archive)}
        dialog = RecordEditor(follow_up.NOTE, current, save, self, title=title, choices=choices)
        dialog.finished.connect(lambda _result: self._after())
        dialog.open()
        return dialog

    def add(self) -> RecordEditor | None:
        """Open the editor for a new note (today's date; the status stays unless a
        move the lifecycle allows is chosen); returns it (shown, modal)."""
        history = self.window_.history
        if history is None:
            return None
        current = OutcomeStatus(self.status)
        moves = sorted(STATUS_MOVES[current], key=list(OutcomeStatus).index)
        statuses = [(None, _("Status stays “{status}”").format(status=label(STATUS_LABELS, self.status)))]
        statuses += [(s.value, _("Move to “{status}”").format(status=label(STATUS_LABELS, s.value)))
                     for s in moves]
        return self._editor({"date": dt.date.today()}, statuses,
                            lambda values: history.add_note(self.outcome_id, values), _("New follow-up note"))

    def edit(self) -> RecordEditor | None:
        """Open the editor for the selected note (its status stays as recorded)."""
        note, history = self.current(), self.window_.history
        if note is None or history is None:
            return None
        current = {"date": note.date, "text": note.text, "status": note.status,
                   "documents": tuple(doc_id for doc_id, _text in note.documents)}
        statuses = [(note.status, label(STATUS_LABELS, note.status) if note.status else "—")]
        dialog = self._editor(current, statuses, lambda values: history.edit_note(note.id, values),
                              _("Follow-up note"))
        dialog.widgets["status"].setEnabled(False)
        return dialog

    def delete(self) -> bool:
        """Ask, then delete the selected note (undo brings it back)."""
        note, history = self.current(), self.window_.history
        if note is None or history is None:
            return False
        answer = QMessageBox.question(self, APP_NAME, _(
            "Delete the follow-up note of {date}? Undo brings it back.").format(
                date=format_date(note.date, self.lang, "medium")))
        if answer != QMessageBox.Yes:
            return False
        try:
            history.delete_note(note.id)
        except PielError as error:
            show_error(self, error)
        self._after()
        return True

    def after_step(self) -> None:
        self._after()

    def _after(self) -> None:
        self.reload()
        edit_actions.refresh(self.window_, self.outcome_id)


def detail_html(window, outcome) -> str:
    """The due date and the newest notes of ``outcome`` (a domain Outcome) for the
    main window's detail pane, in the interface language; "" when it has neither."""
    if window.archive is None:
        return ""
    lang = ui_language()
    notes = follow_up.notes(window.archive, outcome.id)
    parts = []
    direction = "rtl" if lang in RIGHT_TO_LEFT else "ltr"
    if outcome.due_date is not None:
        overdue = is_overdue(outcome.due_date, outcome.status)
        parts.append("<p dir='{}'{}>{}</p>".format(direction, " style='color:#b00020'" if overdue else "",
                     html.escape(_("Due date: {date}").format(date=due_text(outcome.due_date, outcome.status, lang)))))
    if notes:
        parts.append(f"<p dir='{direction}'><b>{html.escape(_('Follow-up notes'))}</b></p>")
        for note in notes[:NOTES_SHOWN]:
            facts = [format_date(note.date, lang, "medium")]
            if note.status:
                facts.append(_("moved to “{status}”").format(status=label(STATUS_LABELS, note.status)))
            documents = "".join(f"<br/><span style='color:#5f6b7a'>{html.escape(text)}</span>"
                                for _id, text in note.documents)
            parts.append(f"<p dir='{direction}'><span style='color:#5f6b7a'>{html.escape(' · '.join(facts))}"
                         f"</span><br/>{html.escape(note.text)}{documents}</p>")
        if len(notes) > NOTES_SHOWN:
            more = len(notes) - NOTES_SHOWN
            parts.append("<p dir='{}' style='color:#5f6b7a'>{}</p>".format(direction, html.escape(ngettext(
                "and {n} earlier note (Edit → Follow-up notes…)",
                "and {n} earlier notes (Edit → Follow-up notes…)", more).format(n=more))))
    return "".join(parts)


def install(window) -> QAction:
    """Add Edit → Follow-up notes… (Ctrl+U) to ``window``, enabled while an outcome is
    selected; returns the action."""
    action = QAction(_("Follow-up &notes…"), window)
    action.setShortcut(QKeySequence("Ctrl+U"))
    action.triggered.connect(lambda: open_notes(window))
    window.edit_menu.addAction(action)
    window.outcome_view.selectionModel().currentChanged.connect(
        lambda *_args: action.setEnabled(window.archive is not None and window.current_outcome() is not None))
    action.setEnabled(False)
    window.follow_up_action = action
    return action


def open_notes(window, outcome_id=None, title: str | None = None) -> FollowUpDialog | None:
    """Show the notes of an outcome (default: the one selected in the main window) in
    a window of their own; returns it."""
    if window.archive is None:
        return None
    if outcome_id is None:
        outcome = window.current_outcome()
        if outcome is None:
            return None
        version = outcome.text.pick(ui_language())
        outcome_id, title = outcome.id, version.text if version else ""
    return show_beside(window, FollowUpDialog(window, outcome_id, title or ""), "follow_up_dialog")
