"""Records → Reports… (issue 16 part 6): a clerk enters a new report for two meetings
from the window, with what is wrong said under the field, undoes and redoes it, and
(when the report writer is there) prints it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog

from conftest import pdf_text

from piel_desktop.services import records, report_records
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.council_report import report_content
from piel_desktop.services.demo import record_id


def _save(editor):
    editor.buttons.button(QDialogButtonBox.Save).click()


def _open(window, qtbot):
    window.registry_actions["report"].trigger()
    dialog = window.reports_dialog
    qtbot.addWidget(dialog)
    return dialog


def test_the_menu_entry_and_its_keys(window, qtbot):
    from PySide6.QtGui import QAction
    assert window.reports_action in window.records_menu.actions()
    assert window.reports_action.shortcut().toString() == "Ctrl+Shift+R"
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    dialog = _open(window, qtbot)
    assert dialog.windowTitle() == "Reports to Council" and dialog.table.rowCount() == 1
    assert dialog.table.item(0, 3).text() == "9, 10, 11, 12, 13, 14"


def test_a_clerk_enters_a_new_report_for_two_meetings_and_prints_it(window, qtbot, tmp_path, monkeypatch):
    for number, day in ((15, dt.date(2019, 9, 23)), (16, dt.date(2020, 1, 20))):
        records.add_meeting(window.archive, number=number, start_date=day)
    dialog = _open(window, qtbot)
    before = fingerprint(window.archive)
    editor = dialog.new()
    editor.symbol.setText("C20/57-E")
    editor.session_year.setText("1800")
    editor.original_language.setCurrentIndex(editor.original_language.findData("en"))
    editor.texts["action_requested"].setPlainText("Council is invited to note the report")
    _save(editor)
    # No meetings chosen, and a year out of range: said under the field, nothing written.
    assert editor.isVisible() and "between" in editor.problems["session_year"].text()
    editor.session_year.setText("2020")
    _save(editor)
    assert editor.isVisible() and not editor.problems["meetings"].isHidden()
    assert editor.tabs.currentIndex() == 1
    assert fingerprint(window.archive) == before
    editor.set_meetings((15, 16))
    editor.tabs.setCurrentIndex(2)
    editor.add_paragraph()
    editor.paragraph_text.setPlainText("Resolution 1306 instructs the group to report to Council annually:")
    editor.quote_heading.setText("resolves")
    clause = record_id("instrument/council-1306/clause/1.2")
    row = next(i for i in range(editor.clauses.count()) if editor.clauses.item(i).data(Qt.UserRole) == clause)
    editor.clauses.item(row).setCheckState(Qt.Checked)
    editor.period["period_start"].setText("2019-06-01")
    editor.period["period_end"].setText("2018-01-01")
    _save(editor)
    assert editor.isVisible() and not editor.problems["period_end"].isHidden()
    editor.period["period_end"].setText("2020-05-31")
    _save(editor)
    assert not editor.isVisible() and dialog.table.rowCount() == 2
    assert window.undo_action.text() == "&Undo: add report"
    content = report_content(window.archive, report="C20/57-E")
    assert content.original_language == "en" and content.session_year == 2020
    assert content.action_requested.original.text == "Council is invited to note the report"
    assert [q.number for q in content.introduction[0].quoted] == ["1.2"]
    assert report_records.values(window.archive, content.key)["meetings"] == (15, 16)
    # Edit: the form shows what is stored; a change is one step, undone from the list.
    assert dialog.current() == content.key
    editor = dialog.edit()
    assert editor.symbol.text() == "C20/57-E" and editor.paragraphs[0]["quotes"] == (clause,)
    editor.texts["references"].setPlainText("Resolution 179 (Rev. Busan, 2014)")
    _save(editor)
    assert dialog.undo_button.text() == "&Undo: edit report"
    dialog.undo_button.click()
    assert report_records.values(window.archive, content.key)["references"] is None
    dialog.redo_button.click()
    assert report_records.values(window.archive, content.key)["references"] == "Resolution 179 (Rev. Busan, 2014)"
    # Print report… and Export as Word…: language and file asked, made on the worker thread.
    for fmt, name in (("pdf", "c20-57.pdf"), ("docx", "c20-57.docx")):
        out = tmp_path / name
        monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("English", True))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, out=out: (str(out), ""))
        (dialog.print_button if fmt == "pdf" else dialog.word_button).click()
        qtbot.waitUntil(lambda out=out: getattr(dialog, "last_result", None) is not None
                        and dialog.last_result.path == out, timeout=60_000)
        assert out.is_file() and out.stat().st_size > 1000
    pdf = pdf_text(tmp_path / "c20-57.pdf")
    assert "C20/57-E" in pdf and "Council is invited to note the report" in pdf
    assert "Resolution 1306 instructs the group to report to Council annually:" in " ".join(pdf.split())
    from docx import Document
    document = Document(str(tmp_path / "c20-57.docx"))
    words = "\n".join([p.text for p in document.paragraphs] + [
        p.text for table in document.tables for cell in table._cells for p in cell.paragraphs])
    assert "Council is invited to note the report" in words and "C20/57-E" in words
    assert "Report saved to" in window.statusBar().currentMessage()



def test_achievements_entered_and_paragraphs_moved_in_the_form_with_undo(window, qtbot):
    dialog = _open(window, qtbot)
    key = str(record_id("report/council-2018"))
    before = report_content(window.archive, report=key)
    stored = report_records.values(window.archive, key)
    editor = dialog.edit()
    assert [a["label"] for a in editor.achievements] == ["a", "b", "c", "d"]
    editor.tabs.setCurrentIndex(3)
    editor.add_achievement()
    assert editor.achievement_label.text() == "e"
    _save(editor)  # a title is required
    assert editor.isVisible() and not editor.problems["achievements"].isHidden()
    editor.achievement_title.setText("Consulta a los jóvenes de 2019")
    editor.achievement_text.setPlainText("Se consultó a 3 000 jóvenes.")
    editor.move_achievement(-1)  # e) goes up to be d), the old d) becomes e)
    editor.paragraph_list.setCurrentRow(1)
    editor.move_paragraph(-1)
    assert editor.paragraph_list.currentRow() == 0
    editor.move_paragraph(-1)  # already first: nothing moves
    _save(editor)
    assert not editor.isVisible()
    after = report_content(window.archive, report=key)
    assert after.introduction[0] == before.introduction[1]
    assert after.introduction[1] == before.introduction[0]
    listed = next(p.achievements for p in after.introduction if p.achievements)
    old = next(p.achievements for p in before.introduction if p.achievements)
    assert [a.label for a in listed] == ["a", "b", "c", "d", "e"]
    assert listed[3].title.original.text == "Consulta a los jóvenes de 2019"
    assert listed[4].title == old[3].title and listed[4].text == old[3].text
    assert dialog.undo_button.text() == "&Undo: edit report"
    dialog.undo_button.click()
    assert report_records.values(window.archive, key) == stored
    assert report_content(window.archive, report=key).introduction == before.introduction


def test_a_search_hit_in_a_report_names_it_and_opens_it(window, qtbot):
    from PySide6.QtCore import QUrl
    key = str(record_id("report/council-2018"))
    report_records.edit_report(window.archive, key, {"symbol": "C18/42-S"})
    report_records.add_report(window.archive, {  # listed first (dated): the hit must pick the other
        "symbol": "C20/57-E", "date": dt.date(2020, 3, 2), "recipient": "council",
        "original_language": "en", "meetings": (9,)})
    window.search.box.setText("consonancia")
    window.search.run()
    [index] = [i for i, h in enumerate(window.search.hits) if h.kind == "report_paragraph"]
    assert "Report C18/42-S" in window.search.results.toPlainText()
    window.search._open(QUrl(f"hit:{index}"))
    dialog = window.reports_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.current() == key


def test_right_to_left_the_first_report_is_chosen_and_labels_have_their_keys(window, qtbot):
    """In Arabic (right to left) the list opens with its first report chosen, as in
    the other languages; every label of the report form names its field's key (no
    literal "&") and gives it the focus."""
    from PySide6.QtWidgets import QApplication, QFormLayout, QLabel
    QApplication.setLayoutDirection(Qt.RightToLeft)
    try:
        dialog = _open(window, qtbot)
        assert dialog.current() is not None and dialog.edit_button.isEnabled()
    finally:
        QApplication.setLayoutDirection(Qt.LeftToRight)
    editor = dialog.edit()  # closes itself (deleted on close): not handed to qtbot
    labels = [label for form in editor.findChildren(QFormLayout) for row in range(form.rowCount())
              if (item := form.itemAt(row, QFormLayout.LabelRole)) and isinstance(label := item.widget(), QLabel)
              and label.text()]
    assert len(labels) >= 10
    for label in labels:
        assert "&" not in label.text() or label.buddy() is not None, label.text()
    editor.reject()
