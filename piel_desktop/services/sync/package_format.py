"""The package file: writing, checking and reading it, with no archive involved.

Format (documented for people in docs/package-format.md): a ZIP file holding

- ``manifest.json``: format name and version, the minimum reader version, the
  producing office (replica id, name, Ed25519 public key), what the package covers,
  counts, and the size and SHA-256 of every other entry;
- ``manifest.sig``: the Ed25519 signature of the exact bytes of ``manifest.json``;
- ``replicas.ndjson``, ``changesets.ndjson``, ``records.ndjson``: one JSON object a line;
- ``blobs.ndjson`` (only when documents travel): the files they name, in base64
  chunks, stored uncompressed (so the ratio check below holds for any file).

The signature covers the manifest and the manifest covers every entry, so one check
of each proves the whole file came unchanged from the office that signed it.
Reading never extracts to disk and never trusts sizes from the ZIP headers: each
entry is read in chunks and counted against the manifest and the limits below, so a
small file that would inflate to gigabytes is stopped after reading what it declared.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import lzma
import os
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from piel_desktop import __version__
from piel_desktop.services import PACKAGE_SUFFIX
from piel_desktop.domain.errors import (
    NotAPackage, OutputNotWritable, PackageDamaged, PackageRecordInvalid,
    PackageSignatureInvalid, PackageTooLarge, PackageUnsafe, PackageVersionUnsupported,
)
from piel_desktop.domain.progress import SILENT, Progress

FORMAT = "piel-package"
#: Version of the package format this program writes and reads.
FORMAT_VERSION = 1
SUFFIX = PACKAGE_SUFFIX
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
DATA_ENTRIES = ("replicas.ndjson", "changesets.ndjson", "records.ndjson", "blobs.ndjson")

#: Limits of what a package may hold; beyond them it is refused before reading on.
MAX_ENTRIES = 16
MAX_MANIFEST_BYTES = 1 << 20
MAX_ENTRY_BYTES = 8 << 30
MAX_TOTAL_BYTES = 16 << 30
MAX_LINE_BYTES = 16 << 20
#: Deflate shrinks our JSON lines about tenfold; a far higher ratio is a ZIP bomb.
MAX_RATIO = 200
_CHUNK = 1 << 16
_READ = 1 << 20  # bytes read at a time when records are merged
#: What reading a damaged ZIP file raises, from zipfile and the decompressors under it
#: (a bad CRC, an invalid deflate block, a header whose flags or sizes were flipped).
#: Each becomes one coded problem ("unreadable"), never the library's own words.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError, struct.error, OverflowError, KeyError, IndexError)


# -- keys -----------------------------------------------------------------------------

def new_private_key() -> str:
    """A new Ed25519 private key, raw bytes in base64."""
    from cryptography.hazmat.primitives import serialization
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def public_key_of(private_key: str) -> str:
    from cryptography.hazmat.primitives import serialization
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))
    return base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def key_fingerprint(public_key: str) -> str:
    """What people compare to recognise an office's key: SHA-256 of the raw key, first
    16 hex digits in groups of four ("3f2a 9c01 77be 0d45")."""
    digest = hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def _sign(private_key: str, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key)).sign(data)


# -- writing --------------------------------------------------------------------------

class PackageWriter:
    """Write a package entry by entry, then sign it. The file appears complete or not at
    all (written under a temporary name, then renamed).

    Raises OutputNotWritable if the file cannot be written.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        self._entries: dict[str, dict] = {}
        self._counts: dict[str, int] = {}
        try:
            self._zip = zipfile.ZipFile(self._temporary, "w", compression=zipfile.ZIP_DEFLATED,
                                        compresslevel=6)
        except OSError as e:
            raise OutputNotWritable(path=str(path), reason=e.strerror or str(e)) from e
        self._current = None

    def lines(self, entry: str, items, *, stored: bool = False) -> int:
        """Write an entry of one JSON object per line; return how many. ``stored``
        writes it uncompressed."""
        digest, size, count = hashlib.sha256(), 0, 0
        name: str | zipfile.ZipInfo = entry
        if stored:
            name = zipfile.ZipInfo(entry, date_time=time.localtime()[:6])
            name.compress_type = zipfile.ZIP_STORED
        with self._zip.open(name, "w", force_zip64=True) as out:
            buffer = io.BufferedWriter(out, 1 << 20)
            for item in items:
                line = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                digest.update(line)
                buffer.write(line)
                size += len(line)
                count += 1
            buffer.flush()
        self._entries[entry] = {"size": size, "sha256": digest.hexdigest(), "lines": count}
        return count

    def finish(self, manifest: dict, private_key: str) -> Path:
        manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION,
                    "min_reader_version": 1, "program": f"PIeL Desktop {__version__}",
                    "entries": self._entries}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        try:
            self._zip.writestr(MANIFEST, data)
            self._zip.writestr(SIGNATURE, base64.b64encode(_sign(private_key, data)))
            self._zip.close()
            os.replace(self._temporary, self.path)
        except OSError as e:
            self.abort()
            raise OutputNotWritable(path=str(self.path), reason=e.strerror or str(e)) from e
        return self.path

    def abort(self) -> None:
        try:
            self._zip.close()
        except Exception:  # already failing; the temporary file goes anyway
            pass
        self._temporary.unlink(missing_ok=True)


# -- reading --------------------------------------------------------------------------

@dataclass
class Package:
    """A package whose structure, signature and checksums have been checked."""

    path: Path
    manifest: dict
    _zip: zipfile.ZipFile = field(repr=False)

    @property
    def package_id(self) -> str:
        return self.manifest["package_id"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def producer(self) -> dict:
        return self.manifest["producer"]

    def lines(self, entry: str) -> Iterator[tuple[int, dict]]:
        """(line number, object) of an entry, read again from the file in chunks.

        Raises PackageRecordInvalid on a line that is too long, not JSON or not an
        object; PackageDamaged if the entry cannot be read or is no longer what was
        checked (its SHA-256).
        """
        if entry not in self.manifest["entries"]:
            return
        digest, size, declared = hashlib.sha256(), 0, self.manifest["entries"][entry]["size"]
        number, rest = 0, b""
        with self._open(entry) as raw:
            while chunk := self._read(raw, entry):
                size += len(chunk)
                if size > declared:  # not read before (open_package(check_records=False)): a bomb stops here
                    raise PackageDamaged(path=str(self.path), entry=entry, problem="longer-than-declared")
                digest.update(chunk)
                lines = (rest + chunk).split(b"\n") if rest else chunk.split(b"\n")
                rest = lines.pop()
                if len(rest) >= MAX_LINE_BYTES:
                    raise self._bad_line(entry, number + 1, "line-too-long")
                for line in lines:
                    number += 1
                    yield number, self._decode(line, entry, number)
        # Read again from the file: it must still be what was checked (or be what the
        # signed manifest says, when it was not checked before).
        if size != declared:
            raise PackageDamaged(path=str(self.path), entry=entry, problem="shorter-than-declared")
        if rest:  # a last line without its newline
            number += 1
            yield number, self._decode(rest, entry, number)
        if digest.hexdigest() != self.manifest["entries"][entry]["sha256"]:
            raise PackageDamaged(path=str(self.path), entry=entry, problem="checksum-mismatch")

    def _open(self, entry: str):
        try:
            return self._zip.open(entry)
        except READ_ERRORS:
            raise PackageDamaged(path=str(self.path), entry=entry, problem="unreadable") from None

    def _read(self, raw, entry: str) -> bytes:
        try:
            return raw.read(_READ)
        except READ_ERRORS:
            raise PackageDamaged(path=str(self.path), entry=entry, problem="unreadable") from None

    def _decode(self, line: bytes, entry: str, number: int) -> dict:
        if len(line) >= MAX_LINE_BYTES:
            raise self._bad_line(entry, number, "line-too-long")
        try:
            item = orjson.loads(line)  # UTF-8 checked too; about twice as fast as json
        except orjson.JSONDecodeError:
            raise self._bad_line(entry, number, "not-json") from None
        if type(item) is not dict:
            raise self._bad_line(entry, number, "not-an-object")
        return item

    def _bad_line(self, entry: str, number: int, problem: str) -> PackageRecordInvalid:
        return PackageRecordInvalid(path=str(self.path), line=f"{entry}:{number}", problem=problem)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_package(path: Path | str, progress: Progress = SILENT, *, check_records: bool = True) -> Package:
    """Open and check a package: ZIP structure, entry names and limits, format version,
    signature, and the size and checksum of every entry (read in chunks, bounded memory).
    ``check_records=False`` leaves ``records.ndjson`` (nearly all of a package) to be
    checked as :meth:`Package.lines` reads it, which raises PackageDamaged at the first
    byte past its declared size or at its end: for a caller that reads it whole inside a
    transaction it rolls back on error (services/sync.py), saving one inflating pass.

    Raises NotAPackage, PackageUnsafe, PackageTooLarge, PackageVersionUnsupported,
    PackageSignatureInvalid or PackageDamaged; Cancelled if ``progress`` is cancelled.
    The signature proves the package is intact; whether the key is the office's own is
    decided against the archive (services/sync.py).
    """
    path = Path(path)
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise NotAPackage(path=where, reason="missing") from None
    except IsADirectoryError:
        raise NotAPackage(path=where, reason="not-zip") from None
    except READ_ERRORS:
        raise NotAPackage(path=where, reason=_why_not_zip(path)) from None
    try:
        try:
            manifest = _check_structure(archive, where)
        except RecursionError:
            raise NotAPackage(path=where, reason="bad-manifest") from None
        entries = {entry: expected for entry, expected in manifest["entries"].items()
                   if check_records or entry != "records.ndjson"}
        total = sum(e["size"] for e in entries.values()) or 1
        done = 0
        for entry, expected in entries.items():
            done = _check_entry(archive, entry, expected, where, progress, done, total)
    except BaseException:
        archive.close()
        raise
    return Package(path, manifest, archive)


def _why_not_zip(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError:
        return "not-zip"
    return "truncated" if head == b"PK\x03\x04" else "not-zip"


def _check_structure(archive: zipfile.ZipFile, where: str) -> dict:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackageTooLarge(path=where, limit="entries", amount=MAX_ENTRIES)
    names = set()
    for info in infos:
        name = info.filename
        if (name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/")
                or (len(name) > 1 and name[1] == ":")):
            raise PackageUnsafe(path=where, entry=name)
        if name not in (MANIFEST, SIGNATURE, *DATA_ENTRIES):
            raise PackageUnsafe(path=where, entry=name)
        if name in names:
            raise PackageUnsafe(path=where, entry=name)
        names.add(name)
    if MANIFEST not in names or SIGNATURE not in names:
        raise NotAPackage(path=where, reason="no-manifest")
    data = _read_small(archive, MANIFEST, where, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(data)
    except ValueError:
        raise NotAPackage(path=where, reason="bad-manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotAPackage(path=where, reason="bad-manifest")
    version = manifest.get("min_reader_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise PackageVersionUnsupported(path=where, found=manifest.get("format_version"),
                                        supported=FORMAT_VERSION)
    _check_manifest_fields(manifest, names, where)
    sizes = {info.filename: info.compress_size for info in infos}
    for name, entry in manifest["entries"].items():
        if entry["size"] > MAX_RATIO * sizes[name] + (1 << 20):
            raise PackageTooLarge(path=where, limit="ratio", amount=MAX_RATIO, entry=name)
    if sum(e["size"] for e in manifest["entries"].values()) > MAX_TOTAL_BYTES:
        raise PackageTooLarge(path=where, limit="total", amount=MAX_TOTAL_BYTES >> 30)
    signature = _read_small(archive, SIGNATURE, where, 1024)
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["producer"]["public_key"]))
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        raise PackageSignatureInvalid(path=where, office=str(manifest["producer"].get("name") or "?")) from None
    return manifest


def _check_manifest_fields(manifest: dict, names: set[str], where: str) -> None:
    def bad():
        return NotAPackage(path=where, reason="bad-manifest")
    producer = manifest.get("producer")
    if not (isinstance(producer, dict) and _is_hex32(producer.get("replica"))
            and isinstance(producer.get("public_key"), str) and isinstance(producer.get("name"), str)):
        raise bad()
    if manifest.get("kind") not in ("full", "incremental", "receipt"):
        raise bad()
    if not isinstance(manifest.get("package_id"), str) or not manifest["package_id"]:
        raise bad()
    for vector in ("since", "covers"):
        value = manifest.get(vector)
        if not (isinstance(value, dict) and all(_is_hex32(k) and type(v) is int and v >= 0
                                                for k, v in value.items())):
            raise bad()
    entries = manifest.get("entries")
    if not isinstance(entries, dict) or set(entries) != names - {MANIFEST, SIGNATURE}:
        raise bad()
    for entry in entries.values():
        if not (isinstance(entry, dict) and type(entry.get("size")) is int and entry["size"] >= 0
                and isinstance(entry.get("sha256"), str)):
            raise bad()
        if entry["size"] > MAX_ENTRY_BYTES:
            raise PackageTooLarge(path=where, limit="entry-size", amount=MAX_ENTRY_BYTES >> 30)


def _is_hex32(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _read_small(archive: zipfile.ZipFile, name: str, where: str, limit: int) -> bytes:
    try:
        with archive.open(name) as f:
            data = f.read(limit + 1)
    except READ_ERRORS:
        raise PackageDamaged(path=where, entry=name, problem="unreadable") from None
    if len(data) > limit:
        raise PackageTooLarge(path=where, limit="part-size", amount=limit, entry=name)
    return data


def _check_entry(archive: zipfile.ZipFile, entry: str, expected: dict, where: str,
                 progress: Progress, done: int, total: int) -> int:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(entry) as f:
            while chunk := f.read(_CHUNK):
                size += len(chunk)
                if size > expected["size"]:
                    raise PackageDamaged(path=where, entry=entry, problem="longer-than-declared")
                digest.update(chunk)
                done += len(chunk)
                progress.step(done, total)
    except READ_ERRORS:
        raise PackageDamaged(path=where, entry=entry, problem="unreadable") from None
    if size != expected["size"]:
        raise PackageDamaged(path=where, entry=entry, problem="shorter-than-declared")
    if digest.hexdigest() != expected["sha256"]:
        raise PackageDamaged(path=where, entry=entry, problem="checksum-mismatch")
    return done
