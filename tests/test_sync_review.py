"""Scenarios from a review of the sync engine: forged, malformed or inflated packages,
restores and undos followed by sync, deletes racing edits. Each asserts what the
contract promises (docs/package-format.md)."""
from __future__ import annotations
import json
import uuid
import zipfile
import pytest
from piel_desktop.domain import errors
from piel_desktop.services import backups, records, sync
from piel_desktop.services.sync import conflicts
from piel_desktop.services.archive import create_archive, fingerprint, open_archive
from sync_helpers import all_values, craft_package, delete_while_edited, exchange, introduce, live_outcomes


pytestmark = pytest.mark.both_backends


def raw(archive, sql, *args):
    with archive.unit_of_work() as uow:
        return uow.raw.execute(sql, args).fetchall()


def test_1_an_edit_of_many_fields_racing_a_delete_is_a_conflict(hq_africa, tmp_path):
    hq, africa = hq_africa
    # one edit of three fields (plus updated_at, changed_by): its stamp becomes the clock's "*"
    target = delete_while_edited(hq, africa, tmp_path, status="implemented", label="Z", addressee="itu")
    assert target not in live_outcomes(hq) and target not in live_outcomes(africa)
    for archive in (hq, africa):
        kinds = [c.kind for c in conflicts.list_conflicts(archive)]
        assert kinds == ["deleted"], f"edit concurrent with delete not shown: {kinds}"


def _forger_stamp():
    return f"{1 << 40:016x}.{'f' * 32}", {"s": f"{1 << 40:016x}.{'f' * 32}", "x": {"f" * 32: 1 << 40}}


def test_2_a_field_name_from_a_package_never_reaches_sql(hq_africa, tmp_path):
    hq, africa = hq_africa
    target = live_outcomes(africa)[0]
    stamp, changeset = _forger_stamp()
    evil = 'kind" = char(100,101,99,105,115,105,111,110), "label'   # kind := 'decision', untracked
    craft_package(tmp_path / "x.pielpkg", [{
        "t": "conflict", "k": [uuid.uuid4().hex],
        "v": {"tbl": "outcome", "row_key": json.dumps([target]), "field": evil,
              "value": json.dumps("x"), "stamp": stamp},
        "c": {"*": stamp}, "d": False}],
        changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    before = fingerprint(africa)
    with pytest.raises(errors.PackageRecordInvalid):
        sync.import_package(africa, tmp_path / "x.pielpkg")
    assert fingerprint(africa) == before


def test_2b_a_conflict_about_no_record_is_refused(hq_africa, tmp_path):
    hq, africa = hq_africa
    stamp, changeset = _forger_stamp()
    craft_package(tmp_path / "x.pielpkg", [{
        "t": "conflict", "k": [uuid.uuid4().hex],
        "v": {"tbl": "replica", "row_key": "[]", "field": "x", "value": "1", "stamp": "junk"},
        "c": {"*": stamp}, "d": False}],
        changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    with pytest.raises(errors.PackageRecordInvalid):
        sync.import_package(africa, tmp_path / "x.pielpkg")
    assert conflicts.list_conflicts(africa) == []


def test_3_an_absurd_claim_of_what_an_office_has_seen_is_not_believed(hq_africa, tmp_path):
    hq, africa = hq_africa
    craft_package(tmp_path / "x.pielpkg", [], manifest={"covers": {"e" * 32: (1 << 63) - 1}})
    sync.import_package(africa, tmp_path / "x.pielpkg")   # the claim is not believed: nothing carries it
    records.edit_outcome(africa, uuid.UUID(live_outcomes(africa)[0]), status="implemented")
    assert "e" * 32 not in [o.id for o in sync.offices(africa)]


def test_3b_an_inflated_claim_cannot_make_offices_skip_real_changes(tmp_path):
    """A package (from any office, even a new one) claiming covers[HQ] far ahead makes
    the importer - and, through its receipts, HQ itself - believe HQ's future writes
    were already delivered: they are left out of incremental packages forever."""
    hq = create_archive(tmp_path / "HQ.piel", demo=True, office="HQ")
    africa = create_archive(tmp_path / "Africa.piel", demo=True, office="Africa")
    introduce(hq, africa, tmp_path)
    hq_id = sync.offices(hq)[0].id
    import time
    now = int(time.time() * 1000) << 16
    craft_package(tmp_path / "x.pielpkg", [], manifest={"covers": {hq_id: now + (3600_000 << 16)}})
    sync.import_package(africa, tmp_path / "x.pielpkg")
    # HQ -> Africa as usual, and Africa's receipt back to HQ
    first, _ = exchange(hq, africa, tmp_path)
    sync.import_package(hq, first.receipt)
    target = live_outcomes(hq)[0]
    records.edit_outcome(hq, uuid.UUID(target), status="implemented")
    result, _ = exchange(hq, africa, tmp_path)
    assert all_values(africa, "outcome", target)["status"] == "implemented", "HQ's edit never reaches Africa"


def test_4_only_an_office_itself_teaches_its_key(tmp_path):
    """Asia has never heard from HQ. A package from any office (here a new one, trusted on
    first use) lists HQ's replica id with the forger's key; from then on the forger can
    sign packages *as HQ* and they are accepted with key_is_new False (no fingerprint
    to compare), while HQ's real packages are refused as a key mismatch."""
    from piel_desktop.services.sync.package_format import new_private_key, public_key_of
    hq = create_archive(tmp_path / "HQ.piel", demo=True, office="HQ")
    asia = create_archive(tmp_path / "Asia.piel", office="Asia")
    hq_id = sync.offices(hq)[0].id
    evil_key = new_private_key()
    craft_package(tmp_path / "hello.pielpkg", [], replicas=[{"id": hq_id, "name": "HQ", "key": public_key_of(evil_key)}])
    sync.import_package(asia, tmp_path / "hello.pielpkg")
    # a package "from HQ" signed with the forger's key
    craft_package(tmp_path / "fake-hq.pielpkg", key=evil_key, office=(hq_id, "HQ"))
    fake = sync.import_package(asia, tmp_path / "fake-hq.pielpkg")
    real = sync.export_package(hq, tmp_path / "real.pielpkg").path
    with pytest.raises(errors.PackageKeyMismatch):
        sync.import_package(asia, real)
    assert fake.key_is_new, "office key learned from a third party, not from the office's own first package"


def test_6_ids_that_are_not_ids_are_refused(hq_africa, tmp_path):
    hq, africa = hq_africa
    stamp, changeset = _forger_stamp()
    craft_package(tmp_path / "x.pielpkg", [{
        "t": "organisation", "k": ["not a uuid, any text at all"],
        "v": {"created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00", "changed_by": "f" * 32,
              "name_id": None, "acronym_id": None, "former_name": None},
        "c": {"*": stamp}, "d": False}],
        changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    with pytest.raises(errors.PackageRecordInvalid):
        sync.import_package(africa, tmp_path / "x.pielpkg")
    fingerprint(africa)


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_7_after_restoring_a_backup_offices_converge_again(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    copy = backups.make_backup(africa, "scheduled")
    first, second = live_outcomes(africa)[:2]
    records.edit_outcome(africa, uuid.UUID(first), label="X")
    exchange(africa, hq, tmp_path)                       # HQ now has X
    path = africa.path
    africa.close()
    backups.restore_backup(path, copy)                   # Africa goes back to yesterday
    africa = open_archive(path)
    try:
        records.edit_outcome(africa, uuid.UUID(second), label="Y")   # any new local edit
        exchange(africa, hq, tmp_path)
        result, _ = exchange(hq, africa, tmp_path)       # accepted: since-check passes
        assert fingerprint(hq) == fingerprint(africa), "diverged for good: X is never sent back"
    finally:
        africa.close()


def test_8_the_same_translation_made_twice_is_no_conflict(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    text_id = uuid.UUID(all_values(hq, "outcome", live_outcomes(hq)[0])["text_id"])
    records.set_text(hq, text_id, "fr", "bonjour")
    records.set_text(africa, text_id, "fr", "bonjour")         # the very same words
    exchange(hq, africa, tmp_path)
    exchange(africa, hq, tmp_path)
    fields = sorted(c.field for c in conflicts.list_conflicts(hq))
    assert fields == [], "identical translations made concurrently reported as conflicts"


def test_9_a_sub_item_added_under_a_deleted_outcome_is_a_conflict(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    parent = live_outcomes(hq)[5]
    records.delete_outcome(hq, uuid.UUID(parent))
    child = records.add_outcome(africa, text="trabajo nuevo", lang="es", parent_id=uuid.UUID(parent))
    exchange(hq, africa, tmp_path)
    exchange(africa, hq, tmp_path)
    assert fingerprint(hq) == fingerprint(africa)
    [item] = conflicts.list_conflicts(africa)
    assert item.kind == "deleted" and item.key == (child.hex,)
    conflicts.resolve_conflict(africa, item.id, "other")  # bring back the outcome with its new sub-item
    assert child.hex in live_outcomes(africa) and parent in live_outcomes(africa)
    exchange(africa, hq, tmp_path)
    assert fingerprint(hq) == fingerprint(africa) and conflicts.list_conflicts(hq) == []


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_10_a_refused_package_never_pushes_out_a_backup(package_and_target, tmp_path):
    package, africa = package_and_target
    while len(backups.list_backups(africa)) < backups.KEEP:
        backups.make_backup(africa, "scheduled")
    oldest = backups.list_backups(africa)[-1].path
    target = create_archive(tmp_path / "third.piel", office="Asia")
    while len(backups.list_backups(target)) < backups.KEEP:
        backups.make_backup(target, "scheduled")
    oldest = backups.list_backups(target)[-1].path
    with pytest.raises(errors.PackageNeedsEarlier):
        sync.import_package(target, package)
    assert oldest.exists(), "refused import deleted the oldest backup"
    target.close()


def test_11b_a_package_changed_after_its_check_is_refused(hq_africa, tmp_path):
    from piel_desktop.domain.progress import Progress
    hq, _ = hq_africa
    package = sync.export_package(hq, tmp_path / "full.pielpkg").path
    empty = create_archive(tmp_path / "new.piel", office="Americas")
    with zipfile.ZipFile(package) as z:
        info = z.getinfo("records.ndjson")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)

    class Swap(Progress):
        done = False
        def step(self, done, total, message=""):
            if not self.done and done >= 30 and total == 100:
                self.done = True
                with open(package, "r+b") as f:
                    f.seek(start + info.compress_size // 2)
                    f.write(b"\xff" * 64)
    swap = Swap()
    before = fingerprint(empty)
    with pytest.raises(errors.PackageDamaged):  # a file changed after its check is caught
        sync.import_package(empty, package, progress=swap)
    assert fingerprint(empty) == before


def test_12_a_package_cannot_forge_changes_of_the_importer(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = live_outcomes(africa)[0]
    records.edit_outcome(africa, uuid.UUID(target), label="mine")     # Africa's own, newest write
    me = sync.offices(africa)[0].id
    import time
    forged = f"{(int(time.time() * 1000) << 16) + 5:016x}.{me}"        # stamped as Africa itself
    values = {k: v for k, v in all_values(africa, "outcome", target).items() if k not in ("id", "sync_clock")}
    values["label"] = "pwned"
    craft_package(tmp_path / "x.pielpkg", [{"t": "outcome", "k": [target], "v": values,
                                           "c": {"*": forged}, "d": False}],
                  changesets=[{"s": forged, "x": {me: 1 << 62}}], replicas=[{"id": "f" * 32, "name": "Forger"}])
    with pytest.raises(errors.PackageRecordInvalid):
        sync.import_package(africa, tmp_path / "x.pielpkg")
    assert all_values(africa, "outcome", target)["label"] == "mine"


@pytest.mark.file_only(reason="backups are copies of a file; a server's are its administrators'")
def test_13_undo_of_a_first_import_keeps_the_signing_key(hq_africa, tmp_path):
    hq, _ = hq_africa
    americas = create_archive(tmp_path / "Americas.piel", office="Americas")
    first = sync.import_package(americas, sync.export_package(hq, tmp_path / "full.pielpkg").path)
    sync.import_package(hq, first.receipt)            # HQ learns Americas' key from the receipt
    last = sync.last_import(americas)
    assert last["undoable"]
    path = americas.path
    americas.close()
    sync.undo_last_import(path)
    americas = open_archive(path)
    try:
        package = sync.export_package(americas, tmp_path / "am.pielpkg").path
        sync.import_package(hq, package)  # the key survived the undo (a new identity, same key)
    finally:
        americas.close()


def test_14_a_record_listed_twice_is_refused(hq_africa, tmp_path):
    hq, africa = hq_africa
    stamp, changeset = _forger_stamp()
    k = uuid.uuid4().hex
    v = {"created_at": "2026-01-01T00:00:00.000000+00:00", "updated_at": "2026-01-01T00:00:00.000000+00:00", "changed_by": "f" * 32}
    craft_package(tmp_path / "x.pielpkg", [
        {"t": "text", "k": [k], "v": v, "c": {"*": stamp}, "d": False},
        {"t": "text", "k": [k], "v": v, "c": {"*": stamp, "_deleted": stamp}, "d": True}],
        changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    with pytest.raises(errors.PackageDuplicate):
        sync.import_package(africa, tmp_path / "x.pielpkg")
    assert not raw(africa, "SELECT 1 FROM text WHERE id=?", k)


def test_15_a_restored_outcome_keeps_its_meetings(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = live_outcomes(hq)[4]
    links_before = raw(africa, "SELECT meeting_id FROM meeting_outcome WHERE outcome_id=?", target)
    records.delete_outcome(hq, uuid.UUID(target))
    records.edit_outcome(africa, uuid.UUID(target), status="implemented")
    exchange(hq, africa, tmp_path)
    [item] = conflicts.list_conflicts(africa)
    conflicts.resolve_conflict(africa, item.id, "other")              # "restore it, with its edits"
    links_after = raw(africa, "SELECT meeting_id FROM meeting_outcome WHERE outcome_id=?", target)
    assert sorted(links_after) == sorted(links_before), "restored outcome belongs to no meeting any more"


def test_6b_ids_are_lowercase_hex_only():
    from piel_desktop.storage import sync as tracking
    assert tracking.is_hex_id("0123456789abcdef" * 2)
    for bad in ("z" * 32, "é" * 32, "²" * 32, "A" * 32, "a" * 31, None):
        assert not tracking.is_hex_id(bad)


def test_16_a_delete_and_a_restore_made_at_once_are_a_conflict(hq_africa, tmp_path):
    """HQ keeps an outcome deleted while Africa restores it: both are decisions about
    one record, made without seeing each other; neither may vanish."""
    hq, africa = hq_africa
    delete_while_edited(hq, africa, tmp_path)
    [at_hq] = conflicts.list_conflicts(hq)
    [at_africa] = conflicts.list_conflicts(africa)
    conflicts.resolve_conflict(hq, at_hq.id, "current")       # stays deleted
    conflicts.resolve_conflict(africa, at_africa.id, "other")  # restored, with the edit
    exchange(hq, africa, tmp_path)
    exchange(africa, hq, tmp_path)
    assert fingerprint(hq) == fingerprint(africa)
    found = [(c.field, c.current, c.other) for c in conflicts.list_conflicts(hq)]
    assert len(found) == 1 and found[0][0] == "_deleted" and {found[0][1], found[0][2]} == {True, False}
    [item] = conflicts.list_conflicts(africa)
    conflicts.resolve_conflict(africa, item.id, "other")
    exchange(africa, hq, tmp_path)
    assert conflicts.list_conflicts(hq) == [] and fingerprint(hq) == fingerprint(africa)


def _many_texts(n: int, stamp: str, twice_original: bool = False) -> list[dict]:
    """Package lines of ``n`` texts with one Spanish original each; ``twice_original``
    gives the first text a second original (English), which the schema forbids."""
    at = {"created_at": "2026-01-01T00:00:00.000000+00:00", "updated_at": "2026-01-01T00:00:00.000000+00:00",
          "changed_by": "f" * 32}
    texts = [uuid.uuid4().hex for _ in range(n)]
    lines = [{"t": "text", "k": [t], "v": at, "c": {"*": stamp}, "d": False} for t in texts]
    versions = [(t, "es") for t in texts] + ([(texts[0], "en")] if twice_original else [])
    lines += [{"t": "text_version", "k": [uuid.uuid4().hex],
               "v": {"text_id": t, "lang": lang, "body": f"Texto {i}", "status": "original", "revision": 1,
                     "source_revision": None, **at}, "c": {"*": stamp}, "d": False}
              for i, (t, lang) in enumerate(versions)]
    return lines


def _indexes(archive) -> set[tuple]:
    return set(raw(archive, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))


def test_16_a_large_first_import_builds_its_indexes_at_the_end(tmp_path):
    # Over LATE_INDEX_ROWS records of a nearly empty table: its indexes are dropped for
    # the merge and made again from the same statements, and the queries use them.
    from piel_desktop.storage.merge import LATE_INDEX_ROWS
    new = create_archive(tmp_path / "new.piel", office="Nueva")
    before = _indexes(new)
    stamp, changeset = _forger_stamp()
    craft_package(tmp_path / "x.pielpkg", _many_texts(LATE_INDEX_ROWS + 200, stamp),
                  changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    sync.import_package(new, tmp_path / "x.pielpkg", dry_run=True)  # rolled back: indexes as they were
    assert _indexes(new) == before and raw(new, "SELECT count(*) FROM text_version WHERE body LIKE 'Texto %'") == [(0,)]
    sync.import_package(new, tmp_path / "x.pielpkg")
    assert _indexes(new) == before
    assert raw(new, "SELECT count(*) FROM text_version WHERE body LIKE 'Texto %'") == [(LATE_INDEX_ROWS + 200,)]
    plan = " ".join(r[3] for r in raw(new, "EXPLAIN QUERY PLAN SELECT id FROM text_version "
                                           "WHERE text_id = 'x' AND status = 'original'"))
    assert "ix_text_version_one_original" in plan


def test_17_two_originals_of_a_text_in_a_large_import_are_refused(tmp_path):
    # The unique index rebuilt at the end of the merge finds them: nothing is written.
    from piel_desktop.storage.merge import LATE_INDEX_ROWS
    new = create_archive(tmp_path / "new.piel", office="Nueva")
    before, texts = _indexes(new), raw(new, "SELECT count(*) FROM text")
    stamp, changeset = _forger_stamp()
    craft_package(tmp_path / "x.pielpkg", _many_texts(LATE_INDEX_ROWS + 10, stamp, twice_original=True),
                  changesets=[changeset], replicas=[{"id": "f" * 32, "name": "Forger"}])
    with pytest.raises(errors.PackageDuplicate) as refused:
        sync.import_package(new, tmp_path / "x.pielpkg")
    assert "text_version" in str(refused.value.params)
    assert _indexes(new) == before and raw(new, "SELECT count(*) FROM text") == texts
