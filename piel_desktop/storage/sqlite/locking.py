"""Which program has an archive open: a lock file beside it.

SQLite locks only for the length of a transaction; two windows on one archive would
each show the other's changes late and undo each other's undo. So a window takes
``<archive>.lock`` when it opens an archive: a small JSON file naming the user, the
computer, the process and the time, created atomically (``O_EXCL``). A second program
is told who has the archive instead of meeting a database lock later.

A lock left by a program that crashed on this computer (its process is gone) is taken
over silently. One from another computer (an archive on a shared folder) cannot be
checked from here: the person decides (``force``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from piel_desktop.domain.errors import ArchiveInUse


@dataclass(frozen=True)
class Holder:
    """Who holds a lock. ``since``: ISO 8601 UTC time the lock was taken; ``token``
    tells two locks of one process apart."""

    user: str
    host: str
    pid: int
    since: str
    token: str = ""


def lock_path(archive_path: Path) -> Path:
    return archive_path.with_name(archive_path.name + ".lock")


def holder(archive_path: Path) -> Holder | None:
    """The holder named in the archive's lock file; None if there is none or it is
    unreadable (a half-written or foreign file does not block anyone)."""
    try:
        data = json.loads(lock_path(archive_path).read_text(encoding="utf-8"))
        return Holder(user=str(data["user"]), host=str(data["host"]), pid=int(data["pid"]),
                      since=str(data["since"]), token=str(data.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _me() -> Holder:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (some services)
        user = "?"
    return Holder(user=user, host=socket.gethostname(), pid=os.getpid(),
                  since=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), token=uuid.uuid4().hex)


def _alive(pid: int) -> bool:
    """True if process ``pid`` runs on this computer (True when it cannot be told)."""
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would end the process on Windows; assume alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


class ArchiveLock:
    """A lock held on an archive by this process; :meth:`release` removes it."""

    def __init__(self, archive_path: Path, me: Holder) -> None:
        self.archive_path, self.holder = archive_path, me

    def release(self) -> None:
        """Remove the lock file if it is still ours (it may have been forced away)."""
        if holder(self.archive_path) == self.holder:
            lock_path(self.archive_path).unlink(missing_ok=True)


def acquire(archive_path: Path, *, force: bool = False) -> ArchiveLock | None:
    """Take the lock on the archive at ``archive_path``.

    Raises ArchiveInUse (params: path, user, host, since) if another live program holds
    it, unless ``force``. A stale lock of this computer is replaced. Returns None when
    the folder cannot be written (a read-only archive needs no lock).
    """
    me = _me()
    target = lock_path(archive_path)
    for _attempt in range(2):
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            current = holder(archive_path)
            stale = (current is None or (current.host == me.host and current.pid == me.pid)
                     or (current.host == me.host and not _alive(current.pid)))
            if not (stale or force):
                raise ArchiveInUse(path=str(archive_path), user=current.user, host=current.host,
                                   since=current.since)
            target.unlink(missing_ok=True)
            continue
        except OSError:
            return None
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            json.dump(asdict(me), f)
        return ArchiveLock(archive_path, me)
    raise ArchiveInUse(path=str(archive_path), user="?", host="?", since="?")  # lost a race twice
