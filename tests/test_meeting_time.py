"""A meeting's start time in the IANA zone of its venue: the instant it names, the days
the clocks change (Europe/Zurich and America/New_York, spring and autumn), the checks
of the meeting editor's service, and the time and zone travelling in a package."""

from __future__ import annotations

import datetime as dt

import pytest

from piel_desktop.domain.errors import (
    AmbiguousLocalTime, InvalidValue, NonexistentLocalTime, NotATimeZone, TimeWithoutZone,
)
from piel_desktop.domain.meeting_time import parse_zone, start_instant
from piel_desktop.messages import describe as message
from piel_desktop.services import records, registries, sync
from piel_desktop.services.archive import create_archive, fingerprint

pytestmark = pytest.mark.both_backends

UTC = dt.timezone.utc


@pytest.mark.parametrize("zone, day, local, utc", [
    ("Europe/Zurich", dt.date(2026, 1, 15), dt.time(14, 0), dt.datetime(2026, 1, 15, 13, 0, tzinfo=UTC)),
    ("Europe/Zurich", dt.date(2026, 7, 15), dt.time(14, 0), dt.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)),
    # The days the clocks change, away from the hour that changes: the new offset holds.
    ("Europe/Zurich", dt.date(2026, 3, 29), dt.time(14, 0), dt.datetime(2026, 3, 29, 12, 0, tzinfo=UTC)),
    ("Europe/Zurich", dt.date(2026, 10, 25), dt.time(14, 0), dt.datetime(2026, 10, 25, 13, 0, tzinfo=UTC)),
    ("America/New_York", dt.date(2026, 3, 8), dt.time(9, 0), dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
    ("America/New_York", dt.date(2026, 11, 1), dt.time(9, 0), dt.datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
])
def test_the_instant_is_the_local_time_in_the_zone_on_that_day(zone, day, local, utc):
    assert start_instant(day, local, zone) == utc


@pytest.mark.parametrize("zone, day, local", [
    ("Europe/Zurich", dt.date(2026, 3, 29), dt.time(2, 30)),
    ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 30)),
])
def test_a_time_the_clocks_skip_is_refused_naming_the_gap(zone, day, local):
    with pytest.raises(NonexistentLocalTime) as caught:
        start_instant(day, local, zone)
    sentence = message(caught.value)
    assert "02:30" in sentence and zone in sentence and day.isoformat() in sentence


@pytest.mark.parametrize("zone, day, local", [
    ("Europe/Zurich", dt.date(2026, 10, 25), dt.time(2, 30)),
    ("America/New_York", dt.date(2026, 11, 1), dt.time(1, 30)),
])
def test_a_time_the_clocks_repeat_is_refused_as_ambiguous(zone, day, local):
    with pytest.raises(AmbiguousLocalTime) as caught:
        start_instant(day, local, zone)
    assert "twice" in message(caught.value)


def test_zone_names_are_checked_and_spelled_as_the_data_does():
    assert parse_zone("europe/zurich") == "Europe/Zurich"
    with pytest.raises(NotATimeZone) as caught:
        parse_zone("Geneva/Switzerland")
    assert message(caught.value) == "“Geneva/Switzerland” is not a time zone; for example Europe/Zurich (Geneva)."


def _new_meeting(archive, **values):
    return registries.create(archive, "meeting", {"number": 40, "start_date": "2026-03-29", **values})


@pytest.mark.parametrize("values, error, field", [
    ({"start_time": "14:00"}, TimeWithoutZone, "time_zone"),
    ({"start_time": "14:00", "time_zone": "Mars/Olympus"}, NotATimeZone, "time_zone"),
    ({"start_time": "25:00", "time_zone": "Europe/Zurich"}, InvalidValue, "start_time"),
    ({"start_time": "02:30", "time_zone": "Europe/Zurich"}, NonexistentLocalTime, "start_time"),
])
def test_the_editor_service_refuses_a_bad_time_and_writes_nothing(demo, values, error, field):
    before = fingerprint(demo)
    with pytest.raises(error) as caught:
        _new_meeting(demo, **values)
    assert caught.value.params["field"] == field
    assert fingerprint(demo) == before


def test_a_zone_without_a_time_is_kept_and_an_edit_of_the_date_is_checked(demo):
    meeting = _new_meeting(demo, time_zone="Europe/Zurich")
    assert registries.values(demo, "meeting", meeting)["time_zone"] == "Europe/Zurich"
    registries.edit(demo, "meeting", meeting, {"start_time": "14:00"})
    before = fingerprint(demo)
    with pytest.raises(NonexistentLocalTime):  # 14:00 is fine; 02:30 on this day is not
        registries.edit(demo, "meeting", meeting, {"start_time": "2:30"})
    registries.edit(demo, "meeting", meeting, {"start_date": "2026-03-30", "start_time": "2:30"})
    assert registries.values(demo, "meeting", meeting)["start_time"] == "02:30"
    assert fingerprint(demo) != before


def test_a_package_carries_the_time_and_zone_to_another_archive(hq_africa, tmp_path):
    hq, _ = hq_africa
    meeting = next(m for m in records.list_meetings(hq) if m.number == 14)
    registries.edit(hq, "meeting", meeting.id, {"start_time": "14:00", "time_zone": "Europe/Zurich"})
    other = create_archive(tmp_path / "new.piel", office="Americas")
    sync.import_package(other, sync.export_package(hq, tmp_path / "full.pielpkg").path)
    back = next(m for m in records.list_meetings(other) if m.number == 14)
    assert (back.start_time, back.time_zone) == ("14:00", "Europe/Zurich")
    assert fingerprint(other) == fingerprint(hq)
    other.close()


# -- shown and printed ----------------------------------------------------------------

def test_the_venue_clock_and_the_users_own_in_each_language():
    from zoneinfo import ZoneInfo
    from piel_desktop.i18n import format_meeting_time, format_meeting_times
    day, york = dt.date(2026, 1, 15), ZoneInfo("America/New_York")
    assert format_meeting_time(day, "14:00", "Europe/Zurich", "fr") == \
        "14:00 (heure normale d’Europe centrale, Europe/Zurich)"
    assert format_meeting_time(dt.date(2026, 7, 15), "14:00", "Europe/Zurich", "es") == \
        "14:00 (hora de verano de Europa central, Europe/Zurich)"
    # Each language's own punctuation around the zone's name.
    assert format_meeting_time(day, "14:00", "Europe/Zurich", "ar").endswith("، Europe/Zurich)")
    assert format_meeting_time(day, "14:00", "Europe/Zurich", "zh").endswith("，Europe/Zurich）")
    assert format_meeting_times(day, "14:00", "Europe/Zurich", "en", york).endswith("— 08:00 your time")
    # The same clock as the venue's: said once.
    assert "your time" not in format_meeting_times(day, "14:00", "Europe/Zurich", "en", ZoneInfo("Europe/Berlin"))
    # After the US changed its clocks and before Europe did, the gap is five hours, not six.
    assert format_meeting_times(dt.date(2026, 3, 10), "14:00", "Europe/Zurich", "en", york).endswith("09:00 your time")


def test_the_main_window_shows_the_meeting_time_in_both_zones(demo_path, qtbot, monkeypatch):
    from conftest import open_window
    from piel_desktop.services.archive import open_archive
    monkeypatch.setenv("TZ", "America/New_York")
    archive = open_archive(demo_path)
    meeting = next(m for m in records.list_meetings(archive) if m.number == 14)
    registries.edit(archive, "meeting", meeting.id, {"start_time": "14:00", "time_zone": "Europe/Zurich"})
    archive.close()
    window = open_window(qtbot, demo_path)
    window.select_meeting(14)
    assert window.meeting_title.text() == ("Meeting 14 · 23 January 2018 · 14:00 (Central European "
                                           "Standard Time, Europe/Zurich) — 08:00 your time")


def test_the_editor_shows_a_bad_zone_under_its_field(demo, qtbot):
    from PySide6.QtWidgets import QDialog
    from piel_desktop.ui.record_editor import RecordEditor
    before = fingerprint(demo)
    editor = RecordEditor("meeting", {}, lambda values: registries.create(demo, "meeting", values))
    qtbot.addWidget(editor)
    editor.widgets["number"].setText("40")
    editor.widgets["start_date"].setText("2026-05-04")
    editor.widgets["start_time"].setText("14:00")
    editor.widgets["time_zone"].setText("Geneva")
    editor.accept()
    assert editor.result() != QDialog.Accepted
    assert editor.problems["time_zone"].text() == \
        "“Geneva” is not a time zone; for example Europe/Zurich (Geneva)."
    assert fingerprint(demo) == before
    editor.widgets["time_zone"].setText("europe/zurich")
    editor.accept()
    assert editor.result() == QDialog.Accepted
    assert registries.values(demo, "meeting", editor.result_value)["time_zone"] == "Europe/Zurich"


def test_a_meeting_list_carries_the_time_and_zone_out_and_back(demo, tmp_path):
    from piel_desktop.services.table_import import apply_import, plan_import
    from piel_desktop.services.tables import Table, table, write_table
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    registries.edit(demo, "meeting", meeting.id, {"start_time": "09:30", "time_zone": "America/New_York"})
    exported = table(demo, "meetings")
    assert exported.headers[-2:] == ("Start time", "Time zone")
    row = next(r for r in exported.rows if r[0] == 14)
    registries.delete(demo, "meeting", meeting.id)
    path = write_table(Table(exported.headers, [
        row,
        (41, "2026-03-08", None, None, None, None, 0, "02:30", "America/New_York"),  # skipped
        (42, "2026-03-09", None, None, None, None, 0, "10:00", "New York"),          # no such zone
        (43, "2026-03-09", None, None, None, None, 0, "10:00", None),                # no zone
    ]), tmp_path / "meetings.csv")
    plan = plan_import(demo, path, "meetings")
    assert [r.line for r in plan.valid] == [2]
    assert [[p.code for p in r.problems] for r in plan.invalid] == [
        ["nonexistent-local-time"], ["not-a-time-zone"], ["time-without-zone"]]
    assert apply_import(demo, plan) == 1
    back = next(m for m in records.list_meetings(demo) if m.number == 14)
    assert (back.start_time, back.time_zone) == ("09:30", "America/New_York")


def test_the_tracker_carries_the_meeting_time_where_it_shows_the_date(demo, qtbot, monkeypatch):
    from piel_desktop.services import tracker
    from piel_desktop.i18n import format_date
    from piel_desktop.ui.tracker import TrackerModel
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    registries.edit(demo, "meeting", meeting.id, {"start_time": "14:00", "time_zone": "Europe/Zurich"})
    rows = tracker.fetch(demo, tracker.TrackerFilter(meeting=14), lang="en")
    assert rows and {(r.start_time, r.time_zone) for r in rows} == {("14:00", "Europe/Zurich")}
    model = TrackerModel(demo)
    model.reload(tracker.TrackerFilter(meeting=14))
    assert model.index(0, 1).data() == ("23 Jan 2018, 14:00 (Central European Standard Time, "
                                        "Europe/Zurich) — 22:00 your time")
    model.reload(tracker.TrackerFilter(meeting=13))  # no time: the date alone, as before
    assert model.index(0, 1).data() == format_date(model.rows[0].date, "en", "medium")


def test_an_archive_at_schema_7_gains_the_columns_and_their_sync_triggers(demo_path, tmp_path):
    import sqlite3
    from schema_helpers import undo_schema_8
    from piel_desktop.services.archive import open_archive
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_8(con)
        con.execute("UPDATE alembic_version SET version_num = '0007'")
    con.close()
    with open_archive(demo_path) as archive:
        meeting = next(m for m in records.list_meetings(archive) if m.number == 12)
        registries.edit(archive, "meeting", meeting.id, {"start_time": "10:00", "time_zone": "Asia/Tokyo"})
        other = create_archive(tmp_path / "other.piel", office="Asia")
        sync.import_package(other, sync.export_package(archive, tmp_path / "p.pielpkg").path)
        assert fingerprint(other) == fingerprint(archive)
    back = next(m for m in records.list_meetings(other) if m.number == 12)
    assert (back.start_time, back.time_zone) == ("10:00", "Asia/Tokyo")
    other.close()
