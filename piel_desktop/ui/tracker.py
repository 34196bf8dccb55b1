"""The follow-up tracker window (Edit → Follow-up tracker…, Ctrl+T): a table of
top-level outcomes with filters by meeting, period, status, kind, addressee,
organisation, words of the text (topic) and overdue ones, sortable by any column.
Follow-up… (Ctrl+U) shows the selected outcome's notes (ui/follow_up.py).

The model is lazy: it asks the tracker service for 200 rows at a time as the view
scrolls (``canFetchMore`` / ``fetchMore``), so 100,000 outcomes open as fast as 200.
Double-clicking a row shows the outcome in the main window.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout,
)

from piel_desktop.i18n import (
    N_, _, format_date, format_meeting_times, format_number, ngettext, own_zone, ui_language,
)
from piel_desktop.reports.tracker_brief import make_tracker_brief
from piel_desktop.messages import ADDRESSEE_LABELS, KIND_LABELS, STATUS_LABELS, label
from piel_desktop.services import registries, tables, tracker
from piel_desktop.services.tracker import TrackerFilter, TrackerRow
from piel_desktop.ui import elide, follow_up
from piel_desktop.ui.brief_actions import ask_pdf_path
from piel_desktop.ui.dialogs import shortcut_button, show_beside, show_error

PAGE = 200
_COLUMNS = (("meeting", N_("Meeting")), ("date", N_("Date")), ("text", N_("Outcome")),
            ("kind", N_("Kind")), ("status", N_("Status")), ("addressee", N_("Addressee")),
            ("due_date", N_("Due date")))
#: Milliseconds the topic box waits after the last key before filtering.
TYPING_PAUSE = 300


class TrackerModel(QAbstractTableModel):
    """Rows of the tracker for one filter and sort, fetched a page at a time."""

    def __init__(self, archive, parent=None) -> None:
        super().__init__(parent)
        self.archive, self.lang = archive, ui_language()
        self.filter, self.sort_key, self.descending = TrackerFilter(), "meeting", False
        self.rows: list[TrackerRow] = []
        self.total = 0
        self.fetches = 0  # pages read so far (tests check the model stays lazy)

    def reload(self, flt: TrackerFilter | None = None) -> None:
        """Show the first page for ``flt`` (default: the current filter)."""
        self.beginResetModel()
        self.filter = flt if flt is not None else self.filter
        self.total = tracker.count(self.archive, self.filter)
        self.rows = []
        self.rows = self._next_page()
        self.endResetModel()

    def _next_page(self) -> list[TrackerRow]:
        """The page after the rows read so far (counted in ``fetches``). In meeting
        order it follows the last row, so no rows are skipped over again."""
        after = self.rows[-1] if self.sort_key == "meeting" and self.rows else None
        page = tracker.fetch(self.archive, self.filter, lang=self.lang, sort=self.sort_key,
                             descending=self.descending, offset=0 if after else len(self.rows),
                             limit=PAGE, after=after)
        self.fetches += 1
        return page

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        start = len(self.rows)
        page = self._next_page()
        if page:
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        else:  # rows were deleted meanwhile: stop asking
            self.total = len(self.rows)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return _(_COLUMNS[section][1])
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, key = self.rows[index.row()], _COLUMNS[index.column()][0]
        if role == Qt.DisplayRole:
            return {
                "meeting": str(row.meeting), "date": _meeting_date(row, self.lang),
                "text": row.text if row.text_lang == self.lang else f"{row.text} [{row.text_lang}]",
                "kind": label(KIND_LABELS, row.kind), "status": label(STATUS_LABELS, row.status),
                "addressee": label(ADDRESSEE_LABELS, row.addressee),
                "due_date": format_date(row.due_date, self.lang, "medium") if row.due_date else "",
            }[key]
        if role == Qt.ToolTipRole and key == "text":
            return row.text
        if role == Qt.ToolTipRole and key == "due_date":  # red in the cell, said in the tip
            return follow_up.due_text(row.due_date, row.status, self.lang) or None
        if role == Qt.ForegroundRole and key == "due_date" and follow_up.is_overdue(row.due_date, row.status):
            return QColor("#b00020")
        if role == Qt.TextAlignmentRole and key == "meeting":
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        wanted = (_COLUMNS[column][0], order == Qt.DescendingOrder)
        if wanted == (self.sort_key, self.descending):
            return  # the view asks again when sorting is switched on: nothing to do
        self.sort_key, self.descending = wanted
        if self.fetches:
            self.reload()


def _combo(all_text: str, items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_text, None)
    for text, value in items:
        combo.addItem(text, value)
    return combo


class TrackerDialog(QDialog):
    """The tracker for ``window``'s archive (a MainWindow: ``archive``, ``meetings``,
    ``select_meeting``, ``select_outcome``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(_("Follow-up tracker"))
        self.resize(1000, 600)
        archive = window.archive
        self.model = TrackerModel(archive, self)
        self.meeting = _combo(_("All meetings"), [(_("Meeting {number}").format(number=m.number), m.number)
                                                  for m in window.meetings])
        self.status = _combo(_("All statuses"), [(_(text), code) for code, text in STATUS_LABELS.items()])
        self.kind = _combo(_("All kinds"), [(_(text), code) for code, text in KIND_LABELS.items()])
        # Filled after the first paint: finding every addressee reads every outcome.
        self.addressee = _combo(_("All addressees"), [])
        self.organisation = _combo(_("All organisations"), [
            (name, organisation_id) for organisation_id, name in registries.organisations(archive)])
        self.topic = QLineEdit()
        self.topic.setPlaceholderText(_("Topic: words in the outcome's text"))
        self.topic.setClearButtonEnabled(True)
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE)
        self.typing.timeout.connect(self.apply)
        self.topic.textChanged.connect(lambda _text: self.typing.start())
        self.overdue = QCheckBox(_("Overdue only"))
        self.overdue.setToolTip(_("Due date passed, and not implemented, superseded or withdrawn"))
        self.overdue.toggled.connect(self.apply)
        self.period = QCheckBox(_("Meetings from"))
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit, day in ((self.since, QDate(2009, 1, 1)), (self.until, QDate.currentDate())):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")  # unambiguous in every language
            edit.setDate(day)
            edit.setEnabled(False)
            edit.dateChanged.connect(self.apply)
        self.period.toggled.connect(lambda on: (self.since.setEnabled(on), self.until.setEnabled(on), self.apply()))
        for combo in (self.meeting, self.status, self.kind, self.addressee, self.organisation):
            combo.currentIndexChanged.connect(self.apply)
        filters = QHBoxLayout()
        for widget in (self.meeting, self.status, self.kind, self.addressee, self.organisation):
            filters.addWidget(widget)
        filters.addStretch()
        more_filters = QHBoxLayout()
        more_filters.addWidget(self.topic, 1)
        for widget in (self.overdue, self.period, self.since, QLabel(_("to")), self.until):
            more_filters.addWidget(widget)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        elide.install(self.view)  # a Latin outcome in Arabic ends in … on its right
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setSortIndicator(0, Qt.AscendingOrder)
        self.view.doubleClicked.connect(self._show)
        self.count = QLabel()
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch()
        self.follow_up_button = shortcut_button(self, _("&Follow-up…"), self.show_notes, "Ctrl+U", bottom)
        self.export_button = QPushButton(_("E&xport list…"))
        self.export_button.clicked.connect(self.export_list)
        bottom.addWidget(self.export_button)
        self.print_button = QPushButton(_("Print follow-up brief…"))
        self.print_button.clicked.connect(self.print_brief)
        bottom.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(more_filters)
        layout.addWidget(self.view)
        layout.addLayout(bottom)
        self.apply()
        QTimer.singleShot(0, self._list_addressees)

    def _list_addressees(self) -> None:
        archive = self.window_.archive
        if archive is None or self.addressee.count() > 1:
            return
        self.addressee.blockSignals(True)
        for code in tracker.addressees(archive):
            self.addressee.addItem(label(ADDRESSEE_LABELS, code), code)
        self.addressee.blockSignals(False)

    def current_filter(self) -> TrackerFilter:
        def chosen(combo):
            return combo.currentData()
        status, kind = chosen(self.status), chosen(self.kind)
        on = self.period.isChecked()
        return TrackerFilter(
            meeting=chosen(self.meeting), statuses=(status,) if status else (),
            kinds=(kind,) if kind else (), addressee=chosen(self.addressee),
            since=self.since.date().toPython() if on else None,
            until=self.until.date().toPython() if on else None,
            overdue=self.overdue.isChecked(), topic=self.topic.text().strip(),
            organisation=chosen(self.organisation))

    def apply(self, *_args) -> None:
        """Show the rows of the filters as they are now set."""
        self.model.reload(self.current_filter())
        total = self.model.total
        self.count.setText(ngettext("{n} outcome", "{n} outcomes", total).format(
            n=format_number(total, ui_language())))

    def export_list(self) -> None:
        """Write the rows shown (the current filter and order) as a CSV or XLSX file."""
        archive, flt, lang = self.window_.archive, self.current_filter(), ui_language()
        sort, descending = self.model.sort_key, self.model.descending
        self.window_.sync.export_list(
            "outcomes", parent=self,
            make=lambda progress: tables.tracker_table(archive, flt, lang=lang, sort=sort,
                                                       descending=descending, progress=progress))

    def print_brief(self) -> None:
        """Save the follow-up brief of the rows shown (the current filter), in the
        interface language, on the worker thread."""
        window = self.window_
        # Translators: file name suggested for the follow-up brief; keep {lang}.
        path = ask_pdf_path(self, window.settings, _("follow-up-{lang}.pdf").format(lang=ui_language()))
        if path is None:
            return
        archive, flt, lang = window.archive, self.current_filter(), ui_language()

        def done(result) -> None:
            self.count.setText(ngettext("Brief saved to {path} ({pages} page).",
                                        "Brief saved to {path} ({pages} pages).", result.pages)
                               .format(path=result.path, pages=result.pages))

        window.runner.run_with_dialog(
            self, _("Making the brief…"),
            lambda progress: make_tracker_brief(archive, lang=lang, out=path, flt=flt, progress=progress),
            on_success=done, on_failure=lambda e: show_error(self, e))

    def show_notes(self) -> follow_up.FollowUpDialog | None:
        """Show the follow-up notes of the selected row's outcome; the rows are read
        again when that window closes (a note may have moved the status)."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        row = self.model.rows[index.row()]
        dialog = follow_up.open_notes(self.window_, row.id, row.text)
        if dialog is not None:
            dialog.finished.connect(lambda _result: self.apply())
        return dialog

    def _show(self, index) -> None:
        row = self.model.rows[index.row()]
        self.window_.select_meeting(row.meeting)
        self.window_.select_outcome(row.id)


def install(window) -> QAction:
    """Add Edit → Follow-up tracker… (Ctrl+T) to ``window``; returns the action."""
    action = QAction(_("Follow-up &tracker…"), window)
    action.setShortcut(QKeySequence("Ctrl+T"))
    action.triggered.connect(lambda: _open(window))
    window.edit_menu.addAction(action)
    return action


def _open(window) -> TrackerDialog | None:
    if window.archive is None:
        return None
    return show_beside(window, TrackerDialog(window), "tracker_dialog")


def _meeting_date(row, lang: str) -> str:
    """The meeting's date and, when it has one, its start time at the venue and here."""
    day = format_date(row.date, lang, "medium")
    if not (row.start_time and row.time_zone):
        return day
    return f"{day}, {format_meeting_times(row.date, row.start_time, row.time_zone, lang, own_zone())}"

