"""A real PostgreSQL server for the tests, started by them in a temporary folder.

Debian's ``postgresql`` package (installed by scripts/dev.sh) brings the binaries in
``/usr/lib/postgresql/<major>/bin``. ``initdb`` and ``pg_ctl`` refuse to run as root,
so under root they run as the ``postgres`` user (``runuser``), in a folder that user
owns (TECH-NOTES, PostgreSQL). The server listens on 127.0.0.1 at a free port and asks
for passwords (scram-sha-256), so logins are tested as an office's server would do them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "piel-test-superuser"


def binaries() -> Path:
    """The newest installed PostgreSQL's bin folder. Raises RuntimeError if none."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/dev.sh setup (apt-get install postgresql)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = SUPERUSER_PASSWORD) -> str:
        """A ``postgresql://`` address of ``database`` on this server."""
        login = user if password is None else f"{user}:{password}"
        return f"postgresql://{login}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres", password: str = SUPERUSER_PASSWORD) -> str:
        """Run ``statement`` as the superuser with psql; its output (unaligned, tuples only)."""
        done = subprocess.run(
            [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-d", self.url(database, password=password), "-c", statement],
            capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def restart(self) -> None:
        """Stop the server (closing every connection) and start it again."""
        _run_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                       "-l", str(self.folder / "server.log"), "-w", "restart"])

    def running(self) -> bool:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "status"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, check=False).returncode == 0

    def shut_down(self) -> None:
        """Stop the server, keeping its folder."""
        _run_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])

    def stop(self) -> None:
        """Stop the server and remove its folder (the tests' throwaway clusters)."""
        self.shut_down()
        shutil.rmtree(self.folder, ignore_errors=True)


def _run_as_owner(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed: {done.stdout.strip()} {done.stderr.strip()}")


def start() -> Server:
    """Initialise a cluster in a new temporary folder and start it; ``stop()`` removes it."""
    folder = Path(tempfile.mkdtemp(prefix="piel-pg-"))
    return start_in(folder, _free_port(), SUPERUSER_PASSWORD, durable=False)


def start_in(folder: Path, port: int, password: str, *, durable: bool = True) -> Server:
    """Start the cluster in ``folder`` on ``port`` (127.0.0.1), made first if the folder
    holds none, with superuser password ``password``; a cluster already running is left
    as it is. ``durable=False`` turns fsync off (the tests' throwaway clusters).
    scripts/local_hq.py keeps a lasting one for trying HQ mode."""
    bin_ = binaries()
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    if not (folder / "data" / "PG_VERSION").exists():
        secret = folder / "password"
        secret.write_text(password + "\n")
        secret.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(secret, "postgres", "postgres")
        _run_as_owner([str(bin_ / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER, "-A", "scram-sha-256",
                       "--pwfile", str(secret), "-E", "UTF8", "--locale", "C.UTF-8"])
    server = Server(folder, port, bin_)
    if not server.running():
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        if not durable:
            options += " -c fsync=off"
        _run_as_owner([str(bin_ / "pg_ctl"), "-D", str(folder / "data"), "-o", options,
                       "-l", str(folder / "server.log"), "-w", "start"])
    return server
