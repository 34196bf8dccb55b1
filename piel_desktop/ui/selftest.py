"""``piel-desktop --self-test``: prove that this installation works, without a display.

Meant for frozen bundles, where data files, Qt plugins and non-ASCII paths usually
break, and run by ``build_installer.py`` and ``tests/test_installer.py``. Everything
happens in a temporary folder whose path has non-ASCII characters
(``…/Réunions 2026/记录``), with its own settings and backups (``PIEL_USER_DIR``), and is
removed afterwards; the user's archives, settings and backups are not touched. Prints one line per check, ``ok`` or
``FAIL`` with the reason, and returns 0 only if every check passed.
"""

from __future__ import annotations

import gettext
import os
import shutil
import tempfile
import traceback
import unicodedata
from collections.abc import Callable
from pathlib import Path

from piel_desktop import paths
from piel_desktop.domain.model import LANGUAGES
from piel_desktop.i18n import SOURCE_LANGUAGE, catalogs_dir, translation

#: The folder the checks work in, under the system's temporary folder.
FOLDER = Path("Réunions 2026") / "记录"
#: A message every catalog translates, and the word Qt's own catalog translates.
KNOWN_MESSAGE = "&File"
KNOWN_QT = ("QPlatformTheme", "Cancel")


class CheckFailed(Exception):
    """A check found something wrong; the message says what."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


class SelfTest:
    """The checks, in order; each returns a short detail for its ``ok`` line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.demo = root / "démo.piel"
        self.numbers: list[int] = []

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        briefs = [(f"brief in {lang}", lambda lang=lang: self.brief(lang)) for lang in LANGUAGES]
        catalogs = [(f"catalog {lang}", lambda lang=lang: self.catalog(lang)) for lang in LANGUAGES]
        return [("demo archive in a non-ASCII folder", self.demo_archive), *catalogs,
                ("fonts and icon", self.fonts_and_icon), ("window", self.window), *briefs,
                ("search", self.search), ("package export and import", self.package)]

    def demo_archive(self) -> str:
        from piel_desktop.services.archive import check_archive, create_archive
        from piel_desktop.services.records import meeting_list
        with create_archive(self.demo, demo=True) as archive:
            report = check_archive(archive)
            self.numbers = [m.number for m in meeting_list(archive).meetings]
        _require(report.ok, f"integrity check failed: {'; '.join(report.problems)}")
        _require(len(self.numbers) >= 6, f"{len(self.numbers)} meetings, expected 6")
        return f"{self.demo} (schema {report.schema_version}, {len(self.numbers)} meetings)"

    def catalog(self, lang: str) -> str:
        from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
        catalog = translation(lang)
        _require(isinstance(catalog, gettext.GNUTranslations),
                 f"no catalog in {catalogs_dir() / lang}")
        text = catalog.gettext(KNOWN_MESSAGE)
        qt = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        _require(qt.load(QLocale(lang), "qtbase", "_", folder), f"Qt's qtbase catalog missing in {folder}")
        qt_text = qt.translate(*KNOWN_QT)
        if lang != SOURCE_LANGUAGE:
            _require(text != KNOWN_MESSAGE, f"{KNOWN_MESSAGE!r} is not translated")
            _require(bool(qt_text) and qt_text != KNOWN_QT[1], f"Qt's {KNOWN_QT[1]!r} is not translated")
        return f"{text!r}, Qt {qt_text or KNOWN_QT[1]!r}"

    def fonts_and_icon(self) -> str:
        from PySide6.QtGui import QFontDatabase
        from piel_desktop.ui.app import app_icon, register_bundled_fonts
        _require(register_bundled_fonts() == 3, "the bundled Arabic and Chinese fonts did not load")
        families = set(QFontDatabase.families())
        for family in ("Amiri", "WenQuanYi Micro Hei"):
            _require(family in families, f"font {family} not available to Qt")
        _require(not app_icon().pixmap(64, 64).isNull(), "the application icon does not render (SVG plugin)")
        return "Amiri, WenQuanYi Micro Hei, icon"

    def window(self) -> str:
        from PySide6.QtWidgets import QApplication
        from piel_desktop.settings import Settings
        from piel_desktop.ui.main_window import MainWindow
        # Without the archive the window would say so in a message box, and wait for
        # an answer nobody gives (the self-test runs unattended).
        _require(self.demo.is_file(), "no demo archive to open (see its own check)")
        window = MainWindow(Settings(self.root / "settings.json"))
        try:
            window.show()
            _require(window.open_archive(self.demo), "the window could not open the demo archive")
            QApplication.processEvents()
            _require(window.meeting_model.rowCount() == len(self.numbers), "meetings not listed")
            _require(not window.grab().isNull(), "the window could not be drawn")
            return f"{window.meeting_model.rowCount()} meetings shown"
        finally:
            window.close()
            window.deleteLater()

    def brief(self, lang: str) -> str:
        import pypdf
        from piel_desktop.reports.brief import Phrases, make_brief
        from piel_desktop.services.archive import open_archive
        out = self.root / f"brief-{lang}.pdf"
        with open_archive(self.demo) as archive:
            result = make_brief(archive, lang=lang, out=out)
        text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
        flat = "".join(unicodedata.normalize("NFKC", text).split())
        title = Phrases(lang).title(list(result.meetings))
        missing = [word for word in title.split() if unicodedata.normalize("NFKC", word) not in flat]
        _require(not missing, f"the title {title!r} is not in the PDF (missing {missing})")
        return f"{result.pages} pages, {title!r}"

    def search(self) -> str:
        from piel_desktop.services import search
        from piel_desktop.services.archive import open_archive
        with open_archive(self.demo) as archive:
            found = search.count(archive, "protección")
        _require(found > 0, "nothing found for 'protección'")
        return f"{found} texts found for 'protección'"

    def package(self) -> str:
        from piel_desktop.services.archive import create_archive, fingerprint, open_archive
        from piel_desktop.services.sync import export_package, import_package
        from piel_desktop.services import registries
        package = self.root / "paquete.pielpkg"
        attachment = self.root / "informe-niñez.txt"
        attachment.write_text("Protección de la infancia en línea — 儿童在线保护\n", encoding="utf-8")
        with open_archive(self.demo) as archive:
            registries.create(archive, "document", {
                "symbol": "C18/35-S", "title": "Informe del GTC-PIeL", "file": attachment})
            export_package(archive, package, full=True)
            expected = fingerprint(archive)
        with create_archive(self.root / "copia.piel", office="Oficina") as copy:
            import_package(copy, package, receipt_dir=self.root)
            got = fingerprint(copy)
        _require(got == expected, f"the imported copy differs ({got[:12]} ≠ {expected[:12]})")
        return f"fingerprints equal ({got[:12]}), with a document and its file"


def _quiet_offscreen(_kind, _context, message: str) -> None:
    """Qt's own messages would mix with the check lines; the offscreen platform's
    remarks about window features it lacks are expected and dropped."""
    if "does not support" not in message:
        print(f"Qt: {message}", flush=True)


def run_self_test(keep: bool = False) -> int:
    """Run every check, printing one line each; returns the exit status (0: all passed).

    The working folder is removed at the end unless ``keep``.
    """
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication
    qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication(["piel-desktop"])
    base = Path(tempfile.mkdtemp(prefix="piel-self-test-"))
    root = base / FOLDER
    root.mkdir(parents=True)
    failures = 0
    user_dir = os.environ.get(paths.USER_DIR_ENV)
    os.environ[paths.USER_DIR_ENV] = str(base / "user")  # backups, settings: here, not the user's
    try:
        for name, check in SelfTest(root).checks():
            try:
                print(f"ok    {name}: {check()}", flush=True)
            except Exception as error:  # every failure is reported, the other checks go on
                failures += 1
                reason = str(error) if isinstance(error, CheckFailed) else \
                    "".join(traceback.format_exception_only(error)).strip()
                print(f"FAIL  {name}: {reason}", flush=True)
    finally:
        if user_dir is None:
            os.environ.pop(paths.USER_DIR_ENV, None)
        else:
            os.environ[paths.USER_DIR_ENV] = user_dir
        app.processEvents()  # let the window's deferred deletion run before the files go
        if keep:
            print(f"Files kept in {root}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"self-test: {'passed' if not failures else f'{failures} checks failed'}", flush=True)
    return 0 if not failures else 1
