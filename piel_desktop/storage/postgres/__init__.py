"""What is PostgreSQL's in an HQ archive:

- ``connect``: reaching the server (address, login, engine) and telling what its
  database holds, every failure as one domain error;
- ``archive``: the schema built in an empty database from the shared Alembic history;
- ``triggers``: change tracking in PL/pgSQL, the twin of storage/sqlite/triggers.py;
- ``roles``: reader, clerk and administrator, enforced by GRANTs and row-level security.

Opening an HQ archive for work (the unit of work, search, bulk merge on this server)
comes next (issue 15); until then storage.archive refuses a server address with
ArchiveIsUrl, before anything is written.
"""
