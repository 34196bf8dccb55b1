"""The archive schema on a real PostgreSQL server (storage/postgres/archive.py and
triggers.py): the same Alembic history builds the same tables as in a file, the
database is marked as ours, and the PL/pgSQL change tracking writes the same clocks
and tombstones as the SQLite triggers for the same writes."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import psycopg
import pytest
from sqlalchemy import inspect

from piel_desktop.domain.errors import ArchiveExists, NewerSchema, NotAnArchive
from piel_desktop.storage.postgres.archive import create_schema, schema_version
from piel_desktop.storage.postgres.connect import MARK_TABLE, make_engine, parse_address
from piel_desktop.storage.schema import schema_head
from piel_desktop.storage.sqlite.file import make_engine as file_engine

@pytest.fixture
def archive(tmp_path):
    """A new, empty archive file, for comparison."""
    from piel_desktop.services.archive import create_archive
    with create_archive(tmp_path / "laptop.piel") as made:
        yield made


REPLICA = uuid.UUID("0f0e0d0c-0b0a-4908-8706-050403020100").hex
STAMP_1 = f"{1 << 40:016x}.{REPLICA}"
STAMP_2 = f"{(1 << 40) + 1:016x}.{REPLICA}"


@pytest.fixture
def hq(pg_server, pg_database):
    """(address, engine) of an HQ archive schema built in an empty database."""
    address = parse_address(pg_server.url(pg_database))
    engine = make_engine(address)
    create_schema(engine, address)
    yield address, engine
    engine.dispose()


def _pg(hq) -> psycopg.Connection:
    address, _ = hq
    url = address.url
    return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username,
                           password=url.password)


def test_the_history_builds_the_tables_of_a_file(hq, archive):
    _, engine = hq
    pg, lite = inspect(engine), inspect(file_engine(archive.path))
    ours = {t for t in lite.get_table_names() if not t.startswith("fts_")}  # each its own search index
    assert set(pg.get_table_names()) == ours | {MARK_TABLE, "search_index", "search_dirty"}
    for table in ours:
        assert [c["name"] for c in pg.get_columns(table)] == [c["name"] for c in lite.get_columns(table)], table
        # PostgreSQL lists the index behind each UNIQUE constraint too; those are compared as constraints
        assert ({i["name"] for i in pg.get_indexes(table) if "duplicates_constraint" not in i}
                == {i["name"] for i in lite.get_indexes(table)}), table
        assert ({u["name"] for u in pg.get_unique_constraints(table)}
                == {u["name"] for u in lite.get_unique_constraints(table)}), table
        assert ({f["name"] for f in pg.get_foreign_keys(table)}
                == {f["name"] for f in lite.get_foreign_keys(table)}), table
    one_original = next(i for i in pg.get_indexes("text_version") if i["name"] == "ix_text_version_one_original")
    assert one_original["unique"] and "original" in str(one_original["dialect_options"]["postgresql_where"])
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == f"{schema_head():04d}"
        # ids are 32 hex digits, as in the file
        assert connection.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'outcome' "
            "AND column_name = 'id'").scalar() == "character"
    address, _ = hq
    assert schema_version(engine, address) == schema_head()


def test_an_archive_is_not_built_twice_nor_in_a_foreign_database(hq, pg_server):
    address, engine = hq
    with pytest.raises(ArchiveExists):
        create_schema(engine, address)
    pg_server.sql("CREATE DATABASE foreign_one")
    try:
        pg_server.sql("CREATE TABLE invoices (id integer)", "foreign_one")
        other = parse_address(pg_server.url("foreign_one"))
        other_engine = make_engine(other)
        with pytest.raises(NotAnArchive):
            create_schema(other_engine, other)
        other_engine.dispose()
        assert pg_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "foreign_one") == "1"
    finally:
        pg_server.sql("DROP DATABASE foreign_one WITH (FORCE)")


def test_a_newer_schema_is_refused(hq):
    address, engine = hq
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{schema_head() + 1:04d}'")
    with pytest.raises(NewerSchema) as caught:
        schema_version(engine, address)
    assert caught.value.params["found"] == schema_head() + 1


def _writes(run, stamp: callable) -> None:
    """The same writes on either database: ``run(sql, params)`` with ``%s`` marks,
    ``stamp(s)`` sets the transaction's stamp."""
    text, version, other = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    now = "2026-12-07T10:00:00+00:00"
    run("INSERT INTO replica (id, name, is_local, created_at) VALUES (%s, 'HQ', %s, %s)", (REPLICA, False, now))
    stamp(STAMP_1)
    for tid in (text, other):
        run("INSERT INTO text (id, created_at, updated_at, changed_by) VALUES (%s, %s, %s, %s)", (tid, now, now, REPLICA))
    run("INSERT INTO text_version (id, text_id, lang, body, status, revision, source_revision, created_at, "
        "updated_at, changed_by) VALUES (%s, %s, 'es', 'Protección \"en línea\"', 'original', 1, NULL, %s, %s, %s)",
        (version, text, now, now, REPLICA))
    stamp(STAMP_2)
    run("UPDATE text_version SET body = 'Protección', revision = 2 WHERE id = %s", (version,))
    run("UPDATE text_version SET body = 'Protección' WHERE id = %s", (version,))  # no change: no stamp
    run("DELETE FROM text_version WHERE id = %s", (version,))
    run("DELETE FROM text WHERE id = %s", (other,))


def _state(rows) -> list:
    return sorted(tuple(bool(v) if isinstance(v, bool) else v for v in row) for row in rows)


def test_tracking_writes_the_same_clocks_and_tombstones_as_the_file(hq, archive):
    con = sqlite3.connect(archive.path, isolation_level=None)
    con.execute("BEGIN")
    _writes(lambda sql, params: con.execute(sql.replace("%s", "?"), params),
            lambda s: con.execute("UPDATE sync_state SET stamp = ? WHERE id = 1", (s,)))
    mine = f"SELECT id, sync_clock FROM text WHERE changed_by = '{REPLICA}'"  # not the archive's own texts
    lite_clocks = _state(con.execute(mine))
    lite_tombs = _state(con.execute("SELECT tbl, row_key, data, sync_clock, deleted FROM tombstone"))
    con.execute("ROLLBACK")
    with _pg(hq) as pg:
        _writes(lambda sql, params: pg.execute(sql, params),
                lambda s: pg.execute("SELECT set_config('piel.stamp', %s, true)", (s,)))
        pg_clocks = _state(pg.execute(mine))
        pg_tombs = _state(pg.execute("SELECT tbl, row_key, data, sync_clock, deleted FROM tombstone"))
    # ids differ between the two runs; the clocks and the shape of the tombstones do not
    assert [c for _, c in pg_clocks] == [c for _, c in lite_clocks] == [f'{{"*":"{STAMP_1}"}}']
    assert len(pg_tombs) == len(lite_tombs) == 2
    for (pt, _pk, pdata, pclock, pdel), (lt, _lk, ldata, lclock, ldel) in zip(
            sorted(pg_tombs, key=lambda r: r[0]), sorted(lite_tombs, key=lambda r: r[0])):
        assert (pt, pclock, bool(pdel)) == (lt, lclock, bool(ldel))
        assert _strip_ids(pdata) == _strip_ids(ldata)
    version_tomb = next(r for r in pg_tombs if r[0] == "text_version")
    assert version_tomb[3] == (f'{{"*":"{STAMP_1}","body":"{STAMP_2}","revision":"{STAMP_2}",'
                               f'"_deleted":"{STAMP_2}"}}')
    assert '"body":"Protección"' in version_tomb[2]


def _strip_ids(data: str) -> str:
    import re
    return re.sub(r'"[0-9a-f]{32}"', '"<id>"', data)


def test_a_write_without_a_stamp_is_refused(hq):
    with _pg(hq) as pg:
        with pytest.raises(psycopg.errors.RaiseException, match="outside a unit of work"):
            pg.execute("INSERT INTO text (id, created_at, updated_at, changed_by) VALUES (%s, 'x', 'x', NULL)",
                       (uuid.uuid4().hex,))


def test_each_transaction_stamps_with_its_own_changeset(hq):
    """Two staff writing at once: each transaction's stamp is its own setting, not a
    row they share, so neither takes the other's stamp."""
    ids = [uuid.uuid4().hex for _ in range(2)]
    with _pg(hq) as pg:
        pg.execute("SELECT set_config('piel.stamp', %s, true)", (STAMP_1,))
        pg.execute("INSERT INTO replica (id, name, is_local, created_at) VALUES (%s, 'HQ', false, 'x')", (REPLICA,))
    both_inside = threading.Barrier(2)

    def write(i: int, stamp: str) -> None:
        with _pg(hq) as pg:
            pg.execute("SELECT set_config('piel.stamp', %s, true)", (stamp,))
            pg.execute("INSERT INTO text (id, created_at, updated_at, changed_by) VALUES (%s, 'x', 'x', %s)",
                       (ids[i], REPLICA))
            both_inside.wait(timeout=10)  # both transactions are open at once
    threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate((STAMP_1, STAMP_2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with _pg(hq) as pg:
        clocks = dict(pg.execute("SELECT id, sync_clock FROM text").fetchall())
    assert clocks == {ids[0]: f'{{"*":"{STAMP_1}"}}', ids[1]: f'{{"*":"{STAMP_2}"}}'}
