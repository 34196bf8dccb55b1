"""Safety of the archive: one program at a time, shared folders, damage found at open
and a backup copy offered (real files, the window offscreen)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from conftest import damage_table
from piel_desktop.domain.errors import ArchiveInUse
from piel_desktop.messages import describe
from piel_desktop.services import archive as archive_service
from piel_desktop.services import backups
from piel_desktop.services.archive import health_problems, lock_archive, open_archive, sharing_risk
from piel_desktop.settings import Settings
from piel_desktop.storage.sqlite import locking
from piel_desktop.ui.main_window import MainWindow


def _lock_of_another_process(path, host=None):
    """A lock written by a live process other than this one (a child that sleeps)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    locking.lock_path(path).write_text(json.dumps({
        "user": "amina", "host": host or locking.socket.gethostname(), "pid": child.pid,
        "since": "2026-11-29T08:00:00+00:00", "token": "x"}), encoding="utf-8")
    return child


def test_second_lock_names_who_holds_the_archive(demo_path):
    child = _lock_of_another_process(demo_path)
    try:
        with pytest.raises(ArchiveInUse) as caught:
            lock_archive(demo_path)
        assert caught.value.params["user"] == "amina"
        message = describe(caught.value)
        assert "is in use by amina on the computer" in message and "2026" in message
        forced = lock_archive(demo_path, force=True)  # the person chose "open anyway"
        assert locking.holder(demo_path).pid == os.getpid()
        forced.release()
        assert not locking.lock_path(demo_path).exists()
    finally:
        child.kill()
        child.wait()


def test_lock_left_by_a_crashed_program_is_taken_over(demo_path):
    child = _lock_of_another_process(demo_path)
    child.kill()
    child.wait()  # the process is gone: its lock is stale
    lock = lock_archive(demo_path)
    assert locking.holder(demo_path) == lock.holder
    lock.release()


def test_lock_from_another_computer_is_respected(demo_path):
    child = _lock_of_another_process(demo_path, host="laptop-geneva")
    child.kill()
    child.wait()  # a pid on another computer cannot be checked from here
    with pytest.raises(ArchiveInUse):
        lock_archive(demo_path)


def test_a_released_lock_of_an_earlier_open_spares_the_new_one(demo_path):
    first = lock_archive(demo_path)
    second = lock_archive(demo_path)  # the same window opening the archive again
    first.release()
    assert locking.holder(demo_path) == second.holder
    second.release()


def test_second_window_is_told_and_can_refuse(qtbot, demo_path, monkeypatch):
    first = MainWindow(Settings())
    qtbot.addWidget(first)
    assert first.open_archive(demo_path)
    shown = []

    def refuse(box):
        shown.append(box.text())
        return QMessageBox.Cancel

    monkeypatch.setattr(QMessageBox, "exec", refuse)
    # A lock of this process counts as this window's own; make it another process's.
    child = _lock_of_another_process(demo_path)
    try:
        second = MainWindow(Settings())
        qtbot.addWidget(second)
        assert not second.open_archive(demo_path)
        assert second.archive is None
        assert shown and "is in use by amina" in shown[0]
    finally:
        child.kill()
        child.wait()
    first.close_archive()


@pytest.mark.parametrize("folder, expected", [
    ("OneDrive/Documents", "OneDrive"), ("OneDrive - ITU/records", "OneDrive"),
    ("Dropbox/cop", "Dropbox"), ("Google Drive/My Drive", "Google Drive"),
    ("Documents/PIeL", None),
])
def test_cloud_synced_folders_are_recognised(tmp_path, folder, expected):
    assert sharing_risk(tmp_path / folder / "office.piel") == expected


def test_network_share_is_recognised(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_service, "on_network_filesystem", lambda path: True)
    assert sharing_risk(tmp_path / "office.piel") == "network"


def test_window_warns_once_about_a_synced_folder(qtbot, demo_template, tmp_path, monkeypatch):
    path = tmp_path / "Dropbox" / "office.piel"
    path.parent.mkdir()
    shutil.copy(demo_template, path)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    assert window.open_archive(path)
    assert len(warnings) == 1 and "Dropbox" in warnings[0] and "packages" in warnings[0]
    assert window.open_archive(path)  # said once per archive
    assert len(warnings) == 1
    window.runner.wait()
    window.close_archive()


def test_quick_check_finds_damage(demo_path):
    with open_archive(demo_path) as archive:
        assert health_problems(archive) == ()
    damage_table(demo_path, "meeting")
    with open_archive(demo_path) as archive:
        assert health_problems(archive)


def test_damaged_archive_offers_the_newest_backup(qtbot, demo_path, monkeypatch):
    with open_archive(demo_path) as archive:
        backups.make_backup(archive, "scheduled")
    damage_table(demo_path, "meeting")
    asked = []

    def yes(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    assert window.open_archive(demo_path)
    assert len(asked) == 1 and "is damaged" in asked[0] and "Restore the backup copy made" in asked[0]
    assert window.archive is not None and window.meeting_model.rowCount() == 6
    assert health_problems(window.archive) == ()
    window.runner.wait()
    window.close_archive()
