"""Read helpers for sync tests: raw SQL on the archive file, no service shortcuts."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from pathlib import Path

from piel_desktop.services import sync


def _con(archive) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{archive.path}?mode=ro", uri=True)


def live_outcomes(archive) -> list[str]:
    """Ids of the live outcomes, in a stable order."""
    con = _con(archive)
    try:
        return [r[0] for r in con.execute("SELECT id FROM outcome ORDER BY id")]
    finally:
        con.close()


def all_values(archive, table: str, key: str) -> dict:
    """A record's values, live or from its tombstone ({} if neither)."""
    con = _con(archive)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(f'SELECT * FROM "{table}" WHERE id = ?', (key,)).fetchone()
        if row:
            return dict(row)
        row = con.execute("SELECT data FROM tombstone WHERE tbl = ? AND row_key = ?",
                          (table, json.dumps([key]))).fetchone()
        return json.loads(row[0]) if row else {}
    finally:
        con.close()


def conflict_values(archive) -> dict[tuple, set]:
    """(table, key, field) -> the losing values kept as conflict records."""
    con = _con(archive)
    try:
        kept = defaultdict(set)
        for table, key, field, value in con.execute("SELECT tbl, row_key, field, value FROM conflict"):
            kept[(table, json.loads(key)[0], field)].add(json.loads(value))
        return kept
    finally:
        con.close()


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
