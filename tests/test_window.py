"""The main window, offscreen, with pytest-qt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from conftest import damage_table, open_window, pdf_text
from piel_desktop.i18n import set_ui_language, ui_languages
from piel_desktop.settings import Settings
from piel_desktop.ui import app as ui_app
from piel_desktop.ui.dialogs import BriefDialog, Start
from piel_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_path):
    win = open_window(qtbot, demo_path)
    yield win
    win.runner.wait()


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def _rows(model, parent=None):
    from PySide6.QtCore import QModelIndex
    parent = parent or QModelIndex()
    return [model.index(r, 0, parent) for r in range(model.rowCount(parent))]


def test_meetings_listed_by_date(window):
    model = window.meeting_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["9", "10", "11", "12", "13", "14"]
    assert model.index(0, 1).data() == "23 January 2015"
    assert window.windowTitle().startswith("demo.piel")
    assert "6 meetings" in window.archive_label.text()


def test_selecting_meeting_14_shows_its_five_outcomes(window, qtbot):
    window.select_meeting(14)
    rows = _rows(window.outcome_model)
    assert len(rows) == 5
    assert rows[1].data() == "crear un registro en línea de los esfuerzos de los países"
    assert window.meeting_title.text() == "Meeting 14 · 23 January 2018"
    window.outcome_view.setCurrentIndex(rows[4])
    detail = window.detail.toPlainText()
    assert "una propuesta en la que se pide a la UIT" in detail
    assert "Proposal" in detail and "Agreed" in detail and "Spanish" in detail
    assert "Not available in English; shown in Spanish." in detail


def test_sub_items_appear_under_their_outcome(window):
    window.select_meeting(11)
    first = _rows(window.outcome_model)[0]
    children = _rows(window.outcome_model, first)
    assert [c.data()[:10] for c in children] == ["1) 5Rights", "2) Los tem", "3) Marco P"]
    assert "reported together with meeting 10" in window.meeting_title.text()


def test_print_brief_writes_a_pdf(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()

    def accept(dialog):
        assert dialog.meeting_numbers() == [9, 10, 11, 12, 13, 14]
        dialog.language.setCurrentIndex(dialog.language.findData("es"))
        return QDialog.Accepted

    monkeypatch.setattr(BriefDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.brief_action.trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.busy(), timeout=20000)
    text = pdf_text(target)
    assert "Los principales resultados de la 14ª reunión del GTC-PIeL, celebrada el 23 de enero de 2018, fueron:" in text
    assert "Brief saved to" in window.statusBar().currentMessage()


def test_brief_dialog_needs_a_meeting(window, qtbot):
    dialog = BriefDialog(window.meetings, ("en", "es"), reported_with=window.reported_with,
                         parent=window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled()
    dialog._check_all(Qt.Unchecked)
    assert not ok.isEnabled() and dialog.meeting_numbers() == []
    dialog.meeting_list.item(5).setCheckState(Qt.Checked)
    assert ok.isEnabled() and dialog.meeting_numbers() == [14]


def test_window_geometry_is_remembered(qtbot, demo_path):
    first = MainWindow(Settings())
    qtbot.addWidget(first)
    first.show()
    first.resize(713, 511)
    first.close()
    second = MainWindow(Settings())
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (713, 511)


def test_bad_archive_gives_a_message_and_keeps_the_open_one(window, tmp_path, warnings):
    bogus = tmp_path / "bogus.piel"
    bogus.write_text("not a database")
    assert not window.open_archive(bogus)
    assert warnings == [f"{bogus} is not a PIeL Desktop archive (it is not a database file)."]
    assert window.meeting_model.rowCount() == 6


def test_first_run_offers_the_demo(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "new" / "first.piel"
    monkeypatch.setattr(ui_app, "ask_first_run", lambda parent, p: Start.DEMO)
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    assert ui_app.start_window(win, path)
    assert path.is_file() and win.meeting_model.rowCount() == 6
    assert Settings().get("last_archive") == str(path)


def test_first_run_quit_creates_nothing(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "first.piel"
    monkeypatch.setattr(ui_app, "ask_first_run", lambda parent, p: Start.QUIT)
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    assert not ui_app.start_window(win, path)
    assert not path.exists()


def test_spanish_interface(qtbot, demo_path):
    set_ui_language("es")
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.open_archive(demo_path)
    assert win.file_menu.title() == "&Archivo"
    assert win.help_menu.title() == "A&yuda"
    assert win.meeting_model.index(0, 1).data() == "23 de enero de 2015"
    assert win.meeting_model.headerData(1, Qt.Horizontal) == "Fecha"
    win.select_meeting(14)
    assert win.meeting_title.text() == "Reunión 14 · 23 de enero de 2018"
    detail = win.detail.toPlainText()
    assert "Recomendación" in detail and "Acordado" in detail and "Español" in detail


def test_qt_translations_follow_the_interface_language(qapp):
    translator = ui_app.install_qt_translations(qapp, "es")
    try:
        assert translator is not None
        # Standard buttons take their text from QPlatformTheme's catalog.
        assert qapp.translate("QPlatformTheme", "Cancel") == "Cancelar"
    finally:
        qapp.removeTranslator(translator)


def test_damaged_archive_keeps_the_open_one(window, tmp_path, warnings, demo_template):
    """The file opens, but its meeting table is damaged: the window says so and keeps
    showing the archive it had, which stays the one remembered for the next start."""
    import shutil
    damaged = tmp_path / "damaged.piel"
    shutil.copy(demo_template, damaged)
    damage_table(damaged, "meeting")
    before = window.archive.path
    assert not window.open_archive(damaged)
    assert len(warnings) == 1 and "is damaged:" in warnings[0] and "no backup copy" in warnings[0]
    assert window.archive.path == before and window.meeting_model.rowCount() == 6
    assert Settings().get("last_archive") == str(before)


def test_closing_the_window_cancels_running_jobs(window, qtbot):
    import threading
    import time
    from piel_desktop.domain.errors import Cancelled
    started, outcome = threading.Event(), []

    def job(progress):
        started.set()
        for step in range(2000):
            progress.step(step, 2000)
            time.sleep(0.005)
        return "finished"

    window.runner.start(job, on_success=outcome.append, on_failure=outcome.append)
    assert started.wait(5)
    window.close()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome[0], Cancelled)


def test_brief_dialog_ticks_meetings_reported_together(window, qtbot):
    dialog = BriefDialog(window.meetings, ("en", "es"), reported_with=window.reported_with,
                         parent=window)
    qtbot.addWidget(dialog)
    dialog._check_all(Qt.Unchecked)
    dialog.meeting_list.item(3).setCheckState(Qt.Checked)  # meeting 12
    assert dialog.meeting_numbers() == [12, 13]
    dialog.meeting_list.item(4).setCheckState(Qt.Unchecked)  # meeting 13
    assert dialog.meeting_numbers() == []
    dialog.meeting_list.item(0).setCheckState(Qt.Checked)  # meeting 9 stands alone
    assert dialog.meeting_numbers() == [9]


def test_missing_remembered_archive_is_not_recreated(qtbot, tmp_path, monkeypatch):
    gone = tmp_path / "usb-stick" / "office.piel"
    asked = []
    monkeypatch.setattr(ui_app, "ask_missing_archive", lambda parent, p: asked.append(p) or Start.QUIT)
    monkeypatch.setattr(ui_app, "ask_first_run", lambda parent, p: pytest.fail("offered to create"))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    assert not ui_app.start_window(win, gone, remembered=True)
    assert asked == [gone] and not gone.parent.exists()


def test_closing_the_welcome_box_keeps_the_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(ui_app, "ask_first_run", lambda parent, p: Start.NOTHING)
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    assert ui_app.start_window(win, tmp_path / "none.piel")
    assert win.archive is None and not win.brief_action.isEnabled()


def test_venue_column_hidden_while_no_meeting_has_one(window):
    assert window.meeting_view.isColumnHidden(2)


@pytest.mark.parametrize("lang", [code for code in ui_languages() if code != "en"])
def test_the_window_in_each_interface_language(qtbot, demo_path, lang):
    """Menus translated, Qt's own strings too, and Arabic laid out right to left."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication
    app = ui_app.prepare_application(lang, Settings())
    try:
        assert QLocale(lang).language() != QLocale.C  # a real Qt locale
        win = MainWindow(Settings())
        qtbot.addWidget(win)
        titles = [win.file_menu.title(), win.help_menu.title(), win.sync.import_action.text()]
        assert all(titles) and not {"&File", "&Help", "&Import package…"} & set(titles)
        assert app.layoutDirection() == (Qt.RightToLeft if lang == "ar" else Qt.LeftToRight)
        assert QApplication.translate("QPlatformTheme", "Cancel") != "Cancel"  # Qt's own qtbase
    finally:
        ui_app.prepare_application("en", Settings())


def test_adding_a_language_version_beside_the_original(window, qtbot, monkeypatch):
    """The original stays as it is; an English version is added, a Spanish edit of the
    original is impossible, and the detail pane then shows the English text."""
    from piel_desktop.ui.text_dialog import TextVersionsDialog
    window.select_meeting(14)
    first = window.outcome_model.index(0, 0)
    window.outcome_view.setCurrentIndex(first)
    assert window.versions_action.isEnabled()
    seen = {}

    def edit(self):
        seen["original"] = self.original.toPlainText()
        seen["read_only"] = self.original.isReadOnly()
        seen["choices"] = [self.language.itemData(i) for i in range(self.language.count())]
        self.language.setCurrentIndex(self.language.findData("fr"))
        self.editor.setPlainText("envoyer par courriel ses observations")
        self.language.setCurrentIndex(self.language.findData("en"))  # the French edit is kept
        seen["en_status"] = self.status.text()
        self.editor.setPlainText("send the Secretariat comments on the new CWG-COP logo by e-mail")
        self.language.setCurrentIndex(self.language.findData("ar"))
        seen["ar_direction"] = self.editor.layoutDirection()
        return TextVersionsDialog.Accepted
    monkeypatch.setattr(TextVersionsDialog, "exec", edit)
    window.edit_text_versions()
    assert seen["original"].startswith("enviar por correo electrónico a la Secretaría")
    assert seen["read_only"] and "es" not in seen["choices"] and len(seen["choices"]) == 5
    assert "working translation" in seen["en_status"] and seen["ar_direction"] == Qt.RightToLeft
    detail = window.detail.toPlainText()
    assert "send the Secretariat comments on the new CWG-COP logo by e-mail" in detail
    assert "Not available in English" not in detail
    assert window.statusBar().currentMessage() == "Language versions saved."
    outcome = window.current_outcome()
    assert outcome.text.get("fr").text == "envoyer par courriel ses observations"
    assert outcome.text.original.lang == "es"


def test_welcome_dialog_offers_three_starts(qtbot, tmp_path):
    from PySide6.QtWidgets import QDialog
    from piel_desktop.ui.dialogs import WelcomeDialog
    dialog = WelcomeDialog(None, tmp_path / "office.piel")
    qtbot.addWidget(dialog)
    assert set(dialog.buttons) == {Start.DEMO, Start.EMPTY, Start.OPEN}
    assert str(tmp_path / "office.piel") in dialog.buttons[Start.EMPTY].description()
    dialog.buttons[Start.OPEN].click()
    assert dialog.choice is Start.OPEN and dialog.result() == QDialog.DialogCode.Accepted


def test_demo_chosen_at_first_run_leaves_the_default_archive_free(qtbot, monkeypatch):
    from piel_desktop import paths
    monkeypatch.setattr(ui_app, "ask_first_run", lambda parent, p: Start.DEMO)
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    assert ui_app.start_window(win, paths.default_archive_path())
    assert win.archive.path == paths.demo_archive_path() and not paths.default_archive_path().exists()
    # The choice is remembered: the next start opens the demo without asking.
    assert Settings().get("last_archive") == str(paths.demo_archive_path().resolve())


def test_about_names_version_archive_schema_and_licences(window, qtbot):
    from piel_desktop import __version__
    from piel_desktop.ui.about import AboutDialog
    dialog = AboutDialog(window, window.archive.path, window.archive.schema_version)
    qtbot.addWidget(dialog)
    summary, licences = dialog.summary.text(), dialog.licences.toPlainText()
    assert __version__ in summary and str(window.archive.path) in summary
    assert f"{window.archive.schema_version}" in summary
    for name, licence in [("Amiri", "OFL-1.1"), ("WenQuanYi Micro Hei", "Apache-2.0"),
                          ("ReportLab", "BSD-3-Clause"), ("python-bidi", "LGPL-3.0-only")]:
        lines = licences.splitlines()  # a table reads as name, version, licence
        assert lines[lines.index(name) + 2] == licence, name
    import reportlab
    assert reportlab.Version in licences  # versions come from the installed distributions
