"""Reading a package's records into the archive: the office's key, what the package
assumes, its changesets and records checked one by one, then merged (storage/merge.py).

Runs inside the import's transaction (services/sync/exchange.py opens it, previews and commits).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import re
import uuid

from piel_desktop.domain.errors import (
    PackageClockAhead, PackageDuplicate, PackageKeyMismatch, PackageMissingReference,
    PackageNeedsEarlier, PackageRecordInvalid,
)
from piel_desktop.domain.progress import Progress
from piel_desktop.domain.sync import ALL_FIELDS, DELETED, Stamp, join
from piel_desktop.services.sync.package_format import Package, key_fingerprint
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.merge import (
    CONFLICT_NAMESPACE, DuplicateRecord, MalformedValue, Merger, MissingReference,
)
from piel_desktop.storage.models import utcnow

_BATCH = 2000
#: An id as SQLite holds it, 32 lowercase hex digits (tracking.is_hex_id, in C; raises
#: TypeError for a value that is not a string).
_HEX_ID = re.compile(r"[0-9a-f]{32}").fullmatch
#: tracking.Row(*fields) without the Python-level __new__ of a NamedTuple: a call in C
#: per record (a package has hundreds of thousands).
_new_row = functools.partial(tuple.__new__, tracking.Row)


def refuse_another_key(con, package: Package) -> tuple[str | None, str] | None:
    """Raise PackageKeyMismatch if the package's office is known with another key;
    return its (public key, name) row, None if the office is new. Writes nothing."""
    producer = package.producer
    row = con.execute("SELECT public_key, name FROM replica WHERE id = ?", (producer["replica"],)).fetchone()
    if row and row[0] and row[0] != producer["public_key"]:
        raise PackageKeyMismatch(path=str(package.path), office=row[1] or producer["name"],
                                 known=key_fingerprint(row[0]), found=key_fingerprint(producer["public_key"]))
    return row


def check_key(con, package: Package) -> None:
    """Trust on first use: an office's first package teaches its key; later ones must
    be signed with it."""
    producer = package.producer
    row = refuse_another_key(con, package)
    if row is None:
        con.execute("INSERT INTO replica (id, name, is_local, created_at, public_key) VALUES (?, ?, FALSE, ?, ?)",
                    (producer["replica"], producer["name"], utcnow().isoformat(), producer["public_key"]))
    else:
        con.execute("UPDATE replica SET public_key = ?, name = ? WHERE id = ?",
                    (producer["public_key"], producer["name"] or row[1], producer["replica"]))


def check_since(con, package: Package) -> None:
    known = tracking.knowledge(con)
    for replica, hlc in package.manifest["since"].items():
        if known.get(replica, -1) < hlc:
            raise PackageNeedsEarlier(path=str(package.path), office=package.producer["name"])


#: Bytes of a file per line of ``blobs.ndjson`` (5.3 MiB of base64, under the line limit).
BLOB_CHUNK = 4 << 20


def blob_lines(con, hashes: set[str]):
    """Package lines carrying the files with these SHA-256 hashes (those the archive
    holds): ``{"h": hash, "i": chunk number from 0, "n": chunks, "d": base64}``."""
    for sha in sorted(hashes):
        row = con.execute("SELECT data FROM blob WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            continue
        data = bytes(row[0])
        chunks = max(1, -(-len(data) // BLOB_CHUNK))
        for i in range(chunks):
            part = data[i * BLOB_CHUNK:(i + 1) * BLOB_CHUNK]
            yield {"h": sha, "i": i, "n": chunks, "d": base64.b64encode(part).decode()}


def add_blobs(con, package: Package) -> None:
    """Store the files a package carries. Each is checked against its SHA-256 before it
    is written; a file the archive has is skipped (the same hash is the same bytes).
    Raises PackageRecordInvalid for a malformed line or a file that is not its hash."""
    where = str(package.path)
    sha, parts, expected = None, [], 0

    def bad(number, problem):
        return PackageRecordInvalid(path=where, line=f"blobs.ndjson:{number}", problem=problem)

    def finish(number):
        data = b"".join(parts)
        if len(parts) != expected or hashlib.sha256(data).hexdigest() != sha:
            raise bad(number, "a file that does not match its SHA-256")
        con.execute("INSERT INTO blob (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (sha, len(data), data))

    number = 0
    for number, item in package.lines("blobs.ndjson"):
        h, i, n, d = item.get("h"), item.get("i"), item.get("n"), item.get("d")
        if not (isinstance(h, str) and len(h) == 64 and not h.strip("0123456789abcdef")
                and type(i) is int and type(n) is int and 0 <= i < n and isinstance(d, str)):
            raise bad(number, "bad file line")
        if h != sha:
            if sha is not None:
                finish(number)
            sha, parts, expected = h, [], n
        if i != len(parts) or n != expected:
            raise bad(number, "file chunks out of order")
        try:
            parts.append(base64.b64decode(d, validate=True))
        except (binascii.Error, ValueError):
            raise bad(number, "bad base64") from None
    if sha is not None:
        finish(number)


def merge(con, package: Package, progress: Progress) -> Merger:
    where = str(package.path)
    for number, item in package.lines("replicas.ndjson"):
        if not (_hex32(item.get("id")) and isinstance(item.get("name"), str)):
            raise PackageRecordInvalid(path=where, line=f"replicas.ndjson:{number}", problem="bad office")
        # Only an office's own packages teach its key (see _check_key): a key relayed by
        # another office could be anybody's.
        con.execute("INSERT INTO replica (id, name, is_local, created_at) VALUES (?, ?, FALSE, ?) "
                    "ON CONFLICT DO NOTHING", (item["id"], item["name"], utcnow().isoformat()))
    contexts = tracking.Contexts(con)
    local = tracking.local_replica(con)
    for number, item in package.lines("changesets.ndjson"):
        stamp, context, account = item.get("s"), item.get("x"), item.get("a")
        try:
            Stamp.parse(stamp)
            if not (isinstance(context, dict) and all(_hex32(k) and type(v) is int for k, v in context.items())):
                raise ValueError
            if account is not None and not (isinstance(account, str) and 0 < len(account.encode()) <= 63
                                            and account.isprintable()):
                raise ValueError
        except ValueError:
            raise PackageRecordInvalid(path=where, line=f"changesets.ndjson:{number}", problem="bad changeset") from None
        known = con.execute("SELECT context FROM changeset WHERE stamp = ?", (stamp,)).fetchone()
        if known:  # what the archive holds stands: a package cannot rewrite history
            continue
        if stamp[17:] == local:  # this office's own changes come from this archive only
            raise PackageRecordInvalid(path=where, line=f"changesets.ndjson:{number}",
                                       problem="a change of this office that this archive never made")
        con.execute("INSERT INTO changeset (stamp, context, account) VALUES (?, ?, ?)",
                    (stamp, tracking.dumps(context), account))
        contexts.add(stamp, context)
    covers = _credible_covers(con, package, contexts)
    _check_clocks(package, [Stamp.parse(st).hlc for st in contexts.added] + list(covers.values()))
    # Knowledge first, so that a conflict record made below is stamped after all of it.
    for replica, hlc in covers.items():
        con.execute("INSERT INTO replica (id, name, is_local, created_at) VALUES (?, '', FALSE, ?) "
                    "ON CONFLICT DO NOTHING", (replica, utcnow().isoformat()))
        tracking.raise_covered(con, replica, hlc)
    conflict_stamp = _Lazy(lambda: tracking.new_changeset(con, local))
    merger = Merger(con, contexts, conflict_stamp)
    _merge_records(package, merger, _RowReader(where, contexts), progress)
    return merger


def _merge_records(package: Package, merger: Merger, read, progress: Progress) -> None:
    where = str(package.path)
    total = package.manifest["entries"].get("records.ndjson", {}).get("lines") or 1
    batch: list[tracking.Row] = []
    table = None
    try:
        for number, item in package.lines("records.ndjson"):
            row = read(item, number)
            if row.table != table or len(batch) >= _BATCH:
                merger.apply(batch)
                batch, table = [], row.table
                progress.step(number, total)
            batch.append(row)
        merger.apply(batch)
        merger.finish()
    except MissingReference as e:
        raise PackageMissingReference(path=where, kind=e.table, key=_short(e.key), parent=e.parent) from None
    except DuplicateRecord as e:
        raise PackageDuplicate(path=where, kind=e.table, detail=e.detail) from None
    except MalformedValue as e:
        raise PackageRecordInvalid(path=where, line="records.ndjson", problem=e.detail) from None


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
        try:  # most keys are one id: one match, without all() and map()
            good_key = type(key) is list and len(key) == len(s.keys) and (
                _HEX_ID(key[0]) is not None if len(key) == 1 else all(map(_HEX_ID, key)))
        except TypeError:  # a key that is not a string
            good_key = False
        if not good_key:
            raise self.bad(number, "bad key")
        # Our exports write fields in column order: one tuple comparison checks them all.
        in_order = type(values) is dict and tuple(values) == s.columns
        if not in_order and (type(values) is not dict or values.keys() != s.column_set):
            raise self.bad(number, f"fields of {table} do not match")
        if type(deleted) is not bool:
            raise self.bad(number, "bad deleted flag")
        if type(clock) is not dict or ALL_FIELDS not in clock:
            raise self.bad(number, "bad clock")
        if len(clock) == 1:  # most records: one changeset wrote every field, checked once
            stamp = clock[ALL_FIELDS]
            clock_text = self.one_stamp_clocks.get(stamp) if type(stamp) is str else None
            if clock_text is None:
                self._check_stamp(stamp, number)
                clock_text = self.one_stamp_clocks[stamp] = tracking.dumps(clock)
        else:
            if not clock.keys() <= s.clock_fields:
                raise self.bad(number, "bad clock")
            for stamp in clock.values():
                if type(stamp) is not str or stamp not in self.good_stamps:
                    self._check_stamp(stamp, number)
            clock_text = tracking.dumps(clock)
        if not in_order:
            values = {c: values[c] for c in s.columns}
        if deleted:  # live records are checked in bulk inside SQLite (Merger.finish)
            for column, valid in s.checks:
                if not valid(values[column]):
                    raise self.bad(number, f"{table}.{column}: {str(values[column])[:40]!r} is not a valid value")
        if table == "conflict":
            self._check_conflict(key[0], values, number)
        return _new_row((table, key, values, clock, deleted, clock_text))

    def _check_conflict(self, conflict_id: str, values: dict, number: int) -> None:
        """A conflict record names a field of a record; its id derives from its content."""
        try:
            s = tracking.shape(values["tbl"])
            key = json.loads(values["row_key"])
            json.loads(values["value"])
            Stamp.parse(values["stamp"])
        except (KeyError, TypeError, ValueError):
            raise self.bad(number, "malformed conflict") from None
        if (values["tbl"] == "conflict" or (values["field"] not in s.columns and values["field"] != DELETED)
                or type(key) is not list
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


def _hex32(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _short(key: list) -> str:
    return "/".join(str(k)[:8] for k in key)
