"""The fields of one report to Council (Records → Reports… → New / Edit): symbol,
session, date, agenda item, recipient, original language, its texts, the meetings it
covers (checkboxes), and its introduction paragraphs with the mandate clauses each
quotes (checkboxes on the instrument's clauses). What is wrong is said under the field.

``values()`` gives the dict services/report_records.py takes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget,
)

from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import LANGUAGES
from piel_desktop.i18n import N_, _, format_date, language_name, ui_language
from piel_desktop.messages import choice_label, describe, instrument_name
from piel_desktop.services.mandate import RECIPIENTS
from piel_desktop.ui.dialogs import shortcut_button
from piel_desktop.ui.record_editor import field_with_problem, show_problem_under

_TEXTS = (("title", N_("Title")), ("summary", N_("Summary")), ("action_requested", N_("Action requested")),
          ("references", N_("References")))


def _blank(value: str) -> str | None:
    return value if value.strip() else None


def _swap(items: list[dict], row: int, step: int, *, keep: tuple[str, ...] = ()) -> bool:
    """Swap ``items[row]`` with its neighbour ``step`` away (the ``keep`` keys stay at
    their place); False when there is no such neighbour."""
    other = row + step
    if not (0 <= row < len(items) and 0 <= other < len(items)):
        return False
    items[row], items[other] = items[other], items[row]
    for key in keep:
        items[row][key], items[other][key] = items[other].get(key), items[row].get(key)
    return True


class _ItemList:
    """Items (dicts) listed in ``widget`` and edited one at a time in ``fields``:
    ``caption(position from 1, item)`` is an item's line in the list, ``read(item)`` the
    item as the fields now show it, ``write(item)`` shows it, ``new()`` makes one. A
    move keeps the ``keep`` keys in their places (labels a), b) stay in order). The
    first field gets the focus after Add."""

    def __init__(self, items: list[dict], widget: QListWidget, fields: tuple[QWidget, ...], caption,
                 read, write, new, *, keep: tuple[str, ...] = ()) -> None:
        self.items, self.widget, self.fields = items, widget, fields
        self.caption, self.read, self.write, self.new, self.keep_keys = caption, read, write, new, keep
        self.shown: int | None = None
        widget.currentRowChanged.connect(self.show)
        self.fill()

    def fill(self, select: int = 0) -> None:
        self.shown = None
        self.widget.clear()
        for position, item in enumerate(self.items, 1):
            self.widget.addItem(self.caption(position, item))
        for field in self.fields:
            field.setEnabled(bool(self.items))
        if self.items:
            self.widget.setCurrentRow(min(select, len(self.items) - 1))
            self.show(self.widget.currentRow())

    def keep(self) -> None:
        """Write what the fields show back to the item they show."""
        if self.shown is not None and self.shown < len(self.items):
            self.items[self.shown] = self.read(self.items[self.shown])

    def show(self, row: int) -> None:
        # "No row" (-1) comes only from clearing the list (nothing is shown then) and
        # from its destruction, when the fields may be gone: nothing is read.
        if not 0 <= row < len(self.items):
            return
        self.keep()
        self.write(self.items[row])
        self.shown = row

    def add(self) -> None:
        self.keep()
        self.items.append(self.new())
        self.fill(len(self.items) - 1)
        self.fields[0].setFocus()

    def remove(self) -> None:
        row = self.widget.currentRow()
        if 0 <= row < len(self.items):
            self.shown = None
            del self.items[row]
            self.fill(row)

    def move(self, step: int) -> None:
        self.keep()
        row = self.widget.currentRow()
        if _swap(self.items, row, step, keep=self.keep_keys):
            self.fill(row + step)


class ReportEditor(QDialog):
    """Edit ``report`` (its values, or None for a new one). ``meetings`` are the
    archive's meetings (domain Meeting), ``clauses`` what report_records.clause_choices
    gives."""

    def __init__(self, report: dict | None, meetings, clauses: list[dict], parent: QWidget | None = None,
                 *, save=None) -> None:
        super().__init__(parent)
        self.save = save
        self.setWindowTitle(_("Edit report") if report else _("New report"))
        self.resize(820, 640)
        report = report or {}
        self.problems: dict[str, QLabel] = {}
        tabs = QTabWidget()
        tabs.addTab(self._fields_tab(report), _("&Document"))
        tabs.addTab(self._meetings_tab(report, meetings), _("&Meetings"))
        tabs.addTab(self._paragraphs_tab(report, clauses), _("&Introduction"))
        tabs.addTab(self._achievements_tab(report), _("Achie&vements"))
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

    # -- the tabs ---------------------------------------------------------------------

    def _row(self, form: QFormLayout, name: str, text: str, widget: QWidget) -> None:
        """A row of ``widget`` with the line for its problem under it; the label's
        "&" key gives the widget the focus (a row of a layout has no buddy otherwise)."""
        column, problem = field_with_problem(widget)
        self.problems[name] = problem
        label = QLabel(text)
        label.setBuddy(widget)
        form.addRow(label, column)

    def _list_column(self, widget: QListWidget, heading: str | None, buttons) -> QVBoxLayout:
        """``widget`` under an optional ``heading``, over a row of ``buttons``
        ((text, slot, key) each, keys working anywhere in the form)."""
        row = QHBoxLayout()
        for text, slot, key in buttons:
            shortcut_button(self, text, slot, key, row)
        column = QVBoxLayout()
        if heading:
            column.addWidget(QLabel(heading))
        column.addWidget(widget)
        column.addLayout(row)
        return column

    def _fields_tab(self, report: dict) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.symbol = QLineEdit(report.get("symbol") or "")
        self.symbol.setPlaceholderText("C20/57-E")
        self._row(form, "symbol", _("&Document symbol:"), self.symbol)
        self.session_year = QLineEdit(str(report.get("session_year") or ""))
        self.session_year.setMaximumWidth(120)
        self._row(form, "session_year", _("&Session (year):"), self.session_year)
        self.date = QLineEdit(report["date"].isoformat() if report.get("date") else "")
        self.date.setPlaceholderText("2020-03-02")
        self.date.setMaximumWidth(160)
        self._row(form, "date", _("D&ate:"), self.date)
        self.agenda_item = QLineEdit(report.get("agenda_item") or "")
        self._row(form, "agenda_item", _("A&genda item:"), self.agenda_item)
        self.period: dict[str, QLineEdit] = {}
        for name, text in (("period_start", _("Start of &period:")), ("period_end", _("&End of period:"))):
            edit = QLineEdit(report[name].isoformat() if report.get(name) else "")
            edit.setPlaceholderText("2019-05-31")
            edit.setMaximumWidth(160)
            self.period[name] = edit
            self._row(form, name, text, edit)
        self.recipient = QComboBox()
        for code in RECIPIENTS:
            self.recipient.addItem(choice_label("recipient", code), code)
        self.recipient.setCurrentIndex(max(0, self.recipient.findData(report.get("recipient") or "council")))
        self._row(form, "recipient", _("Addressed &to:"), self.recipient)
        self.original_language = QComboBox()
        for code in LANGUAGES:
            self.original_language.addItem(language_name(code, ui_language()), code)
        lang = report.get("original_language") or ui_language()
        self.original_language.setCurrentIndex(max(0, self.original_language.findData(lang)))
        self._row(form, "original_language", _("&Original language:"), self.original_language)
        self.texts: dict[str, QPlainTextEdit] = {}
        for name, text in _TEXTS:
            edit = QPlainTextEdit(report.get(name) or "")
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(80)
            self.texts[name] = edit
            self._row(form, name, _(text) + ":", edit)
        return page

    def _meetings_tab(self, report: dict, meetings) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(_("The meetings whose outcomes section 2 reports:")))
        self.meetings = QListWidget()
        chosen = set(report.get("meetings") or ())
        for meeting in meetings:
            item = QListWidgetItem(_("Meeting {number} ({date})").format(
                number=meeting.number, date=format_date(meeting.start_date, ui_language(), "medium")))
            item.setData(Qt.UserRole, meeting.number)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if meeting.number in chosen else Qt.Unchecked)
            self.meetings.addItem(item)
        column, problem = field_with_problem(self.meetings)
        self.problems["meetings"] = problem
        layout.addLayout(column)
        return page

    def _paragraphs_tab(self, report: dict, clauses: list[dict]) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.paragraph_list = QListWidget()
        grid.addLayout(self._list_column(self.paragraph_list, None, (
            (_("Add &paragraph"), self.add_paragraph, "Ctrl+Shift+N"),
            (_("Re&move paragraph"), self.remove_paragraph, "Ctrl+Shift+Del"),
            (_("Move &up"), lambda: self.move_paragraph(-1), "Ctrl+Shift+Up"),
            (_("Move do&wn"), lambda: self.move_paragraph(1), "Ctrl+Shift+Down"))), 0, 0)
        box = QGroupBox(_("Paragraph"))
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.WrapAllRows)  # labels above: the texts get the box's width
        self.paragraph_text = QPlainTextEdit()
        self.paragraph_text.setTabChangesFocus(True)
        self._row(form, "paragraphs", _("Te&xt:"), self.paragraph_text)
        self.quote_heading = QLineEdit()
        self.quote_heading.setPlaceholderText(_("resolves"))
        form.addRow(_("&Heading of the quoted clauses:"), self.quote_heading)
        self.lists_achievements = QCheckBox(_("&Lists the achievements"))
        form.addRow("", self.lists_achievements)
        self.clauses = QListWidget()
        for clause in clauses:
            kind, number, issuer = clause["instrument"]
            item = QListWidgetItem("{instrument} · {indent}{number} {text}".format(
                instrument=instrument_name(kind, number, issuer), indent="    " * clause["depth"],
                number=clause["number"], text=clause["text"][:90]))
            item.setData(Qt.UserRole, clause["id"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.clauses.addItem(item)
        self._row(form, "quotes", _("&Quoted clauses:"), self.clauses)
        grid.addWidget(box, 0, 1)
        grid.setColumnStretch(1, 2)
        self._paragraphs = _ItemList(
            [dict(p) for p in report.get("paragraphs") or ()], self.paragraph_list,
            (self.paragraph_text, self.quote_heading, self.lists_achievements, self.clauses),
            lambda position, p: f"1.{position}  {(p.get('text') or '')[:60]}",
            self._read_paragraph, self._write_paragraph,
            lambda: {"text": "", "quote_heading": None, "lists_achievements": False, "quotes": ()})
        return page

    def _achievements_tab(self, report: dict) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.achievement_list = QListWidget()
        grid.addLayout(self._list_column(
            self.achievement_list, _("Listed under the paragraph that lists the achievements:"), (
                (_("Add ac&hievement"), self.add_achievement, "Ctrl+Alt+N"),
                (_("&Remove achievement"), self.remove_achievement, "Ctrl+Alt+Del"),
                (_("Move up"), lambda: self.move_achievement(-1), "Ctrl+Alt+Up"),
                (_("Move down"), lambda: self.move_achievement(1), "Ctrl+Alt+Down"))), 0, 0)
        box = QGroupBox(_("Achievement"))
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.WrapAllRows)
        self.achievement_label = QLineEdit()
        self.achievement_label.setPlaceholderText("a")
        self.achievement_label.setMaximumWidth(80)
        form.addRow(_("La&bel:"), self.achievement_label)
        self.achievement_title = QLineEdit()
        self._row(form, "achievements", _("&Title:"), self.achievement_title)
        self.achievement_text = QPlainTextEdit()
        self.achievement_text.setTabChangesFocus(True)
        form.addRow(_("Te&xt:"), self.achievement_text)
        grid.addWidget(box, 0, 1)
        grid.setColumnStretch(1, 2)
        self._achievements = _ItemList(
            [dict(a) for a in report.get("achievements") or ()], self.achievement_list,
            (self.achievement_title, self.achievement_label, self.achievement_text),
            lambda _position, a: f"{a.get('label') or '·'})  {(a.get('title') or '')[:60]}",
            self._read_achievement, self._write_achievement, self._new_achievement, keep=("label",))
        return page

    # -- achievements and paragraphs: items edited one at a time (_ItemList) -----------

    def _read_achievement(self, a: dict) -> dict:
        return {**a, "label": _blank(self.achievement_label.text()), "title": self.achievement_title.text(),
                "text": _blank(self.achievement_text.toPlainText())}

    def _write_achievement(self, a: dict) -> None:
        self.achievement_label.setText(a.get("label") or "")
        self.achievement_title.setText(a.get("title") or "")
        self.achievement_text.setPlainText(a.get("text") or "")

    def _new_achievement(self) -> dict:
        count = len(self._achievements.items)
        return {"label": chr(ord("a") + count) if count < 26 else None, "title": "", "text": None}

    def _read_paragraph(self, p: dict) -> dict:
        quotes = tuple(self.clauses.item(i).data(Qt.UserRole) for i in range(self.clauses.count())
                       if self.clauses.item(i).checkState() == Qt.Checked)
        return {**({"id": p["id"]} if p.get("id") else {}), "text": self.paragraph_text.toPlainText(),
                "quote_heading": _blank(self.quote_heading.text()),
                "lists_achievements": self.lists_achievements.isChecked(), "quotes": quotes}

    def _write_paragraph(self, p: dict) -> None:
        self.paragraph_text.setPlainText(p.get("text") or "")
        self.quote_heading.setText(p.get("quote_heading") or "")
        self.lists_achievements.setChecked(bool(p.get("lists_achievements")))
        quoted = set(p.get("quotes") or ())
        for i in range(self.clauses.count()):
            item = self.clauses.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in quoted else Qt.Unchecked)

    @property
    def paragraphs(self) -> list[dict]:
        return self._paragraphs.items

    @property
    def achievements(self) -> list[dict]:
        return self._achievements.items

    def add_paragraph(self) -> None:
        self._paragraphs.add()

    def remove_paragraph(self) -> None:
        self._paragraphs.remove()

    def move_paragraph(self, step: int) -> None:
        """Move the chosen paragraph ``step`` places (-1 up, +1 down); it keeps its
        record (and translations) when saved."""
        self._paragraphs.move(step)

    def add_achievement(self) -> None:
        self._achievements.add()

    def remove_achievement(self) -> None:
        self._achievements.remove()

    def move_achievement(self, step: int) -> None:
        """Move the chosen achievement ``step`` places (-1 up, +1 down); labels stay
        where they are (a), b), … keep their order)."""
        self._achievements.move(step)

    # -- values and problems -------------------------------------------------------------

    def set_meetings(self, numbers) -> None:
        """Check the meetings numbered ``numbers``, uncheck the others."""
        for i in range(self.meetings.count()):
            item = self.meetings.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in set(numbers) else Qt.Unchecked)

    def values(self) -> dict:
        self._paragraphs.keep()
        self._achievements.keep()
        year = self.session_year.text().strip()
        return {
            "symbol": _blank(self.symbol.text()), "agenda_item": _blank(self.agenda_item.text()),
            "session_year": int(year) if year.isdigit() else (year or None),
            "date": self.date.text().strip() or None,
            **{name: edit.text().strip() or None for name, edit in self.period.items()},
            "recipient": self.recipient.currentData(), "original_language": self.original_language.currentData(),
            **{name: _blank(edit.toPlainText()) for name, edit in self.texts.items()},
            "meetings": tuple(self.meetings.item(i).data(Qt.UserRole) for i in range(self.meetings.count())
                              if self.meetings.item(i).checkState() == Qt.Checked),
            "paragraphs": tuple(self.paragraphs),
            "achievements": tuple(self.achievements),
        }

    def accept(self) -> None:
        """Save through ``save(values)``; a refused value is said in the form, which
        stays open for the person to correct it."""
        if self.save is not None:
            try:
                self.save(self.values())
            except PielError as error:
                self.show_problem(error)
                return
        super().accept()

    def show_problem(self, error: PielError) -> bool:
        """Say ``error`` under its field (its tab brought forward); False if it names
        no field of this form."""
        field = error.params.get("field")
        text = describe(error)
        if not show_problem_under(self.problems, field, text):
            self.general.setText(text)
            self.general.show()
            return True
        self.general.hide()
        page = {"meetings": 1, "paragraphs": 2, "quotes": 2, "achievements": 3}.get(field, 0)
        self.tabs.setCurrentIndex(page)
        return True


