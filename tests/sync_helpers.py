"""Read helpers for sync tests: raw SQL on the archive (a file or a server), no service
shortcuts."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from piel_desktop.services import sync


@contextmanager
def _reading(archive) -> Iterator:
    """The archive's own raw connection (a file's or a server's), to read with SQL."""
    with archive.unit_of_work() as uow:
        yield uow.raw


def live_outcomes(archive) -> list[str]:
    """Ids of the live outcomes, in a stable order."""
    with _reading(archive) as con:
        return [r[0] for r in con.execute("SELECT id FROM outcome ORDER BY id")]


def all_values(archive, table: str, key: str) -> dict:
    """A record's values, live or from its tombstone ({} if neither)."""
    with _reading(archive) as con:
        cursor = con.execute(f'SELECT * FROM "{table}" WHERE id = ?', (key,))
        row = cursor.fetchone()
        if row:
            return dict(zip([d[0] for d in cursor.description], row))
        row = con.execute("SELECT data FROM tombstone WHERE tbl = ? AND row_key = ?",
                          (table, json.dumps([key]))).fetchone()
        return json.loads(row[0]) if row else {}


def conflict_values(archive) -> dict[tuple, set]:
    """(table, key, field) -> the losing values kept as conflict records."""
    with _reading(archive) as con:
        kept = defaultdict(set)
        for table, key, field, value in con.execute("SELECT tbl, row_key, field, value FROM conflict"):
            kept[(table, json.loads(key)[0], field)].add(json.loads(value))
        return kept


def craft_package(path, records: list[dict] = (), *, changesets: list[dict] = (), replicas: list[dict] = (),
                  manifest: dict | None = None, key: str | None = None, office: tuple[str, str] | None = None):
    """A correctly signed package with the given content: for testing what the importer
    does with records a real exporter never writes. Signed with ``key`` (default: a new
    one) by ``office`` (replica id, name; default: a made-up "Forger")."""
    from piel_desktop.services.sync.package_format import PackageWriter, new_private_key, public_key_of
    key = key or new_private_key()
    replica, name = office or ("f" * 32, "Forger")
    writer = PackageWriter(path)
    writer.lines("records.ndjson", records)
    writer.lines("changesets.ndjson", changesets)
    writer.lines("replicas.ndjson", replicas)
    return writer.finish({
        "package_id": uuid.uuid4().hex, "kind": "full", "created": "2026-11-29T00:00:00+00:00",
        "schema": 2, "producer": {"replica": replica, "name": name, "public_key": public_key_of(key)},
        "to": None, "since": {}, "covers": {}, "counts": {"records": len(records)}, **(manifest or {}),
    }, key)


def rewrite_zip(source, target, change) -> None:
    """Copy a ZIP entry by entry; ``change(name, data)`` returns new data, or None to drop
    the entry; it is then called once with name None to add entries (a dict)."""
    import zipfile
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (change(None, None) or {}).items():
            new.writestr(name, data)


def introduce(a, b, folder: Path) -> None:
    """Each office learns the other from a full package and its receipt."""
    for source, target in ((a, b), (b, a)):
        package = sync.export_package(source, folder / f"intro-{uuid.uuid4().hex[:6]}.pielpkg", full=True).path
        result = sync.import_package(target, package)
        sync.import_package(source, result.receipt)


def exchange(source, target, folder: Path, **kwargs):
    name = sync.offices(target)[0].name
    package = sync.export_package(source, folder / f"{uuid.uuid4().hex[:8]}.pielpkg", to=name, **kwargs).path
    return sync.import_package(target, package), package


def delete_while_edited(hq, africa, folder: Path, index: int = 4, **edits) -> str:
    """HQ deletes outcome ``index`` while Africa edits it (``edits``, default a status),
    neither having seen the other; then each imports the other's package. Returns the
    outcome's id."""
    from piel_desktop.services import records
    introduce(hq, africa, folder)
    target = live_outcomes(hq)[index]
    records.delete_outcome(hq, uuid.UUID(target))
    records.edit_outcome(africa, uuid.UUID(target), **(edits or {"status": "implemented"}))
    exchange(hq, africa, folder)
    exchange(africa, hq, folder)
    return target
