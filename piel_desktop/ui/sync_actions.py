"""The window's flows around the archive file: packages (export, import with preview,
conflicts, undo of the last import), backups, settings, and lists written as
spreadsheets for colleagues.

Long steps (reading and merging a package) run on the worker thread behind a progress
dialog with Cancel; the dialogs in sync_dialogs.py show their plain-data results.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QPushButton

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import UndoNotPossible
from piel_desktop.i18n import _, format_datetime, ngettext, ui_language
from piel_desktop.messages import counts_sentence
from piel_desktop.services import backups, search, sync, tables
from piel_desktop.services.sync import conflicts
from piel_desktop.services.sync.package_format import SUFFIX
from piel_desktop.ui.dialogs import show_error
from piel_desktop.ui.sync_dialogs import (
    BackupsDialog, ConflictsDialog, ExportDialog, PreviewDialog, SettingsDialog,
)

PACKAGE_FILTER = "*" + SUFFIX


class SyncActions(QObject):
    """Owns the sync menu actions of a MainWindow and runs their flows."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        action = window._action
        self.import_action = action(_("&Import package…"), self.choose_package, "Ctrl+I")
        self.export_action = action(_("&Export package…"), self.export_package, "Ctrl+E")
        self.undo_import_action = action(_("&Undo last import"), self.undo_last_import)
        self.conflicts_action = action(_("&Conflicts…"), self.show_conflicts, "Ctrl+Shift+K")
        self.backups_action = action(_("&Backups…"), self.show_backups)
        self.settings_action = action(_("&Settings…"), self.show_settings, "Ctrl+,")
        self.settings_action.setMenuRole(QAction.PreferencesRole)
        self.conflicts_button = QPushButton()
        self.conflicts_button.setFlat(True)
        self.conflicts_button.setStyleSheet("color: #8a3b00; font-weight: bold;")
        self.conflicts_button.clicked.connect(self.show_conflicts)
        self.conflicts_button.hide()
        window.statusBar().addPermanentWidget(self.conflicts_button)

    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.undo_import_action, self.conflicts_action]

    def export_list(self, kind: str, make=None, parent=None) -> None:
        """Write the records of ``kind`` (services.TABLE_KINDS) as a CSV or XLSX file,
        on the worker thread with progress and Cancel; ``make(progress)`` gives the
        table instead (a filtered view), ``kind`` then only names the file suggested."""
        if self.archive is None:
            return
        parent = parent or self.window
        xlsx_filter, csv_filter = _("Spreadsheet (*.xlsx)"), _("Comma-separated values (*.csv)")
        name, chosen = QFileDialog.getSaveFileName(
            parent, _("Export list"), str(self._folder() / f"{kind}.xlsx"), f"{xlsx_filter};;{csv_filter}")
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".csv" if chosen == csv_filter else ".xlsx")
        self._remember_folder(path)
        archive = self.archive
        make = make or (lambda _progress: tables.table(archive, kind))

        def write(progress):
            data = make(progress)
            tables.write_table(data, path)
            return len(data.rows)

        def done(count: int) -> None:
            self.window.statusBar().showMessage(
                ngettext("Wrote {path} ({count} row).", "Wrote {path} ({count} rows).", count)
                .format(path=path, count=count), 15000)

        self.window.runner.run_with_dialog(parent, _("Writing the list…"), write, on_success=done,
                                           on_failure=lambda error: show_error(parent, error))

    @property
    def archive(self):
        return self.window.archive

    def refresh(self) -> None:
        """Enable what applies to the open archive; show the count of open conflicts."""
        has_archive = self.archive is not None
        for action in (self.import_action, self.export_action, self.conflicts_action,
                       self.settings_action, self.window.list_menu.menuAction()):
            action.setEnabled(has_archive)
        # An HQ archive's copies are its server's (services/backups.py): none here.
        self.backups_action.setEnabled(has_archive and self.archive.path is not None)
        undoable, count = False, 0
        if has_archive:
            try:
                last = sync.last_import(self.archive)
                undoable = bool(last and last["undoable"]) and self.archive.path is not None
                count = len(conflicts.list_conflicts(self.archive))
            except Exception as error:  # a read failing here must not stop the window
                show_error(self.window, error)
        self.undo_import_action.setEnabled(undoable)
        self.conflicts_button.setText(ngettext("{count} open conflict", "{count} open conflicts", count)
                                      .format(count=count))
        self.conflicts_button.setVisible(count > 0)

    # --- export ----------------------------------------------------------------------

    def export_package(self) -> None:
        if self.archive is None:
            return
        try:
            peers = [o for o in sync.offices(self.archive) if not o.is_local and o.key_fingerprint]
        except Exception as error:
            show_error(self.window, error)
            return
        dialog = ExportDialog(peers, self.window)
        if dialog.exec() != QDialog.Accepted:
            return
        peer_id = dialog.peer_id()
        peer = next((p for p in peers if p.id == peer_id), None)
        own = sync.offices(self.archive)[0].name or "piel"
        # Translators: file name suggested for a package; keep {office} and {to}.
        suggested = _("{office}-for-{to}").format(office=own, to=peer.name if peer else _("all"))
        name, _filter = QFileDialog.getSaveFileName(
            self.window, _("Export package"), str(self._folder() / f"{sync.safe_file_name(suggested)}{SUFFIX}"),
            _("PIeL Desktop packages ({pattern})").format(pattern=PACKAGE_FILTER))
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(SUFFIX)
        self._remember_folder(path)
        archive = self.archive

        def job(progress):
            return sync.export_package(archive, path, to=peer.id if peer else None, progress=progress)

        def done(result) -> None:
            self.window.statusBar().showMessage(
                ngettext("Package saved to {path} ({count} record).", "Package saved to {path} ({count} records).",
                         result.records).format(path=result.path, count=result.records), 15000)

        self.window.runner.run_with_dialog(self.window, _("Writing the package…"), job, on_success=done,
                                           on_failure=lambda e: show_error(self.window, e))

    # --- import ----------------------------------------------------------------------

    def choose_package(self) -> None:
        if self.archive is None:
            return
        name, _filter = QFileDialog.getOpenFileName(
            self.window, _("Import package"), str(self._folder()),
            _("PIeL Desktop packages ({pattern})").format(pattern=PACKAGE_FILTER))
        if name:
            self._remember_folder(Path(name))
            self.import_file(Path(name))

    def _folder(self) -> Path:
        """Where packages were last saved or read, else the archive's folder."""
        folder = Path(self.window.settings.get("package_folder")
                      or (self.archive.path.parent if self.archive.path else Path.home()))
        return folder if folder.is_dir() else Path.home()

    def _remember_folder(self, path: Path) -> None:
        self.window.settings.set("package_folder", str(path.parent))
        self.window.settings.save()

    def import_file(self, path: Path) -> None:
        """Check and preview ``path`` on the worker thread, then ask before applying."""
        if self.archive is None:
            return
        archive = self.archive
        self.window.runner.run_with_dialog(
            self.window, _("Reading the package…"),
            lambda progress: sync.import_package(archive, path, dry_run=True, progress=progress),
            on_success=lambda result: self._previewed(path, result),
            on_failure=lambda e: show_error(self.window, e))

    def _previewed(self, path: Path, result) -> None:
        if result.already_applied:
            QMessageBox.information(self.window, APP_NAME, _("This package was already applied; nothing changed."))
            return
        if result.kind != "receipt":
            dialog = PreviewDialog(result, self.window)
            if dialog.exec() != QDialog.Accepted:
                return
        archive = self.archive
        self.window.runner.run_with_dialog(
            self.window, _("Applying the package…"),
            lambda progress: sync.import_package(archive, path, progress=progress),
            on_success=self._applied, on_failure=lambda e: show_error(self.window, e))

    def _applied(self, result) -> None:
        self.window.reload()
        if result.kind != "receipt":
            # New texts are indexed now, with progress, rather than by the next search.
            # Cancelling leaves that work to the next search.
            archive = self.archive
            self.window.runner.run_with_dialog(
                self.window, _("Updating the search index…"),
                lambda progress: search.refresh_index(archive, progress),
                on_success=lambda _count: None, on_failure=lambda e: show_error(self.window, e))
        if result.kind == "receipt":
            text = _("Receipt from “{office}” noted: later packages for it leave out what it has.").format(
                office=result.office)
        else:
            text = _("Package from “{office}” applied: {counts}.").format(
                office=result.office, counts=counts_sentence(result.preview.counts) or _("nothing new"))
        self.window.statusBar().showMessage(text, 30000)
        if result.kind != "receipt" and result.receipt:
            QMessageBox.information(self.window, APP_NAME, text + "\n\n" + _(
                "Send the receipt back to the office, so that its next package leaves out what "
                "this archive has:\n{path}").format(path=result.receipt))
        if result.preview.counts.get("conflict"):
            self.show_conflicts()

    # --- conflicts, backups, undo, settings ----------------------------------------------

    def show_conflicts(self) -> None:
        if self.archive is None:
            return

        def load():
            try:
                return conflicts.list_conflicts(self.archive)
            except Exception as error:
                show_error(self.window, error)
                return []

        def resolve(item, keep, value):
            try:
                conflicts.resolve_conflict(self.archive, item.id, keep, value)
                return True
            except Exception as error:
                show_error(self.window, error)
                return False

        ConflictsDialog(load, resolve, self.window).exec()
        self.window.reload()

    def show_backups(self) -> None:
        if self.archive is None:
            return
        dialog = BackupsDialog(backups.list_backups(self.archive), self.window)
        if dialog.exec() != QDialog.Accepted or dialog.chosen() is None:
            return
        chosen = dialog.chosen()
        answer = QMessageBox.question(
            self.window, APP_NAME,
            _("Replace the archive with the copy made on {when}? Changes made since then are set "
              "aside in a new backup copy.").format(when=format_datetime(chosen.made_at, ui_language())))
        if answer == QMessageBox.Yes:
            self._restore(chosen.path, "restore")

    def undo_last_import(self) -> None:
        if self.archive is None:
            return
        last = sync.last_import(self.archive)
        if not last or not last["undoable"]:
            show_error(self.window, UndoNotPossible(reason="edited-since" if last else "no-import"))
            self.refresh()
            return
        answer = QMessageBox.question(
            self.window, APP_NAME,
            _("Undo the import of the package from “{office}” made on {when}? The archive goes back "
              "to the backup copy made just before it, and the receipt written for it is deleted: "
              "do not send it.").format(
                office=last["office"], when=format_datetime(last["applied_at"], ui_language())))
        if answer != QMessageBox.Yes:
            return
        path = self.archive.path
        self.window.close_archive()
        try:
            sync.undo_last_import(path)
        except Exception as error:
            show_error(self.window, error)
        self.window.open_archive(path)
        self.window.statusBar().showMessage(_("The archive was restored from a backup copy."), 15000)

    def _restore(self, backup: Path, reason: str) -> None:
        path = self.archive.path
        self.window.close_archive()
        try:
            backups.restore_backup(path, backup, reason)
        except Exception as error:
            show_error(self.window, error)
        self.window.open_archive(path)
        self.window.statusBar().showMessage(_("The archive was restored from a backup copy."), 15000)

    def show_settings(self) -> None:
        if self.archive is None:
            return
        try:
            key = sync.own_key_fingerprint(self.archive)
        except Exception as error:
            show_error(self.window, error)
            return
        settings = self.window.settings
        dialog = SettingsDialog(sync.offices(self.archive)[0].name, key, settings.get("language"), self.window)
        if dialog.exec() != QDialog.Accepted:
            return
        settings.set("language", dialog.language_code())
        settings.save()
        try:
            sync.set_office_name(self.archive, dialog.office_name())
        except Exception as error:
            show_error(self.window, error)
