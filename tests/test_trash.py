"""The trash: deletes listed newest first (also those of other offices), restored
exactly, refused with a reason when a record added since takes the place, and a
restore travelling to the other office."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from conftest import open_window
from piel_desktop.domain.errors import NothingToRestore, RestoreClash
from piel_desktop.services import records, registries, trash
from piel_desktop.services.archive import fingerprint
from sync_helpers import exchange, introduce, live_outcomes

pytestmark = pytest.mark.both_backends


def _outcome_with_sub_items(archive) -> uuid.UUID:
    with archive.unit_of_work() as uow:
        return uuid.UUID(uow.raw.execute(
            "SELECT parent_id FROM outcome WHERE parent_id IS NOT NULL ORDER BY parent_id LIMIT 1").fetchone()[0])


def test_a_deleted_outcome_is_listed_with_its_sub_items_and_restored_exactly(demo):
    before = fingerprint(demo)
    records.delete_outcome(demo, _outcome_with_sub_items(demo))
    [item] = trash.list_trash(demo)
    assert item.kind == "outcome" and item.records == 3 and item.meetings == (12, 13)
    assert item.label.startswith("en relación con la Consulta en línea para jóvenes")
    assert abs(item.when - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert trash.restore(demo, item.stamp) == item
    assert fingerprint(demo) == before  # every row back, as it was
    assert trash.list_trash(demo) == []
    with pytest.raises(NothingToRestore):
        trash.restore(demo, item.stamp)


def test_newest_first_and_a_sub_item_brings_back_its_outcome(demo):
    parent = _outcome_with_sub_items(demo)
    first_sub_item = next(o for o in records.meeting_outcomes(demo, [m.id for m in records.list_meetings(demo)])
                          if o.id == parent).children[0]
    records.delete_outcome(demo, first_sub_item.id)
    records.delete_outcome(demo, parent)
    sub, whole = trash.list_trash(demo)[1], trash.list_trash(demo)[0]
    assert (whole.records, sub.records) == (2, 1)
    trash.restore(demo, sub.stamp)  # the sub-item needs its outcome: both come back
    assert trash.list_trash(demo) == []
    assert {str(parent.hex), first_sub_item.id.hex} <= set(live_outcomes(demo))


def test_a_restore_that_would_clash_is_refused_and_changes_nothing(demo):
    meeting = next(m for m in records.list_meetings(demo) if m.number == 9)
    with demo.unit_of_work() as uow:  # delete meeting 9 as the meetings editor does
        from piel_desktop.storage import models as m
        uow.session.delete(uow.session.get(m.Meeting, meeting.id))
        uow.commit()
    records.add_meeting(demo, number=9, start_date=dt.date(2015, 1, 23))
    state = fingerprint(demo)
    [item] = trash.list_trash(demo)
    with pytest.raises(RestoreClash) as refused:
        trash.restore(demo, item.stamp)
    assert refused.value.params["label"] == "9"
    assert fingerprint(demo) == state and len(trash.list_trash(demo)) == 1


def test_registry_records_go_to_the_trash_too(demo):
    effort = registries.create(demo, "effort", {"country": "KE", "year": 2024, "title": "Safer Internet Day"})
    registries.delete(demo, "effort", effort)
    [item] = trash.list_trash(demo)
    assert item.kind == "country_effort" and "Safer Internet Day" in item.label
    trash.restore(demo, item.stamp)
    assert registries.values(demo, "effort", effort)["title"] == "Safer Internet Day"


def test_the_other_office_sees_who_deleted_and_the_restore_travels(hq_africa, tmp_path):
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    target = uuid.UUID(live_outcomes(hq)[5])
    records.delete_outcome(hq, target)
    exchange(hq, africa, tmp_path)
    [seen] = trash.list_trash(africa)
    assert seen.office == "HQ" and target.hex not in live_outcomes(africa)
    trash.restore(hq, trash.list_trash(hq)[0].stamp)
    exchange(hq, africa, tmp_path)
    assert target.hex in live_outcomes(africa) and trash.list_trash(africa) == []
    assert fingerprint(africa) == fingerprint(hq)


def test_trash_window_restores_and_the_main_window_shows_it_again(qtbot, demo_path):
    from piel_desktop.ui.trash import open_trash
    window = open_window(qtbot, demo_path)
    window.select_meeting(14)
    count = window.outcome_model.rowCount()
    records.delete_outcome(window.archive, window.current_outcome().id if window.current_outcome()
                           else next(iter(window.outcomes)))
    window.reload()
    assert window.outcome_model.rowCount() == count - 1
    dialog = open_trash(window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "Outcome"
    assert dialog.restore()
    assert dialog.table.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
    assert window.outcome_model.rowCount() == count


def test_restoring_an_organisation_gives_it_back_to_the_practices_that_named_it(demo):
    organisation = registries.create(demo, "organisation", {"name_id": "Red Infancia", "acronym_id": "RI"})
    practice = registries.create(demo, "practice", {"title": "Aulas seguras", "organisation_id": organisation})
    before = fingerprint(demo)
    registries.delete(demo, "organisation", organisation)
    assert registries.values(demo, "practice", practice)["organisation_id"] is None
    [item] = trash.list_trash(demo)
    trash.restore(demo, item.stamp)
    assert registries.values(demo, "practice", practice)["organisation_id"] == organisation
    assert fingerprint(demo) == before
