"""Undo and redo of edits, in the service layer (widgets only show the labels).

A :class:`History` belongs to one open archive. A step is any edit: adding, moving,
deleting an outcome or changing its fields or the language versions of its text,
adding, changing or deleting a follow-up note (services/follow_up.py), or adding,
changing or deleting a record of services/registries.py (meetings, organisations,
reports, instruments and clauses among them) or moving an instrument or clause, named
for the menu ("Undo: edit country effort"). The undo of a delete writes back the exact
rows the delete removed (services/snapshots.py): a meeting's outcomes, sub-items and
links. Each edit made through it is applied at once and remembered with what it
replaced; undoing writes the earlier values back as an ordinary edit (its own
changeset), so an undo travels to other offices like any other change and nothing is
rewritten in the past. Language versions are written back whole (revisions included,
so a translation is stale again exactly when it was); a version the step added is
deleted, which leaves a tombstone for other offices. Undoing a status move writes the
earlier status even where the lifecycle would not allow that move by hand: it puts
back what was there.

If the record changed underneath (an import deleted it), undo raises the service's
error and the step is dropped, so the history never repeats a failing step.

:func:`last_change` says who changed an outcome last (office, and account on an HQ
archive), for the detail pane.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from piel_desktop.domain.sync import Stamp
from piel_desktop.i18n import N_
from piel_desktop.services import follow_up, mandate, records, registries, report_records, snapshots
from piel_desktop.storage import Archive
from piel_desktop.storage.sync import authors

#: Step names, translated when shown ("Undo: edit outcome status").
_FIELD_LABELS = {
    "status": N_("edit outcome status"),
    "kind": N_("edit outcome kind"),
    "addressee": N_("edit outcome addressee"),
    "label": N_("edit outcome label"),
    "position": N_("move outcome"),
    "due_date": N_("edit outcome due date"),
}
_SEVERAL = N_("edit outcome")
LIMIT = 100

#: Step names of registry records, by (kind, action).
_RECORD_LABELS = {
    ("effort", "create"): N_("add country effort"),
    ("effort", "edit"): N_("edit country effort"),
    ("effort", "delete"): N_("delete country effort"),
    ("practice", "create"): N_("add good practice"),
    ("practice", "edit"): N_("edit good practice"),
    ("practice", "delete"): N_("delete good practice"),
    ("consultation", "create"): N_("add consultation"),
    ("consultation", "edit"): N_("edit consultation"),
    ("consultation", "delete"): N_("delete consultation"),
    ("document", "create"): N_("add document"),
    ("document", "edit"): N_("edit document"),
    ("document", "delete"): N_("delete document"),
    ("meeting", "create"): N_("add meeting"),
    ("meeting", "edit"): N_("edit meeting"),
    ("meeting", "delete"): N_("delete meeting"),
    ("organisation", "create"): N_("add organisation"),
    ("organisation", "edit"): N_("edit organisation"),
    ("organisation", "delete"): N_("delete organisation"),
    ("report", "create"): N_("add report"),
    ("report", "edit"): N_("edit report"),
    ("report", "delete"): N_("delete report"),
    ("instrument", "create"): N_("add instrument"),
    ("instrument", "edit"): N_("edit instrument"),
    ("instrument", "delete"): N_("delete instrument"),
    ("instrument", "move"): N_("move instrument"),
    ("clause", "create"): N_("add clause"),
    ("clause", "edit"): N_("edit clause"),
    ("clause", "delete"): N_("delete clause"),
    ("clause", "move"): N_("move clause"),
    ("note", "create"): N_("add follow-up note"),
    ("note", "edit"): N_("edit follow-up note"),
    ("note", "delete"): N_("delete follow-up note"),
}


@dataclass(frozen=True)
class Step:
    label: str  # an untranslated step name (a msgid)
    undo: Callable[[], None]
    redo: Callable[[], None]


class History:
    """The undo and redo stacks of one archive (at most LIMIT steps)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._done: list[Step] = []
        self._undone: list[Step] = []

    @property
    def undo_label(self) -> str | None:
        """Name of the step Undo would take back (untranslated), or None."""
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1].label if self._undone else None

    def edit_outcome(self, outcome_id: uuid.UUID, **changes) -> bool:
        """Change outcome fields as records.edit_outcome does (same errors, nothing
        written on error), remembering the values they replace. Returns False if no
        field changed (nothing written, no step)."""
        before = records.outcome_fields(self.archive, outcome_id)
        changes = {k: v for k, v in records.check_outcome_fields(changes).items() if before.get(k) != v}
        if not changes:
            return False
        records.edit_outcome(self.archive, outcome_id, **changes)
        earlier = {name: before[name] for name in changes}
        label = _FIELD_LABELS.get(next(iter(changes))) if len(changes) == 1 else _SEVERAL
        self._push(Step(
            label or _SEVERAL,
            undo=lambda: records.edit_outcome(self.archive, outcome_id, lifecycle=False, **earlier),
            redo=lambda: records.edit_outcome(self.archive, outcome_id, lifecycle=False, **changes)))
        return True

    def create(self, kind: str, values: dict) -> uuid.UUID:
        """Add a registry record as registries.create does (same errors, nothing
        written on error); undo deletes it, redo brings it back under the same id."""
        record_id = registries.create(self.archive, kind, values)
        made = registries.values(self.archive, kind, record_id)  # a file as its stored hash
        self._push(Step(
            _RECORD_LABELS[kind, "create"],
            undo=lambda: registries.delete(self.archive, kind, record_id),
            redo=lambda: registries.create(self.archive, kind, made, record_id=record_id)))
        return record_id

    def edit(self, kind: str, record_id: uuid.UUID, values: dict) -> bool:
        """Change a registry record as registries.edit does, remembering what the
        changed fields held. Returns False if nothing changed (no step)."""
        before = registries.values(self.archive, kind, record_id)
        values = {name: value for name, value in registries.check(kind, values).items()
                  if name == "file" or not _same(before.get(name), value)}
        if not values:
            return False
        registries.edit(self.archive, kind, record_id, values)
        after = registries.values(self.archive, kind, record_id)
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return False
        earlier, later = {n: before[n] for n in changed}, {n: after[n] for n in changed}
        self._push(Step(
            _RECORD_LABELS[kind, "edit"],
            undo=lambda: registries.edit(self.archive, kind, record_id, earlier),
            redo=lambda: registries.edit(self.archive, kind, record_id, later)))
        return True

    def delete(self, kind: str, record_id: uuid.UUID) -> None:
        """Delete a registry record as registries.delete does; undo brings it back
        exactly (its id, values, links; a meeting's outcomes with it)."""
        removed = registries.delete(self.archive, kind, record_id)
        self._push(Step(
            _RECORD_LABELS[kind, "delete"],
            undo=lambda: snapshots.restore(self.archive, removed),
            redo=lambda: registries.delete(self.archive, kind, record_id)))

    def add_report(self, new: dict) -> str:
        """Add a report to Council as report_records.add_report does (same errors,
        nothing written on error); returns its key. Undo deletes it, redo brings it
        back under the same key."""
        key = report_records.add_report(self.archive, new)
        made = report_records.values(self.archive, key)
        self._push(Step(
            _RECORD_LABELS["report", "create"],
            undo=lambda: report_records.delete_report(self.archive, key),
            redo=lambda: report_records.add_report(self.archive, made, report_id=uuid.UUID(key))))
        return key

    def edit_report(self, key: str, changes: dict) -> bool:
        """Change a report as report_records.edit_report does, remembering what the
        changed fields held (``paragraphs`` whole). Returns False if nothing changed."""
        return self._edit_step(
            _RECORD_LABELS["report", "edit"], report_records.values(self.archive, key),
            report_records.check(changes, partial=True),
            lambda values: report_records.edit_report(self.archive, key, values), same=operator.eq)

    def delete_report(self, key: str) -> None:
        """Delete a report (to the trash) with its paragraphs, achievements and links;
        undo brings it all back exactly."""
        removed = report_records.delete_report(self.archive, key)
        self._push(Step(
            _RECORD_LABELS["report", "delete"],
            undo=lambda: snapshots.restore(self.archive, removed),
            redo=lambda: report_records.delete_report(self.archive, key)))

    def move(self, kind: str, record_id: uuid.UUID, step: int) -> bool:
        """Move an instrument or a clause among its siblings (mandate.move: ``step``
        -1 up, +1 down). Returns False when it cannot move further (no step)."""
        earlier = mandate.move(self.archive, kind, record_id, step)
        if not earlier:
            return False
        later = mandate.positions(self.archive, kind, earlier)
        self._push(Step(_RECORD_LABELS[kind, "move"],
                        undo=lambda: mandate.set_positions(self.archive, kind, earlier),
                        redo=lambda: mandate.set_positions(self.archive, kind, later)))
        return True

    def add_outcome(self, **fields) -> uuid.UUID:
        """Add an outcome as records.add_outcome does (same arguments and errors,
        nothing written on error); undo deletes it, redo brings it back exactly."""
        outcome_id = records.add_outcome(self.archive, **fields)
        removed: list[snapshots.Snapshot] = []

        def undo() -> None:
            removed[:] = [records.delete_outcome(self.archive, outcome_id)]

        self._push(Step(N_("add outcome"), undo=undo,
                        redo=lambda: snapshots.restore(self.archive, removed[0])))
        return outcome_id

    def delete_outcome(self, outcome_id: uuid.UUID) -> None:
        """Delete an outcome with its sub-items (records.delete_outcome); undo brings
        them back exactly."""
        removed = records.delete_outcome(self.archive, outcome_id)
        self._push(Step(N_("delete outcome"),
                        undo=lambda: snapshots.restore(self.archive, removed),
                        redo=lambda: records.delete_outcome(self.archive, outcome_id)))

    def move_outcome(self, outcome_id: uuid.UUID, step: int, meeting_id: uuid.UUID | None = None) -> bool:
        """Move an outcome among its siblings (records.move_outcome: ``step`` -1 up,
        +1 down). Returns False when it cannot move further (no step)."""
        earlier = records.move_outcome(self.archive, outcome_id, step, meeting_id)
        if not earlier:
            return False
        later = records.outcome_positions(self.archive, earlier)
        self._push(Step(N_("move outcome"),
                        undo=lambda: records.set_positions(self.archive, earlier),
                        redo=lambda: records.set_positions(self.archive, later)))
        return True

    def edit_text_versions(self, outcome_id: uuid.UUID, bodies: dict[str, str]) -> bool:
        """Write language versions of an outcome's text (language -> body) in one
        transaction, as records.set_outcome_texts does (same errors, nothing written on
        error). Undo puts back the versions exactly as they were (revisions, so which
        translations are stale, and times too) and removes those the step added; redo
        puts back the versions the step wrote. Returns False if no version changed."""
        change = records.set_outcome_texts(self.archive, outcome_id, bodies)
        if not change.after:
            return False
        self._push(Step(N_("edit language versions"),
                        undo=lambda: records.put_text_versions(self.archive, change.text_id, change.before),
                        redo=lambda: records.put_text_versions(self.archive, change.text_id, change.after)))
        return True

    def add_note(self, outcome_id: uuid.UUID, new: dict) -> uuid.UUID:
        """Add a follow-up note as follow_up.add_note does (moving the outcome to the
        note's status, by the lifecycle; same errors, nothing written on error). Undo
        deletes the note and puts back the status the outcome had."""
        before = records.outcome_fields(self.archive, outcome_id)["status"]
        note_id = follow_up.add_note(self.archive, outcome_id, new)
        made = follow_up.values(self.archive, note_id)
        moved = made["status"] not in (None, before)
        made = {name: made[name] for name in follow_up.FIELDS}
        self._push(Step(
            _RECORD_LABELS["note", "create"],
            undo=lambda: follow_up.delete_note(self.archive, note_id, outcome_status=before if moved else None),
            redo=lambda: follow_up.add_note(self.archive, outcome_id, made, note_id=note_id, move=moved,
                                            lifecycle=False)))
        return note_id

    def edit_note(self, note_id: uuid.UUID, changes: dict) -> bool:
        """Change a note's date, text or documents as follow_up.edit_note does,
        remembering what they held. Returns False if nothing changed (no step)."""
        return self._edit_step(
            _RECORD_LABELS["note", "edit"], follow_up.values(self.archive, note_id), follow_up.check(changes),
            lambda values: follow_up.edit_note(self.archive, note_id, values))

    def _edit_step(self, label: str, before: dict, checked: dict, write, same=None) -> bool:
        """Write the ``checked`` values that differ from ``before`` with ``write(values)``
        and remember the step (undo writes back what they held); False if none differ."""
        same = same or _same
        changes = {name: value for name, value in checked.items() if not same(before.get(name), value)}
        if not changes:
            return False
        write(changes)
        earlier = {name: before[name] for name in changes}
        self._push(Step(label, undo=lambda: write(earlier), redo=lambda: write(changes)))
        return True

    def delete_note(self, note_id: uuid.UUID) -> None:
        """Delete a note as follow_up.delete_note does (the outcome keeps its status);
        undo brings the note back under its own id."""
        before = follow_up.values(self.archive, note_id)
        outcome_id = before.pop("outcome_id")
        follow_up.delete_note(self.archive, note_id)
        self._push(Step(
            _RECORD_LABELS["note", "delete"],
            undo=lambda: follow_up.add_note(self.archive, outcome_id, before, note_id=note_id, move=False),
            redo=lambda: follow_up.delete_note(self.archive, note_id)))

    def undo(self) -> None:
        """Take back the last step; raises what the service raises (the step is then
        dropped). Does nothing when there is nothing to undo."""
        if self._done:
            step = self._done.pop()
            step.undo()
            self._undone.append(step)

    def redo(self) -> None:
        if self._undone:
            step = self._undone.pop()
            step.redo()
            self._done.append(step)

    def _push(self, step: Step) -> None:
        self._done = [*self._done, step][-LIMIT:]
        self._undone.clear()


def _same(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):  # linked records: order aside
        return sorted(a) == sorted(b)
    return a == b


@dataclass(frozen=True)
class LastChange:
    """Who last changed a record: the office (its name), the account on an HQ archive
    ("" on a file) and when (aware UTC, from the writing office's clock)."""

    office: str
    account: str
    when: dt.datetime


def last_change(archive: Archive, outcome_id: uuid.UUID) -> LastChange | None:
    """The newest change of the outcome's fields or of its text's language versions
    (the latest stamp in their field clocks), or None for an unknown outcome."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        row = con.execute("SELECT sync_clock, text_id FROM outcome WHERE id = ?", (outcome_id.hex,)).fetchone()
        if row is None:
            return None
        clocks = [row[0], *(r[0] for r in con.execute(
            "SELECT sync_clock FROM text_version WHERE text_id = ?", (row[1],)))]
        stamps = [Stamp.parse(s) for clock in clocks if clock for s in json.loads(clock).values()]
        if not stamps:
            return None
        newest = max(stamps, key=lambda s: (s.hlc, s.replica))
        office, account = authors(con, [str(newest)])[str(newest)]
    return LastChange(office=office, account=account,
                      when=dt.datetime.fromtimestamp(newest.wall_ms / 1000, dt.UTC))
