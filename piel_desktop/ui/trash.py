"""Edit → Trash…: what was deleted, newest first, and Restore (services/trash.py)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import _, author, format_datetime, format_list, format_number, ngettext, ui_language
from piel_desktop.messages import RECORD_NAMES
from piel_desktop.services import trash
from piel_desktop.ui import elide
from piel_desktop.ui.dialogs import select_row, show_beside, show_error


class TrashDialog(QDialog):
    """The archive's deleted records (deleted here or by another office); Restore puts
    the chosen one back with everything deleted along with it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.items: list[trash.TrashItem] = []
        self.setWindowTitle(_("Trash"))
        self.resize(760, 420)
        note = QLabel(_("Deleted records stay here, also those deleted by other offices. "
                        "Restore brings one back with what was deleted along with it (sub-items, "
                        "links); the restore travels to other offices in the next package."))
        note.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Deleted"), _("Record"), _("Description"), _("Meetings"), _("Office")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        elide.install(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.restore())
        self.empty = QLabel(_("The trash is empty."))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.restore_button = QPushButton(_("&Restore"))
        self.restore_button.setShortcut(QKeySequence("Ctrl+R"))
        self.restore_button.clicked.connect(self.restore)
        buttons.addButton(self.restore_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.items = trash.list_trash(self.window_.archive)
        except PielError as error:
            show_error(self, error)
            self.items = []
        lang = ui_language()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            name = _(RECORD_NAMES.get(item.kind, item.kind))
            if item.records > 1:
                more = item.records - 1
                name = ngettext("{record} and {n} more", "{record} and {n} more", more).format(
                    record=name, n=format_number(more, lang))
            cells = (format_datetime(item.when, lang), name, item.label,
                     format_list([str(n) for n in item.meetings], lang), author(item.office, item.account))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        if self.items:
            select_row(self.table, 0)
        self.empty.setVisible(not self.items)
        self.restore_button.setEnabled(bool(self.items))

    def chosen(self) -> trash.TrashItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def restore(self) -> bool:
        """Restore the chosen entry; on refusal say why (nothing is changed)."""
        item = self.chosen()
        if item is None:
            return False
        try:
            trash.restore(self.window_.archive, item.stamp)
        except PielError as error:
            show_error(self, error)
            return False
        self.window_.reload()
        self.refresh()
        self.window_.statusBar().showMessage(_("Restored: {label}").format(label=item.label), 5000)
        return True


def install(window) -> QAction:
    """Add Edit → Trash… to ``window``; returns the action."""
    action = QAction(_("Tras&h…"), window)
    action.triggered.connect(lambda: open_trash(window))
    window.edit_menu.addAction(action)
    return action


def open_trash(window) -> TrashDialog | None:
    if window.archive is None:
        return None
    return show_beside(window, TrashDialog(window), "trash_dialog")
