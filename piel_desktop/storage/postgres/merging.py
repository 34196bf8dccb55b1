"""Bulk merge transactions on an HQ archive: not built yet (issue 15).

On a file, storage/sqlite/file.py's ``merging`` turns foreign keys off and drops the
tracking triggers for one transaction, so a package merge, a restore from the trash,
a resolved conflict or a bulk entry writes clocks itself (storage/merge.py). On
PostgreSQL the same needs a different route (an ON DELETE CASCADE fires at once even
for a deferred constraint, and turning triggers off is the superuser's), and
storage/merge.py's SQL is still SQLite's. Until both are done, every path that needs
a merge transaction on a server says so in one sentence, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from piel_desktop.domain.errors import NotYetOnServer
from piel_desktop.storage.postgres.connect import ServerAddress


@contextmanager
def merging(engine: Engine, address: ServerAddress) -> Iterator[None]:
    """Raises NotYetOnServer (params: location)."""
    raise NotYetOnServer(location=address.shown)
    yield  # pragma: no cover - a generator, for the contextmanager
