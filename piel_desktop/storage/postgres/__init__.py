"""What is PostgreSQL's in an HQ archive:

- ``connect``: reaching the server (address, login, engine) and telling what its
  database holds, every failure as one domain error;
- ``archive``: the schema built in an empty database from the shared Alembic history;
- ``triggers``: change tracking in PL/pgSQL, the twin of storage/sqlite/triggers.py;
- ``roles``: reader, clerk and administrator, enforced by GRANTs and row-level
  security, and the accounts (``add_login``);
- ``raw``: the transaction's psycopg connection, read and written as storage code
  uses SQLite's (``?`` marks, values as packages carry them);
- ``merging``: the bulk merge transaction (imports, the trash, conflicts, bulk
  entry), with the replica row locked and the ON DELETE triggers held back.

storage.archive opens an HQ archive through ``archive.ServerBackend``.
"""
