"""File → Import list → Meetings… / Outcomes…: bulk entry from a CSV or XLSX table.

The table is checked on the worker thread; a preview lists every row with a problem
(line and what is wrong) and how many rows can be added; nothing is written until
the person confirms, and then all the good rows go in one transaction. Both steps
show their progress and can be cancelled; a cancelled step leaves the archive as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from piel_desktop.i18n import _, ngettext
from piel_desktop.messages import describe
from piel_desktop.services.table_import import ImportPlan, apply_import, plan_import
from piel_desktop.ui.dialogs import show_error


class TablePreviewDialog(QDialog):
    """What a table would add, and the rows left out with their problems."""

    def __init__(self, plan: ImportPlan, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import list"))
        self.resize(760, 420)
        valid, invalid = plan.valid_count, len(plan.invalid)
        summary = QLabel(ngettext("{valid} row can be added; {invalid} with problems would be left out.",
                                  "{valid} rows can be added; {invalid} with problems would be left out.",
                                  valid).format(valid=valid, invalid=invalid))
        summary.setWordWrap(True)
        self.problems = QTreeWidget()
        self.problems.setHeaderLabels([_("Line"), _("Problem")])
        self.problems.setRootIsDecorated(False)
        for row in plan.invalid:
            for problem in row.problems:
                self.problems.addTopLevelItem(QTreeWidgetItem([str(row.line), describe(problem)]))
        self.problems.resizeColumnToContents(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        ok = self.buttons.button(QDialogButtonBox.Ok)
        ok.setText(ngettext("Add {n} row", "Add {n} rows", valid).format(n=valid))
        ok.setEnabled(valid > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if plan.encoding:
            self.encoding = QLabel(_("Read as {encoding} text.").format(encoding=plan.encoding))
            layout.addWidget(self.encoding)
        if plan.ignored:
            layout.addWidget(QLabel(_("Columns not used: {columns}").format(columns=", ".join(plan.ignored))))
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)


def install(window, menu) -> None:
    """Add Import list → Meetings… / Outcomes… to ``menu`` of ``window``."""
    sub = menu.addMenu(_("&Import list"))
    for kind, text in (("meetings", _("&Meetings…")), ("outcomes", _("&Outcomes…"))):
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False, kind=kind: import_table(window, kind))
        sub.addAction(action)
    window.import_list_menu = sub


def import_table(window, kind: str, path: Path | None = None) -> None:
    """Ask for a table (unless ``path`` is given), check it, preview, then add."""
    if window.archive is None:
        return
    if path is None:
        name, _filter = QFileDialog.getOpenFileName(window, _("Import list"), str(Path.home()),
                                                    _("Tables (*.csv *.xlsx)"))
        if not name:
            return
        path = Path(name)
    archive = window.archive

    def planned(plan: ImportPlan) -> None:
        dialog = TablePreviewDialog(plan, window)
        if dialog.exec() != QDialog.Accepted:
            return
        window.runner.run_with_dialog(
            window, _("Adding the rows…"), lambda progress: apply_import(archive, plan, progress),
            on_success=lambda added: (window.reload(), window.statusBar().showMessage(
                ngettext("Added {n} row.", "Added {n} rows.", added).format(n=added), 15000)),
            on_failure=lambda e: show_error(window, e))

    window.runner.run_with_dialog(window, _("Checking the table…"),
                                  lambda progress: plan_import(archive, path, kind, progress),
                                  on_success=planned, on_failure=lambda e: show_error(window, e))
