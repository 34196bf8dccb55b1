"""Sync between offices by package files: export, import (check, preview, apply), receipts.

An office exports what a peer has not seen (known from the peer's own packages and
receipts), or everything. Importing checks the whole file first (package_format), then
merges it in one transaction (storage/merge.py): a preview is the same merge rolled
back, so what it lists is exactly what applying does. Before applying, the archive file
is backed up; after, a receipt package is written for the sender.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from piel_desktop.domain.errors import (
    OutputNotWritable, PackageFromThisArchive, UndoNotPossible, UnknownOffice,
)
from piel_desktop.domain.model import check_office_name
from piel_desktop.domain.progress import SILENT, Progress, paused_collector
from piel_desktop.domain.sync import join
from piel_desktop.services import backups
from piel_desktop.services.sync import package_merge
from piel_desktop.services.sync.package_format import (
    SUFFIX, Package, PackageWriter, key_fingerprint, new_private_key, open_package, public_key_of,
)
from piel_desktop.services.sync.preview import Preview, describe_effects
from piel_desktop.storage import Archive
from piel_desktop.storage import models as m
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.models import utcnow

# -- offices --------------------------------------------------------------------------

@dataclass(frozen=True)
class Office:
    """A replica as people see it: this archive's own, or a peer it has heard from."""

    id: str  # 32 hex digits
    name: str
    is_local: bool
    key_fingerprint: str | None


def offices(archive: Archive) -> list[Office]:
    """This archive's office first, then the others by name (of one name, the one heard
    from last first)."""
    with archive.unit_of_work() as uow:
        rows = uow.raw.execute(
            "SELECT id, name, is_local, coalesce(public_key, '') FROM replica "
            "ORDER BY is_local DESC, name, coalesce(covered, -1) DESC, id").fetchall()
    return [Office(r, n, bool(local), key_fingerprint(k) if k else None) for r, n, local, k in rows]


def set_office_name(archive: Archive, name: str) -> None:
    """Name this archive's office (shown to peers in its packages).

    Raises InvalidValue (see domain.model.check_office_name).
    """
    name = check_office_name(name)
    with archive.unit_of_work() as uow:
        uow.raw.execute("UPDATE replica SET name = ? WHERE is_local", (name,))
        uow.commit()


def find_office(archive: Archive, office: str) -> Office:
    """A peer office by name (case-insensitive) or by id or a prefix of it.

    Raises UnknownOffice naming the offices known.
    """
    wanted = office.strip().casefold()
    if wanted == offices(archive)[0].name.casefold():
        raise UnknownOffice(office=office, known=("own",))
    # Offices known only as authors of relayed changes (and the demo data) have sent
    # no package: nothing is known of what they have seen, so none can be chosen.
    peers = [o for o in offices(archive) if not o.is_local and o.key_fingerprint]
    by_name = [o for o in peers if o.name.casefold() == wanted]
    if by_name:  # an office that restored a backup has a new id: the newest is the one
        return by_name[0]
    by_id = [o for o in peers if len(wanted) >= 4 and o.id.startswith(wanted)]
    if len(by_id) == 1:
        return by_id[0]
    raise UnknownOffice(office=office, known=tuple(f"{o.name} ({o.id[:8]})" for o in peers) or ("—",))


def own_key_fingerprint(archive: Archive) -> str:
    """This office's key fingerprint, as peers see it (the key is made on first use)."""
    with archive.unit_of_work() as uow:
        _replica, _name, private = _signing_key(uow.raw)
        uow.commit()
    return key_fingerprint(public_key_of(private))


def _signing_key(con) -> tuple[str, str, str]:
    """(replica id, office name, private key) of this archive; makes the key on first use."""
    replica, name, private = con.execute(
        "SELECT id, name, private_key FROM replica WHERE is_local").fetchone()
    if not private:
        private = new_private_key()
        con.execute("UPDATE replica SET private_key = ?, public_key = ? WHERE id = ?",
                    (private, public_key_of(private), replica))
    return replica, name, private


# -- export ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: str  # "full" or "incremental"
    records: int
    office: str  # the peer it was made for, "" for a full export to anyone


@paused_collector()  # a few objects per record, none in a cycle
def export_package(archive: Archive, out: Path | str, *, to: str | None = None,
                   full: bool = False, progress: Progress = SILENT) -> ExportResult:
    """Write a package of this archive's records.

    ``to`` names the peer office: the package then holds only what that office has not
    seen (everything if nothing is known of it, or with ``full``). Without ``to`` the
    package is full. Raises UnknownOffice, OutputNotWritable, or Cancelled (no file is
    left behind). The archive is not changed, except that its signing key is made on
    the first export.
    """
    out = Path(out)
    try:
        peer = find_office(archive, to) if to else None
    except UnknownOffice:
        if not full:
            raise
        peer = None  # a full package suits a new office too
    _check_output(archive, out)
    with archive.unit_of_work() as uow:
        con = uow.raw
        replica, name, private = _signing_key(con)
        uow.session.commit()  # keep the key even if the export fails
        con = uow.raw
        covers = tracking.knowledge(con)
        since = None
        if peer and not full:
            seen = con.execute("SELECT peer_seen FROM replica WHERE id = ?", (peer.id,)).fetchone()[0]
            since = json.loads(seen) if seen else None
        kind = "incremental" if since is not None else "full"
        writer = PackageWriter(out)
        try:
            stamps: set[str] = set()
            files: set[str] = set()
            count = writer.lines("records.ndjson", _records(con, since, stamps, progress, files))
            if files:
                writer.lines("blobs.ndjson", package_merge.blob_lines(con, files), stored=True)
            contexts = tracking.changeset_contexts(con, stamps)
            accounts = {s: account for s, (_office, account) in tracking.authors(con, contexts).items() if account}
            writer.lines("changesets.ndjson", ({"s": s, "x": contexts[s], **({"a": accounts[s]} if s in accounts else {})}
                                               for s in sorted(contexts)))
            writer.lines("replicas.ndjson", _replicas(con, {s[17:] for s in stamps} | set(covers)))
            writer.finish({
                "package_id": uuid.uuid4().hex, "kind": kind, "created": utcnow().isoformat(),
                "schema": archive.schema_version,
                "producer": {"replica": replica, "name": name, "public_key": public_key_of(private)},
                "to": {"replica": peer.id, "name": peer.name} if peer else None,
                "since": since or {}, "covers": covers, "counts": {"records": count},
            }, private)
        except BaseException:
            writer.abort()
            raise
    return ExportResult(out, kind, count, peer.name if peer else "")


def _check_output(archive: Archive, out: Path) -> None:
    """Refuse to write a package over a folder, the archive, or any file that is not
    a package (an old package of the same name is replaced)."""
    if out.is_dir():
        raise OutputNotWritable(path=str(out), reason="is-a-folder")
    if not out.parent.is_dir():
        raise OutputNotWritable(path=str(out), reason="no-such-folder")
    if not out.exists():
        return
    if archive.path.exists() and os.path.samefile(out, archive.path):
        raise OutputNotWritable(path=str(out), reason="is-the-archive")
    with out.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise OutputNotWritable(path=str(out), reason="not-a-package-file")


def _records(con, since, stamps: set[str], progress: Progress, files: set[str]) -> Iterator[dict]:
    """Records as package lines; collects the stamps they use and the files (SHA-256)
    their documents name."""
    total = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in m.SYNCED_TABLES) or 1
    for done, row in enumerate(tracking.iter_rows(con, since), 1):
        stamps.update(row.clock.values())
        if row.table == "conflict":
            stamps.add(row.values["stamp"])
        if row.table == "document" and row.values.get("blob_sha256"):
            files.add(row.values["blob_sha256"])
        if done % 1000 == 0:
            progress.step(min(done, total), total)
        yield {"t": row.table, **row.to_json()}


def _replicas(con, ids: set[str]) -> Iterator[dict]:
    for replica in sorted(ids):
        found = con.execute("SELECT name, public_key FROM replica WHERE id = ?", (replica,)).fetchone()
        if found:
            yield {"id": replica, "name": found[0], "key": found[1]}


# -- import ---------------------------------------------------------------------------

@dataclass
class ImportResult:
    """What an import did, or (``dry_run``) would do."""

    path: Path
    package_id: str
    kind: str
    office: str
    office_id: str
    key_fingerprint: str
    key_is_new: bool
    already_applied: bool = False
    dry_run: bool = False
    #: The office the package was made for, when it is not this archive's.
    made_for: str | None = None
    preview: Preview = field(default_factory=Preview)
    backup: Path | None = None
    receipt: Path | None = None


@paused_collector()  # a few objects per record, none in a cycle
def import_package(archive: Archive, path: Path | str, *, dry_run: bool = False,
                   receipt_dir: Path | None = None, progress: Progress = SILENT) -> ImportResult:
    """Check a package, merge it, and (unless ``dry_run``) commit, after a backup.

    Re-importing a package returns ``already_applied`` and changes nothing. A receipt
    package for the sender is written to ``receipt_dir`` (default: beside the package,
    else the backups folder). Raises a BadPackage subclass naming the problem, or
    Cancelled; in every such case the archive is exactly as before.
    """
    progress.step(0, 1)
    if receipt_dir is not None and not Path(receipt_dir).is_dir():
        raise OutputNotWritable(path=str(receipt_dir), reason="no-such-folder")
    if receipt_dir is not None and not os.access(receipt_dir, os.W_OK):
        raise OutputNotWritable(path=str(receipt_dir), reason="not-a-writable-folder")
    # records.ndjson is checked as the merge reads it, inside the transaction.
    with open_package(path, _Scaled(progress, 0, 30), check_records=False) as package:
        result = _start(archive, package, dry_run)
        if result.already_applied:
            if not dry_run and package.kind != "receipt":  # a lost receipt can be made again
                result.receipt = write_receipt(archive, package, receipt_dir or Path(path).parent)
            return result
        if package.kind == "receipt":
            return _take_receipt(archive, package, result)
        if not dry_run:
            own_key_fingerprint(archive)  # the key first: a restored copy must keep it
            result.backup = backups.make_backup(archive, "import", rotate=False)
        try:
            with archive.merging() as merging:
                con = merging.con
                package_merge.check_key(con, package)
                package_merge.check_since(con, package)
                package_merge.add_blobs(con, package)
                merger = package_merge.merge(con, package, _Scaled(progress, 30, 95))
                result.preview = describe_effects(con, merger.effects, +merger.more)
                if not merger.changes and result.backup:  # nothing to undo: no copy needed
                    result.backup.unlink(missing_ok=True)
                    result.backup = None
                _record_knowledge(con, package, result.backup)
                progress.step(96, 100)
                if dry_run:
                    return result
                merging.commit()
        except BaseException:
            if result.backup:  # nothing was applied: the copy would only mislead
                result.backup.unlink(missing_ok=True)
            raise
        backups.rotate_backups(archive)
    result.receipt = write_receipt(archive, package, receipt_dir or Path(path).parent)
    if result.receipt:
        with archive.unit_of_work() as uow:
            uow.raw.execute("UPDATE import_log SET receipt = ? WHERE package_id = ?",
                               (str(result.receipt), package.package_id))
            uow.commit()
    progress.step(100, 100)
    return result


def _start(archive: Archive, package: Package, dry_run: bool) -> ImportResult:
    producer = package.producer
    with archive.unit_of_work() as uow:
        con = uow.raw
        if producer["replica"] == tracking.local_replica(con):
            raise PackageFromThisArchive(path=str(package.path))
        # The key before anything else: a package signed by someone else gets no
        # "already applied" and no receipt, however well it copies a real one.
        known = package_merge.refuse_another_key(con, package)
        applied = con.execute("SELECT 1 FROM import_log WHERE package_id = ?", (package.package_id,)).fetchone()
        local = tracking.local_replica(con)
        own_name = con.execute("SELECT name FROM replica WHERE is_local").fetchone()[0]
    to = package.manifest.get("to")
    made_for = None
    # An office that restored a backup has a new id under its old name: still for it.
    if isinstance(to, dict) and to.get("replica") != local and to.get("name") != own_name:
        made_for = to.get("name") or str(to.get("replica", ""))[:8]
    result = ImportResult(path=package.path, package_id=package.package_id, kind=package.kind,
                          office=producer["name"], office_id=producer["replica"],
                          key_fingerprint=key_fingerprint(producer["public_key"]),
                          key_is_new=not (known and known[0]), already_applied=bool(applied),
                          dry_run=dry_run, made_for=made_for)
    return result


def _record_knowledge(con, package: Package, backup: Path | None) -> None:
    producer = package.producer["replica"]
    seen = con.execute("SELECT peer_seen FROM replica WHERE id = ?", (producer,)).fetchone()[0]
    merged = join(json.loads(seen) if seen else {}, package.manifest["covers"])
    con.execute("UPDATE replica SET peer_seen = ? WHERE id = ?", (tracking.dumps(merged), producer))
    con.execute("INSERT INTO import_log (package_id, producer, applied_at, backup, last_stamp) "
                "VALUES (?, ?, ?, ?, ?)", (package.package_id, producer, utcnow().isoformat(),
                                           str(backup) if backup else None, tracking.last_local_stamp(con)))


def _take_receipt(archive: Archive, package: Package, result: ImportResult) -> ImportResult:
    """A receipt tells us what the peer has now seen: later exports to it leave that out."""
    if result.dry_run:
        return result
    with archive.merging() as merging:
        package_merge.check_key(merging.con, package)
        _record_knowledge(merging.con, package, None)
        merging.commit()
    return result


def write_receipt(archive: Archive, package: Package, folder: Path) -> Path | None:
    """Write the receipt for an applied package; None if no folder could take it."""
    with archive.unit_of_work() as uow:
        own = uow.raw.execute("SELECT name FROM replica WHERE is_local").fetchone()[0]
    # One receipt per package and office, so offices importing one package keep theirs.
    name = f"{Path(package.path).stem}.receipt-{safe_file_name(own)}{SUFFIX}"
    for place in (folder, backups.backup_folder(archive)):
        try:
            return _write_receipt(archive, package, place / name)
        except OutputNotWritable:
            continue
    return None


def _write_receipt(archive: Archive, package: Package, out: Path) -> Path:
    with archive.unit_of_work() as uow:
        con = uow.raw
        replica, name, private = _signing_key(con)
        covers = tracking.knowledge(con)
        uow.commit()
    writer = PackageWriter(out)
    try:
        return writer.finish({
            "package_id": uuid.uuid4().hex, "kind": "receipt", "created": utcnow().isoformat(),
            "schema": archive.schema_version,
            "producer": {"replica": replica, "name": name, "public_key": public_key_of(private)},
            "to": {"replica": package.producer["replica"], "name": package.producer["name"]},
            "since": {}, "covers": covers, "counts": {"records": 0},
            "receipt": {"package_id": package.package_id},
        }, private)
    except BaseException:
        writer.abort()
        raise


def safe_file_name(name: str) -> str:
    """A file name from an office name: no separators or characters Windows refuses."""
    return "".join("-" if c in '\\/:*?"<>|' or c < " " else c for c in name).strip(" .") or "office"


class _Scaled(Progress):
    """Forwards a sub-job's progress as a slice (percent ``start``..``end``) of a whole."""

    def __init__(self, outer: Progress, start: int, end: int) -> None:
        super().__init__()
        self._outer, self._start, self._end = outer, start, end

    def step(self, done: int, total: int, message: str = "") -> None:
        fraction = done / total if total else 1
        self._outer.step(self._start + int((self._end - self._start) * fraction), 100, message)


def last_import(archive: Archive) -> dict | None:
    """The newest import, as {"package_id", "office", "applied_at" (aware datetime),
    "backup" (Path or None), "undoable" (bool: nothing written since it)}; None if none."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        # Receipts change no record and leave no backup copy: the last import is a package.
        row = con.execute("SELECT package_id, r.name, applied_at, backup, last_stamp, receipt FROM import_log "
                          "JOIN replica r ON r.id = producer WHERE backup IS NOT NULL "
                          "ORDER BY applied_at DESC LIMIT 1").fetchone()
        if row is None:
            return None
        latest = tracking.last_local_stamp(con)
    backup = Path(row[3]) if row[3] else None
    return {"package_id": row[0], "office": row[1], "applied_at": dt.datetime.fromisoformat(row[2]),
            "backup": backup, "undoable": bool(backup and backup.is_file() and latest == row[4]),
            "receipt": Path(row[5]) if row[5] else None}


def undo_last_import(archive_path: Path) -> Path:
    """Put back the copy made before the last import, with the archive closed, and
    remove the receipt written for it (sending it would now mislead the sender).
    Returns the safety copy of the state undone. Raises UndoNotPossible."""
    from piel_desktop.services.archive import open_archive
    with open_archive(archive_path) as archive:
        last = last_import(archive)
    if not last:
        raise UndoNotPossible(reason="no-import")
    if not last["undoable"]:
        raise UndoNotPossible(reason="backup-missing" if not (last["backup"] and last["backup"].is_file())
                              else "edited-since")
    safety = backups.restore_backup(Path(archive_path), last["backup"], "undo")
    if last["receipt"]:
        last["receipt"].unlink(missing_ok=True)
    return safety
