"""Reports, instruments and clauses edited as registry records: the service and its
undo history on a real (demo) archive, and the Reports list and the mandate window
offscreen (pytest-qt). Deletes are undone exactly: the archive's content fingerprint
after the undo is the one before the delete."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from conftest import answer_questions
from piel_desktop.domain.errors import (
    EndBeforeStart, NotAChoice, NotAParent, RevisedBeforeAdopted, ValueRequired, YearOutOfRange,
)
from piel_desktop.messages import describe
from piel_desktop.services import registries
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import History

pytestmark = pytest.mark.both_backends


def _instrument(archive, number):
    return next(r for r in registries.list_records(archive, "instrument") if r.values["number"] == number)


def _clauses(archive, instrument_id):
    return [(r.values["number"], r.depth) for r in
            registries.list_records(archive, "clause", of={"instrument_id": instrument_id})]


# -- services -------------------------------------------------------------------------

def test_the_demo_mandate_is_listed_in_order_with_sub_clauses(demo):
    assert [r.values["number"] for r in registries.list_records(demo, "instrument")] == ["179", "1306"]
    council = _instrument(demo, "1306")
    assert _clauses(demo, council.id) == [("1", 0), ("1.1", 1), ("1.2", 1), ("2", 0), ("3", 0), ("4", 0),
                                          ("5", 0)]
    assert registries.going(demo, "instrument", council.id) == 7


def test_deleting_an_instrument_takes_its_clauses_and_undo_restores_exactly(demo):
    history = History(demo)
    council = _instrument(demo, "1306")
    before, clauses = fingerprint(demo), _clauses(demo, council.id)
    history.delete("instrument", council.id)
    assert history.undo_label == "delete instrument"
    assert registries.list_records(demo, "clause") == []
    history.undo()
    assert fingerprint(demo) == before and _clauses(demo, council.id) == clauses
    history.redo()
    assert [r.values["number"] for r in registries.list_records(demo, "instrument")] == ["179"]
    history.undo()
    assert fingerprint(demo) == before


@pytest.mark.parametrize("kind, new, change, shown", [
    ("report", {"symbol": "C19/20-E", "date": "2019-06-10", "recipient": "council", "session_year": 2019,
                "summary_id": "Activities of the group in 2018-2019"},
     {"recipient": "plenipotentiary", "action_requested_id": "To note the report"}, "recipient"),
    ("instrument", {"kind": "decision", "issuer": "council", "number": "5", "adopted_year": 2015,
                    "citation_id": "Council Decision 5 (2015)"},
     {"revised_year": 2019, "number": "5 (Rev.)"}, "number"),
])
def test_report_and_instrument_create_edit_undo_redo(demo, kind, new, change, shown):
    history = History(demo)
    record = history.create(kind, new)
    assert history.undo_label == f"add {kind}"
    before = registries.values(demo, kind, record)
    assert history.edit(kind, record, change)
    assert history.undo_label == f"edit {kind}"
    after = registries.values(demo, kind, record)
    assert after[shown] == change[shown]
    history.undo()
    assert registries.values(demo, kind, record) == before
    history.redo()
    assert registries.values(demo, kind, record) == after
    history.undo()
    history.undo()
    assert record not in [r.id for r in registries.list_records(demo, kind)]
    history.redo()
    assert registries.values(demo, kind, record) == before


def test_clauses_are_added_under_a_parent_moved_and_deleted_with_undo(demo):
    history = History(demo)
    council = _instrument(demo, "1306")
    one = next(r.id for r in registries.list_records(demo, "clause", of={"instrument_id": council.id})
               if r.values["number"] == "1")
    new = history.create("clause", {"instrument_id": council.id, "parent_id": one, "section": "resolves",
                                    "number": "1.3", "text_id": "informer les États Membres"})
    assert history.undo_label == "add clause"
    assert _clauses(demo, council.id)[:4] == [("1", 0), ("1.1", 1), ("1.2", 1), ("1.3", 1)]
    assert history.move("clause", new, -1)
    assert history.undo_label == "move clause"
    assert [n for n, _d in _clauses(demo, council.id)][:4] == ["1", "1.1", "1.3", "1.2"]
    history.undo()
    assert [n for n, _d in _clauses(demo, council.id)][:4] == ["1", "1.1", "1.2", "1.3"]
    history.redo()
    assert history.edit("clause", new, {"text_id": "informer les Membres", "section": "instructs"})
    assert registries.values(demo, "clause", new)["section"] == "instructs"
    history.undo()
    assert registries.values(demo, "clause", new)["section"] == "resolves"
    before, clauses = fingerprint(demo), _clauses(demo, council.id)
    assert registries.going(demo, "clause", one) == 3
    history.delete("clause", one)
    assert [n for n, _d in _clauses(demo, council.id)] == ["2", "3", "4", "5"]
    history.undo()
    assert fingerprint(demo) == before and _clauses(demo, council.id) == clauses


def test_instruments_move_with_undo(demo):
    history = History(demo)
    council = _instrument(demo, "1306")
    assert not history.move("instrument", council.id, +1)  # already last: no step
    assert history.move("instrument", council.id, -1)
    assert [r.values["number"] for r in registries.list_records(demo, "instrument")] == ["1306", "179"]
    history.undo()
    assert [r.values["number"] for r in registries.list_records(demo, "instrument")] == ["179", "1306"]


@pytest.mark.parametrize("kind, values, field, error", [
    ("report", {"recipient": "assembly"}, "recipient", NotAChoice),
    ("report", {"symbol": "C19/20"}, "recipient", ValueRequired),
    ("report", {"recipient": "council", "period_start": "2019-06-01", "period_end": "2018-06-01"},
     "period_end", EndBeforeStart),
    ("report", {"recipient": "council", "session_year": 1066}, "session_year", YearOutOfRange),
    ("instrument", {"kind": "resolution", "issuer": "council", "number": " ", "citation_id": "c"},
     "number", ValueRequired),
    ("instrument", {"kind": "resolution", "issuer": "council", "number": "1", "citation_id": "c",
                    "adopted_year": 2015, "revised_year": 2010}, "revised_year", RevisedBeforeAdopted),
    ("instrument", {"kind": "law", "issuer": "council", "number": "1", "citation_id": "c"}, "kind", NotAChoice),
    ("instrument", {"kind": "resolution", "issuer": "council", "number": "1", "citation_id": "c",
                    "adopted_year": "next"}, "adopted_year", Exception),
    ("clause", {"section": "whereas", "number": "6", "text_id": "t"}, "section", NotAChoice),
    ("clause", {"section": "resolves", "number": "", "text_id": "t"}, "number", ValueRequired),
    ("clause", {"section": "resolves", "number": "6", "text_id": "  "}, "text_id", ValueRequired),
])
def test_bad_values_are_refused_naming_the_field_and_change_nothing(demo, kind, values, field, error):
    if kind == "clause":
        values = {"instrument_id": _instrument(demo, "1306").id, **values}
    history = History(demo)
    before = fingerprint(demo)
    with pytest.raises(error) as caught:
        history.create(kind, values)
    assert caught.value.params["field"] == field
    sentence = describe(caught.value, kind)
    assert sentence and "Unexpected" not in sentence and "\n" not in sentence
    assert fingerprint(demo) == before and history.undo_label is None


def test_a_clause_cannot_hang_under_itself_its_sub_clause_or_another_instrument(demo):
    history = History(demo)
    council, pp = _instrument(demo, "1306"), _instrument(demo, "179")
    rows = {r.values["number"]: r.id for r in registries.list_records(demo, "clause", of={"instrument_id": council.id})}
    before = fingerprint(demo)
    for parent in (rows["1"], rows["1.1"]):
        with pytest.raises(NotAParent):
            history.edit("clause", rows["1"], {"parent_id": parent})
    with pytest.raises(NotAParent):
        history.create("clause", {"instrument_id": pp.id, "parent_id": rows["2"], "section": "resolves",
                                  "number": "1", "text_id": "t"})
    with pytest.raises(RevisedBeforeAdopted):  # an edit of one year, checked against the other as stored
        registries.edit(demo, "instrument", council.id, {"revised_year": 2001})
    assert fingerprint(demo) == before
    # moving a clause to another instrument takes its sub-clauses along
    assert history.edit("clause", rows["1"], {"instrument_id": pp.id})
    assert _clauses(demo, pp.id) == [("1", 0), ("1.1", 1), ("1.2", 1)]
    history.undo()
    assert _clauses(demo, pp.id) == [] and _clauses(demo, council.id)[:3] == [("1", 0), ("1.1", 1), ("1.2", 1)]


# -- the window -----------------------------------------------------------------------

def _ok(editor):
    editor.buttons.button(QDialogButtonBox.Ok).click()


# The report editor (Records → Reports…) is tested in test_report_window.py.


def _mandate(window, qtbot):
    window.mandate_action.trigger()
    dialog = window.registry_dialog
    qtbot.addWidget(dialog)
    return dialog


def test_instrument_editor_creates_edits_says_what_is_wrong_and_undoes(window, qtbot):
    dialog = _mandate(window, qtbot)
    instruments = dialog.instruments
    assert instruments.model.rowCount() == 2
    assert dialog.clauses.model.rowCount() == 0  # Resolution 179: no clauses recorded
    editor = instruments.new()
    editor.widgets["number"].setText("")
    editor.widgets["citation_id"].setText("Resolution 67 (Rev. Dubai, 2018)")
    editor.widgets["adopted_year"].setText("2010")
    _ok(editor)
    assert editor.isVisible() and editor.problems["number"].text() == "Number must be filled in."
    editor.widgets["number"].setText("67")
    _ok(editor)
    assert not editor.isVisible() and instruments.model.rowCount() == 3
    assert window.undo_action.text() == "&Undo: add instrument"
    assert instruments.current().values["number"] == "67"
    assert instruments.current().position == 3  # after the others
    editor = instruments.edit()
    editor.widgets["revised_year"].setText("2002")
    editor.accept()
    assert editor.isVisible() and "2010" in editor.problems["revised_year"].text()
    editor.widgets["revised_year"].setText("2018")
    editor.accept()
    assert not editor.isVisible() and instruments.current().values["revised_year"] == 2018
    assert dialog.undo_button.text() == "&Undo: edit instrument"
    dialog.undo_button.click()
    assert instruments.current().values["revised_year"] is None
    dialog.redo_button.click()
    assert instruments.current().values["revised_year"] == 2018
    assert dialog.clauses_title.text() == "Clauses of Resolution 67 (Plenipotentiary Conference)"


def test_clause_editor_creates_edits_validates_moves_and_undoes(window, qtbot):
    dialog = _mandate(window, qtbot)
    council = _instrument(window.archive, "1306")
    dialog.instruments.select(council.id)
    clauses = dialog.clauses
    numbers = lambda: [r.values["number"] for r in clauses.model.rows]  # noqa: E731
    assert numbers() == ["1", "1.1", "1.2", "2", "3", "4", "5"]
    assert clauses.model.cell(clauses.model.rows[1], "number").endswith("1.1")
    assert clauses.model.cell(clauses.model.rows[1], "number") != "1.1"  # indented
    editor = clauses.new()
    assert editor.widgets["instrument_id"].currentData() == council.id
    assert editor.widgets["section"].currentData() == "resolves"
    editor.widgets["text_id"].setPlainText("velar por la protección")
    _ok(editor)
    assert editor.isVisible() and not editor.problems["number"].isHidden()
    editor.widgets["number"].setText("6")
    editor.widgets["section"].setCurrentIndex(editor.widgets["section"].findData("instructs"))
    _ok(editor)
    assert not editor.isVisible() and numbers()[-1] == "6"
    assert window.undo_action.text() == "&Undo: add clause"
    assert clauses.current().values["number"] == "6"
    # edit: make it a sub-clause of 5
    editor = clauses.edit()
    parents = editor.widgets["parent_id"]
    assert clauses.current().id not in [parents.itemData(i) for i in range(parents.count())]
    five = next(r.id for r in clauses.model.rows if r.values["number"] == "5")
    parents.setCurrentIndex(next(i for i in range(parents.count()) if parents.itemData(i) == five))
    editor.widgets["number"].setText("5.1")
    editor.accept()
    assert not editor.isVisible() and numbers()[-2:] == ["5", "5.1"]
    assert clauses.current().depth == 1
    assert dialog.undo_button.text() == "&Undo: edit clause"
    # move 2 up past 1 (and its sub-clauses), undo and redo
    clauses.select(next(r.id for r in clauses.model.rows if r.values["number"] == "2"))
    assert clauses.move(-1)
    assert numbers()[:4] == ["2", "1", "1.1", "1.2"] and clauses.current().values["number"] == "2"
    assert dialog.undo_button.text() == "&Undo: move clause"
    dialog.undo_button.click()
    assert numbers()[:4] == ["1", "1.1", "1.2", "2"]
    dialog.redo_button.click()
    assert numbers()[:4] == ["2", "1", "1.1", "1.2"]
    dialog.undo_button.click()
    dialog.undo_button.click()  # the edit
    assert numbers()[-1] == "6"
    dialog.undo_button.click()  # the new clause
    assert numbers() == ["1", "1.1", "1.2", "2", "3", "4", "5"]
    dialog.redo_button.click()
    assert numbers()[-1] == "6"


def test_deleting_an_instrument_asks_naming_its_clauses_and_undo_restores_exactly(window, qtbot, monkeypatch):
    dialog = _mandate(window, qtbot)
    council = _instrument(window.archive, "1306")
    dialog.instruments.select(council.id)
    asked = answer_questions(monkeypatch, QMessageBox.No, QMessageBox.Yes)
    before = fingerprint(window.archive)
    assert not dialog.instruments.delete()
    assert asked[0] == "Delete Resolution 1306 (Council) and its 7 clauses? Undo brings them back."
    assert fingerprint(window.archive) == before
    assert dialog.instruments.delete()
    assert dialog.instruments.model.rowCount() == 1 and dialog.clauses.model.rowCount() == 0
    assert dialog.undo_button.text() == "&Undo: delete instrument"
    dialog.undo_button.click()
    assert fingerprint(window.archive) == before
    dialog.instruments.select(council.id)
    assert dialog.clauses.model.rowCount() == 7


def test_deleting_a_clause_names_its_sub_clauses(window, qtbot, monkeypatch):
    dialog = _mandate(window, qtbot)
    dialog.instruments.select(_instrument(window.archive, "1306").id)
    clauses = dialog.clauses
    clauses.select(clauses.model.rows[0].id)
    asked = answer_questions(monkeypatch, QMessageBox.Yes)
    before = fingerprint(window.archive)
    assert clauses.delete()
    assert "2 sub-clauses" in asked[0] and clauses.model.rowCount() == 4
    window.undo_action.trigger()
    assert fingerprint(window.archive) == before


def test_new_entries_keep_the_main_window_shortcuts_apart(window):
    from PySide6.QtGui import QAction
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    assert window.registry_actions["report"].shortcut().toString() == "Ctrl+Shift+R"
    assert window.mandate_action.shortcut().toString() == "Ctrl+Shift+I"
