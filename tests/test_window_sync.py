"""Sync in the window, offscreen with pytest-qt: import through the preview dialog, a
conflict shown and resolved, export, dropping a package, undo of an import."""

from __future__ import annotations

import shutil
import uuid

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QProgressDialog

from piel_desktop.services import records, sync
from piel_desktop.services.sync import conflicts
from piel_desktop.services.archive import create_archive, fingerprint
from piel_desktop.settings import Settings
from piel_desktop.ui.main_window import MainWindow
from piel_desktop.ui.sync_dialogs import ConflictsDialog, ExportDialog, PreviewDialog
from sync_helpers import all_values, live_outcomes


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """HQ and Africa archives that know each other, and a package from HQ carrying
    one edit that conflicts with one made at Africa."""
    folder = tmp_path_factory.mktemp("window-sync")
    hq = create_archive(folder / "HQ.piel", demo=True, office="HQ")
    africa = create_archive(folder / "Africa.piel", demo=True, office="Africa")
    for source, target in ((hq, africa), (africa, hq)):
        result = sync.import_package(target, sync.export_package(source, folder / f"{uuid.uuid4().hex}.pielpkg").path)
        sync.import_package(source, result.receipt)
    target = live_outcomes(hq)[0]
    records.edit_outcome(africa, uuid.UUID(target), label="A")
    records.edit_outcome(hq, uuid.UUID(target), label="H")
    package = sync.export_package(hq, folder / "from-hq.pielpkg", to="Africa").path
    hq.close()
    africa.close()
    return folder / "Africa.piel", package, target


@pytest.fixture
def window(qtbot, offices, tmp_path):
    africa, package, target = offices
    shutil.copy(africa, tmp_path / "Africa.piel")
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    assert win.open_archive(tmp_path / "Africa.piel")
    yield win, package, target
    win.runner.wait()


def _when_modal(handler):
    """Run ``handler(dialog)`` on the next modal dialog, once it is shown."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and not isinstance(dialog, QProgressDialog):
            handler(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)


def test_import_through_the_preview_dialog(window, qtbot, monkeypatch):
    win, package, target = window
    seen, told = {}, []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: told.append(text))

    def review(dialog):
        assert isinstance(dialog, PreviewDialog)
        top = dialog.tree.topLevelItem(0)
        seen["group"], seen["counts"] = top.text(0), top.text(1)
        seen["child"] = top.child(0).text(1)
        seen["head"] = dialog.summary.text()
        # The conflict dialog opens after applying; close it when it comes.
        _when_modal(lambda d: d.accept())
        dialog.accept()
    _when_modal(review)
    win.sync.import_file(package)
    qtbot.waitUntil(lambda: "applied" in win.statusBar().currentMessage(), timeout=15000)
    assert seen == {"group": "Meeting 9", "counts": "1 changed, 1 conflict",
                    "child": "changed: Label, with a conflict", "head": "In all: 1 changed, 1 conflict."}
    assert len(told) == 1 and "Send the receipt back" in told[0] and "from-hq.receipt-Africa.pielpkg" in told[0]
    assert all_values(win.archive, "outcome", target)["label"] == "H"  # HQ's later write wins
    assert win.sync.conflicts_button.isVisible() and win.sync.conflicts_button.text() == "1 open conflict"
    assert win.sync.undo_import_action.isEnabled()


def test_cancelling_the_preview_changes_nothing(window, qtbot):
    win, package, _target = window
    before = fingerprint(win.archive)
    closed = []
    _when_modal(lambda dialog: (closed.append(type(dialog)), dialog.reject()))
    win.sync.import_file(package)
    qtbot.waitUntil(lambda: bool(closed), timeout=15000)
    win.runner.wait()
    assert closed == [PreviewDialog] and fingerprint(win.archive) == before


def test_a_conflict_is_shown_side_by_side_and_resolved(window, qtbot):
    win, package, target = window
    sync.import_package(win.archive, package)
    win.reload()
    rows = {}

    def resolve(dialog):
        assert isinstance(dialog, ConflictsDialog)
        table = dialog.table
        rows["cells"] = [table.item(0, c).text() for c in range(table.columnCount())]
        dialog.keep_other.click()  # Africa's own value, set aside by the merge
        rows["after"] = dialog.empty.isVisible()
        dialog.accept()
    _when_modal(resolve)
    win.sync.show_conflicts()
    meeting, record, field, kept, aside = rows["cells"]
    assert (meeting, field) == ("9", "Label") and record.startswith("Outcome: ")
    assert kept.startswith("H — HQ") and aside.startswith("A — Africa")
    assert rows["after"] is True
    assert all_values(win.archive, "outcome", target)["label"] == "A"
    assert conflicts.list_conflicts(win.archive) == [] and not win.sync.conflicts_button.isVisible()


def test_export_for_a_known_office(window, qtbot, monkeypatch, tmp_path):
    win, _package, _target = window
    out = tmp_path / "for-hq.pielpkg"
    monkeypatch.setattr(ExportDialog, "exec", lambda self: (self.office.setCurrentIndex(1), QDialog.Accepted)[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    win.sync.export_package()
    qtbot.waitUntil(lambda: "Package saved" in win.statusBar().currentMessage(), timeout=15000)
    assert out.is_file()
    assert "1 record" in win.statusBar().currentMessage()  # only Africa's own edit


def test_dropping_a_package_imports_it(window, qtbot, monkeypatch):
    win, package, _target = window
    started = []
    monkeypatch.setattr(win.sync, "import_file", started.append)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(package))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    win.dropEvent(event)
    assert started == [package]
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile("/tmp/notes.txt")])
    win.dropEvent(QDropEvent(QPointF(10, 10), Qt.CopyAction, other, Qt.LeftButton, Qt.NoModifier))
    assert started == [package]


def test_undo_last_import(window, qtbot, monkeypatch):
    win, package, _target = window
    before = fingerprint(win.archive)
    sync.import_package(win.archive, package)
    win.reload()
    assert win.sync.undo_import_action.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    win.sync.undo_last_import()
    assert fingerprint(win.archive) == before
    assert not win.sync.undo_import_action.isEnabled()
    assert "restored" in win.statusBar().currentMessage()


def test_settings_name_the_office_and_choose_the_language(window, qtbot, monkeypatch):
    win, _package, _target = window
    from piel_desktop.ui.sync_dialogs import SettingsDialog

    def choose(self):
        assert self.key.text().count(" ") == 3  # the key's fingerprint, to read out
        self.office.setText("  Oficina Regional para África  ")
        self.language.setCurrentIndex(self.language.findData("es"))
        assert self.language.itemText(self.language.findData("es")) == "Español"
        return QDialog.Accepted
    monkeypatch.setattr(SettingsDialog, "exec", choose)
    win.sync.show_settings()
    assert sync.offices(win.archive)[0].name == "Oficina Regional para África"
    assert Settings().get("language") == "es"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_a_list_from_the_window(window, qtbot, monkeypatch, tmp_path, suffix):
    win, _package, _target = window
    out = tmp_path / f"outcomes{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    win.list_menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: not win.runner.busy() and "rows" in win.statusBar().currentMessage())
    assert out.is_file()
    if suffix == ".csv":
        from piel_desktop.services.tables import read_csv
        assert len(read_csv(out).rows) == 24  # the demo's outcomes and sub-items
