"""The accounts of an HQ archive: people's own PostgreSQL logins, each in one role
(storage/postgres/roles.py: reader, clerk or administrator). A file has no accounts:
the laptop archive stays single-user."""

from __future__ import annotations

from piel_desktop.domain.errors import AccountsOnServerOnly, InvalidValue
from piel_desktop.storage.archive import Archive
from piel_desktop.storage.postgres import roles

ROLE_NAMES = tuple(roles.ROLES)  # "reader", "clerk", "admin"


def add_account(archive: Archive, login: str, role: str, password: str | None) -> bool:
    """Create the account ``login`` in role ``role`` (one of ROLE_NAMES), or move an
    existing one to that role; ``password`` (None: keep it, or none) is stored hashed
    by PostgreSQL, never by the program. Returns True if the account is new.

    Raises AccountsOnServerOnly (params: path) for a file, InvalidValue (field
    "account" or "role") for a name that is not a plain login (lowercase letters,
    digits, ``_.-``) or an unknown role, NotPermitted when the login running this may
    not manage accounts, ServerUnreachable. Nothing changes on error (one transaction).
    """
    if not archive.on_server:
        raise AccountsOnServerOnly(path=archive.shown)
    if role not in ROLE_NAMES:
        raise InvalidValue(field="role", value=role)
    try:
        with archive.engine.begin() as connection:
            return roles.add_login(connection, login, role, password)
    except ValueError as e:
        raise InvalidValue(field="account", value=login) from e
    except Exception as e:  # the driver's own errors too: role DDL runs on its connection
        error = archive.backend.transaction_error(e)
        if error is None:
            raise
        raise error from e
