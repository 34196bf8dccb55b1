"""The list of one kind of record (:class:`RecordList`), shared by the registries
windows (ui/registries.py) and the mandate window (ui/mandate.py): a filter, the
table, and New / Edit / Delete (Move up / Move down for the kinds ordered by hand),
each a step of services/history.py.

What differs by kind (columns, filters, the file buttons of documents, moving
instruments and clauses, the menu entry) is described in :data:`LISTS`. The editor is
ui/record_editor.py. Documents are listed by symbol, so the language versions of one
document (C18/35-E, C18/35-F) stand together under their shared symbol; a document's
file opens with the system's viewer from a temporary copy.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QTableView, QVBoxLayout, QWidget,
)

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import (
    N_, _, country_name, format_date, format_list, format_number, format_size, language_name, ngettext,
    ui_language,
)
from piel_desktop.messages import choice_label, field_label, instrument_name
from piel_desktop.services import registries
from piel_desktop.ui import elide
from piel_desktop.ui.dialogs import shortcut_button, show_error
from piel_desktop.ui.record_editor import RecordEditor


@dataclass(frozen=True)
class _List:
    title: str  # msgid of the window and menu entry
    singular: str  # msgid of one record, for the editor and questions
    columns: tuple[str, ...]  # field names, or "group", "access", "size", "period"
    menu: str  # msgid of the menu entry, or "" (a list of the mandate window)
    shortcut: str
    table: str  # services.TABLE_KINDS kind for File → Export list, or ""
    export: str = ""  # msgid of the Export list entry
    new: str = N_("&New…")  # msgid of the New button


LISTS = {
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
    "report": _List(N_("Reports"), N_("Report"),
                    ("symbol", "date", "recipient", "session_year", "period", "summary_id"),
                    "", "", ""),  # in the menu: ui/reports.py
    "instrument": _List(N_("Instruments"), N_("Instrument"),
                        ("kind", "number", "issuer", "adopted_year", "revised_year", "citation_id"),
                        "", "", "", new=N_("&New instrument…")),
    "clause": _List(N_("Clauses"), N_("Clause"), ("number", "section", "text_id"), "", "", "",
                    new=N_("New &clause…")),
}


_HEADINGS = {"group": N_("Document (all languages)"), "access": N_("Access"), "size": N_("Size"),
             "period": N_("Period"), "file": N_("File")}


class RegistryModel(QAbstractTableModel):
    """Rows of one registry (services.registries.Listed), all at once: registries
    hold hundreds of records, not the outcomes' hundreds of thousands."""

    def __init__(self, kind_name: str, parent=None) -> None:
        super().__init__(parent)
        self.kind_name, self.columns = kind_name, LISTS[kind_name].columns
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
            return _(_HEADINGS[column]) if column in _HEADINGS else field_label(column, self.kind_name)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.cell(row, column)
        if role == Qt.TextAlignmentRole and column in ("year", "size", "session_year", "adopted_year",
                                                       "revised_year"):
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
            return format_list([language_name(c, lang) for c in (values["languages"] or "").split(",") if c], lang)
        if column == "year":
            return str(values["year"])
        if column == "date":
            return format_date(values["date"], lang, "medium") if values["date"] else ""
        if column in ("recipient", "issuer", "section") or (column == "kind" and self.kind_name == "instrument"):
            return choice_label(column, values[column])
        if column == "number" and self.kind_name == "clause":  # sub-clauses indented
            return "\u2003" * row.depth + values["number"]
        if column in ("text_id", "summary_id", "citation_id"):
            return " ".join(row.shown.get(column, "").split())
        return row.shown.get(column, "")


class RecordList(QWidget):
    """The list of one kind of record for ``window``'s archive (a MainWindow:
    ``archive``, ``history``): a filter, the table, and New / Edit / Delete (with Move
    up / Move down for the kinds ordered by hand), each a History step. ``of`` keeps
    only the records with those values (the clauses of one instrument; a new record
    gets them). The keys of its buttons work while the focus is inside it, so two lists
    can share a window. ``changed`` is called after every step; ``choices(archive,
    values, record_id)``, if given, says what the editor's choice fields offer."""

    def __init__(self, window, kind_name: str, parent: QWidget | None = None, *, of: dict | None = None,
                 changed=None, choices=None) -> None:
        super().__init__(parent)
        self.window_, self.kind_name, self.spec = window, kind_name, LISTS[kind_name]
        self.of, self.changed, self.choices = dict(of or {}), changed, choices
        self.model = RegistryModel(kind_name, self)
        self.text = QLineEdit()
        self.text.setPlaceholderText(_("Filter: words in any field"))
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self.reload)
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.text, 1)
        self.country = self.year = None
        if kind_name == "effort":
            self.country, self.year = QComboBox(), QComboBox()
            for combo in (self.country, self.year):
                combo.currentIndexChanged.connect(self.reload)
                self.filters.addWidget(combo)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        elide.install(self.view)  # by each text's direction
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        wide = next((c for c in ("title", "name_id", "citation_id", "text_id", "summary_id")
                     if c in self.spec.columns), self.spec.columns[0])
        header.setSectionResizeMode(self.spec.columns.index(wide), QHeaderView.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.count = QLabel()
        self.buttons = QHBoxLayout()
        self.new_button = self._button(_(self.spec.new), self.new, "Ctrl+N")
        self.edit_button = self._button(_("&Edit…"), self.edit, "F2")
        self.delete_button = self._button(_("&Delete…"), self.delete, QKeySequence.Delete)
        self.open_button = self.up_button = self.down_button = None
        if kind_name == "document":
            self.open_button = self._button(_("&Open file"), self.open_file, "Ctrl+Return")
        if kind_name in registries.POSITIONED:
            self.up_button = self._button(_("Move &up"), lambda: self.move(-1), "Alt+Up")
            self.down_button = self._button(_("Move do&wn"), lambda: self.move(+1), "Alt+Down")
        self.buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.filters)
        layout.addWidget(self.view)
        layout.addWidget(self.count)
        layout.addLayout(self.buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        self._fill_filters()

    def _button(self, text: str, slot, shortcut):
        button = shortcut_button(self, text, slot, shortcut, self.buttons)
        self.actions()[-1].setShortcutContext(Qt.WidgetWithChildrenShortcut)
        return button

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
            return
        current = self.current()
        rows = [] if None in self.of.values() else registries.list_records(
            archive, self.kind_name, text=self.text.text(),
            country=self.country.currentData() if self.country else None,
            year=self.year.currentData() if self.year else None, of=self.of)
        self.model.set_rows(rows)
        self.count.setText(ngettext("{n} record", "{n} records", len(rows)).format(
            n=format_number(len(rows), ui_language())))
        if current is not None:
            self.select(current.id)
        self._enable()

    def set_of(self, of: dict) -> None:
        """Keep the records with the values ``of`` (the clauses of another instrument)
        from the next reload on."""
        if of != self.of:
            self.of = dict(of)
            self.model.set_rows([])

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
        self.new_button.setEnabled(None not in self.of.values())
        for button in (self.edit_button, self.delete_button, self.up_button, self.down_button):
            if button is not None:
                button.setEnabled(row is not None)
        if self.open_button is not None:
            self.open_button.setEnabled(row is not None and bool(row.values.get("blob_sha256")))

    # -- writing ------------------------------------------------------------------

    def editor(self, current: dict, save, title: str, record_id=None) -> RecordEditor:
        """The editor for a record of this list (``current`` values, {} if new)."""
        archive = self.window_.archive
        choices = {}
        if self.choices is not None:
            choices = self.choices(archive, current, record_id)
        elif self.kind_name == "practice":
            choices = {"organisation_id": registries.organisations(archive),
                       "documents": registries.document_choices(archive)}
        return RecordEditor(self.kind_name, current, save, self, title=title, choices=choices)

    def new(self) -> RecordEditor | None:
        """Open the editor for a new record; returns it (shown, modal)."""
        history = self.window_.history
        if history is None or None in self.of.values():
            return None
        current = {**_NEW_VALUES.get(self.kind_name, {}), **self.of}
        dialog = self.editor(current, lambda values: history.create(self.kind_name, values),
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
                             _(self.spec.singular), row.id)
        return self._run(dialog)

    def _run(self, dialog: RecordEditor) -> RecordEditor:
        dialog.finished.connect(lambda _result: self.after(dialog.result_value))
        dialog.open()
        return dialog

    def after(self, record_id) -> None:
        """Show the archive as it is after a step, selecting ``record_id`` if given."""
        self._fill_filters()
        self.reload()
        if record_id:
            self.select(record_id)
        if self.changed is not None:
            self.changed()
        self.window_.update_actions()

    def delete(self) -> bool:
        """Ask (naming what goes with it), then delete the selected record (undo brings
        it back)."""
        row, history = self.current(), self.window_.history
        if row is None or history is None:
            return False
        try:
            going = registries.going(self.window_.archive, self.kind_name, row.id)
        except PielError as error:
            show_error(self, error)
            self.after(None)
            return False
        question = delete_question(self.kind_name, row, going)
        if QMessageBox.question(self, APP_NAME, question) != QMessageBox.Yes:
            return False
        try:
            history.delete(self.kind_name, row.id)
        except PielError as error:
            show_error(self, error)
        self.after(None)
        return True

    def move(self, step: int) -> bool:
        """Move the selected record up (-1) or down (+1) among its siblings, keeping it
        selected; False when it is already first or last."""
        row, history = self.current(), self.window_.history
        if row is None or history is None:
            return False
        try:
            moved = history.move(self.kind_name, row.id, step)
        except PielError as error:
            show_error(self, error)
            moved = False
        self.after(row.id)
        return moved

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



#: What a new record starts with, by kind.
_NEW_VALUES = {"report": {"date": None}, "clause": {"section": "resolves"}}


def record_name(kind_name: str, row: registries.Listed) -> str:
    """A few words naming a listed record in a question."""
    values = row.values
    if kind_name == "instrument":
        return instrument_name(values["kind"], values["number"], values["issuer"])
    if kind_name == "clause":
        return f"{choice_label('section', values['section'])} {values['number']}"
    if kind_name == "report":
        return values["symbol"] or (format_date(values["date"], ui_language(), "medium") if values["date"] else
                                    str(values["session_year"] or ""))
    return next((values[k] for k in ("title", "topic_id", "name_id", "symbol") if values.get(k)), "")


def delete_question(kind_name: str, row: registries.Listed, going: int) -> str:
    """Asked before deleting: names the record and how many records go with it."""
    name, kind = record_name(kind_name, row), _(LISTS[kind_name].singular)
    if kind_name == "instrument" and going:
        return ngettext("Delete {name} and its {n} clause? Undo brings them back.",
                        "Delete {name} and its {n} clauses? Undo brings them back.", going).format(
            name=name, n=going)
    if kind_name == "clause" and going:
        return ngettext("Delete the clause “{name}” and its {n} sub-clause? Undo brings them back.",
                        "Delete the clause “{name}” and its {n} sub-clauses? Undo brings them back.",
                        going).format(name=name, n=going)
    if going:
        return ngettext("Delete the record “{name}” ({kind}) and the {n} record that belongs to it? "
                        "Undo brings them back.",
                        "Delete the record “{name}” ({kind}) and the {n} records that belong to it? "
                        "Undo brings them back.", going).format(name=name, kind=kind, n=going)
    return _("Delete the record “{name}” ({kind})? Undo brings it back.").format(name=name, kind=kind)



_OPENED: tempfile.TemporaryDirectory | None = None


def _opened_files_folder() -> str:
    """One temporary folder for the copies opened in other programs during this run;
    Python removes it at exit (ignoring files a viewer still holds, on Windows)."""
    global _OPENED
    if _OPENED is None:
        _OPENED = tempfile.TemporaryDirectory(prefix="piel-opened-", ignore_cleanup_errors=True)
    return _OPENED.name

