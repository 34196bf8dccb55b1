"""Records → Reports…: the reports to Council, New / Edit / Delete (steps of the
window's History, with Undo / Redo), and Print report… / Export as Word…, made on the
window's worker thread (progress with Cancel, like Print brief).

The fields of one report are ui/report_editor.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QInputDialog, QTableWidget, QTableWidgetItem,
    QVBoxLayout,
)

from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import N_, _, format_date, language_name, ngettext, ui_language
from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.services import records, report_records
from piel_desktop.services.council_report import list_reports
from piel_desktop.ui import edit_actions
from piel_desktop.ui.dialogs import select_row, show_beside, show_error, shortcut_button
from piel_desktop.ui.report_editor import ReportEditor

REPORTS_MENU = N_("&Reports…")
REPORTS_SHORTCUT = "Ctrl+Shift+R"
_FORMATS = {"pdf": (N_("PDF documents (*.pdf)"), ".pdf"), "docx": (N_("Word documents (*.docx)"), ".docx")}


class ReportsWindow(edit_actions.StepsWindow):
    """The reports of ``window``'s archive (a MainWindow: ``archive``, ``history``,
    ``runner``, ``settings``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(_("Reports to Council"))
        self.resize(820, 420)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Document symbol"), _("Session (year)"), _("Date"), _("Meetings")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.table.itemSelectionChanged.connect(self._enable)
        buttons = QHBoxLayout()
        self.new_button = shortcut_button(self, _("&New…"), self.new, QKeySequence.New, buttons)
        self.edit_button = shortcut_button(self, _("&Edit…"), self.edit, "F2", buttons)
        self.delete_button = shortcut_button(self, _("&Delete"), self.delete, QKeySequence.Delete, buttons)
        self.print_button = shortcut_button(self, _("&Print report…"), lambda: self.make("pdf"),
                                            QKeySequence.Print, buttons)
        self.word_button = shortcut_button(self, _("Export as &Word…"), lambda: self.make("docx"),
                                           "Ctrl+Shift+W", buttons)
        buttons.addStretch(1)
        self.add_undo_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reports = []
        self.reload()

    # -- the list -------------------------------------------------------------------

    def reload(self, *_args) -> None:
        if self.window_.archive is None:
            self.close()
            return
        key = self.current()
        self.reports = list_reports(self.window_.archive)
        self.table.setRowCount(len(self.reports))
        lang = ui_language()
        for row, r in enumerate(self.reports):
            cells = [r.symbol or _("(no symbol)"), str(r.session_year or ""),
                     format_date(r.date, lang, "medium") if r.date else "",
                     ", ".join(map(str, r.meetings))]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, r.key)
                self.table.setItem(row, column, item)
        self.select(key)
        self._enable()

    def current(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.reports[rows[0].row()].key if rows and rows[0].row() < len(self.reports) else None

    def select(self, key: str | None) -> None:
        row = next((i for i, r in enumerate(self.reports) if r.key == key), 0 if self.reports else None)
        if row is not None:
            select_row(self.table, row)

    def _enable(self) -> None:
        chosen = self.current() is not None
        for button in (self.edit_button, self.delete_button, self.print_button, self.word_button):
            button.setEnabled(chosen)
        super()._enable()

    def after_step(self) -> None:
        self._saved(self.current())

    # -- New / Edit / Delete ------------------------------------------------------------

    def editor(self, values: dict | None, save) -> ReportEditor:
        archive = self.window_.archive
        dialog = ReportEditor(values, records.list_meetings(archive), report_records.clause_choices(archive),
                              self, save=save)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def new(self) -> ReportEditor:
        """Open the form of a new report (window-modal); Save adds it as a step."""
        made: list[str] = []

        def save(values: dict) -> None:
            if made:
                self.window_.history.edit_report(made[0], values)
            else:
                made.append(self.window_.history.add_report(values))
            self._saved(made[0])

        return self.editor(None, save)

    def edit(self) -> ReportEditor | None:
        """Open the form of the chosen report; Save changes it as a step."""
        key = self.current()
        if key is None:
            return None

        def save(values: dict) -> None:
            self.window_.history.edit_report(key, values)
            self._saved(key)

        return self.editor(report_records.values(self.window_.archive, key), save)

    def _saved(self, key: str | None) -> None:
        """Show the archive as it is after a step (this list, the main window's Undo)."""
        self.reload()
        self.select(key)
        self._enable()
        self.window_.update_actions()
        self.window_.sync.refresh()

    def delete(self) -> None:
        key = self.current()
        if key is None:
            return
        try:
            self.window_.history.delete_report(key)
        except PielError as error:
            show_error(self, error)
        self._saved(None)

    # -- Print report… / Export as Word… --------------------------------------------------

    def make(self, fmt: str) -> None:
        """Ask the language and the file, then make the report on the worker thread."""
        key = self.current()
        if key is None:
            return
        report = next(r for r in self.reports if r.key == key)
        names = [language_name(code, ui_language()) for code in BRIEF_LANGUAGES]
        original = report_records.values(self.window_.archive, key)["original_language"]
        start = BRIEF_LANGUAGES.index(original) if original in BRIEF_LANGUAGES else 0
        name, ok = QInputDialog.getItem(self, _("Report language"), _("Language of the report:"), names, start, False)
        if not ok:
            return
        lang = BRIEF_LANGUAGES[names.index(name)]
        file_filter, suffix = _FORMATS[fmt]
        folder = Path(self.window_.settings.get("brief_folder") or Path.home())
        # Translators: file name suggested for a report; keep {symbol} and {lang}.
        suggested = _("report-{symbol}-{lang}").format(
            symbol=(report.symbol or str(report.session_year or "")).replace("/", "-"), lang=lang) + suffix
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save report"), str(folder / suggested), _(file_filter))
        if not chosen:
            return
        path = Path(chosen) if Path(chosen).suffix else Path(chosen).with_suffix(suffix)
        self.window_.settings.set("brief_folder", str(path.parent))
        self.window_.settings.save()
        self.write(key, lang, fmt, path)

    def write(self, key: str, lang: str, fmt: str, path: Path) -> None:
        """Make the report ``key`` in ``lang`` as ``fmt`` at ``path`` on the worker thread."""
        from piel_desktop.reports.council_report import make_report
        archive = self.window_.archive

        def job(progress):
            return make_report(archive, report=key, lang=lang, fmt=fmt, out=path, progress=progress)

        def done(result) -> None:
            if result.pages:
                text = ngettext("Report saved to {path} ({pages} page).", "Report saved to {path} ({pages} pages).",
                                result.pages).format(path=result.path, pages=result.pages)
            else:  # Word paginates when it opens the document
                text = _("Report saved to {path}.").format(path=result.path)
            self.window_.statusBar().showMessage(text, 15000)
            self.last_result = result

        self.window_.runner.run_with_dialog(self, _("Making the report…"), job, on_success=done,
                                            on_failure=lambda e: show_error(self, e))


def install(window) -> None:
    """Add Records → Reports… at the end of the Records menu (the generic list of
    services/registries.py stays for its kind, without a menu entry)."""
    window.reports_action = QAction(_(REPORTS_MENU), window)
    window.reports_action.setShortcut(QKeySequence(REPORTS_SHORTCUT))
    window.reports_action.triggered.connect(lambda _checked=False: open_reports(window))
    window.records_menu.addAction(window.reports_action)
    window.registry_actions["report"] = window.reports_action


def open_reports(window) -> ReportsWindow | None:
    """Show the reports window (a window of its own, not modal)."""
    if window.archive is None:
        return None
    return show_beside(window, ReportsWindow(window), "reports_dialog")

