"""The registries window (Records menu): country efforts, good practices, youth
consultations, documents and organisations, each as a list with filters, New / Edit / Delete, and
Undo / Redo of those steps (services/history.py, shared with the Edit menu).

One dialog class serves every kind; what differs (columns, filters, the file buttons
of documents) is described in :data:`_LISTS`. The editor is ui/record_editor.py.
Documents are listed by symbol, so the language versions of one document (C18/35-E,
C18/35-F) stand together under their shared symbol; a document's file opens with the
system's viewer from a temporary copy.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QTableView, QVBoxLayout,
)

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import (
    N_, _, country_name, format_date, format_number, format_size, language_name, ngettext,
    ui_language,
)
from piel_desktop.messages import FIELD_LABELS, label
from piel_desktop.services import registries
from piel_desktop.ui import edit_actions
from piel_desktop.ui.dialogs import shortcut_button, show_error
from piel_desktop.ui.record_editor import RecordEditor


@dataclass(frozen=True)
class _List:
    title: str  # msgid of the window and menu entry
    singular: str  # msgid of one record, for the editor and questions
    columns: tuple[str, ...]  # field names, or "group", "access", "size", "period"
    menu: str  # msgid of the menu entry
    shortcut: str
    table: str  # services.TABLE_KINDS kind for File → Export list, or ""
    export: str = ""  # msgid of the Export list entry


_LISTS = {
    "effort": _List(N_("Country efforts"), N_("Country effort"), ("country", "year", "title", "contact"),
                    N_("Country &efforts…"), "Ctrl+Shift+E", "efforts", N_("Country &efforts…")),
    "practice": _List(N_("Good practices"), N_("Good practice"), ("title", "country", "organisation_id"),
                      N_("&Good practices…"), "Ctrl+Shift+G", "practices", N_("&Good practices…")),
    "consultation": _List(N_("Youth consultations"), N_("Consultation"),
                          ("topic_id", "period", "languages", "partners"),
                          N_("Youth &consultations…"), "Ctrl+Shift+Y", ""),
    "document": _List(N_("Documents"), N_("Document"),
                      ("group", "symbol", "language", "title", "access", "file", "size"),
                      N_("&Documents…"), "Ctrl+Shift+D", "documents", N_("&Documents…")),
    "organisation": _List(N_("Organisations"), N_("Organisation"), ("acronym_id", "name_id", "former_name"),
                          N_("&Organisations…"), "Ctrl+Shift+O", ""),
}

_HEADINGS = {"group": N_("Document (all languages)"), "access": N_("Access"), "size": N_("Size"),
             "period": N_("Period"), "file": N_("File")}


class RegistryModel(QAbstractTableModel):
    """Rows of one registry (services.registries.Listed), all at once: registries
    hold hundreds of records, not the outcomes' hundreds of thousands."""

    def __init__(self, kind_name: str, parent=None) -> None:
        super().__init__(parent)
        self.kind_name, self.columns = kind_name, _LISTS[kind_name].columns
        self.rows: list[registries.Listed] = []
        self.lang = ui_language()

    def set_rows(self, rows: list[registries.Listed]) -> None:
        self.beginResetModel()
        self.rows, self.lang = rows, ui_language()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            column = self.columns[section]
            return _(_HEADINGS[column]) if column in _HEADINGS else label(FIELD_LABELS, column)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.cell(row, column)
        if role == Qt.TextAlignmentRole and column in ("year", "size"):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def cell(self, row: registries.Listed, column: str) -> str:
        """The text of one cell, in the interface language."""
        values, lang = row.values, self.lang
        if column == "group":
            return row.symbol.document if row.symbol else ""
        if column == "access":
            return _("Public") if values["public"] else _("Restricted")
        if column == "size":
            return format_size(row.size, lang) if row.size is not None else ""
        if column == "period":
            dates = [format_date(d, lang, "medium") for d in (values["period_start"], values["period_end"]) if d]
            return " – ".join(dates)
        if column == "country":
            return f"{country_name(values['country'], lang)} ({values['country']})" if values["country"] else ""
        if column == "language":
            return language_name(values["language"], lang) if values["language"] else ""
        if column == "languages":
            return ", ".join(language_name(c, lang) for c in (values["languages"] or "").split(",") if c)
        if column == "year":
            return str(values["year"])
        return row.shown.get(column, "")


class RegistryDialog(QDialog):
    """The list of one registry for ``window``'s archive (a MainWindow: ``archive``,
    ``history``), with its filters and actions."""

    def __init__(self, window, kind_name: str) -> None:
        super().__init__(window)
        self.window_, self.kind_name, self.spec = window, kind_name, _LISTS[kind_name]
        self.setWindowTitle(_(self.spec.title))
        self.resize(900, 520)
        self.model = RegistryModel(kind_name, self)
        self.text = QLineEdit()
        self.text.setPlaceholderText(_("Filter: words in any field"))
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self.reload)
        filters = QHBoxLayout()
        filters.addWidget(self.text, 1)
        self.country = self.year = None
        if kind_name == "effort":
            self.country, self.year = QComboBox(), QComboBox()
            for combo in (self.country, self.year):
                combo.currentIndexChanged.connect(self.reload)
                filters.addWidget(combo)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        wide = next((c for c in ("title", "name_id") if c in self.spec.columns), self.spec.columns[0])
        header.setSectionResizeMode(self.spec.columns.index(wide), QHeaderView.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.count = QLabel()
        buttons = QHBoxLayout()
        self.new_button = shortcut_button(self, _("&New…"), self.new, "Ctrl+N", buttons)
        self.edit_button = shortcut_button(self, _("&Edit…"), self.edit, "F2", buttons)
        self.delete_button = shortcut_button(self, _("&Delete…"), self.delete, QKeySequence.Delete, buttons)
        self.open_button = None
        if kind_name == "document":
            self.open_button = shortcut_button(self, _("&Open file"), self.open_file, "Ctrl+Return", buttons)
        buttons.addStretch()
        self.undo_button = shortcut_button(self, _("&Undo"), lambda: self.step("undo"), QKeySequence.Undo, buttons)
        self.redo_button = shortcut_button(self, _("&Redo"), lambda: self.step("redo"), "Ctrl+Shift+Z", buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        self._fill_filters()
        self.reload()

    # -- reading ------------------------------------------------------------------

    def _fill_filters(self) -> None:
        """Countries and years present in the registry, for the efforts' filters."""
        if self.country is None or self.window_.archive is None:
            return
        rows = registries.list_records(self.window_.archive, "effort")
        lang = ui_language()
        for combo, first, items in (
                (self.country, _("All countries"),
                 sorted({(country_name(r.values["country"], lang), r.values["country"]) for r in rows})),
                (self.year, _("All years"), [(str(y), y) for y in sorted({r.values["year"] for r in rows}, reverse=True)])):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def reload(self, *_args) -> None:
        """Show the records that pass the filters, keeping the selected one."""
        archive = self.window_.archive
        if archive is None:
            self.close()
            return
        current = self.current()
        rows = registries.list_records(
            archive, self.kind_name, text=self.text.text(),
            country=self.country.currentData() if self.country else None,
            year=self.year.currentData() if self.year else None)
        self.model.set_rows(rows)
        self.count.setText(ngettext("{n} record", "{n} records", len(rows)).format(
            n=format_number(len(rows), ui_language())))
        if current is not None:
            self.select(current.id)
        self._enable()

    def current(self) -> registries.Listed | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def select(self, record_id) -> bool:
        for n, row in enumerate(self.model.rows):
            if row.id == record_id:
                self.view.setCurrentIndex(self.model.index(n, 0))
                return True
        return False

    def _enable(self) -> None:
        row = self.current()
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(row is not None)
        if self.open_button is not None:
            self.open_button.setEnabled(row is not None and bool(row.values.get("blob_sha256")))
        edit_actions.show_steps(self.window_.history, self.undo_button, self.redo_button)

    def event(self, event) -> bool:
        if event.type() == QEvent.WindowActivate:  # an undo in the main window, say
            self.reload()
        return super().event(event)

    # -- writing ------------------------------------------------------------------

    def editor(self, current: dict, save, title: str) -> RecordEditor:
        """The editor for a record of this registry (``current`` values, {} if new)."""
        archive = self.window_.archive
        choices = {}
        if self.kind_name == "practice":
            choices = {"organisation_id": registries.organisations(archive),
                       "documents": registries.document_choices(archive)}
        return RecordEditor(self.kind_name, current, save, self, title=title, choices=choices)

    def new(self) -> RecordEditor | None:
        """Open the editor for a new record; returns it (shown, modal)."""
        history = self.window_.history
        if history is None:
            return None
        dialog = self.editor({}, lambda values: history.create(self.kind_name, values),
                             _("New: {kind}").format(kind=_(self.spec.singular)))
        return self._run(dialog)

    def edit(self) -> RecordEditor | None:
        row, history = self.current(), self.window_.history
        if row is None or history is None:
            return None
        try:
            current = registries.values(self.window_.archive, self.kind_name, row.id)
        except PielError as error:
            show_error(self, error)
            self.reload()
            return None
        dialog = self.editor(current, lambda values: history.edit(self.kind_name, row.id, values) and row.id,
                             _(self.spec.singular))
        return self._run(dialog)

    def _run(self, dialog: RecordEditor) -> RecordEditor:
        dialog.finished.connect(lambda _result: self._after(dialog.result_value))
        dialog.open()
        return dialog

    def _after(self, record_id) -> None:
        self._fill_filters()
        self.reload()
        if record_id:
            self.select(record_id)
        edit_actions.update(self.window_)

    def delete(self) -> bool:
        """Ask, then delete the selected record (undo brings it back)."""
        row, history = self.current(), self.window_.history
        if row is None or history is None:
            return False
        name = next((row.values[k] for k in ("title", "topic_id", "name_id", "symbol") if row.values.get(k)), "")
        answer = QMessageBox.question(
            self, APP_NAME, _("Delete the record “{name}” ({kind})? Undo brings it back.").format(
                name=name, kind=_(self.spec.singular)))
        if answer != QMessageBox.Yes:
            return False
        try:
            history.delete(self.kind_name, row.id)
        except PielError as error:
            show_error(self, error)
        self._after(None)
        return True

    def step(self, direction: str) -> None:
        history = self.window_.history
        if history is None:
            return
        try:
            getattr(history, direction)()
        except PielError as error:
            show_error(self, error)
        self._after(None)

    def open_file(self) -> Path | None:
        """Open the selected document's file with the system's viewer, from a copy in
        a temporary folder removed when the program ends; returns the copy's path."""
        row = self.current()
        if row is None:
            return None
        try:
            folder = Path(tempfile.mkdtemp(dir=_opened_files_folder()))
            path = registries.document_file(self.window_.archive, row.id, folder)
        except PielError as error:
            show_error(self, error)
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path


_OPENED: tempfile.TemporaryDirectory | None = None


def _opened_files_folder() -> str:
    """One temporary folder for the copies opened in other programs during this run;
    Python removes it at exit (ignoring files a viewer still holds, on Windows)."""
    global _OPENED
    if _OPENED is None:
        _OPENED = tempfile.TemporaryDirectory(prefix="piel-opened-", ignore_cleanup_errors=True)
    return _OPENED.name


def install(window) -> None:
    """Add the Records menu (before Help) and the registries' File → Export list entries."""
    window.records_menu = window.menuBar().addMenu(_("&Records"))
    window.menuBar().insertMenu(window.help_menu.menuAction(), window.records_menu)
    window.registry_actions = {}
    for kind_name, spec in _LISTS.items():
        action = QAction(_(spec.menu), window)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.triggered.connect(lambda _checked=False, k=kind_name: open_registry(window, k))
        window.records_menu.addAction(action)
        window.registry_actions[kind_name] = action
        if spec.table:
            export = QAction(_(spec.export), window)
            export.triggered.connect(lambda _checked=False, t=spec.table: window.sync.export_list(t))
            window.list_menu.addAction(export)


def open_registry(window, kind_name: str) -> RegistryDialog | None:
    """Show the list of one registry (a window of its own, not modal)."""
    if window.archive is None:
        return None
    dialog = RegistryDialog(window, kind_name)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    window.registry_dialog = dialog
    return dialog
