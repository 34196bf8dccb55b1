"""The editor of one record of services/registries.py (country effort, good practice,
consultation, document, meeting, organisation, report, instrument, clause) or a
follow-up note (services/follow_up.py),
built from the kind's field description: one widget per field kind, and under each
field a line that says what is wrong with it.

OK hands the values to ``save`` (a History step in practice); a refused value is shown
next to its field and the editor stays open, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from piel_desktop.domain.errors import PielError
from piel_desktop.domain.meeting_time import zone_names
from piel_desktop.domain.model import LANGUAGES
from piel_desktop.i18n import _, country_codes, country_name, language_name, ui_language
from piel_desktop.messages import choice_label, describe, field_label
from piel_desktop.services.registries import Field, Kind, kind
from piel_desktop.ui.dialogs import show_error

_PROBLEM_STYLE = "color: #b00020"


def field_with_problem(widget: QWidget) -> tuple[QVBoxLayout, QLabel]:
    """``widget`` with, under it, a hidden line that says what is wrong with its value
    (a short field keeps the line's full width for that); for a form row."""
    problem = QLabel()
    problem.setStyleSheet(_PROBLEM_STYLE)
    problem.setWordWrap(True)
    problem.hide()
    column = QVBoxLayout()
    column.setSpacing(2)
    if widget.maximumWidth() < 1000:
        row = QHBoxLayout()
        row.addWidget(widget)
        row.addStretch()
        column.addLayout(row)
    else:
        column.addWidget(widget)
    column.addWidget(problem)
    return column, problem


def show_problem_under(problems: dict[str, QLabel], field: str | None, text: str) -> bool:
    """Hide every problem line, then show ``text`` under ``field``; False if the form
    has no such field."""
    for problem in problems.values():
        problem.hide()
    if field not in problems:
        return False
    problems[field].setText(text)
    problems[field].show()
    return True


def _country_combo(lang: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.NoInsert)
    combo.addItem("", None)
    for name, code in sorted((country_name(c, lang), c) for c in country_codes()):
        combo.addItem(f"{name} ({code})", code)
    return combo


def _index_of(combo: QComboBox, value) -> int:
    """The item of ``combo`` holding ``value``, else the first (findData compares ids
    and other Python objects by identity, not by value)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), 0)


def _several_lines(f: Field) -> bool:
    """Fields edited in a box of several lines (an anchor with a length limit is one line)."""
    return f.kind in ("text", "links") or (f.kind == "anchor" and not f.most)


class RecordEditor(QDialog):
    """Fields of one record of ``kind_name`` (or of the Kind given), filled from
    ``current`` (values as services.registries.values gives them; empty for a new
    record). ``choices`` holds what choice fields offer, by field name, as
    [(value, text)]: "organisation_id", "documents", and any field of kind "choice"
    or "record" (whose first item is the one shown first); a choice field with its own
    codes (``Field.choices``) offers them by name unless told otherwise."""

    def __init__(self, kind_name: str | Kind, current: dict, save: Callable[[dict], object],
                 parent: QWidget | None = None, *, title: str = "",
                 choices: dict[str, list] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.spec = kind_name if isinstance(kind_name, Kind) else kind(kind_name)
        self.save, self.lang = save, ui_language()
        self.widgets: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        self.file_path: Path | None = None
        self.result_value = None
        choices = choices or {}
        form = QFormLayout()
        for f in self.spec.fields:
            widget = self._widget(f, current, choices.get(f.name, []))
            self.widgets[f.name] = widget
            column, self.problems[f.name] = field_with_problem(widget)
            text = field_label(f.name, self.spec.name) + (" *" if f.required else "")
            form.addRow(text, column)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(_("* must be filled in"))
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def _widget(self, f: Field, current: dict, offered: list) -> QWidget:
        value = current.get(f.name)
        if _several_lines(f):
            widget = QPlainTextEdit(value or "")
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(64 if f.kind != "links" else 52)
            return widget
        if f.kind == "country":
            widget = _country_combo(self.lang)
            index = widget.findData(value)
            widget.setCurrentIndex(max(index, 0))
            return widget
        if f.kind == "choice" and f.choices and not offered:
            offered = [(code, choice_label(f.name, code)) for code in f.choices]
        if f.kind in ("language", "organisation", "choice", "record"):
            widget = QComboBox()
            if f.kind not in ("choice", "record"):
                widget.addItem(_("(as the symbol says)") if f.kind == "language" else "", None)
            items = ([(code, language_name(code, self.lang)) for code in LANGUAGES]
                     if f.kind == "language" else offered)
            for code, text in items:
                widget.addItem(text, code)
            widget.setCurrentIndex(_index_of(widget, value))
            return widget
        if f.kind == "flag":
            widget = QCheckBox(_("Public: anyone may read it (final documents)"))
            widget.setChecked(True if value is None else bool(value))
            return widget
        if f.kind == "languages":
            widget = QWidget()
            row = QHBoxLayout(widget)
            row.setContentsMargins(0, 0, 0, 0)
            chosen = (value or "").split(",")
            widget.boxes = {}
            for code in LANGUAGES:
                box = QCheckBox(language_name(code, self.lang))
                box.setChecked(code in chosen)
                widget.boxes[code] = box
                row.addWidget(box)
            row.addStretch()
            return widget
        if f.kind == "documents":
            widget = QListWidget()
            widget.setFixedHeight(90)
            for doc_id, text in offered:
                item = QListWidgetItem(text)
                item.setData(Qt.UserRole, doc_id)
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked if doc_id in (value or ()) else Qt.Unchecked)
                widget.addItem(item)
            return widget
        if f.kind == "file":
            widget = QWidget()
            row = QHBoxLayout(widget)
            row.setContentsMargins(0, 0, 0, 0)
            widget.name = QLabel(current.get("file_name") or _("no file attached"))
            button = QPushButton(_("Attach file…") if not current.get("file_name") else _("Replace file…"))
            button.clicked.connect(self._choose_file)
            row.addWidget(widget.name, 1)
            row.addWidget(button)
            return widget
        text = ", ".join(map(str, value or ())) if f.kind == "meetings" else "" if value is None else str(value)
        widget = QLineEdit(text)
        if f.kind == "number":
            widget.setMaximumWidth(100)
        elif f.kind == "meetings":
            widget.setPlaceholderText(_("numbers, such as 10, 11"))
            widget.setMaximumWidth(220)
        elif f.kind == "year":
            widget.setPlaceholderText("2019")
            widget.setMaximumWidth(100)
        elif f.kind == "date":
            widget.setPlaceholderText(_("yyyy-mm-dd"))
            widget.setMaximumWidth(140)
        elif f.name == "symbol":
            widget.setPlaceholderText("C18/35-E")
        elif f.kind == "time":
            widget.setPlaceholderText(_("hh:mm, local time at the venue"))
            widget.setMaximumWidth(220)
        elif f.kind == "zone":
            widget.setPlaceholderText("Europe/Zurich")
            completer = QCompleter(list(zone_names()), widget)
            completer.setCaseSensitivity(Qt.CaseInsensitive)
            completer.setFilterMode(Qt.MatchContains)
            widget.setCompleter(completer)
        return widget

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Attach file"))
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        """Attach (or replace with) the file at ``path`` when OK is pressed."""
        self.file_path = Path(path)
        self.widgets["file"].name.setText(self.file_path.name)

    def values(self) -> dict:
        """The fields as typed, in the form services.registries.check takes them."""
        found = {}
        for f in self.spec.fields:
            widget = self.widgets[f.name]
            if _several_lines(f):
                found[f.name] = widget.toPlainText()
            elif f.kind == "country":
                typed = widget.currentText().strip()
                index = widget.findText(typed)
                found[f.name] = widget.itemData(index) if index >= 0 else typed
            elif f.kind in ("language", "organisation", "choice", "record"):
                found[f.name] = widget.currentData()
            elif f.kind == "flag":
                found[f.name] = widget.isChecked()
            elif f.kind == "languages":
                found[f.name] = ",".join(c for c, box in widget.boxes.items() if box.isChecked())
            elif f.kind == "documents":
                items = [widget.item(i) for i in range(widget.count())]
                found[f.name] = tuple(i.data(Qt.UserRole) for i in items if i.checkState() == Qt.Checked)
            elif f.kind == "file":
                if self.file_path is not None:
                    found[f.name] = self.file_path
            else:
                found[f.name] = widget.text()
        return found

    def show_problem(self, error: PielError) -> bool:
        """Show ``error`` under its field; False if it names no field of this form."""
        field = error.params.get("field")
        if not show_problem_under(self.problems, field, describe(error, self.spec.name)):
            return False
        self.widgets[field].setFocus()
        self.adjustSize()
        return True

    def accept(self) -> None:
        """Save; a refused value is shown next to its field and the editor stays."""
        for problem in self.problems.values():
            problem.hide()
        try:
            self.result_value = self.save(self.values())
        except PielError as error:
            if not self.show_problem(error):
                show_error(self, error)
            return
        super().accept()
