"""Sync between offices: packages, idempotence, atomicity, refused packages, conflicts,
backups. Every archive is a real SQLite file; every package a real signed ZIP file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tracemalloc
import uuid
import zipfile
from pathlib import Path

import pytest

from piel_desktop.domain import errors
from piel_desktop.services import backups, records, sync
from piel_desktop.services.sync import conflicts
from piel_desktop.services.archive import check_archive, create_archive, fingerprint, open_archive
from piel_desktop.storage.merge import Merger
from sync_helpers import (
    all_values, craft_package, delete_while_edited, exchange, introduce, live_outcomes, rewrite_zip,
)

pytestmark = pytest.mark.both_backends


def test_a_full_package_brings_an_empty_archive_to_the_same_fingerprint(hq_africa, tmp_path):
    hq, _ = hq_africa
    empty = create_archive(tmp_path / "new.piel", office="Americas")
    package = sync.export_package(hq, tmp_path / "full.pielpkg").path
    result = sync.import_package(empty, package)
    # Records as people see them (texts count with their record): 6 meetings, 24
    # outcomes, 2 instruments, 7 clauses, 1 report, 4 achievements, 5 consultations,
    # 8 organisations, 4 report paragraphs; the working group is there already.
    assert result.preview.counts == {"new": 61} and not result.already_applied
    assert fingerprint(empty) == fingerprint(hq)
    assert check_archive(empty).ok
    assert [m.number for m in records.list_meetings(empty)] == [9, 10, 11, 12, 13, 14]
    empty.close()


def test_incremental_export_carries_only_what_the_peer_lacks(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    outcome = uuid.UUID(live_outcomes(hq)[0])
    records.edit_outcome(hq, outcome, status="implemented")
    result = sync.export_package(hq, tmp_path / "one.pielpkg", to="Africa")
    assert result.kind == "incremental" and result.records == 1
    imported = sync.import_package(africa, result.path)
    assert imported.preview.counts == {"changed": 1}
    assert fingerprint(hq) == fingerprint(africa)


def test_the_same_package_twice_and_a_full_one_after_incremental_ones(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[1]), label="Z")
    first, package = exchange(hq, africa, tmp_path)
    before = fingerprint(africa)
    again = sync.import_package(africa, package)
    assert again.already_applied and again.preview.empty and fingerprint(africa) == before
    full = sync.export_package(hq, tmp_path / "full.pielpkg", full=True).path
    assert sync.import_package(africa, full).preview.empty
    assert fingerprint(africa) == before == fingerprint(hq)


def test_concurrent_edits_of_different_fields_both_survive(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = live_outcomes(hq)[2]
    records.edit_outcome(hq, uuid.UUID(target), status="in_progress")
    records.edit_outcome(africa, uuid.UUID(target), addressee="member_states")
    exchange(hq, africa, tmp_path)
    exchange(africa, hq, tmp_path)
    for archive in (hq, africa):
        values = all_values(archive, "outcome", target)
        assert (values["status"], values["addressee"]) == ("in_progress", "member_states")
        assert conflicts.list_conflicts(archive) == []
    assert fingerprint(hq) == fingerprint(africa)


def test_same_field_conflict_has_one_winner_everywhere_and_resolution_travels(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = live_outcomes(hq)[3]
    records.edit_outcome(hq, uuid.UUID(target), label="H")
    records.edit_outcome(africa, uuid.UUID(target), label="A")  # later clock: wins
    exchange(hq, africa, tmp_path)
    result, _ = exchange(africa, hq, tmp_path)
    assert result.preview.counts["conflict"] == 1
    for archive in (hq, africa):
        assert all_values(archive, "outcome", target)["label"] == "A"
        [item] = conflicts.list_conflicts(archive)
        assert (item.current, item.other, item.current_by, item.other_by) == ("A", "H", "Africa", "HQ")
    conflicts.resolve_conflict(hq, item.id, "other")
    assert conflicts.list_conflicts(hq) == []
    exchange(hq, africa, tmp_path)
    assert all_values(africa, "outcome", target)["label"] == "H"
    assert conflicts.list_conflicts(africa) == []
    assert fingerprint(hq) == fingerprint(africa)
    with pytest.raises(errors.ConflictNotOpen):
        conflicts.resolve_conflict(hq, item.id, "current")


def test_edit_concurrent_with_delete_is_a_conflict_and_can_be_restored(hq_africa, tmp_path):
    hq, africa = hq_africa
    target = delete_while_edited(hq, africa, tmp_path)
    assert target not in live_outcomes(hq) and target not in live_outcomes(africa)
    for archive in (hq, africa):
        [item] = conflicts.list_conflicts(archive)
        assert (item.kind, item.field, item.other, item.current_by, item.other_by) == (
            "deleted", "status", "implemented", "HQ", "Africa")
    conflicts.resolve_conflict(africa, item.id, "other")
    assert target in live_outcomes(africa)
    assert all_values(africa, "outcome", target)["status"] == "implemented"
    assert check_archive(africa).ok
    exchange(africa, hq, tmp_path)
    assert target in live_outcomes(hq) and conflicts.list_conflicts(hq) == []
    assert fingerprint(hq) == fingerprint(africa)


def test_a_deleted_meeting_hides_an_outcome_added_to_it_meanwhile(hq_africa, tmp_path):
    """The new outcome's link cannot live under a deleted meeting: it is hidden, the
    same way everywhere, and comes back if the meeting is restored."""
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    meeting = records.list_meetings(hq)[0]
    added = records.add_outcome(africa, text="nuevo", lang="es", meeting_ids=[meeting.id])
    with hq.unit_of_work() as uow:  # no service deletes meetings yet
        from piel_desktop.storage import models as m
        uow.session.delete(uow.session.get(m.Meeting, meeting.id))
        uow.commit()
    exchange(hq, africa, tmp_path)
    exchange(africa, hq, tmp_path)
    assert fingerprint(hq) == fingerprint(africa)
    assert all(check_archive(a).ok for a in (hq, africa))
    assert meeting.number not in [m.number for m in records.list_meetings(africa)]
    assert added.hex in live_outcomes(africa)  # the outcome itself lives; its link is hidden


# -- atomicity --------------------------------------------------------------------------

def test_an_error_inside_the_apply_step_leaves_the_archive_as_before(hq_africa, tmp_path, monkeypatch):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    package = sync.export_package(hq, tmp_path / "p.pielpkg", to="Africa").path
    before, copies = fingerprint(africa), len(backups.list_backups(africa))

    def broken(self):
        raise RuntimeError("power cut")
    monkeypatch.setattr(Merger, "finish", broken)
    with pytest.raises(RuntimeError):
        sync.import_package(africa, package)
    assert fingerprint(africa) == before and check_archive(africa).ok
    assert len(backups.list_backups(africa)) == copies  # the copy of a failed import goes
    monkeypatch.undo()
    assert sync.import_package(africa, package).preview.counts == {"changed": 1}


def test_a_killed_import_leaves_the_archive_as_before(templates, tmp_path):
    shutil.copy(templates["HQ"], tmp_path / "HQ.piel")
    target = tmp_path / "new.piel"
    with open_archive(tmp_path / "HQ.piel") as hq:
        package = sync.export_package(hq, tmp_path / "full.pielpkg").path
    create_archive(target, office="Americas").close()
    with open_archive(target) as archive:
        before = fingerprint(archive)
    script = (
        "import os, signal, sys\n"
        "from piel_desktop.storage import merge\n"
        "from piel_desktop.services import sync\n"
        "from piel_desktop.services.archive import open_archive\n"
        "original = merge.Merger.apply\n"
        "calls = []\n"
        "def apply(self, rows):\n"
        "    original(self, rows)\n"
        "    calls.append(1)\n"
        "    if len(calls) == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
        "merge.Merger.apply = apply\n"
        "sync.import_package(open_archive(sys.argv[1]), sys.argv[2])\n")
    done = subprocess.run([sys.executable, "-c", script, str(target), str(package)],
                          env={**os.environ}, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    with open_archive(target) as archive:
        assert fingerprint(archive) == before
        assert check_archive(archive).ok


# -- refused packages ---------------------------------------------------------------------

def _refused(archive, path, error_type, **params):
    before = fingerprint(archive)
    copies = len(backups.list_backups(archive))
    with pytest.raises(error_type) as caught:
        sync.import_package(archive, path)
    assert fingerprint(archive) == before, "a refused package changed the archive"
    assert len(backups.list_backups(archive)) == copies
    for key, value in params.items():
        assert caught.value.params[key] == value
    return caught.value


def test_not_a_package(package_and_target, tmp_path):
    _, africa = package_and_target
    (tmp_path / "notes.pielpkg").write_text("minutes of the meeting")
    _refused(africa, tmp_path / "notes.pielpkg", errors.NotAPackage, reason="not-zip")
    _refused(africa, tmp_path / "missing.pielpkg", errors.NotAPackage, reason="missing")


def test_truncated_package(package_and_target, tmp_path):
    package, africa = package_and_target
    data = package.read_bytes()
    (tmp_path / "cut.pielpkg").write_bytes(data[: len(data) // 2])
    _refused(africa, tmp_path / "cut.pielpkg", errors.NotAPackage, reason="truncated")


def test_newer_format_version(package_and_target, tmp_path):
    package, africa = package_and_target

    def newer(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest.update(format_version=2, min_reader_version=2)
            return json.dumps(manifest)
        return data
    rewrite_zip(package, tmp_path / "v2.pielpkg", newer)
    _refused(africa, tmp_path / "v2.pielpkg", errors.PackageVersionUnsupported, found=2, supported=1)


def test_altered_records_fail_the_checksum(package_and_target, tmp_path):
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "x.pielpkg",
                lambda name, data: data.replace(b"implemented", b"superseded") if name == "records.ndjson" else data)
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageDamaged, entry="records.ndjson")


def test_records_longer_than_signed_are_stopped_at_the_declared_size(package_and_target, tmp_path):
    """The import reads records.ndjson once, checking it as it goes: an entry that is
    longer than the signed manifest says (here 64 MiB of blank lines after the real
    records) is refused where the declared size ends, in bounded memory."""
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "long.pielpkg",
                lambda name, data: data + b"\n" * (64 << 20) if name == "records.ndjson" else data)
    tracemalloc.start()
    _refused(africa, tmp_path / "long.pielpkg", errors.PackageDamaged, entry="records.ndjson",
             problem="longer-than-declared")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 48 << 20


def test_records_shorter_than_signed_are_refused(package_and_target, tmp_path):
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "short.pielpkg",
                lambda name, data: data[:-10] if name == "records.ndjson" else data)
    _refused(africa, tmp_path / "short.pielpkg", errors.PackageDamaged, entry="records.ndjson",
             problem="shorter-than-declared")


def test_altered_manifest_fails_the_signature(package_and_target, tmp_path):
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "x.pielpkg",
                lambda name, data: data.replace(b'"HQ"', b'"HQ2"') if name == "manifest.json" else data)
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageSignatureInvalid)


def test_known_office_with_another_key(package_and_target, tmp_path):
    package, africa = package_and_target
    hq_id = sync.find_office(africa, "HQ").id
    forged = craft_package(tmp_path / "forged.pielpkg", [],
                           manifest={"producer": {"replica": hq_id, "name": "HQ",
                                                  "public_key": json.loads(zipfile.ZipFile(package).read(
                                                      "manifest.json"))["producer"]["public_key"]}})
    # The manifest names HQ's real key but is signed with another: the signature fails.
    _refused(africa, forged, errors.PackageSignatureInvalid)
    craft_package(tmp_path / "other-key.pielpkg", office=(hq_id, "HQ"))  # signed by another key
    _refused(africa, tmp_path / "other-key.pielpkg", errors.PackageKeyMismatch, office="HQ")


@pytest.mark.parametrize("name", ["../escape.ndjson", "/etc/passwd", "C:/evil", "extra.ndjson"])
def test_entries_outside_the_format_are_refused(package_and_target, tmp_path, name):
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "x.pielpkg", lambda n, data: data if n else {name: b"{}"})
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageUnsafe, entry=name)


def test_too_many_entries(package_and_target, tmp_path):
    package, africa = package_and_target
    rewrite_zip(package, tmp_path / "x.pielpkg",
                lambda n, data: data if n else {f"e{i}.ndjson": b"" for i in range(20)})
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageTooLarge)


def _bomb(path: Path, declared: int) -> None:
    """A package whose records entry inflates to 400 MB of spaces from about 400 KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("records.ndjson", "w", force_zip64=True) as out:
            chunk = b" " * (1 << 20)
            for _ in range(400):
                out.write(chunk)
        z.writestr("manifest.json", json.dumps({
            "format": "piel-package", "format_version": 1, "min_reader_version": 1, "package_id": "b",
            "kind": "full", "producer": {"replica": "e" * 32, "name": "Bomb", "public_key": "AAAA"},
            "since": {}, "covers": {}, "entries": {"records.ndjson": {"size": declared, "sha256": "0"}}}))
        z.writestr("manifest.sig", b"AAAA")


def test_a_zip_bomb_is_stopped_early_with_bounded_memory(package_and_target, tmp_path):
    _, africa = package_and_target
    _bomb(tmp_path / "honest.pielpkg", 400 << 20)  # declares its size: the ratio gives it away
    _refused(africa, tmp_path / "honest.pielpkg", errors.PackageTooLarge)
    # Lying about the size does not help: reading stops where the declared size ends,
    # before the signature is even looked at (which fails for this bomb anyway).
    from piel_desktop.services.sync import package_format
    _bomb(tmp_path / "liar.pielpkg", 1000)
    tracemalloc.start()
    with pytest.raises(errors.BadPackage):
        package_format.open_package(tmp_path / "liar.pielpkg")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20


def test_malformed_records_are_refused(package_and_target, tmp_path):
    _, africa = package_and_target
    craft_package(tmp_path / "x.pielpkg", [{"t": "meeting", "k": ["ab"], "v": {}, "c": {}, "d": False}])
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageRecordInvalid, line="records.ndjson:1")
    craft_package(tmp_path / "y.pielpkg", [{"t": "sqlite_master", "k": [], "v": {}, "c": {}, "d": False}])
    _refused(africa, tmp_path / "y.pielpkg", errors.PackageRecordInvalid)


def test_references_to_records_that_do_not_exist_are_refused(package_and_target, tmp_path):
    _, africa = package_and_target
    stamp = f"{1 << 40:016x}.{'f' * 32}"
    craft_package(tmp_path / "x.pielpkg", [{
        "t": "outcome_organisation", "k": [uuid.uuid4().hex, uuid.uuid4().hex], "v": {},
        "c": {"*": stamp}, "d": False}],
        changesets=[{"s": stamp, "x": {"f" * 32: 1 << 40}}], replicas=[{"id": "f" * 32, "name": "Forger"}])
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageMissingReference, kind="outcome_organisation")


def test_a_package_that_skips_an_earlier_one_is_refused(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = create_archive(tmp_path / "third.piel", office="Asia")
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    package = sync.export_package(hq, tmp_path / "inc.pielpkg", to="Africa").path
    _refused(target, package, errors.PackageNeedsEarlier)
    target.close()


def test_own_package_is_refused(hq_africa, tmp_path):
    hq, _ = hq_africa
    package = sync.export_package(hq, tmp_path / "own.pielpkg").path
    _refused(hq, package, errors.PackageFromThisArchive)


# -- preview, backups, undo -------------------------------------------------------------

def test_dry_run_lists_changes_by_meeting_and_writes_nothing(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    package = sync.export_package(hq, tmp_path / "p.pielpkg", to="Africa").path
    before, copies = fingerprint(africa), len(backups.list_backups(africa))
    result = sync.import_package(africa, package, dry_run=True)
    assert result.dry_run and result.receipt is None and result.backup is None
    assert [(g.meeting, dict(g.counts)) for g in result.preview.groups] == [(9, {"changed": 1})]
    assert fingerprint(africa) == before and len(backups.list_backups(africa)) == copies
    assert not sync.import_package(africa, package).already_applied


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_undo_last_import_restores_the_backup_and_removes_the_receipt(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    before = fingerprint(africa)
    records.edit_outcome(hq, uuid.UUID(live_outcomes(hq)[0]), status="implemented")
    result, _ = exchange(hq, africa, tmp_path)
    last = sync.last_import(africa)
    assert last["undoable"] and last["backup"] == result.backup and last["receipt"] == result.receipt
    assert result.receipt.is_file()
    path = africa.path
    africa.close()
    sync.undo_last_import(path)
    assert not result.receipt.exists()
    with open_archive(path) as restored:
        assert fingerprint(restored) == before
        assert check_archive(restored).ok
        again = sync.import_package(restored, result.path)  # no longer "already applied"
        assert again.preview.counts == {"changed": 1}
        records.edit_outcome(restored, uuid.UUID(live_outcomes(restored)[1]), label="Q")
        assert not sync.last_import(restored)["undoable"]  # edited since
    with pytest.raises(errors.UndoNotPossible):
        sync.undo_last_import(path)


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_scheduled_backups_rotate(demo, monkeypatch):
    import datetime as dt
    assert backups.scheduled_backup(demo) is not None
    assert backups.scheduled_backup(demo) is None  # the newest is fresh
    monkeypatch.setattr(backups, "KEEP", 3)
    for _ in range(5):
        backups.make_backup(demo, "import")
    made = backups.list_backups(demo)
    assert len(made) == 3 and made[0].made_at > made[-1].made_at
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    assert backups.scheduled_backup(demo, now=later) is not None


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_restoring_a_damaged_copy_is_refused(demo, tmp_path):
    bad = tmp_path / "bad.piel"
    bad.write_bytes(b"not a database at all, not even close" * 10)
    before = fingerprint(demo)
    path = demo.path
    demo.close()
    with pytest.raises(errors.NotAnArchive):
        backups.restore_backup(path, bad)
    with open_archive(path) as archive:
        assert fingerprint(archive) == before


def test_cancelling_an_import_leaves_the_archive_untouched(hq_africa, tmp_path):
    from piel_desktop.domain.progress import Progress
    hq, africa = hq_africa
    empty = create_archive(tmp_path / "new.piel", office="Americas")
    package = sync.export_package(hq, tmp_path / "full.pielpkg").path
    before = fingerprint(empty)
    steps = []

    def report(done, total, _message):
        steps.append(done)
        if len(steps) == 3:
            progress.cancel()
    progress = Progress(report)
    with pytest.raises(errors.Cancelled):
        sync.import_package(empty, package, progress=progress)
    assert fingerprint(empty) == before and check_archive(empty).ok
    assert backups.list_backups(empty) == [] and not list(tmp_path.glob("full.receipt*"))
    empty.close()


def test_clocks_far_in_the_future_are_refused(package_and_target, tmp_path):
    """One laptop with its date years ahead must not drag every office's clock there."""
    _, africa = package_and_target
    stamp = f"{(4102444800000 << 16):016x}.{'f' * 32}"  # 2100-01-01
    craft_package(tmp_path / "x.pielpkg", [], changesets=[{"s": stamp, "x": {"f" * 32: 4102444800000 << 16}}],
                  replicas=[{"id": "f" * 32, "name": "Forger"}])
    _refused(africa, tmp_path / "x.pielpkg", errors.PackageClockAhead, date="2100-01-01")


def test_values_that_break_the_schema_are_refused(hq_africa, package_and_target, tmp_path):
    """A package must not carry a status the program does not know, or an over-long
    label: the archive receiving it would stop working."""
    package, africa = package_and_target

    def poison(name, data):
        if name == "records.ndjson":
            return data.replace(b'"implemented"', b'"nonsense"')
        return data
    from piel_desktop.services.sync.package_format import open_package
    # Re-sign the altered package as its office would have to: the check is the schema.
    with open_package(package) as good:
        records_lines = [item for _n, item in good.lines("records.ndjson")]
        changesets = [item for _n, item in good.lines("changesets.ndjson")]
        replicas = [item for _n, item in good.lines("replicas.ndjson")]
    for item in records_lines:
        if item["t"] == "outcome":
            item["v"]["status"] = "nonsense"
    craft_package(tmp_path / "bad.pielpkg", records_lines, changesets=changesets, replicas=replicas)
    error = _refused(africa, tmp_path / "bad.pielpkg", errors.PackageRecordInvalid)
    assert "outcome.status" in error.params["problem"]


def test_an_edited_resolution_is_checked_like_any_value(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = live_outcomes(hq)[3]
    records.edit_outcome(hq, uuid.UUID(target), status="in_progress")
    records.edit_outcome(africa, uuid.UUID(target), status="implemented")
    exchange(hq, africa, tmp_path)
    [item] = conflicts.list_conflicts(africa)
    before = fingerprint(africa)
    for bad in ("nonsense", None):
        with pytest.raises(errors.InvalidValue):
            conflicts.resolve_conflict(africa, item.id, "edit", bad)
    assert fingerprint(africa) == before
    conflicts.resolve_conflict(africa, item.id, "edit", "superseded")
    assert all_values(africa, "outcome", target)["status"] == "superseded"


@pytest.mark.parametrize("value, valid", [
    ("2026-11-29T10:11:12+00:00", True), ("2026-11-29T10:11:12.123456-05:00", True),
    ("2026-11-29 10:11:12+00:00", True),  # Python's fromisoformat reads it too
    ("2026-11-29T10:11:12", False), ("2026-11-29T10:11:12.123456", False), ("2026-11-29T10:11:12Z", False),  # isoformat() never writes Z
    ("2460000.5", False), ("2026-13-29T10:11:12+00:00", False), ("2026-11-29T25:11:12+00:00", False),
    ("yesterday at noon, more or less", False), (17, False),
])
def test_the_bulk_value_check_reads_timestamps_as_the_record_check_does(tmp_path, value, valid):
    """first_invalid (inside SQLite, for bulk imports) and the per-record check agree
    on what a stored timestamp may be."""
    import sqlite3

    from piel_desktop.storage import sync as tracking
    path = tmp_path / "a.piel"
    create_archive(path).close()
    con = sqlite3.connect(path)
    tracking.set_applying(con, True)  # as a merge writes: the change-tracking triggers stand aside
    con.execute("UPDATE text SET created_at = ?", (value,))
    column = dict(tracking.shape("text").checks)["created_at"]
    assert column(value) is valid
    bad = tracking.first_invalid(con, "text")
    assert (bad is None) is valid and (valid or bad[1] == "created_at")
    con.rollback()
    con.close()
