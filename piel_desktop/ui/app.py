"""Starting the window: QApplication, languages (ours and Qt's), icon, first run."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QColor, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from piel_desktop import APP_ID, APP_NAME, __version__, paths
from piel_desktop.domain.model import RIGHT_TO_LEFT
from piel_desktop.i18n import resolve_language, set_ui_language, system_language_candidates
from piel_desktop.services.archive import archive_location
from piel_desktop.settings import Settings
from piel_desktop.ui.dialogs import (
    Start, ask_archive_path, ask_first_run, ask_missing_archive, show_error,
)
from piel_desktop.ui.main_window import MainWindow


def app_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / "piel-desktop.svg"))


def install_qt_translations(app: QApplication, lang: str) -> QTranslator | None:
    """Load Qt's own ``qtbase`` catalog for ``lang`` so standard buttons follow it."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(lang), "qtbase", "_", folder):
        app.installTranslator(translator)
        return translator
    return None


def _report_uncaught(exc_type, exc, traceback) -> None:
    """Last resort for errors escaping Qt slots: log them, tell the user in one sentence."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, traceback)
        return
    logging.getLogger(__name__).error("uncaught error", exc_info=(exc_type, exc, traceback))
    show_error(QApplication.activeWindow(), exc)


def register_bundled_fonts() -> int:
    """Make the brief fonts (Arabic, Chinese) available to Qt's font fallback, so the
    window shows every script even where the system has no font for it. Returns the
    number of font files Qt accepted."""
    folder = paths.resources_dir() / "fonts"
    return sum(QFontDatabase.addApplicationFont(str(folder / name)) >= 0
               for name in ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "WenQuanYiMicroHei.ttc"))


def prepare_application(ui_lang: str | None, settings: Settings) -> QApplication:
    """The QApplication, with the interface language set (ours and Qt's)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    register_bundled_fonts()
    lang = resolve_language(ui_lang, settings.get("language"),
                            candidates=[*system_language_candidates(), *QLocale.system().uiLanguages()])
    set_ui_language(lang)
    install_qt_translations(app, lang)
    app.setLayoutDirection(Qt.RightToLeft if lang in RIGHT_TO_LEFT else Qt.LeftToRight)
    # Selected rows in an unfocused list are greyed, so the list with the keyboard
    # focus stands out.
    palette = app.palette()
    palette.setColor(QPalette.Inactive, QPalette.Highlight, QColor("#d5dde8"))
    palette.setColor(QPalette.Inactive, QPalette.HighlightedText, QColor("#1f2933"))
    app.setPalette(palette)
    sys.excepthook = _report_uncaught
    return app


def start_window(window: MainWindow, path: Path, *, remembered: bool = False) -> bool:
    """Open ``path`` in ``window``, asking what to do if there is no archive there.

    ``remembered`` says the path is the archive opened last rather than one named by
    the user or the default: if it is gone (a drive not connected), nothing is created
    in its place. Otherwise the welcome dialog offers the demo (created at ``path``, or
    beside the default archive if ``path`` is the default), an empty archive at
    ``path`` or another archive; the archive opened is remembered for the next start.
    Returns False if the user chose to quit.
    """
    if not isinstance(path, Path) or path.exists() or paths.is_connection_address(path):
        # an HQ archive's address opens (or says why not), as does a URL
        window.open_archive(path)
        return True
    choice = ask_missing_archive(window, path) if remembered else ask_first_run(window, path)
    if choice is Start.DEMO:
        # The demo never takes the place of the office's own (default) archive.
        demo = paths.demo_archive_path() if path == paths.default_archive_path() else path
        if demo.exists():
            window.open_archive(demo)
        else:
            window.create_archive(demo, demo=True)
    elif choice is Start.EMPTY:
        window.create_archive(path, demo=False)
    elif choice is Start.OPEN:
        chosen = ask_archive_path(window, save=False, folder=path.parent)
        if chosen is not None:
            window.open_archive(chosen)
    elif choice is Start.DEFAULT:
        return start_window(window, paths.default_archive_path())
    return choice is not Start.QUIT


def _remembered(last: str):
    """The archive opened last, from the settings: a file's Path or an HQ archive's
    address (stored without a password)."""
    try:
        return archive_location(last)
    except Exception:  # an address no longer readable: say so when opening it
        return Path(last)


def run(*, archive=None, settings: Settings, ui_lang: str | None = None,
        package: Path | None = None) -> int:
    """Show the main window on ``archive`` (a Path or an HQ archive's address; else the
    last one, else the default); with
    ``package``, then check and preview that package for import (as a drop would)."""
    app = prepare_application(ui_lang, settings)
    window = MainWindow(settings)
    last = settings.get("last_archive")
    window.show()
    if archive is not None:
        started = start_window(window, archive)
    elif last:
        started = start_window(window, _remembered(last), remembered=True)
    else:
        started = start_window(window, paths.default_archive_path())
    if not started:
        window.close()
        return 0
    if package is not None:
        QTimer.singleShot(0, lambda: window.sync.import_file(package))
    return app.exec()
