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
    InvalidValue, OutputNotWritable, PackageClockAhead, PackageDuplicate, PackageFromThisArchive,
    PackageKeyMismatch, PackageMissingReference, PackageNeedsEarlier, PackageRecordInvalid,
    UndoNotPossible, UnknownOffice,
)
from piel_desktop.domain.model import check_office_name
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.domain.sync import ALL_FIELDS, DELETED, Stamp, join
from piel_desktop.services import backups
from piel_desktop.services.package_format import (
    SUFFIX, Package, PackageWriter, key_fingerprint, new_private_key, open_package, public_key_of,
)
from piel_desktop.services.sync_preview import Preview, describe_effects
from piel_desktop.storage import Archive
from piel_desktop.storage import models as m
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.merge import (
    CONFLICT_NAMESPACE, DuplicateRecord, MalformedValue, Merger, MissingReference,
)
from piel_desktop.storage.models import utcnow

_BATCH = 2000


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
        rows = uow.sqlite.execute(
            "SELECT id, name, is_local, coalesce(public_key, '') FROM replica "
            "ORDER BY is_local DESC, name, coalesce(covered, -1) DESC, id").fetchall()
    return [Office(r, n, bool(local), key_fingerprint(k) if k else None) for r, n, local, k in rows]


def set_office_name(archive: Archive, name: str) -> None:
    """Name this archive's office (shown to peers in its packages).

    Raises InvalidValue (see domain.model.check_office_name).
    """
    name = check_office_name(name)
    with archive.unit_of_work() as uow:
        uow.sqlite.execute("UPDATE replica SET name = ? WHERE is_local = 1", (name,))
        uow.commit()


def find_office(archive: Archive, office: str) -> Office:
    """A peer office by name (case-insensitive) or by id or a prefix of it.

    Raises UnknownOffice naming the offices known.
    """
    wanted = office.strip().casefold()
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
        _replica, _name, private = _signing_key(uow.sqlite)
        uow.commit()
    return key_fingerprint(public_key_of(private))


def _signing_key(con) -> tuple[str, str, str]:
    """(replica id, office name, private key) of this archive; makes the key on first use."""
    replica, name, private = con.execute(
        "SELECT id, name, private_key FROM replica WHERE is_local = 1").fetchone()
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
        con = uow.sqlite
        replica, name, private = _signing_key(con)
        uow.session.commit()  # keep the key even if the export fails
        con = uow.sqlite
        covers = tracking.knowledge(con)
        since = None
        if peer and not full:
            seen = con.execute("SELECT peer_seen FROM replica WHERE id = ?", (peer.id,)).fetchone()[0]
            since = json.loads(seen) if seen else None
        kind = "incremental" if since is not None else "full"
        writer = PackageWriter(out)
        try:
            stamps: set[str] = set()
            count = writer.lines("records.ndjson", _records(con, since, stamps, progress))
            contexts = tracking.changeset_contexts(con, stamps)
            writer.lines("changesets.ndjson", ({"s": s, "x": contexts[s]} for s in sorted(contexts)))
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
    if not out.exists():
        return
    if archive.path.exists() and os.path.samefile(out, archive.path):
        raise OutputNotWritable(path=str(out), reason="is-the-archive")
    with out.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise OutputNotWritable(path=str(out), reason="not-a-package-file")


def _records(con, since, stamps: set[str], progress: Progress) -> Iterator[dict]:
    total = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in m.SYNCED_TABLES) or 1
    for done, row in enumerate(tracking.iter_rows(con, since), 1):
        stamps.update(row.clock.values())
        if row.table == "conflict":
            stamps.add(row.values["stamp"])
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


def import_package(archive: Archive, path: Path | str, *, dry_run: bool = False,
                   receipt_dir: Path | None = None, progress: Progress = SILENT) -> ImportResult:
    """Check a package, merge it, and (unless ``dry_run``) commit, after a backup.

    Re-importing a package returns ``already_applied`` and changes nothing. A receipt
    package for the sender is written to ``receipt_dir`` (default: beside the package,
    else the backups folder). Raises a BadPackage subclass naming the problem, or
    Cancelled; in every such case the archive is exactly as before.
    """
    progress.step(0, 1)
    if receipt_dir is not None and not (Path(receipt_dir).is_dir() and os.access(receipt_dir, os.W_OK)):
        raise OutputNotWritable(path=str(receipt_dir), reason="not-a-writable-folder")
    with open_package(path, _Scaled(progress, 0, 30)) as package:
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
                _check_key(con, package)
                _check_since(con, package)
                merger = _merge(con, package, _Scaled(progress, 30, 95))
                result.preview = describe_effects(con, merger.effects, +merger.more)
                if not merger.changes and result.backup:  # nothing to undo: no copy needed
                    result.backup.unlink(missing_ok=True)
                    result.backup = None
                _record_knowledge(con, package, result.backup)
                progress.step(96, 100)
                if dry_run:
                    return result
                merging.commit()
            backups.rotate_backups(archive)
        except BaseException:
            if result.backup:  # nothing was applied: the copy would only mislead
                result.backup.unlink(missing_ok=True)
            raise
    result.receipt = write_receipt(archive, package, receipt_dir or Path(path).parent)
    if result.receipt:
        with archive.unit_of_work() as uow:
            uow.sqlite.execute("UPDATE import_log SET receipt = ? WHERE package_id = ?",
                               (str(result.receipt), package.package_id))
            uow.commit()
    progress.step(100, 100)
    return result


def _start(archive: Archive, package: Package, dry_run: bool) -> ImportResult:
    producer = package.producer
    with archive.unit_of_work() as uow:
        con = uow.sqlite
        if producer["replica"] == tracking.local_replica(con):
            raise PackageFromThisArchive(path=str(package.path))
        known = con.execute("SELECT public_key FROM replica WHERE id = ?", (producer["replica"],)).fetchone()
        applied = con.execute("SELECT 1 FROM import_log WHERE package_id = ?", (package.package_id,)).fetchone()
        local = tracking.local_replica(con)
    to = package.manifest.get("to")
    made_for = to.get("name") or to.get("replica", "")[:8] if isinstance(to, dict) and to.get("replica") != local else None
    result = ImportResult(path=package.path, package_id=package.package_id, kind=package.kind,
                          office=producer["name"], office_id=producer["replica"],
                          key_fingerprint=key_fingerprint(producer["public_key"]),
                          key_is_new=not (known and known[0]), already_applied=bool(applied),
                          dry_run=dry_run, made_for=made_for)
    return result


def _check_key(con, package: Package) -> None:
    """Trust on first use: an office's first package teaches its key; later ones must
    be signed with it."""
    producer = package.producer
    row = con.execute("SELECT public_key, name FROM replica WHERE id = ?", (producer["replica"],)).fetchone()
    if row and row[0] and row[0] != producer["public_key"]:
        raise PackageKeyMismatch(path=str(package.path), office=row[1] or producer["name"],
                                 known=key_fingerprint(row[0]), found=key_fingerprint(producer["public_key"]))
    if row is None:
        con.execute("INSERT INTO replica (id, name, is_local, created_at, public_key) VALUES (?, ?, 0, ?, ?)",
                    (producer["replica"], producer["name"], utcnow().isoformat(), producer["public_key"]))
    else:
        con.execute("UPDATE replica SET public_key = ?, name = ? WHERE id = ?",
                    (producer["public_key"], producer["name"] or row[1], producer["replica"]))


def _check_since(con, package: Package) -> None:
    known = tracking.knowledge(con)
    for replica, hlc in package.manifest["since"].items():
        if known.get(replica, -1) < hlc:
            raise PackageNeedsEarlier(path=str(package.path), office=package.producer["name"])


def _merge(con, package: Package, progress: Progress) -> Merger:
    where = str(package.path)
    for number, item in package.lines("replicas.ndjson"):
        if not (_hex32(item.get("id")) and isinstance(item.get("name"), str)):
            raise PackageRecordInvalid(path=where, line=f"replicas.ndjson:{number}", problem="bad office")
        # Only an office's own packages teach its key (see _check_key): a key relayed by
        # another office could be anybody's.
        con.execute("INSERT OR IGNORE INTO replica (id, name, is_local, created_at) VALUES (?, ?, 0, ?)",
                    (item["id"], item["name"], utcnow().isoformat()))
    contexts = tracking.Contexts(con)
    local = tracking.local_replica(con)
    for number, item in package.lines("changesets.ndjson"):
        stamp, context = item.get("s"), item.get("x")
        try:
            Stamp.parse(stamp)
            if not (isinstance(context, dict) and all(_hex32(k) and type(v) is int for k, v in context.items())):
                raise ValueError
        except ValueError:
            raise PackageRecordInvalid(path=where, line=f"changesets.ndjson:{number}", problem="bad changeset") from None
        known = con.execute("SELECT context FROM changeset WHERE stamp = ?", (stamp,)).fetchone()
        if known:  # what the archive holds stands: a package cannot rewrite history
            continue
        if stamp[17:] == local:  # this office's own changes come from this archive only
            raise PackageRecordInvalid(path=where, line=f"changesets.ndjson:{number}",
                                       problem="a change of this office that this archive never made")
        con.execute("INSERT INTO changeset (stamp, context) VALUES (?, ?)", (stamp, tracking.dumps(context)))
        contexts.add(stamp, context)
    covers = _credible_covers(con, package, contexts)
    _check_clocks(package, [Stamp.parse(st).hlc for st in contexts.added] + list(covers.values()))
    # Knowledge first, so that a conflict record made below is stamped after all of it.
    for replica, hlc in covers.items():
        con.execute("INSERT OR IGNORE INTO replica (id, name, is_local, created_at) VALUES (?, '', 0, ?)",
                    (replica, utcnow().isoformat()))
        con.execute("UPDATE replica SET covered = max(coalesce(covered, -1), ?) WHERE id = ?", (hlc, replica))
    conflict_stamp = _Lazy(lambda: tracking.new_changeset(con, local))
    merger = Merger(con, contexts, conflict_stamp)
    total = package.manifest["entries"].get("records.ndjson", {}).get("lines") or 1
    batch: list[tracking.Row] = []
    read = _RowReader(where, contexts)
    try:
        for number, item in package.lines("records.ndjson"):
            row = read(item, number)
            if batch and (row.table != batch[0].table or len(batch) >= _BATCH):
                merger.apply(batch)
                batch = []
                progress.step(number, total)
            batch.append(row)
        merger.apply(batch)
        merger.finish()
    except MissingReference as e:
        raise PackageMissingReference(path=where, kind=e.table, key=_short(e.key), parent=e.parent) from None
    except DuplicateRecord as e:
        raise PackageDuplicate(path=where, kind=e.table, detail=e.detail) from None
    except MalformedValue as e:
        raise PackageRecordInvalid(path=where, line="records.ndjson", problem=f"{e.table}: {e.detail}") from None
    return merger


class _Lazy:
    def __init__(self, make) -> None:
        self._make, self._value = make, None

    def __call__(self):
        if self._value is None:
            self._value = self._make()
        return self._value


class _RowReader:
    """Checks records of a package and turns them into Rows; each distinct stamp is
    checked once (a package's records share few changesets)."""

    def __init__(self, where: str, contexts: tracking.Contexts) -> None:
        self.where, self.contexts = where, contexts
        self.good_stamps: set[str] = set()
        self.one_stamp_clocks: dict[str, str] = {}  # stamp -> '{"*":stamp}'
        self.shapes: dict[str, tracking.TableShape] = {}

    def bad(self, number: int, problem: str) -> PackageRecordInvalid:
        return PackageRecordInvalid(path=self.where, line=f"records.ndjson:{number}", problem=problem)

    def __call__(self, item: dict, number: int) -> tracking.Row:
        table = item.get("t")
        s = self.shapes.get(table) if type(table) is str else None
        if s is None:
            try:
                s = self.shapes[table] = tracking.shape(table)
            except (KeyError, TypeError):
                raise self.bad(number, f"unknown record kind {str(table)[:40]!r}") from None
        key, values, clock, deleted = item.get("k"), item.get("v"), item.get("c"), item.get("d")
        if not (type(key) is list and len(key) == len(s.keys) and all(map(tracking.is_hex_id, key))):
            raise self.bad(number, "bad key")
        if type(values) is not dict or values.keys() != s.column_set:
            raise self.bad(number, f"fields of {table} do not match")
        if type(deleted) is not bool:
            raise self.bad(number, "bad deleted flag")
        if not (type(clock) is dict and ALL_FIELDS in clock and clock.keys() <= s.clock_fields):
            raise self.bad(number, "bad clock")
        for stamp in clock.values():
            if stamp not in self.good_stamps:
                self._check_stamp(stamp, number)
        if len(clock) == 1:  # most records: one changeset wrote every field
            stamp = clock[ALL_FIELDS]
            clock_text = self.one_stamp_clocks.get(stamp) or self.one_stamp_clocks.setdefault(
                stamp, tracking.dumps(clock))
        else:
            clock_text = tracking.dumps(clock)
        if tuple(values) != s.columns:  # our exports write fields in column order
            values = {c: values[c] for c in s.columns}
        for column, valid in s.checks:
            if not valid(values[column]):
                raise self.bad(number, f"{table}.{column}: {str(values[column])[:40]!r} is not a valid value")
        if table == "conflict":
            self._check_conflict(key[0], values, number)
        return tracking.Row(table, key, values, clock, deleted, clock_text)

    def _check_conflict(self, conflict_id: str, values: dict, number: int) -> None:
        """A conflict record names a field of a record; its id derives from its content."""
        try:
            s = tracking.shape(values["tbl"])
            key = json.loads(values["row_key"])
            json.loads(values["value"])
            Stamp.parse(values["stamp"])
        except (KeyError, TypeError, ValueError):
            raise self.bad(number, "malformed conflict") from None
        if (values["tbl"] == "conflict" or values["field"] not in s.columns or type(key) is not list
                or len(key) != len(s.keys) or not all(map(tracking.is_hex_id, key))
                or conflict_id != uuid.uuid5(CONFLICT_NAMESPACE, "{}|{}|{}|{}".format(
                    values["tbl"], values["row_key"], values["field"], values["stamp"])).hex):
            raise self.bad(number, "malformed conflict")

    def _check_stamp(self, stamp, number: int) -> None:
        try:
            parsed = Stamp.parse(stamp)
        except ValueError:
            raise self.bad(number, "bad stamp") from None
        if not self.contexts(parsed):
            raise self.bad(number, f"unknown changeset {stamp}")
        self.good_stamps.add(stamp)


def _credible_covers(con, package: Package, contexts: tracking.Contexts) -> dict[str, int]:
    """What the package shows its office had seen: its claim, but never beyond what the
    contexts of the changes it carries (or the archive already knew) account for. Every
    overwritten change was overwritten by one that saw it, and that one travels, so an
    honest claim is never cut; an inflated one cannot make offices skip real changes."""
    bound = tracking.knowledge(con)
    for stamp in contexts.added:
        bound = join(bound, contexts(Stamp.parse(stamp)))
    return {r: min(h, bound.get(r, -1)) for r, h in package.manifest["covers"].items() if bound.get(r, -1) >= 0}


#: How far ahead of this computer's clock a package's clocks may be. Every later change
#: sorts after the largest clock an archive has seen, so one laptop set years ahead
#: would otherwise push every office's clocks there for good.
MOST_AHEAD = dt.timedelta(days=2)


def _check_clocks(package: Package, hlcs: list[int]) -> None:
    limit = (dt.datetime.now(dt.UTC) + MOST_AHEAD).timestamp() * 1000
    newest = max(hlcs, default=0) >> 16
    if newest > limit:
        raise PackageClockAhead(path=str(package.path), office=package.producer["name"],
                                date=dt.datetime.fromtimestamp(newest / 1000, dt.UTC).date().isoformat())


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
        _check_key(merging.con, package)
        _record_knowledge(merging.con, package, None)
        merging.commit()
    return result


def write_receipt(archive: Archive, package: Package, folder: Path) -> Path | None:
    """Write the receipt for an applied package; None if no folder could take it."""
    with archive.unit_of_work() as uow:
        own = uow.sqlite.execute("SELECT name FROM replica WHERE is_local = 1").fetchone()[0]
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
        con = uow.sqlite
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


def _hex32(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _short(key: list) -> str:
    return "/".join(str(k)[:8] for k in key)


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
        con = uow.sqlite
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
