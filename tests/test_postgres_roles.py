"""Roles of an HQ archive, tested through the database itself (storage/postgres/roles.py):
each person's own login, connected straight to the server with SQL, gets exactly its
role's rights, whatever program it uses."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from piel_desktop.storage.postgres import roles
from piel_desktop.storage.postgres.archive import create_schema
from piel_desktop.storage.postgres.connect import make_engine, parse_address

REPLICA = uuid.UUID(int=7).hex
STAMP = f"{1 << 40:016x}.{REPLICA}"


@pytest.fixture
def hq(pg_server, pg_database):
    """An HQ archive with the roles, one login for each, one public and one restricted
    document with their files, and one text version."""
    address = parse_address(pg_server.url(pg_database))
    engine = make_engine(address)
    create_schema(engine, address)
    with engine.begin() as connection:
        tables = [r[0] for r in connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        roles.install_roles(connection, tables)
        for login, role in (("rania_reader", "reader"), ("carlos_clerk", "clerk"), ("ada_admin", "admin")):
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {login}")
            connection.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD 'pw'")
            roles.grant_role(connection, login, role)
        connection.exec_driver_sql("SELECT set_config('piel.stamp', %(s)s, true)", {"s": STAMP})
        connection.exec_driver_sql("INSERT INTO replica (id, name, is_local, created_at) "
                                   f"VALUES ('{REPLICA}', 'HQ', true, 'x')")
        for name, public in (("public", True), ("restricted", False)):
            sha = (name[0] * 64)[:64].replace("p", "a").replace("r", "b")
            connection.exec_driver_sql("INSERT INTO blob (sha256, size, data) VALUES (%(h)s, 1, 'x')", {"h": sha})
            connection.exec_driver_sql(
                "INSERT INTO document (id, title, public, blob_sha256, created_at, updated_at, changed_by) "
                "VALUES (%(i)s, %(t)s, %(p)s, %(h)s, 'x', 'x', %(r)s)",
                {"i": uuid.uuid4().hex, "t": name, "p": public, "h": sha, "r": REPLICA})
        text = uuid.uuid4().hex
        connection.exec_driver_sql("INSERT INTO text (id, created_at, updated_at, changed_by) "
                                   f"VALUES ('{text}', 'x', 'x', '{REPLICA}')")
    yield pg_server, pg_database, text
    engine.dispose()
    for login in ("rania_reader", "carlos_clerk", "ada_admin"):
        pg_server.sql(f"DROP OWNED BY {login} CASCADE; DROP ROLE IF EXISTS {login}", pg_database)


def _as(hq, login: str) -> psycopg.Connection:
    server, database, _ = hq
    con = psycopg.connect(host="127.0.0.1", port=server.port, dbname=database, user=login, password="pw")
    con.execute("SELECT set_config('piel.stamp', %s, false)", (STAMP,))
    con.commit()
    return con


def test_a_reader_reads_public_documents_only_and_writes_nothing(hq):
    _, _, text = hq
    with _as(hq, "rania_reader") as con:
        assert [r[0] for r in con.execute("SELECT title FROM document")] == ["public"]
        assert con.execute("SELECT count(*) FROM blob").fetchone()[0] == 1  # the public file only
        assert con.execute("SELECT count(*) FROM text").fetchone()[0] == 1
        for statement in ("UPDATE text SET updated_at = 'y'", "DELETE FROM text",
                          f"INSERT INTO text (id, created_at, updated_at, changed_by) VALUES ('{uuid.uuid4().hex}', 'x', 'x', NULL)",
                          "INSERT INTO import_log (package_id, producer, applied_at) VALUES ('p', 'x', 'x')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
            con.rollback()
    with _as(hq, "ada_admin") as con:
        assert con.execute("SELECT count(*) FROM text").fetchone()[0] == 1  # nothing changed


def test_a_clerk_edits_and_sees_restricted_documents_but_cannot_import(hq):
    _, _, text = hq
    with _as(hq, "carlos_clerk") as con:
        assert sorted(r[0] for r in con.execute("SELECT title FROM document")) == ["public", "restricted"]
        con.execute("UPDATE text SET updated_at = 'y' WHERE id = %s", (text,))
        con.execute("DELETE FROM text WHERE id = %s", (text,))  # its tombstone is written for the clerk
        con.commit()
        for statement in ("INSERT INTO import_log (package_id, producer, applied_at) VALUES ('p', 'x', 'x')",
                          "DELETE FROM tombstone", "UPDATE conflict SET value = 'x'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
            con.rollback()
    with _as(hq, "ada_admin") as con:
        tomb = con.execute("SELECT tbl, sync_clock FROM tombstone").fetchall()
        assert tomb == [("text", f'{{"*":"{STAMP}","updated_at":"{STAMP}","_deleted":"{STAMP}"}}')]
        con.execute("INSERT INTO import_log (package_id, producer, applied_at) VALUES ('p', %s, 'x')", (REPLICA,))
        con.commit()


def test_a_role_is_granted_alone_and_names_are_checked(hq):
    server, database, _ = hq
    address = parse_address(server.url(database))
    engine = make_engine(address)
    with engine.begin() as connection:
        roles.grant_role(connection, "carlos_clerk", "reader")  # moved down: a reader only now
        with pytest.raises(ValueError):
            roles.grant_role(connection, "x; DROP TABLE text", "clerk")
        with pytest.raises(ValueError):
            roles.grant_role(connection, "carlos_clerk", "owner")
    engine.dispose()
    with _as(hq, "carlos_clerk") as con:
        assert [r[0] for r in con.execute("SELECT title FROM document")] == ["public"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE text SET updated_at = 'z'")
