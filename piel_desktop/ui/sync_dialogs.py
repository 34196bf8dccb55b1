"""Dialogs of sync between offices: export, import preview, conflicts, backups, settings.

They show plain data from the services (ImportResult, ConflictItem, Backup, Office)
and return the user's choice; the flows that call services live in sync_actions.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from piel_desktop.i18n import (
    _, author, format_datetime, format_list, format_number, format_size, language_name, ngettext, ui_language, ui_languages,
)
from piel_desktop.messages import (
    ACTION_LABELS, FIELD_LABELS, RECORD_KIND_SINGULAR, coded_values, counts_sentence, label,
    meeting_heading, value_text,
)
from piel_desktop.ui import elide
from piel_desktop.ui.dialogs import select_row


def _buttons(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    if ok_text:
        box.button(QDialogButtonBox.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _note(text: str) -> QLabel:
    note = QLabel(text)
    note.setWordWrap(True)
    note.setTextFormat(Qt.PlainText)
    return note


class ExportDialog(QDialog):
    """Choose the office a package is for, or a full package."""

    def __init__(self, peers: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Export package"))
        self.office = QComboBox()
        self.office.addItem(_("Any office: a full package"), None)
        for peer in peers:
            self.office.addItem(peer.name or peer.id[:8], peer.id)
        if peers:  # offices that exchange packages mostly send to a known one
            self.office.setCurrentIndex(1)
        form = QFormLayout()
        form.addRow(_("For:"), self.office)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_note(_("A package for a known office holds only what that office has not "
                                 "seen yet, as far as its packages and receipts tell. A new office "
                                 "needs a full package.")))
        layout.addWidget(_buttons(self, _("Export…")))

    def peer_id(self) -> str | None:
        return self.office.currentData()


class PreviewDialog(QDialog):
    """What an import will change, grouped by meeting; Apply or Cancel."""

    def __init__(self, result, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import package"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        if result.key_is_new:
            head = _("From the office “{office}”, new to this archive. Its key is {key}; compare it "
                     "with the office (by telephone, say) before you apply. It is kept to check "
                     "the office's later packages.")
        else:
            head = _("From the office “{office}” (key {key}).")
        layout.addWidget(_note(head.format(office=result.office, key=result.key_fingerprint)))
        if result.made_for:
            warning = _note(_("It was made for the office “{office}”.").format(office=result.made_for))
            warning.setStyleSheet("color: #8a3b00;")
            layout.addWidget(warning)
        if result.preview.empty:
            summary = _("The package holds nothing new for this archive.")
        else:
            summary = _("In all: {counts}.").format(counts=counts_sentence(result.preview.counts))
        self.summary = _note(summary)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Record"), _("Change")])
        self.tree.setAccessibleName(_("Changes by meeting"))
        elide.install(self.tree)  # by each text's direction (ui/elide.py)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setStretchLastSection(False)
        for group in result.preview.groups:
            top = QTreeWidgetItem([meeting_heading(group.meeting, group.unsorted), counts_sentence(group.counts)])
            for item in group.items:
                change = label(ACTION_LABELS, item.action)
                if item.fields:
                    change = _("{change}: {fields}").format(
                        change=change, fields=format_list([label(FIELD_LABELS, f) for f in item.fields], ui_language()))
                if item.conflict:
                    change = _("{change}, with a conflict").format(change=change)
                child = QTreeWidgetItem([f"{label(RECORD_KIND_SINGULAR, item.kind)}: {item.label}", change])
                child.setToolTip(0, item.label)
                top.addChild(child)
            shown = len(group.items)
            total = sum(n for action, n in group.counts.items() if action != "conflict")
            if shown < total:
                more = total - shown
                top.addChild(QTreeWidgetItem([ngettext("… and {count} more", "… and {count} more", more).format(
                    count=format_number(more, ui_language())), ""]))
            self.tree.addTopLevelItem(top)
        self.tree.expandToDepth(0 if len(result.preview.groups) > 3 else 1)
        self.tree.resizeColumnToContents(1)
        layout.addWidget(self.tree)
        layout.addWidget(_note(_("Applying makes a backup copy of the archive first, and writes a "
                                 "receipt to send back to the office.")))
        buttons = _buttons(self, _("Apply"))
        layout.addWidget(buttons)
        if result.preview.empty:
            buttons.button(QDialogButtonBox.Ok).setText(_("Apply (nothing new)"))


class ConflictsDialog(QDialog):
    """Open conflicts side by side; keep either value, or edit."""

    COLUMNS = 5

    def __init__(self, load, resolve, parent: QWidget | None = None) -> None:
        """``load()`` returns the open conflicts; ``resolve(item, keep, value)`` resolves
        one and returns True if it worked (it reports its own errors)."""
        super().__init__(parent)
        self._load, self._resolve = load, resolve
        self.items = []
        self.setWindowTitle(_("Conflicts"))
        self.resize(980, 460)
        layout = QVBoxLayout(self)
        layout.addWidget(_note(_("When two offices changed the same thing before seeing each other's "
                                 "change, every archive keeps the same value and sets the other "
                                 "aside here. Resolving is a change of this office and travels "
                                 "with its next package.")))
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([_("Meeting"), _("Record"), _("Field"), _("In the archive"), _("Set aside")])
        elide.install(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeToContents, QHeaderView.Stretch,
                                       QHeaderView.ResizeToContents, QHeaderView.Stretch, QHeaderView.Stretch)):
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        self.empty = _note(_("There are no open conflicts."))
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.keep_current = QPushButton(_("Keep the archive's value"))
        self.keep_other = QPushButton(_("Use the value set aside"))
        self.edit = QPushButton(_("Edit…"))
        close = QPushButton(_("Close"))
        for button, keep in ((self.keep_current, "current"), (self.keep_other, "other"), (self.edit, "edit")):
            button.clicked.connect(lambda _checked=False, keep=keep: self._resolve_selected(keep))
            row.addWidget(button)
        row.addStretch(1)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.items = self._load()
        lang = ui_language()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            if item.kind == "deleted":
                kept = (_("Deleted with the record it belongs to, by {office} on {when}") if item.with_parent
                        else _("Deleted by {office} on {when}")).format(
                    office=author(item.current_by, item.current_account), when=format_datetime(item.current_at, lang))
                aside = _("{value} — changed by {office} on {when}").format(
                    value=value_text(item.other, item.field), office=author(item.other_by, item.other_account), when=format_datetime(item.other_at, lang))
            else:
                kept = _("{value} — {office}, {when}").format(
                    value=value_text(item.current, item.field), office=author(item.current_by, item.current_account), when=format_datetime(item.current_at, lang))
                aside = _("{value} — {office}, {when}").format(
                    value=value_text(item.other, item.field), office=author(item.other_by, item.other_account), when=format_datetime(item.other_at, lang))
            cells = [format_list(list(map(str, item.meetings)), lang) or "—",
                     f"{label(RECORD_KIND_SINGULAR, item.table)}: {item.record}",
                     label(FIELD_LABELS, item.field), kept, aside]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        if self.items:
            select_row(self.table, 0)
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        item = self.selected()
        deleted = item is not None and item.kind == "deleted"
        self.keep_current.setText(_("Keep it deleted") if deleted else _("Keep the archive's value"))
        self.keep_other.setText(_("Restore it, with the change") if deleted else _("Use the value set aside"))
        for button in (self.keep_current, self.keep_other):
            button.setEnabled(item is not None)
        self.edit.setEnabled(item is not None and not deleted and item.field != "_deleted")

    def _resolve_selected(self, keep: str) -> None:
        item = self.selected()
        if item is None:
            return
        value = None
        if keep == "edit":
            dialog = EditValueDialog(label(FIELD_LABELS, item.field), item.current,
                                     coded_values(item.field), self)
            if dialog.exec() != QDialog.Accepted:
                return
            value = dialog.value()
        row = self.table.currentRow()
        self._resolve(item, keep, value)
        self.refresh()
        if self.items:  # stay where the user was, not back at the top
            select_row(self.table, min(row, len(self.items) - 1))


class EditValueDialog(QDialog):
    """A new value for a field: a list for coded fields (status, kind...), else a line."""

    def __init__(self, field: str, value, choices: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit value"))
        if choices:
            self.editor = QComboBox()
            for code, name in choices.items():
                self.editor.addItem(name, code)
            self.editor.setCurrentIndex(max(0, self.editor.findData(value)))
        else:
            self.editor = QLineEdit("" if value is None else str(value))
            self.editor.setMinimumWidth(420)
        form = QFormLayout(self)
        form.addRow(f"{field}:", self.editor)
        form.addRow(_buttons(self))

    def value(self):
        if isinstance(self.editor, QComboBox):
            return self.editor.currentData()
        return self.editor.text()


class BackupsDialog(QDialog):
    """The automatic backup copies of the archive; Restore the chosen one."""

    def __init__(self, copies: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copies = copies
        self.setWindowTitle(_("Backups"))
        self.resize(620, 380)
        lang = ui_language()
        reasons = {"import": _("before an import"), "scheduled": _("daily copy"),
                   "restore": _("before a restore"), "undo": _("before undoing an import")}
        layout = QVBoxLayout(self)
        layout.addWidget(_note(_("Copies are made before each import and once a day; the newest "
                                 "twenty are kept. Restoring replaces the archive with the chosen "
                                 "copy, after copying the archive as it is now.")))
        self.table = QTableWidget(len(copies), 3)
        self.table.setHorizontalHeaderLabels([_("Made"), _("Why"), _("Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        for row, copy in enumerate(copies):
            size = format_size(copy.size, lang)  # CLDR unit names, plural forms included
            for column, text in enumerate((format_datetime(copy.made_at, lang),
                                           reasons.get(copy.reason, copy.reason), size)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if copies:
            select_row(self.table, 0)
        layout.addWidget(self.table)
        if not copies:
            layout.addWidget(_note(_("There are no backup copies of this archive yet.")))
        buttons = _buttons(self, _("Restore…"))
        buttons.button(QDialogButtonBox.Ok).setEnabled(bool(copies))
        layout.addWidget(buttons)

    def chosen(self):
        rows = self.table.selectionModel().selectedRows()
        return self.copies[rows[0].row()] if rows else None


class SettingsDialog(QDialog):
    """The interface language (from the next start) and this archive's office name
    (shown to other offices in its packages) with its key."""

    def __init__(self, office: str, key: str, language: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.language = QComboBox()
        self.language.addItem(_("The system's language"), None)
        for code in ui_languages():  # each language named in itself, as people look for it
            self.language.addItem(language_name(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.office = QLineEdit(office)
        self.office.setMaxLength(200)
        self.office.setMinimumWidth(320)
        self.office.setPlaceholderText(_("for example: ITU Regional Office for Africa"))
        form = QFormLayout()
        form.addRow(_("Interface language:"), self.language)
        form.addRow("", _note(_("A new language takes effect when PIeL Desktop starts again.")))
        form.addRow(_("Office keeping this archive:"), self.office)
        self.key = QLabel(key)
        self.key.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow(_("Key of this office:"), self.key)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_note(_("Other offices see this name on the packages this archive exports, "
                                 "and this key when they first import one: read it to them to check.")))
        self.buttons = _buttons(self)
        layout.addWidget(self.buttons)
        self.office.textChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(text.strip())))

    def office_name(self) -> str:
        return self.office.text().strip()

    def language_code(self) -> str | None:
        return self.language.currentData()
