"""The three roles of an HQ archive, enforced by PostgreSQL itself (GRANTs and
row-level security), so that they hold on every path: the window, the command line or
a direct SQL connection with the same account.

- ``piel_reader`` (delegates): reads everything but restricted documents and their
  files; writes nothing.
- ``piel_clerk`` (office staff): a reader's rights, restricted documents too, and
  writing the records (editing, bulk entry, follow-up). Not the import log, the office
  keys or the conflicts: importing packages and resolving conflicts are not theirs.
- ``piel_admin``: everything in the archive, and may create the accounts of others.

The roles are group roles without login; a person's own login is made a member of one
(``grant_role``). Change tracking runs with its owner's rights (SECURITY DEFINER), so
a clerk's delete leaves its tombstone without the clerk being able to write tombstones
by hand. Role names are cluster-wide: one PostgreSQL cluster holds one HQ archive's
roles (a second archive on the same cluster shares them).
"""

from __future__ import annotations

import re

from piel_desktop.storage.postgres.triggers import trigger_names

READER, CLERK, ADMIN = "piel_reader", "piel_clerk", "piel_admin"
ROLES = {"reader": READER, "clerk": CLERK, "admin": ADMIN}

#: Tables only an administrator writes: what imports, conflicts and office keys keep.
ADMIN_ONLY = ("import_log", "conflict", "tombstone")
#: Written by every edit (a clerk's): the changeset of a transaction and the clock of
#: this replica (``covered``); storage/sync.py.
EDIT_BOOKKEEPING = ("changeset", "replica")

_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


def install_roles(connection, tables: list[str]) -> None:
    """Create the roles if the cluster has none yet and grant them their rights on
    ``tables`` (the archive's tables) in the database of ``connection``."""
    run = connection.exec_driver_sql
    for role in (READER, CLERK, ADMIN):
        run(f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    run(f"GRANT {READER} TO {CLERK}")
    run(f"GRANT {CLERK} TO {ADMIN}")
    run("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA public TO {READER}")
    run(f'GRANT CONNECT ON DATABASE "{run("SELECT current_database()").scalar()}" TO {READER}')
    grant_tables(connection, tables)
    # Restricted documents and their files: readers see the public ones only.
    for table, visible in (("document", "public"),
                           ("blob", "EXISTS (SELECT 1 FROM document d WHERE d.blob_sha256 = blob.sha256 "
                                    "AND d.public)")):
        run(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for name, role, rule in ((f"{table}_public", READER, visible), (f"{table}_all", CLERK, "true")):
            run(f'DROP POLICY IF EXISTS {name} ON "{table}"')
            run(f'CREATE POLICY {name} ON "{table}" TO {role} USING ({rule})')
    # Tracking writes tombstones with its owner's rights, whoever made the change.
    for (function, _trigger) in (trigger_names(t) for t in tables):
        exists = run("SELECT 1 FROM pg_proc WHERE proname = %(f)s", {"f": function}).first()
        if exists:
            run(f"ALTER FUNCTION {function}() SECURITY DEFINER SET search_path = public")


def installed(connection) -> bool:
    """Whether the cluster has the archive's roles (made by :func:`install_roles`)."""
    return connection.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": READER}).first() is not None


def grant_tables(connection, tables: list[str]) -> None:
    """Give the roles their rights on ``tables``: none to anyone else, reading to
    readers, writing records and the search index to clerks (not ADMIN_ONLY), all to
    administrators."""
    run = connection.exec_driver_sql
    run(f"REVOKE ALL ON {listed(tables)} FROM PUBLIC")
    run(f"GRANT SELECT ON {listed(tables)} TO {READER}")
    records = [t for t in tables if t not in ADMIN_ONLY and t not in EDIT_BOOKKEEPING
               and t not in ("alembic_version", "piel_archive", "sync_state")]
    if records:
        run(f"GRANT INSERT, UPDATE, DELETE ON {listed(records)} TO {CLERK}")
    bookkeeping = [t for t in EDIT_BOOKKEEPING if t in tables]
    if bookkeeping:
        run(f"GRANT INSERT, UPDATE ON {listed(bookkeeping)} TO {CLERK}")
    run(f"GRANT ALL ON {listed(tables)} TO {ADMIN}")


def listed(names: list[str]) -> str:
    """``names`` as a list of quoted identifiers."""
    return ", ".join(f'"{t}"' for t in names)


def grant_role(connection, login: str, role: str) -> None:
    """Make the account ``login`` a member of ``role`` ("reader", "clerk" or "admin")
    only. Raises ValueError for an unknown role or a login that is not a plain name."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if not _LOGIN.match(login):
        raise ValueError(f"not an account name: {login!r}")
    run = connection.exec_driver_sql
    for other in ROLES.values():
        run(f'REVOKE {other} FROM "{login}"')
    run(f'GRANT {ROLES[role]} TO "{login}"')


def add_login(connection, login: str, role: str, password: str | None) -> bool:
    """Create the account ``login`` (or keep the one that exists), give it ``password``
    when one is given (PostgreSQL stores it hashed, scram-sha-256), let it connect to
    this database (through the roles, install_roles) and make it a member of ``role``
    only; an administrator may manage accounts in turn (CREATEROLE). Returns True if the account
    is new. Raises ValueError as :func:`grant_role` does; the connection's account
    needs CREATEROLE (an administrator's)."""
    from psycopg import sql
    if not _LOGIN.match(login):
        raise ValueError(f"not an account name: {login!r}")
    run = connection.exec_driver_sql
    new = run("SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": login}).first() is None
    raw = connection.connection.driver_connection
    name = sql.Identifier(login)
    if new:
        raw.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
    if password:
        raw.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))
    # Managing accounts is the administrator's: PostgreSQL's CREATEROLE.
    raw.execute(sql.SQL("ALTER ROLE {} " + ("CREATEROLE" if role == "admin" else "NOCREATEROLE")).format(name))
    grant_role(connection, login, role)
    return new
