"""SQLite archive: SQLAlchemy models, opening and migrating files, unit of work, reads.

Public entry points: :func:`open_archive`, :func:`create_archive`, :class:`Archive`.
"""

from piel_desktop.storage.archive import Archive, create_archive, open_archive

__all__ = ["Archive", "create_archive", "open_archive"]
