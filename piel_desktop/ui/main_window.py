"""The main window: meetings on the left, their outcomes as a tree, the selected
outcome's details below. File and Help menus; Print brief runs on the worker thread;
the sync flows (packages, conflicts, backups) are in sync_actions.py. A package file
dropped on the window is imported."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QMainWindow, QSplitter, QTextBrowser,
    QTreeView, QVBoxLayout, QWidget,
)

from piel_desktop import APP_NAME
from piel_desktop.domain.model import RIGHT_TO_LEFT, Meeting, Outcome, TextVersion
from piel_desktop.i18n import (
    _, author, format_date, format_datetime, format_list, format_meeting_times, language_name, ngettext, own_zone,
    ui_language,
)
from piel_desktop.messages import ADDRESSEE_LABELS, KIND_LABELS, STATUS_LABELS, label
from piel_desktop.services import records
from piel_desktop.services.history import History, LastChange, last_change
from piel_desktop.services.sync.package_format import SUFFIX
from piel_desktop.services.archive import Archive, create_archive, open_archive
from piel_desktop.settings import Settings
from piel_desktop.ui.about import show_about
from piel_desktop.ui.login import choose_server_archive, open_with_login
from piel_desktop.ui.dialogs import ask_archive_path, show_error
from piel_desktop.ui import (
    archive_safety, brief_actions, edit_actions, elide, follow_up, record_actions, registries,
    search_panel, table_import_dialog, toolbar, tracker, trash,
)
from piel_desktop.ui.runner import Runner
from piel_desktop.ui.sync_actions import SyncActions

log = logging.getLogger(__name__)
ID_ROLE = Qt.UserRole + 1
VENUE_COLUMN = 2


def _tree(columns: list[str]) -> tuple[QTreeView, QStandardItemModel]:
    model = QStandardItemModel(0, len(columns))
    model.setHorizontalHeaderLabels(columns)
    view = QTreeView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    elide.install(view)  # a Latin text in an Arabic list keeps its "…" at its end
    return view, model


def _cell(text: str, key=None) -> QStandardItem:
    item = QStandardItem(text)
    item.setToolTip(text)
    if key is not None:
        item.setData(key, ID_ROLE)
    return item


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.archive: Archive | None = None
        self.lock = None  # this window's lock on the archive (services.archive.lock_archive)
        self.history: History | None = None  # undo and redo of this archive's edits
        self.runner = Runner(self)
        self.meetings: list[Meeting] = []
        self.reported_with: dict[int, tuple[int, ...]] = {}
        self.outcomes: dict[object, Outcome] = {}
        self._build_views()
        self.sync = SyncActions(self)
        self._build_menus()
        self.setAcceptDrops(True)
        self._restore_window()
        self._show_archive_state()
        self._fit_meeting_columns()
        self._fill_outcomes([])

    # --- construction --------------------------------------------------------------

    def _build_views(self) -> None:
        self.meeting_view, self.meeting_model = _tree([_("No."), _("Date"), _("Venue"), _("Outcomes")])
        self.meeting_view.setRootIsDecorated(False)
        self.meeting_view.setAccessibleName(_("Meetings"))
        self.meeting_view.setMinimumWidth(180)
        self.meeting_view.selectionModel().currentRowChanged.connect(self._meeting_changed)
        self.outcome_view, self.outcome_model = _tree([_("Outcome"), _("Kind"), _("Status")])
        self.outcome_view.setAccessibleName(_("Outcomes"))
        self.outcome_view.selectionModel().currentRowChanged.connect(self._outcome_changed)
        header = self.outcome_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.detail.setAccessibleName(_("Outcome details"))
        self.meeting_title = QLabel()
        self.meeting_title.setWordWrap(True)
        self.meeting_title.setTextFormat(Qt.PlainText)
        self.meeting_title.setStyleSheet("font-weight: bold; padding: 4px 2px;")
        outcomes_pane = QWidget()
        outcomes_pane.setMinimumWidth(320)
        outcomes_layout = QVBoxLayout(outcomes_pane)
        outcomes_layout.setContentsMargins(0, 0, 0, 0)
        outcomes_layout.setSpacing(2)
        outcomes_layout.addWidget(self.meeting_title)
        outcomes_layout.addWidget(self.outcome_view)
        self.right_splitter = QSplitter(Qt.Vertical)
        self.right_splitter.addWidget(outcomes_pane)
        self.right_splitter.addWidget(self.detail)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.meeting_view)
        self.splitter.addWidget(self.right_splitter)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([330, 800])
        for splitter in (self.splitter, self.right_splitter):
            splitter.setChildrenCollapsible(False)  # no pane can be dragged out of sight
        self.setCentralWidget(self.splitter)
        self.archive_label = QLabel()
        self.statusBar().addPermanentWidget(self.archive_label)

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        self.new_action = self._action(_("&New archive…"), self.new_archive, QKeySequence.New)
        self.open_action = self._action(_("&Open archive…"), self.choose_archive, QKeySequence.Open)
        self.open_server_action = self._action(_("Open &HQ archive…"), lambda: choose_server_archive(self),
                                               "Ctrl+Shift+H")
        self.brief_action = self._action(_("&Print brief…"), self.print_brief, QKeySequence.Print)
        self.quit_action = self._action(_("&Quit"), self.close, QKeySequence.Quit)
        self.quit_action.setMenuRole(QAction.QuitRole)
        self.about_action = self._action(_("&About PIeL Desktop"), self.about)
        self.about_action.setMenuRole(QAction.AboutRole)
        self.file_menu = self.menuBar().addMenu(_("&File"))
        self.file_menu.addActions([self.new_action, self.open_action, self.open_server_action])
        self.file_menu.addSeparator()
        self.file_menu.addActions(self.sync.actions())
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.brief_action)
        self.list_menu = self.file_menu.addMenu(_("Export &list"))
        self.list_menu.addAction(self._action(_("&Meetings…"), lambda: self.sync.export_list("meetings")))
        self.list_menu.addAction(self._action(_("&Outcomes…"), lambda: self.sync.export_list("outcomes")))
        self.list_menu.addAction(self._action(_("Or&ganisations…"), lambda: self.sync.export_list("organisations")))
        self.list_menu.addAction(self._action(_("&Consultations…"), lambda: self.sync.export_list("consultations")))
        table_import_dialog.install(self, self.file_menu)
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.sync.backups_action, self.sync.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.versions_action = self._action(_("&Language versions…"), self.edit_text_versions, "Ctrl+L")
        self.edit_menu = self.menuBar().addMenu(_("&Edit"))
        self.edit_menu.addAction(self.versions_action)
        self.search = search_panel.install(self)
        self.tracker_action = tracker.install(self)
        self.trash_action = trash.install(self)
        edit_actions.install(self)
        record_actions.install(self)
        follow_up.install(self)
        self.help_menu = self.menuBar().addMenu(_("&Help"))
        self.help_menu.addAction(self.about_action)
        registries.install(self)
        self.toolbar = toolbar.install(self)

    def _restore_window(self) -> None:
        saved = {k: v for k, v in (self.settings.get("window") or {}).items() if isinstance(v, str)}
        if not self.restoreGeometry(QByteArray.fromBase64(saved.get("geometry", "").encode())):
            self.resize(1180, 760)
        if "state" in saved:  # toolbar and search panel
            self.restoreState(QByteArray.fromBase64(saved["state"].encode()))
            self.search.hide()  # no results yet: a search shows it again, where it was
        for name in ("splitter", "right_splitter"):
            if name in saved:
                getattr(self, name).restoreState(QByteArray.fromBase64(saved[name].encode()))

    def closeEvent(self, event) -> None:
        self.runner.cancel_all()  # a half-made brief is discarded, never half-written
        self.runner.wait()
        self.settings.set("window", {
            "geometry": bytes(self.saveGeometry().toBase64()).decode(),
            "state": bytes(self.saveState().toBase64()).decode(),
            "splitter": bytes(self.splitter.saveState().toBase64()).decode(),
            "right_splitter": bytes(self.right_splitter.saveState().toBase64()).decode(),
        })
        self.settings.save()
        self._close_archive()
        super().closeEvent(event)

    # --- archive -------------------------------------------------------------------

    def close_archive(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        self.history = None
        self.meetings = []
        self._show_archive_state()

    _close_archive = close_archive

    def reload(self) -> None:
        """Read the open archive's meetings again (after an import, say)."""
        if self.archive is None:
            return
        try:
            self._show_meetings(records.meeting_list(self.archive))
        except Exception as error:
            show_error(self, error)

    def dragEnterEvent(self, event) -> None:
        if self.archive is not None and _dropped_package(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = _dropped_package(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.sync.import_file(path)

    def adopt(self, archive: Archive, lock, listing: records.MeetingList) -> None:
        """Make ``archive`` (opened by archive_safety.use_archive, with this window's
        ``lock`` on its file or None) the window's, showing its meetings ``listing``."""
        self._close_archive()
        self.archive, self.lock, self.history = archive, lock, History(archive)
        # Valid from any folder; a server's address without its password.
        self.settings.set("last_archive", str(archive.path.resolve()) if archive.path else archive.shown)
        self.settings.save()
        self._show_meetings(listing)

    def open_archive(self, location) -> bool:
        """Open the archive at ``location`` (a Path, or an HQ archive's address, asking
        for the login if the server wants one); on failure say why and keep the
        current one."""
        if not isinstance(location, Path):
            return archive_safety.use_archive(self, location, lambda: open_with_login(self, location))
        return archive_safety.use_archive(self, location, lambda: open_archive(location))

    def create_archive(self, location, *, demo: bool) -> bool:
        return archive_safety.use_archive(self, location, lambda: create_archive(location, demo=demo))

    def _folder(self) -> Path:
        return self.archive.path.parent if self.archive and self.archive.path else Path.home()

    def new_archive(self) -> None:
        path = ask_archive_path(self, save=True, folder=self._folder())
        if path is not None:
            self.create_archive(path, demo=False)

    def choose_archive(self) -> None:
        path = ask_archive_path(self, save=False, folder=self._folder())
        if path is not None:
            self.open_archive(path)

    # --- views ---------------------------------------------------------------------

    def _show_archive_state(self) -> None:
        has_archive = self.archive is not None
        self.brief_action.setEnabled(has_archive and bool(self.meetings))
        if has_archive:
            name = self.archive.path.name if self.archive.path else self.archive.shown
            self.setWindowTitle(f"{name} — {APP_NAME}")
            counts = [ngettext("{n} meeting", "{n} meetings", len(self.meetings)).format(n=len(self.meetings))]
            # A path reads left to right in every interface: isolated (LRI ... PDI) so that
            # an Arabic status bar does not move its slashes to the other end.
            self.archive_label.setText(" · ".join([*counts, f"\u2066{self.archive.shown}\u2069"]))
        else:
            self.setWindowTitle(APP_NAME)
            self.archive_label.setText(_("No archive open"))
        if hasattr(self, "sync"):
            self.sync.refresh()

    def _show_meetings(self, listing: records.MeetingList) -> None:
        current = self.current_meeting()
        self.meetings = list(listing.meetings)
        self.reported_with = listing.reported_with
        lang = ui_language()
        self.meeting_model.removeRows(0, self.meeting_model.rowCount())
        for meeting in self.meetings:
            venue = meeting.venue.pick(lang)
            number = _cell(str(meeting.number), meeting.id)
            number.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            count = _cell(str(listing.outcome_counts.get(meeting.number, 0)))
            count.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.meeting_model.appendRow([number, _cell(format_date(meeting.start_date, lang)),
                                          _cell(venue.text if venue else ""), count])
        # An empty column only takes room: show venues once some meeting has one.
        self.meeting_view.setColumnHidden(VENUE_COLUMN, not any(m.venue for m in self.meetings))
        self._fit_meeting_columns()
        self._show_archive_state()
        self._fill_outcomes([])
        if self.meetings:
            wanted = current.number if current else self.meetings[-1].number
            self.select_meeting(wanted if any(m.number == wanted for m in self.meetings)
                                else self.meetings[-1].number)

    def _fit_meeting_columns(self) -> None:
        for column in range(self.meeting_model.columnCount()):
            self.meeting_view.resizeColumnToContents(column)

    def current_meeting(self) -> Meeting | None:
        index = self.meeting_view.currentIndex()
        return self.meetings[index.row()] if index.isValid() and index.row() < len(self.meetings) else None

    def select_meeting(self, number: int) -> None:
        for row, meeting in enumerate(self.meetings):
            if meeting.number == number:
                self.meeting_view.selectionModel().setCurrentIndex(
                    self.meeting_model.index(row, 0),
                    QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
                return

    def _meeting_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        meeting = self.current_meeting()
        try:
            outcomes = records.meeting_outcomes(self.archive, [meeting.id]) if meeting else []
        except Exception as error:
            show_error(self, error)
            outcomes = []
        self.meeting_title.setText(meeting_title(meeting, outcomes, ui_language()) if meeting else "")
        self._fill_outcomes(outcomes)

    def _fill_outcomes(self, outcomes: list[Outcome]) -> None:
        self.versions_action.setEnabled(False)
        self.update_actions()
        self.outcome_model.removeRows(0, self.outcome_model.rowCount())
        self.outcomes = {}
        lang = ui_language()

        def add(parent: QStandardItem, outcome: Outcome) -> None:
            version = outcome.text.pick(lang)
            text = " ".join(version.text.split()) if version else ""
            first = _cell(f"{outcome.label}) {text}" if outcome.label else text, outcome.id)
            parent.appendRow([first, _cell(label(KIND_LABELS, outcome.kind)),
                              _cell(label(STATUS_LABELS, outcome.status))])
            self.outcomes[outcome.id] = outcome
            for child in outcome.children:
                add(first, child)

        root = self.outcome_model.invisibleRootItem()
        for outcome in outcomes:
            add(root, outcome)
        self.outcome_view.expandAll()
        for column in (1, 2):
            self.outcome_view.resizeColumnToContents(column)
        self.detail.setHtml(self._placeholder(outcomes))
        if outcomes:
            self.outcome_view.setCurrentIndex(self.outcome_model.index(0, 0))

    def _placeholder(self, outcomes: list[Outcome]) -> str:
        if self.archive is None:
            text = _("Open or create an archive from the File menu.")
        elif not self.meetings:
            text = _("This archive has no meetings yet.")
        elif not outcomes:
            text = _("No outcomes are recorded for this meeting.")
        else:
            text = _("Select an outcome to see its full text.")
        return f"<p style='color:#5f6b7a'>{html.escape(text)}</p>"

    def current_outcome(self) -> Outcome | None:
        index = self.outcome_view.currentIndex()
        return self.outcomes.get(index.siblingAtColumn(0).data(ID_ROLE)) if index.isValid() else None

    def _outcome_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        outcome = self.current_outcome()
        self.versions_action.setEnabled(outcome is not None)
        self.update_actions()
        if outcome is not None:
            self.detail.setHtml(outcome_html(outcome, ui_language(), last_change(self.archive, outcome.id))
                                + follow_up.detail_html(self, outcome))

    def update_actions(self) -> None:
        """Enable and name the Edit menu's actions for the selection and the history."""
        edit_actions.update(self)
        record_actions.update(self)

    def edit_text_versions(self) -> None:
        """Add or correct language versions of the selected outcome's text (one step)."""
        edit_actions.edit_text_versions(self)

    def select_outcome(self, outcome_id) -> None:
        def walk(parent: QModelIndex):
            for row in range(self.outcome_model.rowCount(parent)):
                index = self.outcome_model.index(row, 0, parent)
                if index.data(ID_ROLE) == outcome_id:
                    return index
                found = walk(index)
                if found is not None:
                    return found
            return None
        index = walk(QModelIndex())
        if index is not None:
            self.outcome_view.setCurrentIndex(index)

    # --- actions -------------------------------------------------------------------

    def print_brief(self) -> None:
        """Ask for meetings, languages and file; then make the brief (see brief_actions)."""
        brief_actions.print_brief(self)

    def about(self) -> None:
        show_about(self, self.archive.path if self.archive else None,
                   self.archive.schema_version if self.archive else None)


def _dropped_package(mime) -> Path | None:
    """The one package file being dragged, if that is what it is."""
    urls = [u for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
    if len(urls) == 1 and urls[0].toLocalFile().lower().endswith(SUFFIX):
        return Path(urls[0].toLocalFile())
    return None


def meeting_title(meeting: Meeting, outcomes: list[Outcome], lang: str) -> str:
    """"Meeting 10 · 30 September 2015 · outcomes reported together with meeting 11"."""
    parts = [_("Meeting {number}").format(number=meeting.number), format_date(meeting.start_date, lang)]
    if meeting.start_time and meeting.time_zone:  # the venue's clock and the user's own
        parts.append(format_meeting_times(meeting.start_date, meeting.start_time,
                                          meeting.time_zone, lang, own_zone()))
    partners = sorted({n for o in outcomes for n in o.meeting_numbers} - {meeting.number})
    if partners:
        parts.append(ngettext("outcomes reported together with meeting {numbers}",
                              "outcomes reported together with meetings {numbers}",
                              len(partners)).format(numbers=format_list(list(map(str, partners)), lang)))
    return " · ".join(parts)


def _text_html(version: TextVersion | None) -> str:
    if version is None:
        return ""
    direction = "rtl" if version.lang in RIGHT_TO_LEFT else "ltr"
    return f"<p dir='{direction}' style='font-size:11pt'>{html.escape(version.text)}</p>"


def outcome_html(outcome: Outcome, lang: str, last: LastChange | None = None) -> str:
    """The detail pane's content for ``outcome``, in interface language ``lang``;
    ``last``: who changed it last (services.history.last_change)."""
    version = outcome.text.pick(lang)
    original = outcome.text.original
    rows = [
        (_("Kind"), label(KIND_LABELS, outcome.kind)),
        (_("Status"), label(STATUS_LABELS, outcome.status)),
        (_("Addressee"), label(ADDRESSEE_LABELS, outcome.addressee) or "—"),
        (_("Original language"), language_name(original.lang, lang) if original else "—"),
        (ngettext("Meeting", "Meetings", len(outcome.meeting_numbers)),
         format_list(list(map(str, outcome.meeting_numbers)), lang)),
    ]
    if outcome.organisations:
        rows.append((_("Organisations mentioned"), format_list(list(outcome.organisations), lang)))
    if outcome.children:
        rows.append((_("Sub-items"), str(len(outcome.children))))
    if last is not None:
        # Each part isolated (FSI … PDI) in a right-to-left line (RLM) in Arabic, so a
        # Latin office name keeps its place.
        rows.append((_("Last changed"), ("\u200f" if lang in RIGHT_TO_LEFT else "") + _("{who}, {when}").format(
            who=f"\u2068{author(last.office, last.account)}\u2069",
            when=f"\u2068{format_datetime(last.when, lang)}\u2069")))
    note = ""
    if version is not None and version.lang != lang:
        note = "<p style='color:#8a5300'>{}</p>".format(html.escape(
            _("Not available in {wanted}; shown in {shown}.").format(
                wanted=language_name(lang, lang, capitalize=False),
                shown=language_name(version.lang, lang, capitalize=False))))
    elif version is not None and version.stale:
        note = "<p style='color:#8a5300'>{}</p>".format(html.escape(
            _("This translation was made before its original last changed.")))
    # Qt's rich text does not mirror tables: in Arabic the cells are given right to left
    # (value, then its label) in a table set against the right edge.
    rtl = lang in RIGHT_TO_LEFT
    cells = []
    for key, value in rows:
        name = f"<td style='color:#5f6b7a;padding-{'left' if rtl else 'right'}:12px'>{html.escape(key)}</td>"
        shown = f"<td{' align=right' if rtl else ''}>{html.escape(value)}</td>"
        cells.append(f"<tr>{shown + name if rtl else name + shown}</tr>")
    facts = f"<table cellspacing='2'{' align=right' if rtl else ''}>{''.join(cells)}</table>"
    return f"{_text_html(version)}{note}{facts}"
