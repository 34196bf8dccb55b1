"""Shared fixtures. Qt runs offscreen (set before any QApplication exists, or pytest
aborts with no report on a machine without a display); per-user folders point into the
test's temporary folder so no test touches the real settings or archives."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Per-user folders for the whole session too: session- and module-scoped fixtures run
# before the per-test isolation below, and must not write into the real ones either.
_SESSION_HOME = tempfile.mkdtemp(prefix="piel-tests-home-")
atexit.register(shutil.rmtree, _SESSION_HOME, True)
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_SESSION_HOME, _name.lower())

import pytest  # noqa: E402

from piel_desktop.i18n import set_ui_language  # noqa: E402
from piel_desktop.services.archive import create_archive, open_archive  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "user" / name.lower()))
    monkeypatch.delenv("PIEL_ARCHIVE", raising=False)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_ui_language("en")
    yield
    set_ui_language("en")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A demo archive made once per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "demo.piel"
    create_archive(path, demo=True).close()
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path) -> Path:
    path = tmp_path / "demo.piel"
    shutil.copy(demo_template, path)
    return path


def pytest_generate_tests(metafunc):
    """A module or test marked ``both_backends`` runs once on an archive file and once
    on an HQ archive (a PostgreSQL server the tests start): its ``demo`` is either.
    ``file_only`` (with its reason) keeps one test of such a module on the file: what
    an HQ archive cannot do yet (tests/test_hq_archive.py checks it says so)."""
    marked = metafunc.definition.get_closest_marker("both_backends")
    if "archive_kind" in metafunc.fixturenames and marked and not metafunc.definition.get_closest_marker(
            "file_only"):
        metafunc.parametrize("archive_kind", ["file", "server"], indirect=True)


@pytest.fixture
def archive_kind(request) -> str:
    """"file" or "server": which kind of archive ``demo`` is (see pytest_generate_tests)."""
    return getattr(request, "param", "file")


@pytest.fixture(scope="session")
def demo_server_template(pg_server) -> str:
    """A database holding the demo archive, made once per session; tests get copies."""
    pg_server.sql('CREATE DATABASE demo_template')
    create_archive(pg_server.url("demo_template"), demo=True).close()
    return "demo_template"


@pytest.fixture
def demo_server_url(pg_server, demo_server_template, request) -> str:
    """The address of a fresh copy of the demo archive on the test server."""
    name = "d_" + os.urandom(6).hex()
    pg_server.sql(f'CREATE DATABASE "{name}" TEMPLATE {demo_server_template}')
    yield pg_server.url(name)
    pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(*args: str, stdin: str | None = None):
    """``piel-desktop --lang en ARGS`` in a new process; its CompletedProcess."""
    import subprocess
    import sys
    env = {**os.environ, "LANGUAGE": "en", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "piel_desktop", "--lang", "en", *args], capture_output=True,
                          text=True, env=env, timeout=180, input=stdin)


@pytest.fixture
def staff(pg_server, demo_server_url):
    """The demo HQ archive with three accounts made by ``users add``: reader, clerk, admin."""
    logins = {"rania": "reader", "carlos": "clerk", "ada": "admin"}
    for login, role in logins.items():
        done = run_cli("--archive", demo_server_url, "users", "add", login, "--role", role, "--password-stdin",
                       stdin=f"pw-{login}\n")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"Added the account “{login}” as ")
    database = demo_server_url.rsplit("/", 1)[1]
    yield {login: pg_server.url(database, user=login, password=f"pw-{login}") for login in logins}
    for login in logins:
        pg_server.sql(f"DROP OWNED BY {login} CASCADE; DROP ROLE IF EXISTS {login}", database)


@pytest.fixture
def demo_location(archive_kind, request) -> str:
    """Where ``demo`` is: a copy of the demo file, or of the demo server database."""
    return str(request.getfixturevalue("demo_server_url" if archive_kind == "server" else "demo_path"))


@pytest.fixture
def demo(demo_location):
    """The demo archive, open: a copy of the file, or of the server database."""
    archive = open_archive(demo_location)
    yield archive
    archive.close()


def pdf_text(path: Path) -> str:
    """All text of a PDF, read back with pypdf, whitespace folded to single spaces."""
    from pypdf import PdfReader
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages]


def render_page(path: Path, index: int, out: Path, scale: float = 1.0) -> Path:
    """Render page ``index`` of a PDF to PNG with PDFium; return the PNG path."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(str(path))
    try:
        image = document[index].render(scale=scale).to_pil()
    finally:
        document.close()
    image.save(out)
    return out


@pytest.fixture(autouse=True)
def no_hidden_message_boxes(monkeypatch):
    """A message box nobody answers would hang an offscreen test: make it fail instead.
    Tests that expect one replace this with their own recorder."""
    from PySide6.QtWidgets import QMessageBox

    def unexpected(parent, title, text, *args, **kwargs):
        raise AssertionError(f"unexpected message box: {text}")
    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


# -- two offices that exchange packages (sync tests) -----------------------------------

@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("offices")
    made = {}
    for name in ("HQ", "Africa"):
        made[name] = folder / f"{name}.piel"
        create_archive(made[name], demo=True, office=name).close()
    return made


@pytest.fixture(scope="session")
def server_templates(pg_server) -> dict[str, str]:
    """Databases holding the two offices' demo archives, made once per session."""
    made = {}
    for name in ("HQ", "Africa"):
        made[name] = f"office_{name.lower()}_template"
        pg_server.sql(f"CREATE DATABASE {made[name]}")
        create_archive(pg_server.url(made[name]), demo=True, office=name).close()
    return made


@pytest.fixture
def hq_africa(archive_kind, templates, tmp_path, request):
    """Two offices' demo archives, open: copies of two files or, in a module marked
    ``both_backends``, of two databases on the test server."""
    where = []
    if archive_kind == "server":
        pg_server, made = request.getfixturevalue("pg_server"), request.getfixturevalue("server_templates")
        for name in ("HQ", "Africa"):
            database = f"{name.lower()}_{os.urandom(5).hex()}"
            pg_server.sql(f'CREATE DATABASE "{database}" TEMPLATE {made[name]}')
            request.addfinalizer(lambda d=database: pg_server.sql(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)'))
            where.append(pg_server.url(database))
    else:
        for name in ("HQ", "Africa"):
            shutil.copy(templates[name], tmp_path / f"{name}.piel")
            where.append(tmp_path / f"{name}.piel")
    opened = [open_archive(w) for w in where]
    yield opened
    for archive in opened:
        archive.close()


@pytest.fixture
def package_and_target(hq_africa, tmp_path):
    """HQ and Africa know each other; a package from HQ carries one edit for Africa."""
    import uuid
    from piel_desktop.services import records, sync
    from sync_helpers import introduce, live_outcomes
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    package = sync.export_package(hq, tmp_path / "good.pielpkg", to="Africa").path
    return package, africa


def open_window(qtbot, path: Path):
    """A main window, shown offscreen, with the archive at ``path`` open."""
    from piel_desktop.settings import Settings
    from piel_desktop.ui.main_window import MainWindow
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    assert window.open_archive(path)
    return window


@pytest.fixture
def window(qtbot, demo_path):
    """The main window on a copy of the demo archive; its work and archive closed after
    the test. Modules that need another window define their own."""
    win = open_window(qtbot, demo_path)
    yield win
    win.runner.wait()
    win.close_archive()


def answer_questions(monkeypatch, *answers) -> list[str]:
    """Answer the window's yes/no questions with ``answers`` in turn; returns the list
    the questions asked are added to."""
    from PySide6.QtWidgets import QMessageBox
    asked, replies = [], iter(answers)

    def question(parent, title, text, *args):
        asked.append(text)
        return next(replies)
    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def damage_table(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` in the SQLite file at ``path``."""
    import sqlite3
    with sqlite3.connect(path) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * page_size)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the session, started in a temporary folder
    (tests/pg_server.py) and removed afterwards."""
    import pg_server as server_module
    server = server_module.start()
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server, request) -> str:
    """The name of a new, empty database on ``pg_server``, dropped after the test."""
    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:40] + "_" + os.urandom(3).hex()
    pg_server.sql(f'CREATE DATABASE "{name}"')
    yield name
    pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
