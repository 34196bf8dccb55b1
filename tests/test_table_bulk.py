"""Bulk table entry at package speed: the batched import records exactly what the
row-by-row path (records.insert_outcome / insert_meeting per row) records for the same
file; a cancel or a failure midway leaves the archive as it was."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3

import pytest

from piel_desktop.domain.errors import Cancelled, RecordNotFound, TableTooLong, TableUnreadable
from piel_desktop.domain.progress import Progress
from piel_desktop.i18n import ui_language
from piel_desktop.messages import describe
from piel_desktop.services import records, registries, search, sync, table_import
from piel_desktop.services.archive import create_archive, fingerprint, open_archive
from piel_desktop.services.table_import import apply_import, plan_import
from piel_desktop.services.tables import Table, write_table

WORDS = ("protección infancia línea grupo recomienda estados miembros campaña cooperación "
         "industria familias educadores entorno digital seguro jóvenes regiones consejo").split()
KINDS = ("Recomendación", "decision", "Acuerdo", "request", None)
STATUSES = ("Propuesto", "agreed", "En curso", None)


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize() + "."


def outcome_table(rows: int, seed: int = 7) -> Table:
    """``rows`` outcomes of the demo's meetings: one or two meetings, a Spanish text
    (some with an English one), kinds and statuses as people type them."""
    rng = random.Random(seed)
    body = []
    for i in range(rows):
        meetings = rng.choice(("9", "10, 11", "12", "12, 13", "14", "14"))
        english = f"English version {i}." if i % 3 == 0 else None
        body.append((meetings, _sentence(rng) + f" n{i}", english, rng.choice(KINDS), rng.choice(STATUSES),
                     rng.choice((None, "secretariat", "Estados Miembros")), str(i % 9 + 1) if i % 2 else None,
                     "2027-06-30" if i % 5 == 0 else None))
    return Table(("Reuniones", "Texto (español)", "text_en", "Tipo", "Estado", "Destinatario", "label", "due_date"),
                 body)


def _outcomes(archive) -> list[tuple]:
    """Every top-level outcome as the program shows it, meeting by meeting, in order."""
    found = []
    for meeting in records.list_meetings(archive):
        for o in records.meeting_outcomes(archive, [meeting.id]):
            found.append((meeting.number, o.position, o.label, o.kind.value, o.status.value, o.addressee,
                          o.due_date, o.meeting_numbers, o.text.original.lang,
                          tuple((v.lang, v.text, v.status.value, v.stale) for v in o.text.versions)))
    return found


def _row_by_row(archive, plan) -> None:
    """What apply_import did before batching: one insert_outcome per row."""
    with archive.unit_of_work() as uow:
        for row in plan.valid:
            v = row.values
            records.insert_outcome(uow.session, texts=v["texts"], original=v["original"],
                                   meeting_ids=v["meeting_ids"], kind=v["kind"], status=v["status"],
                                   label=v["label"], addressee=v["addressee"], due_date=v["due_date"])
        uow.commit()


def _new_clocks(path, table: str) -> list[set]:
    con = sqlite3.connect(path)
    try:
        return sorted((set(json.loads(c)) for (c,) in con.execute(f"SELECT sync_clock FROM {table}")), key=len)
    finally:
        con.close()


def test_batched_import_records_what_row_by_row_inserts_record(demo, demo_template, tmp_path):
    path = write_table(outcome_table(90), tmp_path / "outcomes.csv")
    shutil.copy(demo_template, tmp_path / "slow.piel")
    slow = open_archive(tmp_path / "slow.piel")
    try:
        fast_plan, slow_plan = plan_import(demo, path, "outcomes"), plan_import(slow, path, "outcomes")
        assert fast_plan.valid_count == len(slow_plan.valid) == 90 and not fast_plan.invalid
        assert apply_import(demo, fast_plan) == 90
        _row_by_row(slow, slow_plan)
        assert _outcomes(demo) == _outcomes(slow)
        assert len(_outcomes(demo)) > 90
        for query in ("infancia", "English version", "n42", "cooperacion"):
            fast_hits = [(h.kind, h.meeting_number, h.lang, h.text) for h in search.search(demo, query, limit=500)]
            slow_hits = [(h.kind, h.meeting_number, h.lang, h.text) for h in search.search(slow, query, limit=500)]
            assert sorted(fast_hits) == sorted(slow_hits) and fast_hits
        for table in ("outcome", "text_version", "meeting_outcome"):
            assert _new_clocks(demo.path, table) == _new_clocks(slow.path, table)
        # Packages exported from either carry the same outcomes to an empty archive.
        for source, name in ((demo, "fast"), (slow, "slow")):
            package = sync.export_package(source, tmp_path / f"{name}.pielpkg")
            assert package.records > 0
            with create_archive(tmp_path / f"{name}-copy.piel", office=name) as copy:
                sync.import_package(copy, tmp_path / f"{name}.pielpkg")
                assert _outcomes(copy) == _outcomes(source)
                assert fingerprint(copy) == fingerprint(source)
    finally:
        slow.close()


def test_batched_meetings_match_insert_meeting(demo, demo_template, tmp_path):
    rows = [(15 + i, f"2019-0{i % 9 + 1}-0{i % 7 + 1}", None, "Ginebra" if i % 2 else None) for i in range(12)]
    path = write_table(Table(("Número", "Fecha de inicio", "end_date", "venue"), rows), tmp_path / "m.csv")
    shutil.copy(demo_template, tmp_path / "slow.piel")
    with open_archive(tmp_path / "slow.piel") as slow:
        assert apply_import(demo, plan_import(demo, path, "meetings")) == 12
        lang = ui_language()
        with slow.unit_of_work() as uow:
            for row in plan_import(slow, path, "meetings").valid:
                v = row.values
                records.insert_meeting(uow.session, number=v["number"], start_date=v["start_date"],
                                       end_date=v["end_date"], venue={lang: v["venue"]} if v["venue"] else None,
                                       venue_lang=lang)
            uow.commit()

        def shown(archive):
            return [(m.number, m.start_date, m.end_date, m.venue.pick(lang).text if m.venue.pick(lang) else None)
                    for m in records.list_meetings(archive)]
        assert shown(demo) == shown(slow)
        assert [h.meeting_number for h in search.search(demo, "Ginebra", limit=50)] == \
            [h.meeting_number for h in search.search(slow, "Ginebra", limit=50)]


def test_a_cancel_midway_leaves_the_archive_as_it_was(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(table_import, "_STEP", 100)
    path = write_table(outcome_table(3000), tmp_path / "outcomes.csv")
    plan = plan_import(demo, path, "outcomes")
    before = fingerprint(demo)
    progress = Progress(lambda done, total, _m: progress.cancel() if done >= 1500 else None)
    with pytest.raises(Cancelled):
        apply_import(demo, plan, progress)
    assert fingerprint(demo) == before
    assert apply_import(demo, plan) == 3000  # triggers and all were put back
    assert fingerprint(demo) != before


def test_a_meeting_deleted_after_the_check_stops_the_whole_import(demo, tmp_path):
    path = write_table(outcome_table(40), tmp_path / "outcomes.csv")
    plan = plan_import(demo, path, "outcomes")
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    registries.delete(demo, "meeting", meeting.id)
    before = fingerprint(demo)
    with pytest.raises(RecordNotFound):
        apply_import(demo, plan)
    assert fingerprint(demo) == before


def test_a_file_changed_after_the_check_is_checked_again(demo, tmp_path):
    path = write_table(outcome_table(5), tmp_path / "outcomes.csv")
    plan = plan_import(demo, path, "outcomes")
    write_table(outcome_table(6), path)
    with pytest.raises(TableUnreadable) as refused:
        apply_import(demo, plan)
    assert "changed after it was checked" in describe(refused.value)


def test_a_hundred_thousand_rows_are_accepted_and_a_limit_is_named(demo, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("meeting,text_es\n")
        f.writelines(f"{9 + i % 6},Texto {i}\n" for i in range(100_000))
    plan = plan_import(demo, path, "outcomes")
    assert plan.valid_count == 100_000 and len(plan.valid) == table_import.PREVIEW_ROWS
    monkeypatch.setattr(table_import, "MOST_ROWS", 50_000)
    with pytest.raises(TableTooLong) as refused:
        plan_import(demo, path, "outcomes")
    assert describe(refused.value) == (f"{path} has more than 50,000 rows, the most one import takes; split "
                                       "the file into parts of at most 50,000 rows and import them one after "
                                       "another. Nothing was added.")


def test_the_terminal_shows_a_progress_line_for_long_files(demo_path, tmp_path, monkeypatch, capsys):
    import itertools
    import sys
    import time

    from piel_desktop.cli import main
    path = write_table(outcome_table(2500), tmp_path / "outcomes.csv")
    clock = itertools.count(0.0, 0.3)  # each look at the clock: 0.3 s later
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["--archive", str(demo_path), "import-table", "outcomes", str(path)]) == 0
    captured = capsys.readouterr()
    assert "\rChecking the table… 100 %" in captured.err and "\rAdding the rows… 100 %" in captured.err
    assert "Added 2500 rows; 0 with problems were left out." in captured.out


def test_the_plan_s_rows_are_written_without_reading_the_file_again(demo, tmp_path, monkeypatch):
    # The archive's meetings are those the plan checked against: the apply writes the
    # plan's spooled rows (here the file could not even be checked again).
    path = write_table(outcome_table(2500), tmp_path / "outcomes.csv")
    plan = plan_import(demo, path, "outcomes")
    assert plan.spooled is not None and plan.valid_count == 2500
    checked = table_import._checked

    def no_second_read(*args, **kwargs):
        raise AssertionError("the file was read again")
    monkeypatch.setattr(table_import, "_checked", no_second_read)
    def count():
        with sqlite3.connect(demo.path) as con:
            return con.execute("SELECT count(*) FROM outcome").fetchone()[0]
    before = count()
    assert apply_import(demo, plan) == 2500
    assert count() == before + 2500
    # A meeting added since the plan: its checks may no longer hold, the file is read again.
    monkeypatch.setattr(table_import, "_checked", checked)
    again = plan_import(demo, path, "outcomes")
    records.add_meeting(demo, number=99, start_date=dt.date(2030, 1, 1))
    reads = []
    monkeypatch.setattr(table_import, "_checked", lambda *a, **k: reads.append(1) or checked(*a, **k))
    assert apply_import(demo, again) == 2500 and reads == [1]


def test_a_temporary_folder_that_refuses_the_rows_only_costs_a_second_read(demo, tmp_path, monkeypatch):
    import tempfile

    def refused():
        raise OSError(28, "No space left on device")
    path = write_table(outcome_table(30), tmp_path / "outcomes.csv")
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    plan = plan_import(demo, path, "outcomes")
    assert plan.spooled is None and plan.valid_count == 30
    assert apply_import(demo, plan) == 30
