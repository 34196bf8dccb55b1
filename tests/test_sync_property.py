"""Convergence and no silent loss, as a property: three offices make random edits and
exchange packages in random order, with repeats and lost packages that are sent again.

The model beside the archives records, for every explicit field write, which writes its
office had seen when it was made (its own, plus those of every package it applied). A
write that no other write of the same field had seen is "maximal"; each maximal value
must survive, as the field's value or as a conflict record. After everyone has imported
everything, all archives must print the same content fingerprint.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from piel_desktop.domain.errors import PackageNeedsEarlier, RecordNotFound
from piel_desktop.domain.model import OutcomeStatus, can_move
from piel_desktop.services import records, sync
from piel_desktop.services.sync import conflicts
from piel_desktop.services.archive import check_archive, create_archive, fingerprint, open_archive
from sync_helpers import all_values, conflict_values, live_outcomes

OFFICES = ("HQ", "Africa", "Americas")
EXAMPLES = int(os.environ.get("PIEL_SYNC_EXAMPLES", "100"))


@pytest.fixture(scope="module")
def office_templates(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("offices")
    paths = []
    for name in OFFICES:
        path = folder / f"{name}.piel"
        create_archive(path, demo=True, office=name).close()
        paths.append(path)
    return paths


@dataclass
class Model:
    seen: list[set] = field(default_factory=lambda: [set() for _ in OFFICES])
    writes: list[tuple] = field(default_factory=list)  # (id, target, value, seen-before)

    def write(self, office: int, target: tuple, value) -> None:
        write_id = len(self.writes)
        self.writes.append((write_id, target, value, frozenset(self.seen[office])))
        self.seen[office].add(write_id)


FIELDS = {"status": st.sampled_from(["proposed", "agreed", "in_progress", "implemented", "withdrawn"]),
          "label": st.sampled_from(["a", "b", "c", "1", "2"]),
          "addressee": st.sampled_from(["secretariat", "member_states", "itu"])}

operation = st.one_of(
    # Few targets, so that offices often write the same field concurrently.
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 3), st.sampled_from(sorted(FIELDS)), st.data()),
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 3), st.sampled_from(sorted(FIELDS)), st.data()),
    st.tuples(st.just("text"), st.integers(0, 2), st.integers(0, 3), st.sampled_from(["es", "en"]),
              st.text("abcdé ñ", min_size=1, max_size=12).filter(str.strip)),
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 30)),
    st.tuples(st.just("resolve"), st.integers(0, 2), st.integers(0, 5), st.sampled_from(["current", "other"])),
    st.tuples(st.just("export"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("deliver"), st.integers(0, 50)),
    st.tuples(st.just("deliver"), st.integers(0, 50)),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations=st.lists(operation, min_size=4, max_size=24))
def test_offices_converge_and_lose_nothing(office_templates, operations):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        archives = []
        for template in office_templates:
            shutil.copy(template, folder / template.name)
            archives.append(open_archive(folder / template.name))
        try:
            _run(archives, operations, folder)
        finally:
            for archive in archives:
                archive.close()


def _run(archives, operations, folder: Path) -> None:
    model = Model()
    mail: list[tuple[int, Path, frozenset]] = []  # (recipient, package, what it carries)
    for op in operations:
        kind, office = op[0], op[1]
        a = archives[office] if kind != "deliver" else None
        if kind == "edit":
            outcomes = live_outcomes(a)
            target = outcomes[op[2] % len(outcomes)]
            value = op[4].draw(FIELDS[op[3]])
            current = all_values(a, "outcome", target).get(op[3])
            if op[3] == "status" and not can_move(OutcomeStatus(current), OutcomeStatus(value)):
                continue  # a move the lifecycle refuses at this office (concurrent ones still merge)
            if current != value:  # writing the same value writes nothing
                records.edit_outcome(a, uuid.UUID(target), **{op[3]: value})
                model.write(office, ("outcome", target, op[3]), value)
        elif kind == "text":
            outcomes = live_outcomes(a)
            target = outcomes[op[2] % len(outcomes)]
            text_id = uuid.UUID(all_values(a, "outcome", target)["text_id"])
            version = uuid.uuid5(text_id, op[3]).hex
            if all_values(a, "text_version", version).get("body") != op[4]:
                records.set_text(a, text_id, op[3], op[4])
                model.write(office, ("text_version", version, "body"), op[4])
        elif kind == "create":
            meeting = records.list_meetings(a)[op[2]]
            records.add_outcome(a, text=f"nuevo {len(model.writes)}", lang="es", meeting_ids=[meeting.id])
        elif kind == "delete":
            outcomes = live_outcomes(a)
            if len(outcomes) > 3:
                records.delete_outcome(a, uuid.UUID(outcomes[op[2] % len(outcomes)]))
        elif kind == "resolve":
            found = [c for c in conflicts.list_conflicts(a) if c.kind == "field"]
            if found:
                item = found[op[2] % len(found)]
                conflicts.resolve_conflict(a, item.id, op[3])
                kept = item.current if op[3] == "current" else item.other
                model.write(office, (item.table, item.key[0], item.field), kept)
        elif kind == "export" and op[1] != op[2]:
            _send(archives, model, mail, op[1], op[2], folder)
        elif kind == "deliver" and mail:
            _deliver(archives, model, mail, op[1] % len(mail))
    # Everyone imports everything: full exchanges until nothing is left to learn.
    for _round in range(2):
        for sender in range(len(archives)):
            for recipient in range(len(archives)):
                if sender != recipient:
                    _send(archives, model, mail, sender, recipient, folder, full=True)
                    _deliver(archives, model, mail, len(mail) - 1)
    prints = {fingerprint(a) for a in archives}
    assert len(prints) == 1, "archives did not converge"
    assert all(check_archive(a).ok for a in archives)
    _assert_nothing_lost(archives[0], model)


def _send(archives, model, mail, sender: int, recipient: int, folder: Path, *, full=False) -> None:
    path = folder / f"p{len(mail)}-{sender}-{recipient}.pielpkg"
    name = OFFICES[recipient]
    known = {o.name for o in sync.offices(archives[sender])}
    sync.export_package(archives[sender], path, to=name if name in known else None, full=full or name not in known)
    mail.append((recipient, path, frozenset(model.seen[sender])))


def _deliver(archives, model, mail, index: int) -> None:
    recipient, path, carried = mail[index]
    try:
        receipts = path.parent / "receipts"
        receipts.mkdir(exist_ok=True)
        result = sync.import_package(archives[recipient], path, receipt_dir=receipts)
    except PackageNeedsEarlier:
        return  # an incremental package overtook an earlier one that was lost; resent later
    model.seen[recipient] |= carried
    if result.receipt:  # the receipt goes back to the sender at once
        sender = OFFICES.index(result.office)
        sync.import_package(archives[sender], result.receipt)


def _assert_nothing_lost(archive, model: Model) -> None:
    kept = conflict_values(archive)
    for write_id, target, value, _seen in model.writes:
        overwritten = any(write_id in seen for other, t, _v, seen in model.writes if t == target and other != write_id)
        if overwritten:
            continue
        table, key, column = target
        current = all_values(archive, table, key).get(column)
        assert value == current or value in kept.get(target, set()), (
            f"the value {value!r} written to {target} was lost")


def test_record_not_found_is_not_a_silent_edit(office_templates, tmp_path):
    """Editing an outcome deleted meanwhile is refused, not written somewhere."""
    shutil.copy(office_templates[0], tmp_path / "a.piel")
    with open_archive(tmp_path / "a.piel") as a:
        target = live_outcomes(a)[0]
        records.delete_outcome(a, uuid.UUID(target))
        with pytest.raises(RecordNotFound):
            records.edit_outcome(a, uuid.UUID(target), status="agreed")
