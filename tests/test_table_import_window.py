"""A 100,000-row table entered from the window: both steps (check, add) behind a
progress bar; Cancel while the rows are added leaves the archive as it was."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton

from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint
from piel_desktop.ui import table_import_dialog
from piel_desktop.ui.table_import_dialog import TablePreviewDialog

ROWS = 100_000


@pytest.fixture
def big_table(tmp_path):
    """100,000 outcomes in Excel's Spanish CSV (Windows-1252, semicolons)."""
    path = tmp_path / "outcomes.csv"
    lines = ["Reuniones;Tipo;Estado;Texto (español)"]
    lines += [f"{9 + i % 6};{'Recomendación' if i % 2 else 'decision'};Acordado;Protección de la infancia {i}"
              for i in range(ROWS)]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def _outcome_count(archive) -> int:
    meetings = records.list_meetings(archive)
    return len(records.meeting_outcomes(archive, [m.id for m in meetings]))


def _start(qtbot, window, monkeypatch, path, seen: dict):
    def accept(dialog):
        seen["encoding"] = dialog.encoding.text()
        return QDialog.Accepted

    monkeypatch.setattr(TablePreviewDialog, "exec", accept)
    table_import_dialog.import_table(window, "outcomes", path)


def _adding(window) -> QProgressDialog | None:
    return next((d for d in window.findChildren(QProgressDialog)
                 if d.labelText() == "Adding the rows…" and d.isVisible()), None)


def test_cancel_while_adding_leaves_the_archive_as_it_was(qtbot, window, monkeypatch, big_table):
    before, count = fingerprint(window.archive), _outcome_count(window.archive)
    seen = {}
    _start(qtbot, window, monkeypatch, big_table, seen)
    qtbot.waitUntil(lambda: _adding(window) is not None and 20_000 <= _adding(window).value() < ROWS,
                    timeout=120_000)
    progress = _adding(window)
    assert progress.maximum() == ROWS
    progress.findChild(QPushButton).click()  # Cancel
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=60_000)
    assert seen["encoding"] == "Read as Windows-1252 text."
    assert fingerprint(window.archive) == before and _outcome_count(window.archive) == count
    assert "Added" not in window.statusBar().currentMessage()


def test_a_hundred_thousand_rows_are_added_with_a_progress_bar(qtbot, window, monkeypatch, big_table):
    count = _outcome_count(window.archive)
    values = []
    _start(qtbot, window, monkeypatch, big_table, {})

    def finished():
        dialog = _adding(window)
        if dialog is not None:
            values.append(dialog.value())
        return not window.runner.busy() and "Added" in window.statusBar().currentMessage()

    qtbot.waitUntil(finished, timeout=180_000)
    assert "Added 100000 rows." in window.statusBar().currentMessage()
    assert _outcome_count(window.archive) == count + ROWS
    assert any(0 < v < ROWS for v in values)  # the bar moved while the rows went in
