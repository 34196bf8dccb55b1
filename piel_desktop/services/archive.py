"""Archive-level use cases: create, open, check, fingerprint."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from piel_desktop.domain.model import check_office_name
from piel_desktop.storage import Archive, create_archive as _create, open_archive
from piel_desktop.storage import queries
from piel_desktop.storage.accounts import ROLE_NAMES, add_account
from piel_desktop.storage.archive import ServerAddress, archive_location
from piel_desktop.storage.sqlite.file import on_network_filesystem
from piel_desktop.storage.sqlite.locking import ArchiveLock, acquire as lock_archive

log = logging.getLogger(__name__)

__all__ = ["ROLE_NAMES", "Archive", "ArchiveLock", "CheckReport", "add_account", "archive_location",
           "check_archive", "create_archive", "fingerprint",
           "health_problems", "lock_archive", "open_archive", "sharing_risk"]


def create_archive(location: Path | str | ServerAddress, *, demo: bool = False, office: str = "") -> Archive:
    """Create an archive at ``location`` (a file, or an empty PostgreSQL database) for
    the working group: with the seed report's content when ``demo``, else with the
    group itself and no meetings yet.

    ``office`` names the office keeping it (default: the file's name without suffix,
    or the database's name). Refuses to overwrite (ArchiveExists) and raises
    InvalidValue for a bad office name. If filling it fails the new archive is
    removed again, so a failed ``init`` leaves nothing behind.
    """
    from piel_desktop.services.demo import load_demo
    where = archive_location(location)
    default = where.stem if isinstance(where, Path) else where.database
    office = check_office_name(office or default)
    archive = _create(where, office=office)
    try:
        load_demo(archive, body_only=not demo)
    except BaseException:
        try:
            archive.discard()
        except Exception:  # the failure that matters is the first one
            log.exception("removing the half-made archive %s failed", archive.shown)
        raise
    return archive


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_archive`. ``counts`` maps table names to row counts;
    ``location`` is where the archive is, as shown (Archive.shown)."""

    location: str
    schema_version: int
    problems: tuple[str, ...]
    counts: dict[str, int]
    fingerprint: str

    @property
    def ok(self) -> bool:
        return not self.problems


def check_archive(archive: Archive) -> CheckReport:
    """Run SQLite's integrity and foreign-key checks (on a server, PostgreSQL keeps its
    own: queries.integrity_problems); if they pass, count the records.

    A damaged file gives a report listing the problems (``counts`` empty,
    ``fingerprint`` ""), not an error.
    """
    with archive.unit_of_work() as uow:
        problems = tuple(queries.integrity_problems(uow.session))
        sound = not problems
        return CheckReport(location=archive.shown, schema_version=archive.schema_version,
                           problems=problems,
                           counts=queries.counts(uow.session) if sound else {},
                           fingerprint=queries.content_fingerprint(uow.session) if sound else "")


def fingerprint(archive: Archive) -> str:
    """Content fingerprint of the archive (64 hex digits); see queries.content_fingerprint."""
    with archive.unit_of_work() as uow:
        return queries.content_fingerprint(uow.session)


#: Folder names of programs that copy a folder between computers on their own. An
#: archive inside one can be overwritten by another computer's copy mid-write.
CLOUD_FOLDERS = ("OneDrive", "Dropbox", "Google Drive", "GoogleDrive", "My Drive",
                 "iCloud Drive", "iCloudDrive", "Mobile Documents", "Nextcloud", "ownCloud",
                 "Box Sync", "pCloud Drive", "MEGA")


def sharing_risk(path: Path | str) -> str | None:
    """Why keeping an archive at ``path`` is risky, or None: "network" for a network
    share, else the name of the cloud-synced folder it lies in ("OneDrive", "Dropbox",
    ...; "OneDrive - Company" counts as OneDrive). Packages are the safe way to share.
    """
    path = Path(path).expanduser()
    folder = path.parent if path.suffix else path
    if on_network_filesystem(folder if folder.exists() else folder.parent):
        return "network"
    for part in Path(os.path.abspath(folder)).parts:
        for name in CLOUD_FOLDERS:
            if part == name or part.startswith(f"{name} - ") or part.startswith(f"{name}-"):
                return name
    return None


def health_problems(archive: Archive, *, most: int = 20) -> tuple[str, ...]:
    """SQLite's quick check of the open archive (seconds on a large file, less than a
    full check); empty when the file is sound, else at most ``most`` problems."""
    with archive.unit_of_work() as uow:
        return tuple(queries.quick_problems(uow.session, most))
