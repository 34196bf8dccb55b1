"""The archive, in a file (storage/sqlite/) or on a PostgreSQL server (storage/postgres/):
SQLAlchemy models, opening and migrating, the unit of work, reads.

Public entry points: :func:`open_archive`, :func:`create_archive`, :class:`Archive`.
"""

from piel_desktop.storage.archive import Archive, create_archive, open_archive

__all__ = ["Archive", "create_archive", "open_archive"]
