"""A local HQ archive for trying HQ mode on one machine (``scripts/dev.sh hq``).

Keeps a PostgreSQL cluster in ``.hq/`` of the checkout (Debian's ``postgresql``
package; the same cluster helpers the tests use, tests/pg_server.py), listening on
127.0.0.1 only, port 54329 unless ``PIEL_HQ_PORT`` says otherwise. The first run
creates the database ``piel_hq`` with the demo archive in it (``init --demo``) and three
accounts made by ``users add``: ``clerk``, ``reader`` and ``admin``, each with that
role and its name as password (a trial cluster only ever reachable from this machine). Then it prints the
addresses and opens the window on the clerk's, which asks for the password.

    python scripts/local_hq.py [clerk|reader|admin]   set up if needed, open the window
    python scripts/local_hq.py stop                    stop the cluster (its folder stays)
    python scripts/local_hq.py remove                  stop it and delete .hq/
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT / "tests"))

import pg_server  # noqa: E402  (tests/pg_server.py: one set of cluster helpers)

FOLDER = CHECKOUT / ".hq"
DATABASE = "piel_hq"
#: The accounts made on the first run, each with the role of its name.
ACCOUNTS = ("clerk", "reader", "admin")


def _superuser_password() -> str:
    """The cluster's superuser password: made when the cluster is, kept in its folder
    (mode 600, tests/pg_server.start_in)."""
    kept = FOLDER / "password"
    return kept.read_text().strip() if kept.exists() else secrets.token_urlsafe(18)


def _cli(*args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "piel_desktop", *args], input=stdin, text=True, check=True,
                   cwd=CHECKOUT)


def ensure() -> pg_server.Server:
    """Start the cluster (made first if missing) and fill it once; the running server."""
    password = _superuser_password()
    server = pg_server.start_in(FOLDER, int(os.environ.get("PIEL_HQ_PORT", "54329")), password)
    if not server.sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", password=password):
        server.sql(f"CREATE DATABASE {DATABASE}", password=password)
        owner = server.url(DATABASE, password=password)
        _cli("--archive", owner, "init", "--demo", "--office", "Local HQ")
        for login in ACCOUNTS:
            _cli("--archive", owner, "users", "add", login, "--role", login, "--password-stdin",
                 stdin=f"{login}\n")
    return server


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "clerk"
    if command in ("stop", "remove"):
        server = pg_server.Server(FOLDER, 0, pg_server.binaries())
        if (FOLDER / "data").exists() and server.running():
            server.shut_down()
        if command == "remove":
            shutil.rmtree(FOLDER, ignore_errors=True)
        return 0
    if command not in ACCOUNTS:
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    server = ensure()
    print(f"Local HQ archive on PostgreSQL at 127.0.0.1:{server.port}, database {DATABASE}.")
    for login in ACCOUNTS:
        print(f"  {login:7} postgresql://{login}@127.0.0.1:{server.port}/{DATABASE}   password: {login}")
    print("Open another login with File → Open HQ archive (Ctrl+Shift+H), or: scripts/dev.sh hq reader")
    address = f"postgresql://{command}@127.0.0.1:{server.port}/{DATABASE}"
    os.execv(sys.executable, [sys.executable, "-m", "piel_desktop", "--archive", address])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
