"""Dialogs: first run, a missing archive, archive files, brief options, errors."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QCommandLinkButton, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QListWidget, QListWidgetItem, QMessageBox, QPushButton, QTableWidget, QVBoxLayout, QWidget,
)

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import Meeting
from piel_desktop.i18n import _, format_date, language_name, ui_language
from piel_desktop.messages import describe, unexpected
from piel_desktop.paths import ARCHIVE_SUFFIX

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Tell the user what went wrong in one sentence; never a traceback."""
    if isinstance(error, PielError):
        text = describe(error)
    else:
        log.error("unexpected error", exc_info=error)
        text = unexpected()
    QMessageBox.warning(parent, APP_NAME, text)


def select_row(table: QTableWidget, row: int) -> None:
    """Choose ``row`` of ``table`` (rows selected whole) and make it current. Not
    QTableView.selectRow: right to left, before the table is first shown, it selects
    nothing (it looks for the column at the viewport's right edge, which has no width)."""
    table.setCurrentCell(row, 0, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)


def shortcut_button(dialog: QWidget, text: str, slot, shortcut, row: QHBoxLayout) -> QPushButton:
    """A button added to ``row`` that runs ``slot``, with a key (``shortcut``, text or
    a QKeySequence.StandardKey) that works anywhere in ``dialog``'s window."""
    button = QPushButton(text)
    button.clicked.connect(slot)
    row.addWidget(button)
    action = QAction(dialog)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(button.click)
    dialog.addAction(action)
    return button


def ask_archive_path(parent: QWidget | None, *, save: bool, folder: Path) -> Path | None:
    """Ask for an archive file to create (``save``) or open; None if cancelled.

    A new archive never replaces a file (creating one refuses and says so), so the
    dialog does not offer to.
    """
    pattern = _("PIeL Desktop archives (*{suffix})").format(suffix=ARCHIVE_SUFFIX)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if save:
        name, _filter = QFileDialog.getSaveFileName(
            parent, _("New archive"), str(folder), pattern, options=QFileDialog.DontConfirmOverwrite)
    else:
        name, _filter = QFileDialog.getOpenFileName(parent, _("Open archive"), str(folder), pattern)
    if not name:
        return None
    path = Path(name)
    return path.with_suffix(ARCHIVE_SUFFIX) if save and not path.suffix else path


class Start(Enum):
    """What to do when the archive to open does not exist."""

    DEMO = "demo"
    EMPTY = "empty"
    OPEN = "open"
    DEFAULT = "default"  # go on with the default archive
    NOTHING = "nothing"  # show the window with no archive
    QUIT = "quit"


def _choose(parent: QWidget | None, text: str, detail: str,
            buttons: list[tuple[str, QMessageBox.ButtonRole, Start]]) -> Start:
    box = QMessageBox(parent)
    box.setWindowTitle(APP_NAME)
    box.setIcon(QMessageBox.Question)
    box.setText(text)
    box.setInformativeText(detail)
    choices = {box.addButton(caption, role): start for caption, role, start in buttons}
    box.setDefaultButton(next(iter(choices)))
    box.exec()
    # Escape or closing the box keeps the window open with no archive.
    return choices.get(box.clickedButton(), Start.NOTHING)


class WelcomeDialog(QDialog):
    """First run: open the demo archive, create an empty one, or open an existing one.

    ``choice`` is the Start the user picked (NOTHING if the dialog was closed).
    """

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Welcome to PIeL Desktop"))
        self.choice = Start.NOTHING
        heading = QLabel(_("Welcome to PIeL Desktop"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        intro = QLabel(_("PIeL Desktop keeps the records of the Council Working Group on Child "
                         "Online Protection on this computer; no network is needed. How would "
                         "you like to start?"))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        self.buttons: dict[Start, QCommandLinkButton] = {}
        for start, title, detail in [
            (Start.DEMO, _("Open the demo archive"),
             _("The working group's 2018 report to Council: its mandate, meetings 9 to 14 "
               "and their outcomes. A good way to look around.")),
            (Start.EMPTY, _("Create an empty archive"),
             _("For your office's own records, in {path}.").format(path=f"\u2066{path}\u2069")),
            (Start.OPEN, _("Open an existing archive…"),
             _("An archive file (.piel) from this computer, a USB drive or another office.")),
        ]:
            button = QCommandLinkButton(title, detail)
            button.clicked.connect(lambda _checked=False, start=start: self._choose(start))
            layout.addWidget(button)
            self.buttons[start] = button
        quit_box = QDialogButtonBox()
        quit_box.addButton(_("Quit"), QDialogButtonBox.RejectRole).clicked.connect(
            lambda: self._choose(Start.QUIT))
        layout.addWidget(quit_box)
        self.buttons[Start.DEMO].setFocus()
        self.setMinimumWidth(560)

    def _choose(self, start: Start) -> None:
        self.choice = start
        self.done(QDialog.Rejected if start is Start.QUIT else QDialog.Accepted)


def ask_first_run(parent: QWidget | None, path: Path) -> Start:
    """Welcome: no archive at ``path`` yet (the one named, or the default)."""
    dialog = WelcomeDialog(parent, path)
    dialog.exec()
    return dialog.choice


def ask_missing_archive(parent: QWidget | None, path: Path) -> Start:
    """The archive opened last is gone: never offer to create a new one in its place."""
    return _choose(
        parent, _("The archive opened last, {path}, cannot be found.").format(path=path),
        _("It may be on a drive or share that is not connected now. Connect it and start "
          "again, or open another archive."),
        [(_("Open another archive…"), QMessageBox.AcceptRole, Start.OPEN),
         (_("Use the default archive"), QMessageBox.ActionRole, Start.DEFAULT),
         (_("Quit"), QMessageBox.RejectRole, Start.QUIT)])


class BriefDialog(QDialog):
    """Choose the meetings and the language of a brief.

    ``reported_with`` maps a meeting number to the meetings reported together with it
    (itself included); ticking one ticks them all, since a brief prints them together.
    """

    def __init__(self, meetings: list[Meeting], languages: tuple[str, ...], *,
                 reported_with: dict[int, tuple[int, ...]], language: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Print brief"))
        self._reported_with = reported_with
        self._syncing = False
        ui_lang = ui_language()
        self.meeting_list = QListWidget()
        for meeting in meetings:
            item = QListWidgetItem(_("Meeting {number} — {date}").format(
                number=meeting.number, date=format_date(meeting.start_date, ui_lang)))
            item.setData(Qt.UserRole, meeting.number)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            self.meeting_list.addItem(item)
        self.meeting_list.itemChanged.connect(self._item_changed)
        note = QLabel(_("Meetings that reported their outcomes together are printed together."))
        note.setWordWrap(True)
        all_button, none_button = QPushButton(_("Select all")), QPushButton(_("Select none"))
        all_button.clicked.connect(lambda: self._check_all(Qt.Checked))
        none_button.clicked.connect(lambda: self._check_all(Qt.Unchecked))
        selection_row = QHBoxLayout()
        selection_row.addWidget(all_button)
        selection_row.addWidget(none_button)
        selection_row.addStretch()
        self.language = QComboBox()
        for code in languages:
            self.language.addItem(language_name(code, ui_lang), code)
        preferred = [c for c in (language, ui_lang, "es") if c in languages]
        self.language.setCurrentIndex(languages.index(preferred[0]) if preferred else 0)
        self.parallel = QComboBox()
        self.parallel.addItem(_("None (one language)"), None)
        for code in languages:
            self.parallel.addItem(language_name(code, ui_lang), code)
        form = QFormLayout()
        form.addRow(_("Language of the brief:"), self.language)
        form.addRow(_("Side by side with:"), self.parallel)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(_("Save as PDF…"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Meetings to include:")))
        layout.addWidget(self.meeting_list)
        layout.addLayout(selection_row)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _items(self) -> list[QListWidgetItem]:
        return [self.meeting_list.item(row) for row in range(self.meeting_list.count())]

    def _check_all(self, state) -> None:
        self._syncing = True
        for item in self._items():
            item.setCheckState(state)
        self._syncing = False
        self._update_ok()

    def _item_changed(self, changed: QListWidgetItem) -> None:
        if not self._syncing:
            self._syncing = True
            partners = self._reported_with.get(changed.data(Qt.UserRole), ())
            for item in self._items():
                if item.data(Qt.UserRole) in partners:
                    item.setCheckState(changed.checkState())
            self._syncing = False
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.meeting_numbers()))

    def meeting_numbers(self) -> list[int]:
        return [item.data(Qt.UserRole) for item in self._items() if item.checkState() == Qt.Checked]

    def parallel_language(self) -> str | None:
        """The second language set beside the first, or None for a one-language brief."""
        code = self.parallel.currentData()
        return None if code == self.brief_language() else code

    def brief_language(self) -> str:
        return self.language.currentData()


def show_beside(window, dialog: QDialog, name: str) -> QDialog:
    """Show ``dialog`` as a window of its own beside ``window`` (not modal, deleted
    when closed) and keep it as ``window.<name>`` (tests and later calls reach it)."""
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    setattr(window, name, dialog)
    return dialog
