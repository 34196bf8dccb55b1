"""Safety checks when the window opens an archive: who else has it open, whether it
lies in a shared or cloud-synced folder, whether SQLite finds it sound, and the offer
to restore a backup copy when it is damaged.

Functions of the main window (passed as ``window``: ``archive``, ``settings``,
``runner``, ``open_archive(path)``, ``close_archive()``, ``adopt(archive, lock,
listing)``), kept apart so the window stays small. An HQ archive on a server gets
none of these: its locks, backups and checks are its server's.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from piel_desktop import APP_NAME
from piel_desktop.domain.errors import ArchiveDamaged, ArchiveInUse, ArchiveIsUrl, PielError
from piel_desktop.i18n import _, format_datetime, ui_language
from piel_desktop.messages import describe
from piel_desktop.paths import is_connection_address, without_password
from piel_desktop.services import backups, records
from piel_desktop.services.archive import ArchiveLock, health_problems, lock_archive, sharing_risk
from piel_desktop.ui.dialogs import show_error

log = logging.getLogger(__name__)

#: The answer to "open it anyway?" when another program has the archive: refused.
REFUSED = object()


def use_archive(window, location, opener) -> bool:
    """Switch ``window`` to the archive at ``location`` (a file's Path, or an HQ
    archive's address) that ``opener()`` opens or creates, once it is locked for this
    window (a file) and its meetings have been read; ``opener()`` returning None (a
    login cancelled) changes nothing.

    On failure say why (offering a backup copy if the file is damaged) and keep the
    archive that was open; only an archive that opened is remembered.
    """
    on_file = isinstance(location, Path)
    if on_file and is_connection_address(location):  # no lock file, no folders named after a URL
        show_error(window, ArchiveIsUrl(location=without_password(str(location))))
        return False
    lock = take_lock(window, location) if on_file else None
    if lock is REFUSED:
        return False

    def release() -> None:
        if lock is not None and (window.archive is None or window.archive.path != location):
            lock.release()
    archive = None
    try:
        archive = opener()
        if archive is None:
            release()
            return False
        listing = records.meeting_list(archive)
    except Exception as error:
        if archive is not None:
            archive.close()
        release()
        if isinstance(error, ArchiveDamaged) and on_file:
            return offer_restore(window, location, error.params.get("detail", ""))
        show_error(window, error)
        return False
    window.adopt(archive, lock, listing)
    if archive.path is None:
        return True
    try:
        backups.scheduled_backup(archive)
    except Exception:  # a copy that cannot be made must not keep the archive closed
        log.exception("scheduled backup of %s failed", archive.path)
    warn_if_shared(window, archive.path)
    check_health_later(window)
    return True


def take_lock(window, path: Path) -> ArchiveLock | None | object:
    """Lock the archive at ``path`` for this window. If another program holds it, say
    who and ask whether to open it anyway; returns the lock, None when no lock can be
    taken (a read-only folder), or REFUSED when the person chose not to open it."""
    try:
        return lock_archive(path)
    except ArchiveInUse as error:
        box = QMessageBox(QMessageBox.Warning, APP_NAME, describe(error), parent=window)
        box.setInformativeText(_(
            "Two programs changing one archive at the same time get in each other's way. "
            "Open it anyway only if that program is no longer running."))
        anyway = box.addButton(_("Open anyway"), QMessageBox.DestructiveRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Cancel)
        box.exec()
        if box.clickedButton() is not anyway:
            return REFUSED
        return lock_archive(path, force=True)


def warn_if_shared(window, path: Path) -> None:
    """Once per archive path: explain why an archive on a network share or in a
    cloud-synced folder is at risk, and that packages are the way to share."""
    risk = sharing_risk(path)
    warned = list(window.settings.get("sharing_warned") or [])
    if risk is None or str(path) in warned:
        return
    where = _("on a network share") if risk == "network" else \
        _("in a folder that {service} copies between computers").format(service=risk)
    QMessageBox.warning(window, APP_NAME, _(
        "The archive {path} is {where}. If two computers change it through that folder, "
        "one can overwrite the other's work or damage the file.\n\nKeep the archive on this "
        "computer and share changes with packages: File → Export package… and Import "
        "package….").format(path=path, where=where))
    window.settings.set("sharing_warned", (warned + [str(path)])[-50:])
    window.settings.save()


def check_health_later(window) -> None:
    """Run SQLite's quick check of the open archive on the worker thread; if it finds
    damage, say so and offer the newest backup copy."""
    archive = window.archive
    if archive is None:
        return

    def found(problems: tuple[str, ...]) -> None:
        if problems and window.archive is archive:
            offer_restore(window, archive.path, "; ".join(problems[:3]))

    window.runner.start(lambda progress: health_problems(archive), on_success=found,
                        on_failure=lambda e: log.warning("quick check of %s failed: %s", archive.path, e))


def offer_restore(window, path: Path, detail: str) -> bool:
    """Say the archive at ``path`` is damaged (``detail``: what SQLite found) and offer
    to put back its newest backup copy; True if it was restored and opened."""
    copies = [b for b in _backups(path)]
    text = _("The archive {path} is damaged: {detail}.").format(path=path, detail=detail)
    if not copies:
        QMessageBox.warning(window, APP_NAME, text + "\n\n" + _(
            "There is no backup copy of it. Keep the file as it is and ask for help, or "
            "import the latest package from another office into a new archive."))
        return False
    newest = copies[0]
    answer = QMessageBox.question(
        window, APP_NAME, text + "\n\n" + _(
            "Restore the backup copy made {date}? A copy of the damaged file is kept with the backups.").format(
            date=format_datetime(newest.made_at, ui_language())),
        QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
    if answer != QMessageBox.Yes:
        return False
    if window.archive is not None and window.archive.path == path:
        window.close_archive()
    try:
        backups.restore_backup(path, newest.path, "restore")
    except PielError as error:
        show_error(window, error)
        return False
    return window.open_archive(path)


def _backups(path: Path) -> list[backups.Backup]:
    try:
        return backups.list_backups(path)
    except (OSError, PielError):
        return []
