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
    folder = Path(window.settings.get("brief_folder") or Path.home())
    # Translators: file name suggested for a brief; keep {lang} and {meetings}.
    suggested = folder / _("brief-{lang}-{meetings}.pdf").format(
        lang=f"{lang}-{parallel}" if parallel else lang, meetings=span)
    name, _filter = QFileDialog.getSaveFileName(window, _("Save brief"), str(suggested),
                                                _("PDF documents (*.pdf)"))
    if name:
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".pdf")
        window.settings.set("brief_language", lang)
        window.settings.set("brief_folder", str(path.parent))
        window.settings.save()
        write_brief(window, numbers, lang, path, parallel)


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
