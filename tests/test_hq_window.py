"""The window on an HQ archive (issue 15): opened from its address, the login asked
for when the server wants one (the password never stored), a clerk's edit seen by a
reader, and a reader's edit refused in one sentence with nothing changed."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from piel_desktop.paths import without_password
from piel_desktop.services import records
from piel_desktop.services.archive import archive_location, fingerprint
from piel_desktop.settings import Settings
from piel_desktop.ui import edit_actions, login
from piel_desktop.ui.main_window import MainWindow


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def _window(qtbot) -> MainWindow:
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    return window


def test_the_window_logs_in_and_never_stores_the_password(qtbot, staff, monkeypatch, tmp_path):
    asked = []

    def ask(parent, shown, user, problem):
        asked.append((shown, user, problem))
        return ("carlos", "wrong") if len(asked) == 1 else ("carlos", "pw-carlos")
    monkeypatch.setattr(login, "_ask", ask)
    window = _window(qtbot)
    address = archive_location(without_password(staff["carlos"]))
    assert window.open_archive(address)
    assert [a[1] for a in asked] == ["carlos", "carlos"]
    assert asked[0][2] == "" and "refused the login of “carlos”" in asked[1][2]  # said why it asks again
    assert window.meeting_model.rowCount() == 6
    assert window.windowTitle().startswith(without_password(staff["carlos"]))
    assert window.archive.shown in window.archive_label.text()
    assert not window.sync.backups_action.isEnabled()  # a server's copies are its own
    window.settings.save()
    stored = window.settings.path.read_text(encoding="utf-8")
    assert "pw-carlos" not in stored and "wrong" not in stored and json.loads(stored)
    assert window.settings.get("last_archive") == without_password(staff["carlos"])
    window.close_archive()


def test_cancelling_the_login_keeps_the_open_archive(qtbot, staff, monkeypatch, demo_path, warnings):
    monkeypatch.setattr(login, "_ask", lambda *a: None)
    window = _window(qtbot)
    assert window.open_archive(demo_path)
    assert not window.open_archive(archive_location(without_password(staff["rania"])))
    assert window.archive.path == demo_path and warnings == []
    window.close_archive()


class _Answer:
    """The outcome dialog, answered: OK with a new addressee."""

    def __init__(self, outcome, parent):
        pass

    def exec(self):
        return QDialog.Accepted

    def values(self):
        return {"addressee": "member states"}

    def show_problem(self, error):
        return False


def _select_first_outcome(window, number=14):
    window.select_meeting(number)
    window.outcome_view.setCurrentIndex(window.outcome_model.index(0, 0))
    return window.current_outcome()


def test_a_clerks_edit_is_seen_by_a_reader_whose_own_edit_is_refused(qtbot, staff, warnings, monkeypatch):
    monkeypatch.setattr(edit_actions, "OutcomeDialog", _Answer)
    window = _window(qtbot)
    assert window.open_archive(archive_location(staff["carlos"]))
    outcome = _select_first_outcome(window)
    assert edit_actions.edit_outcome(window) and warnings == []
    window.close_archive()
    assert window.open_archive(archive_location(staff["rania"]))
    assert records.outcome_fields(window.archive, outcome.id)["addressee"] == "member states"
    monkeypatch.setattr(_Answer, "values", lambda self: {"addressee": "secretariat"})
    before = fingerprint(window.archive)
    _select_first_outcome(window)
    assert edit_actions.edit_outcome(window) is False
    assert len(warnings) == 1 and warnings[0].startswith("The account “rania” may not make this change")
    assert fingerprint(window.archive) == before and window.history.undo_label is None
    assert records.outcome_fields(window.archive, outcome.id)["addressee"] == "member states"
    window.close_archive()


def test_a_reader_searches_an_hq_archive_and_sees_who_changed_the_outcome(qtbot, staff):
    """The clerk's edit is found by the reader's search panel at once, and the detail
    pane names the clerk's account beside the office."""
    from PySide6.QtCore import QUrl
    from piel_desktop.services.archive import open_archive
    with open_archive(staff["carlos"]) as clerk:
        meeting = next(m for m in records.list_meetings(clerk) if m.number == 14)
        outcome = records.meeting_outcomes(clerk, [meeting.id])[0]
        records.set_outcome_text(clerk, outcome.id, "es", "Registro de los ornitorrincos del Pacífico")
    window = _window(qtbot)
    assert window.open_archive(archive_location(staff["rania"]))
    window.search.box.setText("ornitorrinco")
    qtbot.waitUntil(lambda: bool(window.search.hits), timeout=5000)
    assert [h.record_id for h in window.search.hits] == [str(outcome.id)]
    window.search._open(QUrl("hit:0"))
    assert window.current_outcome().id == outcome.id
    detail = window.detail.toPlainText()
    assert "ornitorrincos" in detail and "Last changed" in detail and "(carlos)" in detail
    window.runner.wait()
