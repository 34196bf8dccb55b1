"""A connection URL is never a file path (issue 14 part 8): ``scheme://...`` given as
the archive is refused in one sentence unless it is a PostgreSQL address (an HQ
archive, tests/test_hq_archive.py), and no folder named after it appears, wherever the
archive location comes from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from piel_desktop import paths
from piel_desktop.domain.errors import ArchiveIsUrl
from piel_desktop.i18n import set_ui_language
from piel_desktop.messages import describe
from piel_desktop.services.archive import create_archive, open_archive

URL = "mysql://user@host/db"
SENTENCE = f"“{URL}” is a connection address, not an archive:"


def _run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    environment.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    return subprocess.run([sys.executable, "-m", "piel_desktop", *args], capture_output=True, text=True,
                          cwd=cwd, env=environment, timeout=120)


def _nothing_made(folder: Path) -> None:
    made = [p.name for p in folder.iterdir() if p.name.split(":")[0] in ("postgresql", "sqlite", "https")]
    assert made == [], "a folder named after the URL was made"


@pytest.mark.parametrize("how", ["--archive", "--archive after the command", "PIEL_ARCHIVE"])
def test_init_refuses_a_url(tmp_path, how):
    args, env = {"--archive": (["--archive", URL, "init"], None),
                 "--archive after the command": (["init", "--archive", URL], None),
                 "PIEL_ARCHIVE": (["init"], {"PIEL_ARCHIVE": URL})}[how]
    done = _run(tmp_path, *args, env={**(env or {}), "LANGUAGE": "en"})
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr and "Created" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and SENTENCE in lines[0], done.stderr
    _nothing_made(tmp_path)


def test_a_url_in_place_of_a_file_is_refused(tmp_path):
    done = _run(tmp_path, "--lang", "en", URL)
    assert done.returncode == 1 and SENTENCE in done.stderr, done
    _nothing_made(tmp_path)


def test_a_refused_url_never_shows_its_password(tmp_path):
    from piel_desktop.paths import check_archive_location
    done = _run(tmp_path, "--archive", "mysql://amina:s3cret@db.example:5432/piel", "--lang", "en", "check")
    assert done.returncode == 1 and "s3cret" not in done.stderr + done.stdout, done
    assert "“mysql://amina@db.example:5432/piel” is a connection address" in done.stderr
    for location in ("mysql://amina:s3cret@db.example/piel", Path("postgresql://amina:s3cret@db.example/piel")):
        with pytest.raises(ArchiveIsUrl) as caught:
            check_archive_location(location)
        assert "s3cret" not in caught.value.params["location"] and "amina@db.example" in caught.value.params["location"]


def test_a_server_that_does_not_answer_is_one_sentence_without_the_password(tmp_path):
    done = _run(tmp_path, "--archive", "postgresql://amina:s3cret@127.0.0.1:1/piel", "--lang", "en", "init")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "s3cret" not in done.stderr + done.stdout
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("The database server of postgresql://amina@127.0.0.1:1/piel cannot be reached")
    _nothing_made(tmp_path)


@pytest.mark.parametrize("location", [URL, Path(URL), Path("postgresql://user@host/db"), "sqlite:///archive.piel",
                                      " https://example.org/a.piel"])
def test_services_refuse_a_url(tmp_path, monkeypatch, location):
    monkeypatch.chdir(tmp_path)
    for action in (lambda: create_archive(location), lambda: open_archive(location)):
        with pytest.raises(ArchiveIsUrl):
            action()
    _nothing_made(tmp_path)


def test_paths_that_are_not_urls():
    assert not paths.is_connection_address("C:/Users/ana/archive.piel")
    assert not paths.is_connection_address("archive.piel")
    assert not paths.is_connection_address("/media/usb/office: 2026/archive.piel")
    assert paths.check_archive_location("~/a.piel") == Path.home() / "a.piel"


def test_the_message_names_the_url_in_every_language():
    try:
        for lang in ("ar", "en", "es", "fr", "ru", "zh"):
            set_ui_language(lang)
            assert URL in describe(ArchiveIsUrl(location=URL))
    finally:
        set_ui_language("en")


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def test_the_window_refuses_a_url(qtbot, tmp_path, monkeypatch, warnings, demo_path):
    from piel_desktop.settings import Settings
    from piel_desktop.ui.app import start_window
    from piel_desktop.ui.main_window import MainWindow
    monkeypatch.chdir(tmp_path)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    assert window.open_archive(demo_path)
    for attempt in (lambda: window.open_archive(Path(URL)),  # File → Open
                    lambda: window.create_archive(Path(URL), demo=False)):  # File → New
        assert attempt() is False
        assert window.archive.path == demo_path  # the archive open stays open
    # The settings' last archive: no welcome dialog offering to create it, one sentence.
    assert start_window(window, Path(URL), remembered=True) is True
    assert len(warnings) == 3 and all(f"“{Path(URL)}” is a connection address" in w for w in warnings)
    _nothing_made(tmp_path)
    window.close_archive()
