"""Reaching an HQ archive's server (storage/postgres/connect.py), on a real PostgreSQL
server the tests start: addresses, logins (URL, password file, service file), what a
database holds, every failure as one sentence, and reconnecting after a restart."""

from __future__ import annotations

import pytest

from piel_desktop.domain.errors import (
    DatabaseNotFound, LoginRefused, NotAnArchive, ServerAddressInvalid, ServerTooOld,
    ServerUnreachable,
)
from piel_desktop.messages import describe
from piel_desktop.storage.postgres import connect
from piel_desktop.storage.postgres.connect import (
    MARK_TABLE, identify, is_server_address, make_engine, parse_address,
)
from piel_desktop.storage.schema import APPLICATION_ID
from pg_server import SUPERUSER_PASSWORD


@pytest.fixture(autouse=True)
def no_libpq_defaults(monkeypatch, tmp_path):
    """libpq reads passwords and services from the environment and the home folder:
    none of the machine's own may leak into a test."""
    for name in ("PGPASSWORD", "PGSERVICE", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "no-services"))


def _identify(location: str):
    address = parse_address(location)
    engine = make_engine(address)
    try:
        return identify(engine, address)
    finally:
        engine.dispose()


def test_addresses_are_told_from_files_and_read_as_libpq_does():
    assert is_server_address("postgresql://amina@db.example/piel")
    assert is_server_address(" postgres://db.example/piel")
    assert is_server_address("service=hq")
    assert not is_server_address("archive.piel")
    assert not is_server_address("C:/Users/amina/archive.piel")
    address = parse_address("postgresql://amina:s3cret@db.example:5433/piel?sslmode=require")
    assert (address.user, address.database, address.url.port) == ("amina", "piel", 5433)
    assert address.url.password == "s3cret" and address.url.drivername == "postgresql+psycopg"
    assert "s3cret" not in address.shown and address.shown == "postgresql://amina@db.example:5433/piel?sslmode=require"
    assert "s3cret" not in repr(address.url)
    service = parse_address("service=hq")
    assert service.shown == "service=hq" and service.url.query == {"service": "hq"}


@pytest.mark.parametrize("location, detail", [
    ("mysql://amina@db.example/piel", "mysql"),
    ("postgresql://amina@db.example/", "no database name"),
    ("postgresql://amina:pw@db.example:port/piel", "port"),
])
def test_an_address_that_cannot_be_used_is_one_sentence_without_its_password(location, detail):
    with pytest.raises(ServerAddressInvalid) as caught:
        parse_address(location)
    sentence = describe(caught.value)
    assert detail in sentence and "“" in sentence and ":pw@" not in sentence


def test_an_empty_database_is_identified_without_writing(pg_server, pg_database):
    header = _identify(pg_server.url(pg_database))
    assert header.server_version >= connect.OLDEST_SERVER
    assert (header.marked, header.revision, header.has_tables) == (False, None, False)
    assert pg_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", pg_database) == "0"


def test_a_database_of_another_program_is_refused(pg_server, pg_database):
    pg_server.sql("CREATE TABLE invoices (id integer PRIMARY KEY)", pg_database)
    with pytest.raises(NotAnArchive) as caught:
        _identify(pg_server.url(pg_database))
    assert caught.value.params["reason"] == "foreign-database"
    assert SUPERUSER_PASSWORD not in describe(caught.value)
    pg_server.sql(f"CREATE TABLE {MARK_TABLE} (application_id integer PRIMARY KEY); "
                  f"INSERT INTO {MARK_TABLE} VALUES (42)", pg_database)
    with pytest.raises(NotAnArchive):  # marked, but by someone else
        _identify(pg_server.url(pg_database))


def test_a_marked_database_is_ours(pg_server, pg_database):
    pg_server.sql(f"CREATE TABLE {MARK_TABLE} (application_id integer PRIMARY KEY); "
                  f"INSERT INTO {MARK_TABLE} VALUES ({APPLICATION_ID})", pg_database)
    header = _identify(pg_server.url(pg_database))
    assert (header.marked, header.revision, header.has_tables) == (True, None, False)


def test_logins_refused_are_one_sentence(pg_server, pg_database):
    pg_server.sql("DROP ROLE IF EXISTS amina; CREATE ROLE amina LOGIN PASSWORD 'right'")
    for location in (pg_server.url(pg_database, user="amina", password="wrong"),
                     pg_server.url(pg_database, user="amina", password=None),  # none given, no password file
                     pg_server.url(pg_database, user="nobody", password="x")):
        with pytest.raises(LoginRefused) as caught:
            _identify(location)
        sentence = describe(caught.value)
        assert caught.value.params["user"] in sentence and "wrong" not in sentence.split("“")[0]
    assert _identify(pg_server.url(pg_database, user="amina", password="right")).marked is False


def test_the_password_file_and_the_service_file_are_used(pg_server, pg_database, tmp_path, monkeypatch):
    pg_server.sql("DROP ROLE IF EXISTS farid; CREATE ROLE farid LOGIN PASSWORD 'from-the-file'")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:farid:from-the-file\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert _identify(pg_server.url(pg_database, user="farid", password=None)).has_tables is False
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[hq]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={pg_database}\nuser=farid\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    assert _identify("service=hq").has_tables is False
    with pytest.raises(ServerAddressInvalid):  # a service the file does not define
        _identify("service=nowhere")


def test_a_missing_database_and_a_silent_server_are_one_sentence(pg_server):
    with pytest.raises(DatabaseNotFound) as caught:
        _identify(pg_server.url("no_such_database"))
    assert "no_such_database" in describe(caught.value)
    silent = f"postgresql://postgres:x@127.0.0.1:{_closed_port()}/piel"
    with pytest.raises(ServerUnreachable) as caught:
        _identify(silent)
    assert "postgresql://postgres@127.0.0.1" in describe(caught.value)


def test_a_server_older_than_supported_is_refused(pg_server, pg_database, monkeypatch):
    monkeypatch.setattr(connect, "OLDEST_SERVER", 990000)  # this server (15) is then too old
    with pytest.raises(ServerTooOld) as caught:
        _identify(pg_server.url(pg_database))
    assert caught.value.params == {"location": pg_server.url(pg_database).replace(f":{SUPERUSER_PASSWORD}", ""),
                                   "found": "15", "supported": "99"}
    assert "PostgreSQL 15" in describe(caught.value)


def test_the_engine_reconnects_after_the_server_restarts(pg_server, pg_database):
    address = parse_address(pg_server.url(pg_database))
    engine = make_engine(address)
    try:
        assert identify(engine, address).has_tables is False
        pg_server.restart()
        assert identify(engine, address).has_tables is False  # pooled connection replaced
    finally:
        engine.dispose()


def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_login_given_later_is_shown_without_its_password():
    from piel_desktop.storage.postgres.connect import parse_address
    address = parse_address("postgresql://db.office.example:5433/piel").with_login("amina", "s3cret")
    assert address.url.password == "s3cret" and address.user == "amina"
    assert address.shown == "postgresql://amina@db.office.example:5433/piel"
    service = parse_address("service=hq").with_login("amina", "s3cret")
    assert service.shown == "service=hq (amina)" and "s3cret" not in service.shown
