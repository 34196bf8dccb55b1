"""The window's multilingual parts, offscreen: search panel, bilingual brief."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog

from conftest import open_window, pdf_text
from piel_desktop.services import records
from piel_desktop.settings import Settings
from piel_desktop.ui.dialogs import BriefDialog
from piel_desktop.ui.main_window import MainWindow
from piel_desktop.ui.search_panel import highlighted


def test_search_finds_highlights_and_selects(qtbot, demo_path):
    window = open_window(qtbot, demo_path)
    assert window.search.find_action.shortcut() == QKeySequence(QKeySequence.Find)
    window.search.find_action.trigger()  # Ctrl+F: the cursor in the toolbar's field
    assert window.focusWidget() is window.search.box is window.toolbar.search_field
    qtbot.keyClicks(window.search.box, "REGISTRO")  # case folded
    qtbot.waitUntil(lambda: bool(window.search.hits), timeout=5000)
    assert window.search.isVisible()  # the results show in the panel
    hit = next(h for h in window.search.hits if "registro en línea de los esfuerzos" in h.text)
    assert hit.kind == "outcome" and hit.meeting_number == 14
    html = window.search.results.toHtml()
    assert "registro" in html and "#ffe58a" in html  # the matched word is highlighted
    assert window.search.status.text().endswith(("result", "results"))
    window.search._open(QUrl(f"hit:{window.search.hits.index(hit)}"))
    assert window.current_meeting().number == 14
    assert window.current_outcome().id == uuid.UUID(hit.record_id)
    window.runner.wait()


def test_search_with_nothing_found_says_so(qtbot, demo_path):
    window = open_window(qtbot, demo_path)
    window.search.box.setText("zzqqxx")
    window.search.run()
    assert window.search.hits == [] and window.search.status.text() == "No results."
    window.search.box.setText('"unbalanced NEAR( *')
    window.search.run()  # hostile input: a message or results, never a traceback
    window.runner.wait()


def test_highlighting_escapes_markup():
    assert highlighted("a <b> & c", ((0, 1),)) == \
        '<b style="background-color:#ffe58a">a</b> &lt;b&gt; &amp; c'


def test_brief_dialog_prints_two_languages_side_by_side(qtbot, demo, demo_path, tmp_path, monkeypatch):
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    first = records.meeting_outcomes(demo, [meeting.id])[0]
    records.set_outcome_text(demo, first.id, "ar", "تشجيع الدول الأعضاء على وضع استراتيجيات وطنية")
    window = open_window(qtbot, demo_path)
    target = tmp_path / "ar-es.pdf"

    def accept(dialog):
        dialog._check_all(Qt.Unchecked)
        dialog.meeting_list.item(5).setCheckState(Qt.Checked)
        dialog.language.setCurrentIndex(dialog.language.findData("ar"))
        dialog.parallel.setCurrentIndex(dialog.parallel.findData("es"))
        return QDialog.Accepted

    monkeypatch.setattr(BriefDialog, "exec", accept)
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, path, *a, **k: (suggested.append(path), str(target))[1:] + ("",))
    window.brief_action.trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.busy(), timeout=20000)
    assert suggested[0].endswith("brief-ar-es-14.pdf")
    text = pdf_text(target)
    assert "Los principales resultados de la 14ª reunión" in text  # the Spanish column
    assert "ﺗﺸﺠﻴﻊ" in text or "تشجيع" in text  # the Arabic column (presentation forms)


def test_arabic_facts_and_paths_read_right_to_left(qtbot, demo_path):
    from piel_desktop.domain.errors import ArchiveNotFound
    from piel_desktop.i18n import set_ui_language
    from piel_desktop.messages import describe
    from piel_desktop.ui.main_window import outcome_html
    window = open_window(qtbot, demo_path)
    set_ui_language("ar")
    try:
        from piel_desktop.services import records
        meeting = next(m for m in window.meetings if m.number == 14)
        outcome = records.meeting_outcomes(window.archive, [meeting.id])[0]
        facts = outcome_html(outcome, "ar").split("<table", 1)[1]
        assert facts.startswith(" cellspacing='2' align=right>")
        assert "</td><td style='color" in facts  # the value before its label
        message = describe(ArchiveNotFound(path="/home/amina/office.piel"))
        assert "\u2066/home/amina/office.piel\u2069" in message
    finally:
        set_ui_language("en")
    assert "align=right" not in outcome_html(outcome, "en")
    assert "\u2066" not in describe(ArchiveNotFound(path="/x.piel"))
    window.runner.wait()


def test_the_last_archive_is_remembered_as_a_full_path(qtbot, demo_path, monkeypatch):
    monkeypatch.chdir(demo_path.parent)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    from pathlib import Path
    assert window.open_archive(Path(demo_path.name))
    assert Settings().get("last_archive") == str(demo_path.resolve())
    window.runner.wait()
