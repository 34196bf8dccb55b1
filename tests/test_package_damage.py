"""Damaged packages (issue 14 part 1): whatever a bad USB stick or a mail gateway does
to a package, importing it ends in one clear sentence, in the user's language, and the
archive is left exactly as it was.

The property test damages a real package (HQ's demo archive, with an edit for Africa) at
random places: bits flipped, bytes overwritten, the file cut short. Its example count is
PIEL_DAMAGE_EXAMPLES (default 100; raise it to search harder).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from piel_desktop.domain import errors
from piel_desktop.i18n import set_ui_language
from piel_desktop.messages import _REASONS, describe
from piel_desktop.services import backups, sync
from piel_desktop.services.archive import create_archive, fingerprint, open_archive
from sync_helpers import craft_package, introduce, live_outcomes, rewrite_zip

EXAMPLES = int(os.environ.get("PIEL_DAMAGE_EXAMPLES", "100"))


@pytest.fixture(scope="module")
def damage_setup(tmp_path_factory):
    """(intact package from HQ, Africa's archive before it, Africa's fingerprint after it)."""
    from piel_desktop.services import records
    folder = tmp_path_factory.mktemp("damage")
    hq = create_archive(folder / "HQ.piel", demo=True, office="HQ")
    africa = create_archive(folder / "Africa.piel", demo=True, office="Africa")
    introduce(hq, africa, folder)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    package = sync.export_package(hq, folder / "good.pielpkg", to="Africa").path
    hq.close()
    africa.close()
    shutil.copy(folder / "Africa.piel", folder / "Africa-before.piel")
    with open_archive(folder / "Africa.piel") as archive:
        sync.import_package(archive, package, receipt_dir=folder)
        after = fingerprint(archive)
    return package, folder / "Africa-before.piel", after


def _deflated_records_span(package: Path) -> tuple[int, int]:
    """(offset, length) of the compressed bytes of records.ndjson in the file."""
    with zipfile.ZipFile(package) as z:
        info = z.getinfo("records.ndjson")
    with package.open("rb") as f:
        f.seek(info.header_offset + 26)
        name_length, extra_length = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def _assert_clear_refusal(error: errors.PielError) -> None:
    """One of the package sentences, with coded details only (no library's English)."""
    assert isinstance(error, errors.BadPackage), error
    for name in ("reason", "problem"):
        if name in error.params:
            assert error.params[name] in _REASONS, error.params
    if isinstance(error, errors.PackageTooLarge):
        assert error.params["limit"] in ("entries", "ratio", "total", "entry-size", "part-size")
    text = describe(error)
    assert "Unexpected problem" not in text and "Error" not in text and "CRC" not in text, text


def _import_both_ways(before: Path, damaged: Path, work: Path, intact_after: str) -> None:
    archive_path = work / f"a-{uuid.uuid4().hex[:8]}.piel"
    shutil.copy(before, archive_path)
    with open_archive(archive_path) as archive:
        start = fingerprint(archive)
        copies = len(backups.list_backups(archive))
        for dry_run in (True, False):
            try:
                sync.import_package(archive, damaged, dry_run=dry_run, receipt_dir=work)
            except errors.PielError as e:
                _assert_clear_refusal(e)
                assert fingerprint(archive) == start, "a refused package changed the archive"
                assert len(backups.list_backups(archive)) == copies
            else:  # a harmless damage (a date in a ZIP header): the same as the intact one
                assert fingerprint(archive) == (start if dry_run else intact_after)
                if not dry_run:
                    return
    archive_path.unlink()


def test_flipped_bits_in_the_deflate_stream_say_damaged(damage_setup, tmp_path):
    """The case of the issue: an invalid deflate block type, once a zlib.error traceback."""
    package, before, _after = damage_setup
    offset, _length = _deflated_records_span(package)
    data = bytearray(package.read_bytes())
    data[offset] ^= 0b110  # the first block's type becomes 3: reserved, invalid
    damaged = tmp_path / "damaged.pielpkg"
    damaged.write_bytes(bytes(data))
    with zipfile.ZipFile(damaged) as z, pytest.raises(zlib.error):
        z.read("records.ndjson")  # what zipfile itself raises
    shutil.copy(before, tmp_path / "a.piel")
    with open_archive(tmp_path / "a.piel") as archive:
        start = fingerprint(archive)
        for dry_run in (True, False):
            with pytest.raises(errors.PackageDamaged) as caught:
                sync.import_package(archive, damaged, dry_run=dry_run)
            assert caught.value.params == {"path": str(damaged), "entry": "records.ndjson",
                                           "problem": "unreadable"}
            assert fingerprint(archive) == start
    set_ui_language("en")
    assert describe(caught.value) == (
        f"The package {damaged} is damaged: its part records.ndjson is unreadable (its compressed "
        "data is damaged). Ask the office for a new copy; the archive was not changed.")


def _refused_in(lang: str, before: Path, package: Path, error_type) -> tuple[errors.PielError, str]:
    """Import ``package`` into a copy of ``before``: the error, and its sentence in ``lang``."""
    copy = package.with_suffix(".piel")
    shutil.copy(before, copy)
    with open_archive(copy) as archive, pytest.raises(error_type) as caught:
        sync.import_package(archive, package)
    try:
        set_ui_language(lang)
        return caught.value, describe(caught.value)
    finally:
        set_ui_language("en")


def test_a_wrong_crc_says_damaged_in_the_users_language(damage_setup, tmp_path):
    package, before, _after = damage_setup
    data = bytearray(package.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory's first record
    while data[entry + 46:entry + 46 + 14] != b"records.ndjson":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 16] ^= 0xFF  # its CRC-32, which zipfile checks
    damaged = tmp_path / "crc.pielpkg"
    damaged.write_bytes(bytes(data))
    error, text = _refused_in("fr", before, damaged, errors.PackageDamaged)
    assert error.params["problem"] == "unreadable"
    assert "CRC" not in text and "endommagé" in text, text


def test_too_many_members_are_named_in_the_users_language(damage_setup, tmp_path):
    package, before, _after = damage_setup
    rewrite_zip(package, tmp_path / "many.pielpkg",
                lambda n, data: data if n else {f"e{i}.ndjson": b"" for i in range(200)})
    error, text = _refused_in("es", before, tmp_path / "many.pielpkg", errors.PackageTooLarge)
    assert error.params["limit"] == "entries"
    assert "entries" not in text and "16" in text, text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_damage_ends_in_one_clear_sentence(damage_setup, tmp_path_factory, data):
    package, before, after = damage_setup
    work = tmp_path_factory.mktemp("damaged")
    raw = bytearray(package.read_bytes())
    offset, length = _deflated_records_span(package)
    kind = data.draw(st.sampled_from(["flip-records", "flip-anywhere", "overwrite", "truncate"]))
    if kind == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1))]
    else:
        for _ in range(data.draw(st.integers(1, 8))):
            where = (data.draw(st.integers(offset, offset + length - 1)) if kind == "flip-records"
                     else data.draw(st.integers(0, len(raw) - 1)))
            if kind == "overwrite":
                raw[where] = data.draw(st.integers(0, 255))
            else:
                raw[where] ^= 1 << data.draw(st.integers(0, 7))
    damaged = work / "damaged.pielpkg"
    damaged.write_bytes(bytes(raw))
    _import_both_ways(before, damaged, work, after)


def test_another_key_is_refused_before_already_applied(damage_setup, tmp_path):
    """A copy of an applied package's id, signed with another key, gets no receipt."""
    package, before, _after = damage_setup
    shutil.copy(before, tmp_path / "a.piel")
    with open_archive(tmp_path / "a.piel") as archive:
        sync.import_package(archive, package, receipt_dir=tmp_path)
        manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
        hq = (manifest["producer"]["replica"], manifest["producer"]["name"])
        receipts = tmp_path / "receipts"
        receipts.mkdir()
        forged = craft_package(tmp_path / "forged.pielpkg", office=hq,
                               manifest={"package_id": manifest["package_id"]})
        start = fingerprint(archive)
        for dry_run in (True, False):
            with pytest.raises(errors.PackageKeyMismatch):
                sync.import_package(archive, forged, dry_run=dry_run, receipt_dir=receipts)
        assert list(receipts.iterdir()) == []
        assert fingerprint(archive) == start
