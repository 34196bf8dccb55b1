"""What is SQLite's in a laptop archive: the archive file itself (``file``: engine,
application_id header, creation, migration, backup, bulk merge transaction), the
change-tracking triggers in SQL (``triggers``), the FTS5 search index (``fts``) and
the lock file beside the archive (``locking``)."""
