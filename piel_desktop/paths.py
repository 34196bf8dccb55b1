"""Where things live: bundled data (fonts, demo data, catalogs) and per-user files.

Bundled data sits beside the package in a source checkout (``resources/``, ``i18n/``),
inside it in an installed wheel (``piel_desktop/resources``), and under
``sys._MEIPASS`` in a PyInstaller bundle. Per-user locations come from platformdirs and
follow ``XDG_*`` variables on Linux, which the tests use to stay out of the real home.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import platformdirs

from piel_desktop import APP_ID
from piel_desktop.domain.errors import ArchiveIsUrl

ARCHIVE_SUFFIX = ".piel"
ARCHIVE_ENV = "PIEL_ARCHIVE"
#: When set, every per-user folder is under this one (``data``, ``config``, ``log``)
#: instead of the platform's: the self-test uses it to leave the user's folders alone.
USER_DIR_ENV = "PIEL_USER_DIR"
#: The log file's name in log_dir().
LOG_NAME = "piel-desktop.log"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_root(name: str) -> Path:
    """The folder holding bundled data ``name`` ("resources" or "i18n").

    Raises FileNotFoundError naming the places searched if none exists.
    """
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / name)
    candidates += [_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found in {candidates}")


def resources_dir() -> Path:
    return _data_root("resources")


def catalogs_dir() -> Path:
    return _data_root("i18n")


def _user_root(name: str) -> Path | None:
    value = os.environ.get(USER_DIR_ENV, "").strip()
    return Path(value) / name if value else None


def user_data_dir() -> Path:
    return _user_root("data") or platformdirs.user_data_path(APP_ID, appauthor=False)


def config_dir() -> Path:
    return _user_root("config") or platformdirs.user_config_path(APP_ID, appauthor=False)


def log_dir() -> Path:
    return _user_root("log") or platformdirs.user_log_path(APP_ID, appauthor=False)


def default_archive_path() -> Path:
    """The archive used when neither ``--archive`` nor ``PIEL_ARCHIVE`` names one."""
    return user_data_dir() / f"archive{ARCHIVE_SUFFIX}"


def demo_archive_path() -> Path:
    """Where ``scripts/dev.sh demo`` keeps the demo archive."""
    return user_data_dir() / f"demo{ARCHIVE_SUFFIX}"


#: ``scheme://``, also as pathlib folds it (``scheme:/``); a scheme has two letters or
#: more, so a Windows drive (``C:/``) is a path.
_CONNECTION_ADDRESS = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]+:/")


def is_connection_address(location: str | os.PathLike) -> bool:
    """Whether ``location`` is a URL such as ``postgresql://user@host/db``, not a file."""
    return bool(_CONNECTION_ADDRESS.match(os.fspath(location)))


_URL_PASSWORD = re.compile(r"(:/+[^/:@]*):[^@/]*@")  # also as pathlib folds it (scheme:/)


def without_password(location: str) -> str:
    """``location`` with the password of a URL (``user:secret@``) left out, for showing."""
    return _URL_PASSWORD.sub(r"\1@", location, count=1)


def check_archive_location(location: str | os.PathLike) -> Path:
    """The archive file at ``location`` (``~`` expanded).

    Raises ArchiveIsUrl for a connection address (a URL must never become folders named
    after it); storage.archive.archive_location takes PostgreSQL addresses first.
    """
    if is_connection_address(location):
        raise ArchiveIsUrl(location=without_password(os.fspath(location).strip()))
    return Path(location).expanduser()
