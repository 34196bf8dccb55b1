"""The trash: what was deleted in this archive (here or by another office), and
restoring it. One entry is one delete with everything it took along (storage/trash.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piel_desktop.domain.errors import NothingToRestore, RestoreClash, RestoreNeedsParent
from piel_desktop.services.sync.preview import RecordLookup
from piel_desktop.storage import Archive
from piel_desktop.storage import trash as storage_trash
from piel_desktop.storage import sync as tracking
from piel_desktop.storage.merge import Merger, MissingReference

#: Tables whose rows come along with another record and never head an entry.
_DEPENDENT = frozenset({"text", "text_version", "meeting_outcome", "outcome_organisation",
                        "practice_document", "follow_up_document", "report_meeting",
                        "report_quote"})


@dataclass(frozen=True)
class TrashItem:
    """One delete as the trash lists it.

    ``kind``: table name of the record deleted (its sub-records count in ``records``);
    ``label``: a few words naming it; ``office``: who deleted it ("" if unknown);
    ``account``: the account that deleted it on an HQ archive ("" otherwise);
    ``when``: aware UTC time; ``meetings``: numbers of the meetings it belonged to.
    """

    stamp: str
    when: dt.datetime
    office: str
    kind: str
    label: str
    records: int
    meetings: tuple[int, ...]
    account: str = ""


def list_trash(archive: Archive, *, limit: int = 200) -> list[TrashItem]:
    """The ``limit`` most recent deletes, newest first."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        return [_item(con, d) for d in storage_trash.deletions(con, limit=limit) if d.rows]


def restore(archive: Archive, stamp: str) -> TrashItem:
    """Bring back everything the delete ``stamp`` removed, and the deleted records it
    belongs to (a sub-item's outcome, an outcome's meeting), in one transaction;
    returns the entry restored. Raises NothingToRestore, RestoreClash (a record added
    since has its number), RestoreNeedsParent; nothing is written then."""
    with archive.merging() as merging:
        con = merging.con
        deletion = storage_trash.deletion(con, stamp)
        if not deletion.rows:
            raise NothingToRestore()
        item = _item(con, deletion)
        new = tracking.new_changeset(con, tracking.local_replica(con))
        try:
            for row in deletion.rows:
                storage_trash.restore_record(con, row.table, row.key, new)
            Merger(con, tracking.Contexts(con), lambda: new).finish()
        except con.IntegrityError:  # a UNIQUE value taken since
            raise RestoreClash(label=item.label) from None
        except MissingReference:
            raise RestoreNeedsParent(label=item.label) from None
        merging.commit()
        return item


def _item(con, deletion: storage_trash.Deletion) -> TrashItem:
    heads = [r for r in deletion.rows if r.table not in _DEPENDENT] or list(deletion.rows)
    head = heads[0]
    lookup = RecordLookup(con)
    row = con.execute("SELECT name FROM replica WHERE id = ?", (deletion.replica,)).fetchone()
    _office, account = tracking.authors(con, [deletion.stamp])[deletion.stamp]
    return TrashItem(
        stamp=deletion.stamp, when=deletion.when, office=row[0] if row and row[0] else "", account=account,
        kind=head.table, label=lookup.label(head.table, head.key),
        records=len(heads), meetings=tuple(lookup.meetings(head.table, head.key)))
