"""Automatic backup copies of an archive: before each import and on a schedule.

Copies are made with SQLite's online backup API (consistent while the archive is open)
into a folder per archive under the user data folder, named by time and reason, and
rotated so that the newest :data:`KEEP` remain. Restoring copies one back over the
archive after a safety copy of the current state, with the archive closed, and gives
the archive a new office identity (see storage.sqlite.file.take_new_identity).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from piel_desktop.domain.errors import ArchiveNotFound, FolderNotWritable
from piel_desktop.paths import ARCHIVE_SUFFIX, user_data_dir
from piel_desktop.storage import Archive
from piel_desktop.storage.sqlite.file import backup_copy, check_archive_file, take_new_identity

KEEP = 20
#: How old the newest copy may grow before the window makes a scheduled one.
EVERY = dt.timedelta(days=1)
REASONS = ("import", "scheduled", "restore", "undo")
_NAME = re.compile(r"^(\d{8}T\d{6}\d{6})Z-([a-z]+)" + re.escape(ARCHIVE_SUFFIX) + "$")


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: dt.datetime  # aware UTC
    reason: str  # one of REASONS
    size: int  # bytes


def backup_folder(archive: Archive | Path) -> Path:
    """The folder holding the copies of one archive (by its resolved path). An HQ
    archive has no copies here, but receipts that found no other place come here too
    (by its address, which never shows a password)."""
    where = getattr(archive, "path", archive)
    if where is None:
        name, place = "server", archive.shown
    else:
        path = Path(where).resolve()
        name, place = path.stem, str(path)
    tag = hashlib.sha256(place.encode()).hexdigest()[:8]
    return user_data_dir() / "backups" / f"{name}-{tag}"


def make_backup(archive: Archive | Path, reason: str, *, rotate: bool = True) -> Path | None:
    """Copy the archive now; return the copy's path. With ``rotate``, only the newest
    KEEP copies remain (an import rotates after it succeeded, so a refused package
    never pushes out a good copy). Raises FolderNotWritable if the backups folder
    cannot be written, ArchiveUnreadable if the copy fails.

    An HQ archive is not copied (None): its server's backups (pg_dump, archiving of
    the write-ahead log) are its administrators', and an import is one transaction."""
    if isinstance(archive, Archive) and archive.path is None:
        return None
    folder = backup_folder(archive)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FolderNotWritable(path=str(folder), reason=e.strerror or str(e)) from e
    if not os.access(folder, os.W_OK):
        raise FolderNotWritable(path=str(folder), reason=os.strerror(errno.EACCES))
    now = dt.datetime.now(dt.UTC)
    target = folder / f"{now:%Y%m%dT%H%M%S%f}Z-{reason}{ARCHIVE_SUFFIX}"
    backup_copy(Path(getattr(archive, "path", archive)), target)
    if rotate:
        rotate_backups(archive)
    return target


def rotate_backups(archive: Archive | Path) -> None:
    """Remove all but the newest KEEP copies."""
    for old in list_backups(archive)[KEEP:]:
        old.path.unlink(missing_ok=True)


def list_backups(archive: Archive | Path) -> list[Backup]:
    """The copies of an archive, newest first."""
    folder = backup_folder(archive)
    found = []
    for path in folder.glob(f"*{ARCHIVE_SUFFIX}") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match:
            made = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.UTC)
            found.append(Backup(path, made, match[2], path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def scheduled_backup(archive: Archive, now: dt.datetime | None = None) -> Path | None:
    """Make a copy if the newest is older than :data:`EVERY`; return it, or None (also
    for an HQ archive, see make_backup)."""
    if archive.path is None:
        return None
    newest = next(iter(list_backups(archive)), None)
    now = now or dt.datetime.now(dt.UTC)
    if newest is None or now - newest.made_at >= EVERY:
        return make_backup(archive, "scheduled")
    return None


def restore_backup(archive_path: Path, backup: Path, reason: str = "restore") -> Path:
    """Put a copy back as the archive; the archive must be closed. Returns the safety
    copy made of the current state first, so a restore can itself be undone.

    Raises ArchiveNotFound, NotAnArchive or ArchiveDamaged for a bad copy (nothing is
    changed then), ArchiveUnreadable if the archive cannot be written.
    """
    if not Path(backup).is_file():
        raise ArchiveNotFound(path=str(backup))
    check_archive_file(Path(backup))
    safety = make_backup(Path(archive_path), reason)
    backup_copy(Path(backup), Path(archive_path))
    take_new_identity(Path(archive_path))
    return safety
