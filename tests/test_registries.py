"""Registries (country efforts, good practices, youth consultations, documents): the
service and its undo history on a real archive, and the list and editor windows
offscreen (pytest-qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from conftest import answer_questions
from piel_desktop.domain.errors import (
    EndBeforeStart, InvalidValue, NoSharedOutcomes, NotACountry, NotALink, NotAMeeting, NumberInUse,
    ValueRequired, YearOutOfRange,
)
from piel_desktop.services import registries
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import History

pytestmark = pytest.mark.both_backends

#: Per kind: values of a new record, a change, and the field the change shows in.
CASES = {
    "effort": ({"country": "KE", "year": 2019, "title": "National COP framework",
                "links": "https://ca.go.ke/cop\nhttps://example.org"},
               {"title": "Kenya: national COP framework", "year": 2020}, "title"),
    "practice": ({"title": "Helpline for children", "country": "FR", "summary": "A free line"},
                 {"title": "Helpline 3018"}, "title"),
    "consultation": ({"topic_id": "Digital literacy", "period_start": dt.date(2017, 3, 1),
                      "period_end": dt.date(2017, 6, 30), "languages": "en,fr"},
                     {"topic_id": "Digital literacy and empowerment", "partners": "UNICEF"}, "topic_id"),
    "document": ({"symbol": "C18/35-E", "title": "Report of the group"},
                 {"title": "Report of the group to Council 2018"}, "title"),
    "meeting": ({"number": 15, "start_date": dt.date(2019, 9, 20), "venue_id": "Geneva"},
                {"end_date": dt.date(2019, 9, 21), "venue_id": "Ginebra"}, "venue_id"),
    "organisation": ({"name_id": "End Violence Partnership", "acronym_id": "EVAC"},
                     {"former_name": "Global Partnership to End Violence"}, "former_name"),
}


@pytest.mark.parametrize("kind", CASES)
def test_create_edit_undo_redo_through_the_history(demo, kind):
    new, change, shown = CASES[kind]
    history = History(demo)
    record = history.create(kind, new)
    assert history.undo_label.startswith("add ")
    before = registries.values(demo, kind, record)
    assert history.edit(kind, record, change)
    assert history.undo_label.startswith("edit ")
    assert not history.edit(kind, record, change)  # nothing changes: no step
    after = registries.values(demo, kind, record)
    assert after[shown] == change[shown]
    history.undo()
    assert registries.values(demo, kind, record) == before
    history.redo()
    assert registries.values(demo, kind, record) == after
    history.undo()
    history.undo()  # the record's creation
    assert record not in [r.id for r in registries.list_records(demo, kind)]
    history.redo()
    assert registries.values(demo, kind, record) == before


@pytest.mark.parametrize("kind, values, field, error", [
    ("effort", {"country": "XX", "year": 2019, "title": "t"}, "country", NotACountry),
    ("effort", {"country": "KE", "year": 1800, "title": "t"}, "year", YearOutOfRange),
    ("effort", {"country": "KE", "year": "next", "title": "t"}, "year", InvalidValue),
    ("effort", {"country": "KE", "year": 2019, "title": "  "}, "title", ValueRequired),
    ("effort", {"country": "KE", "year": 2019}, "title", ValueRequired),
    ("effort", {"country": "KE", "year": 2019, "title": "t", "links": "www.x.org"}, "links", NotALink),
    ("practice", {"title": "x" * 301}, "title", InvalidValue),
    ("consultation", {"topic_id": "t", "period_start": "2017-06-01", "period_end": "2017-01-01"},
     "period_end", InvalidValue),
    ("consultation", {"topic_id": "t", "languages": "en,xx"}, "languages", InvalidValue),
    ("document", {"title": "t", "language": "de"}, "language", InvalidValue),
    ("meeting", {"number": 14, "start_date": "2019-01-01"}, "number", NumberInUse),
    ("meeting", {"number": 0, "start_date": "2019-01-01"}, "number", InvalidValue),
    ("meeting", {"number": 15, "start_date": "2019-02-01", "end_date": "2019-01-31"}, "end_date", EndBeforeStart),
    ("meeting", {"number": 15}, "start_date", ValueRequired),
    ("meeting", {"number": 15, "start_date": "2019-02-01", "reported_with": "99"}, "reported_with", NotAMeeting),
    ("meeting", {"number": 15, "start_date": "2019-02-01", "reported_with": "14"}, "reported_with",
     NoSharedOutcomes),
    ("organisation", {"acronym_id": "X"}, "name_id", ValueRequired),
    ("organisation", {"name_id": "N", "acronym_id": "X" * 33}, "acronym_id", InvalidValue),
])
def test_bad_values_are_refused_naming_the_field_and_change_nothing(demo, kind, values, field, error):
    history = History(demo)
    before = fingerprint(demo)
    with pytest.raises(error) as caught:
        history.create(kind, values)
    assert caught.value.params["field"] == field
    effort = registries.create(demo, "effort", {"country": "KE", "year": 2019, "title": "t"})
    middle = fingerprint(demo)
    if kind == "effort" and field in values:  # an edit writes only the fields given
        with pytest.raises(error):
            history.edit("effort", effort, values)
    assert fingerprint(demo) == middle and before != middle
    assert history.undo_label is None


def test_lists_filter_by_text_country_and_year(demo):
    for country, year, title in (("KE", 2019, "Cadre national"), ("FR", 2019, "Éducation au numérique"),
                                 ("FR", 2021, "Plan national"), ("EG", 2019, "الاستراتيجية الوطنية")):
        registries.create(demo, "effort", {"country": country, "year": year, "title": title})
    titles = lambda **f: [r.values["title"] for r in registries.list_records(demo, "effort", **f)]  # noqa: E731
    assert titles()[0] == "Plan national"  # newest year first
    assert titles(country="FR") == ["Plan national", "Éducation au numérique"]
    assert titles(year=2019, country="FR") == ["Éducation au numérique"]
    assert titles(text="NATIONAL") == ["Plan national", "Cadre national"]
    assert titles(text="france") == ["Plan national", "Éducation au numérique"]  # the country's name
    assert titles(text="الوطنية") == ["الاستراتيجية الوطنية"]


def test_consultations_of_the_demo_are_listed_and_editable(demo):
    rows = registries.list_records(demo, "consultation")
    assert len(rows) == 5 and all(r.values["topic_id"] for r in rows)
    history = History(demo)
    assert history.edit("consultation", rows[0].id, {"partners": "UNICEF\nECPAT"})
    assert registries.values(demo, "consultation", rows[0].id)["partners"] == "UNICEF\nECPAT"
    assert history.undo_label == "edit consultation"


# -- the window ---------------------------------------------------------------------

def fill(editor, **values) -> None:
    """Type ``values`` into an editor's widgets, as a person would."""
    for name, value in values.items():
        widget, field = editor.widgets[name], next(f for f in editor.spec.fields if f.name == name)
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(value)
        elif field.kind == "country":
            widget.setEditText(value)
        elif field.kind in ("language", "organisation"):
            widget.setCurrentIndex(widget.findData(value))
        elif field.kind == "flag":
            widget.setChecked(value)
        elif field.kind == "languages":
            for code, box in widget.boxes.items():
                box.setChecked(code in value.split(","))
        elif field.kind == "file":
            editor.set_file(value)
        else:
            widget.setText(str(value))


#: Per kind: a bad value (field, typed), the good values, a change, and the cell it shows in.
EDITOR_CASES = {
    "effort": (("country", "XX"), {"country": "Kenya (KE)", "year": "2019", "title": "Cadre national"},
               {"year": "1800"}, {"title": "Cadre national de protection"}, "Cadre national de protection"),
    "practice": (("title", ""), {"title": "Ligne d'écoute", "country": "FR"},
                 {"title": ""}, {"summary": "Gratuite, anonyme"}, "Ligne d'écoute"),
    "consultation": (("topic_id", ""), {"topic_id": "Ciberacoso", "period_start": "2016-01-01"},
                     {"period_end": "2015-01-01"}, {"topic_id": "Ciberacoso en las redes"},
                     "Ciberacoso en las redes"),
    "document": (("title", ""), {"symbol": "CWG-COP-14/3-E", "title": "Draft report"},
                 {"language": None, "title": ""}, {"title": "Final report"}, "Final report"),
    "organisation": (("name_id", ""), {"name_id": "Child Helpline International", "acronym_id": "CHI"},
                     {"acronym_id": "C" * 40}, {"former_name": "Child Helpline Intl"}, "Child Helpline Intl"),
}


def _row_texts(dialog) -> list[str]:
    model = dialog.model
    return [" | ".join(model.cell(row, c) for c in model.columns) for row in model.rows]


@pytest.mark.parametrize("kind", EDITOR_CASES)
def test_editor_creates_edits_says_what_is_wrong_and_undoes(window, qtbot, kind):
    (bad_field, bad_value), good, bad_edit, change, shown = EDITOR_CASES[kind]
    window.registry_actions[kind].trigger()
    dialog = window.registry_dialog
    qtbot.addWidget(dialog)
    count = dialog.model.rowCount()
    editor = dialog.new()
    fill(editor, **{**good, bad_field: bad_value})
    editor.buttons.button(QDialogButtonBox.Ok).click()
    problem = editor.problems[bad_field]
    assert editor.isVisible() and not problem.isHidden() and problem.text()  # said next to it
    assert dialog.model.rowCount() == count
    fill(editor, **good)
    editor.buttons.button(QDialogButtonBox.Ok).click()
    assert not editor.isVisible() and problem.isHidden()
    assert dialog.model.rowCount() == count + 1
    assert window.undo_action.text().startswith("&Undo: add ")
    # edit: a bad value first, then a good one
    created = dialog.current()
    assert created is not None and created.id == editor.result_value
    editor = dialog.edit()
    fill(editor, **bad_edit)
    editor.accept()
    assert editor.isVisible() and any(not p.isHidden() for p in editor.problems.values())
    fill(editor, **{**{k: good.get(k, "") for k in bad_edit}, **change})
    editor.accept()
    assert not editor.isVisible()
    assert any(shown in text for text in _row_texts(dialog))
    assert dialog.undo_button.text().startswith("&Undo: edit ")
    before_change = registries.values(window.archive, kind, created.id)
    dialog.undo_button.click()
    assert registries.values(window.archive, kind, created.id) != before_change
    dialog.redo_button.click()
    assert registries.values(window.archive, kind, created.id) == before_change
    assert any(shown in text for text in _row_texts(dialog))


def test_delete_asks_and_undo_brings_the_record_back(window, qtbot, monkeypatch):
    asked = answer_questions(monkeypatch, QMessageBox.No, QMessageBox.Yes)
    dialog = window.registry_actions["effort"].trigger() or window.registry_dialog
    qtbot.addWidget(dialog)
    editor = dialog.new()
    fill(editor, country="KE", year="2019", title="Cadre national")
    editor.accept()
    record = dialog.current().id
    assert not dialog.delete()  # answered No
    assert dialog.model.rowCount() == 1
    assert dialog.delete()
    assert "Cadre national" in asked[0] and dialog.model.rowCount() == 0
    assert dialog.undo_button.text() == "&Undo: delete country effort"
    dialog.undo_button.click()
    assert [r.id for r in dialog.model.rows] == [record]
    assert registries.values(window.archive, "effort", record)["title"] == "Cadre national"


def test_efforts_filters_in_the_window(window, qtbot):
    for country, year, title in (("KE", 2019, "Cadre"), ("FR", 2018, "Plan"), ("FR", 2019, "Éducation")):
        window.history.create("effort", {"country": country, "year": year, "title": title})
    dialog = window.registry_actions["effort"].trigger() or window.registry_dialog
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 3
    dialog.country.setCurrentIndex(dialog.country.findData("FR"))
    assert [r.values["title"] for r in dialog.model.rows] == ["Éducation", "Plan"]
    dialog.year.setCurrentIndex(dialog.year.findData(2018))
    assert [r.values["title"] for r in dialog.model.rows] == ["Plan"]
    dialog.country.setCurrentIndex(0)
    dialog.year.setCurrentIndex(0)
    dialog.text.setText("educ")
    assert [r.values["title"] for r in dialog.model.rows] == []  # accents are kept as typed
    dialog.text.setText("éduc")
    assert [r.values["title"] for r in dialog.model.rows] == ["Éducation"]
    assert dialog.count.text() == "1 record"


def test_records_menu_and_shortcuts_do_not_clash(window):
    from PySide6.QtGui import QAction
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    assert [a.text() for a in window.records_menu.actions()] == [
        "Country &efforts…", "&Good practices…", "Youth &consultations…", "&Documents…",
        "&Organisations…", "&Reports…", "&Mandate (instruments and clauses)…"]
    exported = [a.text() for a in window.list_menu.actions()]
    assert {"Country &efforts…", "&Good practices…", "&Documents…"} <= set(exported)


def test_practice_editor_links_documents_and_an_organisation(window, qtbot):
    doc = window.history.create("document", {"symbol": "C18/35-E", "title": "Report"})
    dialog = window.registry_actions["practice"].trigger() or window.registry_dialog
    qtbot.addWidget(dialog)
    editor = dialog.new()
    organisations = editor.widgets["organisation_id"]
    unicef = next(organisations.itemData(i) for i in range(organisations.count())
                  if organisations.itemText(i) == "UNICEF")
    fill(editor, title="5Rights", organisation_id=unicef)
    documents = editor.widgets["documents"]
    documents.item(0).setCheckState(Qt.Checked)
    editor.accept()
    values = registries.values(window.archive, "practice", dialog.current().id)
    assert values["documents"] == (doc,) and values["organisation_id"] == unicef
    assert "UNICEF" in _row_texts(dialog)[0]
