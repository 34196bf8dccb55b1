"""Reaching an HQ archive's PostgreSQL server, and telling what its database holds.

An address is a ``postgresql://`` (or ``postgres://``) URL as libpq reads it, such as
``postgresql://amina@db.office.example/piel``, or a libpq service name written
``service=hq`` (pg_service.conf). Passwords come from the URL, from the caller (the
window asks for them) or from libpq itself (``PGPASSFILE``, ``~/.pgpass``, the service
file); they are never shown: :attr:`ServerAddress.shown` leaves them out.

The engine is SQLAlchemy's ``postgresql+psycopg`` dialect (psycopg 3); this module
writes no driver code of its own. Every failure leaves as one domain error (see
:func:`server_error`), never a driver traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from piel_desktop.domain.errors import (
    DatabaseNotFound, LoginRefused, NotAnArchive, NotPermitted, PielError, ServerAddressInvalid,
    ServerTooOld, ServerUnreachable,
)
from piel_desktop.paths import without_password
from piel_desktop.storage.schema import APPLICATION_ID

#: The oldest PostgreSQL an HQ archive runs on (``server_version_num``): 15.
OLDEST_SERVER = 150000
#: The table that marks a database as a PIeL Desktop archive, as ``PRAGMA
#: application_id`` marks a file (its one row holds storage.schema.APPLICATION_ID).
MARK_TABLE = "piel_archive"
#: Seconds to wait for a server before saying it cannot be reached.
CONNECT_TIMEOUT = 10

_SCHEMES = ("postgresql://", "postgres://")
_SERVICE = re.compile(r"\s*service\s*=\s*(?P<name>[^\s=]+)\s*$")


@dataclass(frozen=True)
class ServerAddress:
    """Where an HQ archive is: ``url`` for SQLAlchemy (``postgresql+psycopg``, password
    included if one was given) and ``shown``, the same without the password."""

    url: URL
    shown: str

    @property
    def user(self) -> str:
        """The login name in the address ("" if libpq takes it from the system or the
        service file)."""
        return self.url.username or ""

    @property
    def database(self) -> str:
        return self.url.database or self.url.query.get("service", "") or ""

    def with_password(self, password: str) -> ServerAddress:
        return ServerAddress(self.url.set(password=password), self.shown)

    def with_login(self, user: str, password: str) -> ServerAddress:
        """The same database reached as ``user`` with ``password`` (held in memory only,
        in this address's URL; ``shown`` names the user, never the password)."""
        url = self.url.set(username=user or None, password=password or None)
        # (URL.set(password=None) would keep the password: it is removed from the text.)
        shown = without_password(url.set(drivername="postgresql").render_as_string(hide_password=False))
        if "service" in url.query:  # as it was written, with the login named
            shown = f"{self.shown} ({user})" if user else self.shown
        return ServerAddress(url, shown)


def is_server_address(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a file."""
    text = location.strip()
    return text.lower().startswith(_SCHEMES) or bool(_SERVICE.match(text))


def parse_address(location: str) -> ServerAddress:
    """The ServerAddress of ``location``. Raises ServerAddressInvalid (params:
    location, detail) for a URL that is not a PostgreSQL address or cannot be read."""
    text = location.strip()
    service = _SERVICE.match(text)
    if service:
        url = URL.create("postgresql+psycopg", query={"service": service["name"]})
        return ServerAddress(url, f"service={service['name']}")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in ("postgresql", "postgres"):
        raise ServerAddressInvalid(location=without_password(text), detail=scheme or text)
    try:
        url = make_url("postgresql+psycopg://" + text.split("://", 1)[1])
        url.port  # noqa: B018 - a port that is not a number fails here
    except (ArgumentError, ValueError) as e:
        raise ServerAddressInvalid(location=without_password(text), detail=str(e)) from e
    if not url.database and "service" not in url.query:
        raise ServerAddressInvalid(location=without_password(text), detail="no database name")
    return ServerAddress(url, without_password(text))


def make_engine(address: ServerAddress, *, pool_size: int = 5) -> Engine:
    """An engine for ``address``: connections checked before use (``pool_pre_ping``,
    so a server that went away and came back is reconnected to), a connect timeout of
    CONNECT_TIMEOUT seconds and the program named in ``pg_stat_activity``."""
    return create_engine(
        address.url, pool_pre_ping=True, pool_size=pool_size,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "PIeL Desktop"})


def server_error(address: ServerAddress, error: Exception) -> PielError:
    """The domain error for a failure to reach or log in to the server of ``address``:
    LoginRefused (params: location, user), DatabaseNotFound (location, database),
    ServerAddressInvalid (location, detail) or ServerUnreachable (location, detail)."""
    original = getattr(error, "orig", None) or error
    detail = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    if isinstance(original, psycopg.errors.InvalidPassword) or "password authentication failed" in detail \
            or "no password supplied" in detail:
        return LoginRefused(location=address.shown, user=address.user or "?")
    if isinstance(original, psycopg.errors.InvalidCatalogName) or (
            "database" in detail and "does not exist" in detail):
        return DatabaseNotFound(location=address.shown, database=address.database)
    if isinstance(original, psycopg.ProgrammingError) or "invalid connection option" in detail \
            or "definition of service" in detail or "invalid URI" in detail:
        return ServerAddressInvalid(location=address.shown, detail=detail)
    return ServerUnreachable(location=address.shown, detail=detail)


def transaction_error(address: ServerAddress, error: Exception) -> PielError | None:
    """The domain error for a failure inside a transaction of an open HQ archive, or
    None for one that is not the server's (a bug, a broken rule: it passes unchanged):
    NotPermitted (params: location, user) when the account's role forbids the
    statement, ServerUnreachable when the connection was lost or the server stopped."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, psycopg.errors.InsufficientPrivilege):
        return NotPermitted(location=address.shown, user=address.user or "?")
    if isinstance(original, (psycopg.OperationalError, psycopg.InterfaceError)):
        state = getattr(original, "sqlstate", None)
        # No SQLSTATE: the client lost the connection; class 08 a connection exception;
        # 57P01-03 the server shutting down. A serialization failure or deadlock is not
        # a lost server: it passes unchanged, to be retried.
        if state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03"):
            return server_error(address, original)
    return None


@dataclass(frozen=True)
class ServerHeader:
    """What a database holds, read without writing to it."""

    server_version: int  # server_version_num, e.g. 150018
    marked: bool  # the MARK_TABLE holds our application id
    revision: str | None  # the Alembic revision, None if none was recorded
    has_tables: bool  # any table besides the mark and alembic_version


def identify(engine: Engine, address: ServerAddress) -> ServerHeader:
    """Connect and read what the database is. Raises the errors of :func:`server_error`,
    ServerTooOld (params: location, found, supported) for a server older than
    OLDEST_SERVER, and NotAnArchive (params: path, reason "foreign-database") for a
    database that holds tables but is not marked as ours."""
    try:
        with engine.connect() as connection:
            version = int(connection.exec_driver_sql("SHOW server_version_num").scalar())
            if version < OLDEST_SERVER:
                raise ServerTooOld(location=address.shown, found=_major(version), supported=_major(OLDEST_SERVER))
            tables = {row[0] for row in connection.exec_driver_sql(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")}
            marked = revision = None
            if MARK_TABLE in tables:
                marked = connection.exec_driver_sql(
                    f"SELECT application_id FROM {MARK_TABLE}").scalar() == APPLICATION_ID
            if marked and "alembic_version" in tables:
                revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except PielError:
        raise
    except (DBAPIError, SQLAlchemyError, psycopg.Error) as e:
        raise server_error(address, e) from e
    others = bool(tables - {MARK_TABLE, "alembic_version"})
    if (others or MARK_TABLE in tables) and not marked:
        raise NotAnArchive(path=address.shown, reason="foreign-database")
    return ServerHeader(version, bool(marked), revision, others)


def _major(version_num: int) -> str:
    return str(version_num // 10000)
