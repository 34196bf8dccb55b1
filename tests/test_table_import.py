"""Bulk entry from CSV and XLSX tables: row-by-row checks, all-or-nothing writes,
headings and coded values in any of the six languages, our own exports read back."""

from __future__ import annotations

import datetime as dt

import pytest

from piel_desktop.domain.errors import InvalidValue, RecordNotFound, TableColumnsMissing
from piel_desktop.i18n import translation
from piel_desktop.messages import describe
from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.table_import import apply_import, plan_import
from piel_desktop.services.tables import Table, table, write_table


def _fields(row):
    return sorted(p.params.get("field") or p.code for p in row.problems)


def test_meetings_from_our_own_export_headings(demo, tmp_path):
    headers = table(demo, "meetings").headers  # as File → Export list writes them
    path = write_table(Table(headers, [
        (15, "2018-09-20", "2018-09-21", "Ginebra", None, None, None),
        (16, dt.date(2019, 2, 1), None, None, None, None, None),
        (9, "2019-05-05", None, None, None, None, None),          # number taken
        (17, "20/05/2019", None, None, None, None, None),         # not a date we read
        (18, "2019-06-01", "2019-05-01", None, None, None, None),  # ends before it starts
    ]), tmp_path / "meetings.csv")
    plan = plan_import(demo, path, "meetings")
    assert [row.line for row in plan.valid] == [2, 3]
    assert [_fields(row) for row in plan.invalid] == [["number"], ["start_date"], ["end_date"]]
    assert "Start date" in describe(plan.invalid[1].problems[0])
    assert apply_import(demo, plan) == 2
    numbers = {m.number: m for m in records.list_meetings(demo)}
    assert numbers[15].end_date == dt.date(2018, 9, 21) and numbers[16].start_date == dt.date(2019, 2, 1)
    assert numbers[15].venue.pick("es").text == "Ginebra"


def test_outcomes_from_a_spreadsheet_with_names_in_other_languages(demo, tmp_path):
    fr = translation("fr")
    path = write_table(Table(
        ("meeting", "text_fr", "Texto (árabe)", "Langue originale", "kind", "Estado", "addressee"),
        [("14", "Créer un registre en ligne", "إنشاء سجل على الإنترنت", "árabe",
          fr.gettext("Decision"), "acordado", "secretariat"),
         ("10, 11", "Une recommandation commune", None, None, None, None, "Le Conseil"),
         ("99", "Réunion inconnue", None, None, None, None, None),
         ("14", None, None, None, None, None, None),
         ("14", "Statut inconnu", None, None, None, "terminé", None)]), tmp_path / "outcomes.xlsx")
    plan = plan_import(demo, path, "outcomes")
    assert [row.line for row in plan.valid] == [2, 3]
    assert isinstance(plan.invalid[0].problems[0], RecordNotFound)
    assert [_fields(row) for row in plan.invalid[1:]] == [["text"], ["status"]]
    first = plan.valid[0].values
    assert first["original"] == "ar" and first["kind"] == "decision" and first["status"] == "agreed"
    assert apply_import(demo, plan) == 2
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    added = records.meeting_outcomes(demo, [meeting.id])[-1]
    assert added.text.original.lang == "ar" and added.text.get("fr").text == "Créer un registre en ligne"
    assert added.kind.value == "decision" and added.addressee == "secretariat"


def test_an_exported_outcome_list_reads_back(demo, tmp_path):
    exported = write_table(table(demo, "outcomes"), tmp_path / "all.csv")
    plan = plan_import(demo, exported, "outcomes")
    top_level = sum(len(records.meeting_outcomes(demo, [m.id])) for m in records.list_meetings(demo))
    assert len(plan.valid) >= top_level - 3  # outcomes reported by two meetings appear twice
    assert all(_fields(row) == ["parent_id"] for row in plan.invalid)  # sub-items are refused


def test_missing_columns_are_named(demo, tmp_path):
    path = write_table(Table(("meeting", "kind"), [("14", "decision")]), tmp_path / "x.csv")
    with pytest.raises(TableColumnsMissing) as refused:
        plan_import(demo, path, "outcomes")
    assert "“Text”" in describe(refused.value)


def test_nothing_is_written_when_the_archive_changed_meanwhile(demo, tmp_path):
    headers = table(demo, "meetings").headers
    path = write_table(Table(headers, [(15, "2018-09-20", None, None, None, None, None),
                                       (16, "2019-02-01", None, None, None, None, None)]),
                       tmp_path / "m.csv")
    plan = plan_import(demo, path, "meetings")
    records.add_meeting(demo, number=16, start_date=dt.date(2019, 3, 1))  # another window
    before = fingerprint(demo)
    with pytest.raises(InvalidValue):
        apply_import(demo, plan)
    assert fingerprint(demo) == before
    assert 15 not in {m.number for m in records.list_meetings(demo)}


def test_command_line_dry_run_reports_each_line(demo_path, tmp_path, capsys):
    from piel_desktop.cli import main
    path = write_table(Table(("number", "start_date"), [(15, "2018-09-20"), (9, "2018-09-20")]),
                       tmp_path / "m.csv")
    assert main(["--archive", str(demo_path), "import-table", "meetings", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Line 3:" in out and "1 row can be added; 1 with problems would be left out." in out
    assert main(["--archive", str(demo_path), "import-table", "meetings", str(path)]) == 1
    assert "Added 1 row; 1 with problems were left out." in capsys.readouterr().out


def test_window_previews_then_adds_the_good_rows(qtbot, demo_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from conftest import open_window
    from piel_desktop.ui import table_import_dialog
    from piel_desktop.ui.table_import_dialog import TablePreviewDialog
    path = write_table(Table(("number", "start_date"), [(15, "2018-09-20"), (9, "2018-09-20")]),
                       tmp_path / "m.xlsx")
    window = open_window(qtbot, demo_path)
    seen = []

    def accept(dialog):
        seen.append([dialog.problems.topLevelItem(i).text(0) for i in range(dialog.problems.topLevelItemCount())])
        seen.append(dialog.buttons.button(dialog.buttons.StandardButton.Ok).text())
        return QDialog.Accepted

    monkeypatch.setattr(TablePreviewDialog, "exec", accept)
    table_import_dialog.import_table(window, "meetings", path)
    qtbot.waitUntil(lambda: window.meeting_model.rowCount() == 7 and not window.runner.busy(), timeout=10000)
    assert seen == [["3"], "Add 1 row"]
    assert "Added 1 row." in window.statusBar().currentMessage()
    window.runner.wait()


@pytest.mark.parametrize("name, content", [
    ("broken.xlsx", b"PK\x03\x04not a workbook"), ("binary.csv", bytes(range(256))), ("gone.csv", None),
])
def test_files_that_are_not_tables_are_refused_with_a_sentence(demo, tmp_path, name, content):
    from piel_desktop.domain.errors import TableUnreadable
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = fingerprint(demo)
    with pytest.raises(TableUnreadable) as refused:
        plan_import(demo, path, "meetings")
    assert describe(refused.value).endswith("Nothing was added.") and fingerprint(demo) == before


def test_odd_cells_are_refused_by_line_or_read_sensibly(demo, tmp_path):
    """What a trial turned up: a meeting named twice in one cell, a number beyond
    SQLite's integers, a number in use, a date with junk after it, an addressee longer
    than the editor takes, and a semicolon-separated file from a European Excel."""
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("Meetings,Text (English),Addressee\n"
                        '"9, 9",Named twice,\n'
                        f"10,Too long,{'x' * 65}\n", encoding="utf-8")
    plan = plan_import(demo, outcomes, "outcomes")
    assert [row.line for row in plan.valid] == [2] and [_fields(row) for row in plan.invalid] == [["addressee"]]
    assert apply_import(demo, plan) == 1
    meetings = tmp_path / "meetings.csv"
    meetings.write_text("Number,Start date\n99999999999999999999999,2026-01-01\n9,2026-01-01\n"
                        "15,2026-01-01junk\n16,2026-01-01 00:00:00\n", encoding="utf-8")
    plan = plan_import(demo, meetings, "meetings")
    assert [row.line for row in plan.valid] == [5]
    assert [_fields(row) for row in plan.invalid] == [["number"], ["number"], ["start_date"]]
    assert describe(plan.invalid[1].problems[0]) == "Another meeting already has the number 9."
    semicolons = tmp_path / "europe.csv"
    semicolons.write_bytes("\ufeffNúmero;Fecha de inicio\n17;2026-03-01\n".encode("utf-8"))
    plan = plan_import(demo, semicolons, "meetings")
    assert [row.values["number"] for row in plan.valid] == [17]


def test_language_names_are_those_of_cldr():
    """The written-out table of language names is what Babel (CLDR) says, each name
    in each of the six languages, and every one of them is read as its language."""
    from babel import Locale

    from piel_desktop.domain.model import LANGUAGES
    from piel_desktop.services.table_import import LANGUAGE_NAMES, _fold, _language_names
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    for code in LANGUAGES:
        assert LANGUAGE_NAMES[code] == {lang: Locale.parse(code).get_display_name(lang) for lang in LANGUAGES}
    names = _language_names()
    assert names["espanol"] == "es" and names["中文"] == "zh" and names[_fold("Арабский")] == "ar"


def test_a_remembered_check_tells_equal_cells_of_other_types_apart(demo):
    """Coded cells are checked once per distinct combination: a workbook's 1, 1.0 and
    True are equal in Python but are different cells, and a row's own texts and label
    never come from an earlier row."""
    from piel_desktop.services.table_import import _check_outcome, _meeting_ids
    numbers, memo = _meeting_ids(demo), {}
    number = min(numbers)
    first, problems = _check_outcome({"meeting": number, "text_es": "Uno", "label": "a)"}, numbers, memo)
    assert problems == [] and first["meeting_ids"] == [numbers[number]] and first["texts"] == {"es": "Uno"}
    again, problems = _check_outcome({"meeting": number, "text_es": "Dos", "label": "b)"}, numbers, memo)
    assert problems == [] and again["texts"] == {"es": "Dos"} and again["label"] == "b)" and len(memo) == 1
    again["meeting_ids"].append("changed")  # the values handed out are the row's own
    assert _check_outcome({"meeting": number, "text_es": "Tres"}, numbers, memo)[0]["meeting_ids"] == first["meeting_ids"]
    for other in (float(number), str(float(number))):
        _, problems = _check_outcome({"meeting": other, "text_es": "Cuatro"}, numbers, memo)
        assert [type(p) for p in problems] == [RecordNotFound], other
    _, problems = _check_outcome({"meeting": number}, numbers, memo)  # no text: its own problem
    assert [p.params["field"] for p in problems] == ["text"]
