"""Starting the window: QApplication, languages (ours and Qt's), icon, first run."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QFileDialog

from piel_desktop import APP_ID, APP_NAME, __version__, paths
from piel_desktop.domain.model import RIGHT_TO_LEFT
from piel_desktop.i18n import _, resolve_language, set_ui_language, system_language_candidates
from piel_desktop.settings import Settings
from piel_desktop.ui.dialogs import FirstRun, ask_first_run, show_error
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


def prepare_application(ui_lang: str | None, settings: Settings) -> QApplication:
    """The QApplication, with the interface language set (ours and Qt's)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    lang = resolve_language(ui_lang, settings.get("language"),
                            candidates=[*system_language_candidates(), *QLocale.system().uiLanguages()])
    set_ui_language(lang)
    install_qt_translations(app, lang)
    app.setLayoutDirection(Qt.RightToLeft if lang in RIGHT_TO_LEFT else Qt.LeftToRight)
    sys.excepthook = _report_uncaught
    return app


def start_window(window: MainWindow, path: Path) -> bool:
    """Open ``path`` in ``window``; if there is no archive there, ask what to do.

    Returns False if the user chose to quit.
    """
    if path.exists():
        window.open_archive(path)
        return True
    choice = ask_first_run(window, path)
    if choice is FirstRun.DEMO:
        window.create_archive(path, demo=True)
    elif choice is FirstRun.EMPTY:
        window.create_archive(path, demo=False)
    elif choice is FirstRun.OPEN:
        name, _filter = QFileDialog.getOpenFileName(window, _("Open archive"), str(path.parent))
        if name:
            window.open_archive(Path(name))
    else:
        return False
    return True


def run(*, archive: Path | None, settings: Settings, ui_lang: str | None = None) -> int:
    """Show the main window on ``archive`` (else the last one, else the default)."""
    app = prepare_application(ui_lang, settings)
    window = MainWindow(settings)
    last = settings.get("last_archive")
    path = archive or (Path(last) if last else paths.default_archive_path())
    window.show()
    if not start_window(window, path):
        window.close()
        return 0
    return app.exec()
