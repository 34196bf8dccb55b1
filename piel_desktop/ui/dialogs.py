"""Dialogs: first run, brief options, about, and error messages."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QListWidget, QListWidgetItem,
    QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from piel_desktop import APP_NAME, __version__
from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import Meeting
from piel_desktop.i18n import _, format_date, language_name, ui_language
from piel_desktop.messages import describe, unexpected
from piel_desktop.paths import log_dir

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Tell the user what went wrong in one sentence; never a traceback."""
    if isinstance(error, PielError):
        text = describe(error)
    else:
        log.error("unexpected error", exc_info=error)
        text = unexpected(str(log_dir() / "piel-desktop.log"))
    QMessageBox.warning(parent, APP_NAME, text)


class FirstRun(Enum):
    DEMO = "demo"
    EMPTY = "empty"
    OPEN = "open"
    QUIT = "quit"


def ask_first_run(parent: QWidget | None, path: Path) -> FirstRun:
    """Ask what to do when the archive to open does not exist yet."""
    box = QMessageBox(parent)
    box.setWindowTitle(APP_NAME)
    box.setIcon(QMessageBox.Question)
    box.setText(_("Welcome to PIeL Desktop. There is no archive at {path} yet.").format(path=path))
    box.setInformativeText(_("The demo archive holds the working group's 2018 report to Council: "
                             "its mandate, meetings 9 to 14 and their outcomes."))
    buttons = {
        box.addButton(_("Create the demo archive"), QMessageBox.AcceptRole): FirstRun.DEMO,
        box.addButton(_("Create an empty archive"), QMessageBox.AcceptRole): FirstRun.EMPTY,
        box.addButton(_("Open another archive…"), QMessageBox.ActionRole): FirstRun.OPEN,
        box.addButton(_("Quit"), QMessageBox.RejectRole): FirstRun.QUIT,
    }
    box.setDefaultButton(next(iter(buttons)))
    box.exec()
    return buttons.get(box.clickedButton(), FirstRun.QUIT)


class BriefDialog(QDialog):
    """Choose the meetings and the language of a brief."""

    def __init__(self, meetings: list[Meeting], languages: tuple[str, ...],
                 selected: set[int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Print brief"))
        lang = ui_language()
        self.meeting_list = QListWidget()
        for meeting in meetings:
            item = QListWidgetItem(_("Meeting {number} — {date}").format(
                number=meeting.number, date=format_date(meeting.start_date, lang)))
            item.setData(Qt.UserRole, meeting.number)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            chosen = not selected or meeting.number in selected
            item.setCheckState(Qt.Checked if chosen else Qt.Unchecked)
            self.meeting_list.addItem(item)
        self.language = QComboBox()
        for code in languages:
            self.language.addItem(language_name(code, lang), code)
        default = "es" if "es" in languages else languages[0]
        self.language.setCurrentIndex(languages.index(lang if lang in languages else default))
        all_button, none_button = QPushButton(_("Select all")), QPushButton(_("Select none"))
        all_button.clicked.connect(lambda: self._check_all(Qt.Checked))
        none_button.clicked.connect(lambda: self._check_all(Qt.Unchecked))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(_("Save as PDF…"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(all_button, QDialogButtonBox.ResetRole)
        self.buttons.addButton(none_button, QDialogButtonBox.ResetRole)
        self.meeting_list.itemChanged.connect(self._update_ok)
        form = QFormLayout()
        form.addRow(_("Language of the brief:"), self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Meetings to include:")))
        layout.addWidget(self.meeting_list)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _check_all(self, state) -> None:
        for row in range(self.meeting_list.count()):
            self.meeting_list.item(row).setCheckState(state)

    def _update_ok(self, *_args) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.meeting_numbers()))

    def meeting_numbers(self) -> list[int]:
        items = (self.meeting_list.item(row) for row in range(self.meeting_list.count()))
        return [item.data(Qt.UserRole) for item in items if item.checkState() == Qt.Checked]

    def brief_language(self) -> str:
        return self.language.currentData()


def show_about(parent: QWidget, archive_path: Path | None, schema_version: int | None) -> None:
    archive = str(archive_path) if archive_path else _("none")
    QMessageBox.about(parent, _("About PIeL Desktop"), "<p>" + "</p><p>".join([
        f"<b>{APP_NAME}</b> {__version__}",
        _("Offline records manager for the ITU Council Working Group on Child Online Protection."),
        _("Archive: {path}").format(path=_escape(archive)),
        _("Archive schema: {version}").format(version=schema_version or "–"),
        _("Brief fonts: Noto Sans (SIL Open Font License 1.1). Built with Qt (LGPL), PySide6, "
          "SQLAlchemy, Alembic, ReportLab, Babel and platformdirs."),
    ]) + "</p>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
