"""File → Print brief…: the dialog, the file name, and the brief made on the worker thread.

Functions of the main window (passed as ``window``), kept apart so the window stays small.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from piel_desktop.i18n import _, ngettext
from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.reports.brief import make_brief
from piel_desktop.ui.dialogs import BriefDialog, show_error


def print_brief(window) -> None:
    """Ask for meetings, languages and file in ``window`` (the main window); then make
    the brief."""
    if window.archive is None or not window.meetings:
        return
    dialog = BriefDialog(window.meetings, BRIEF_LANGUAGES, reported_with=window.reported_with,
                         language=window.settings.get("brief_language"), parent=window)
    if dialog.exec() != BriefDialog.Accepted:
        return
    numbers, lang, parallel = dialog.meeting_numbers(), dialog.brief_language(), dialog.parallel_language()
    span = f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else f"{numbers[0]}"
    # Translators: file name suggested for a brief; keep {lang} and {meetings}.
    path = ask_pdf_path(window, window.settings, _("brief-{lang}-{meetings}.pdf").format(
        lang=f"{lang}-{parallel}" if parallel else lang, meetings=span))
    if path is not None:
        window.settings.set("brief_language", lang)
        window.settings.save()
        write_brief(window, numbers, lang, path, parallel)


def ask_pdf_path(parent, settings, file_name: str) -> Path | None:
    """Ask where to save a PDF, offering ``file_name`` in the folder briefs were last
    saved to (remembered in ``settings``); None if the person cancelled."""
    folder = Path(settings.get("brief_folder") or Path.home())
    name, _filter = QFileDialog.getSaveFileName(parent, _("Save brief"), str(folder / file_name),
                                                _("PDF documents (*.pdf)"))
    if not name:
        return None
    path = Path(name) if Path(name).suffix else Path(name).with_suffix(".pdf")
    settings.set("brief_folder", str(path.parent))
    settings.save()
    return path


def write_brief(window, numbers: list[int], lang: str, path: Path, parallel: str | None = None) -> None:
    """Make the brief on the window's worker thread; report the result in the status bar."""
    archive = window.archive

    def job(progress):
        return make_brief(archive, lang=lang, out=path, meetings=numbers, parallel=parallel,
                          progress=progress)

    def done(result) -> None:
        window.statusBar().showMessage(
            ngettext("Brief saved to {path} ({pages} page).", "Brief saved to {path} ({pages} pages).",
                     result.pages).format(path=result.path, pages=result.pages), 15000)

    window.runner.run_with_dialog(window, _("Making the brief…"), job,
                                on_success=done, on_failure=lambda e: show_error(window, e))
