"""The main window's toolbar, its remembered state, and eliding by text direction,
offscreen with pytest-qt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QHeaderView, QStyleOptionViewItem, QToolButton

from conftest import open_window
from piel_desktop.i18n import set_ui_language
from piel_desktop.settings import Settings
from piel_desktop.ui.elide import LRI, PDI, text_direction
from piel_desktop.ui.main_window import MainWindow


def _buttons(window):
    toolbar = window.toolbar
    return [toolbar.widgetForAction(a) for a in toolbar.actions() if isinstance(toolbar.widgetForAction(a), QToolButton)]


def test_toolbar_has_the_daily_actions_with_icons_and_text_under_them(window):
    buttons = _buttons(window)
    assert [b.defaultAction() for b in buttons] == [
        window.brief_action, window.sync.import_action, window.sync.export_action, window.new_outcome_action]
    assert [b.text() for b in buttons] == ["Print brief", "Import package", "Export package", "New outcome"]
    assert all(not b.icon().isNull() for b in buttons)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonTextUnderIcon
    assert window.toolbar.isVisible() and window.toolbar.search_field.isVisible()


def test_typing_in_the_toolbar_searches_and_ctrl_f_focuses_it(window, qtbot):
    field = window.toolbar.search_field
    assert window.search.find_action.shortcut() == QKeySequence(QKeySequence.Find)
    window.detail.setFocus()
    window.search.find_action.trigger()
    assert window.focusWidget() is field
    assert not window.search.isVisible()  # nothing to show yet
    qtbot.keyClicks(field, "registro")
    qtbot.waitUntil(lambda: bool(window.search.hits), timeout=5000)
    assert window.search.isVisible() and "registro" in window.search.results.toPlainText()
    assert not window.search.widget().findChildren(type(field))[0].isVisible()  # the panel's own box


def test_ctrl_f_brings_back_a_hidden_toolbar(window):
    window.toolbar.hide()
    window.search.find_action.trigger()
    assert window.toolbar.isVisible() and window.focusWidget() is window.toolbar.search_field


def test_toolbar_is_mirrored_in_arabic(qtbot, demo_path):
    set_ui_language("ar")
    QApplication.setLayoutDirection(Qt.RightToLeft)
    try:
        window = open_window(qtbot, demo_path)
        window.resize(1000, 600)
        qtbot.waitExposed(window)
        xs = [b.mapTo(window, b.rect().center()).x() for b in _buttons(window)]
        field = window.toolbar.search_field
        assert xs == sorted(xs, reverse=True)  # the first action at the right
        assert field.mapTo(window, field.rect().center()).x() < xs[-1]
        assert _buttons(window)[0].text() == "طباعة موجز"
        window.runner.wait()
        window.close_archive()
    finally:
        QApplication.setLayoutDirection(Qt.LeftToRight)
        set_ui_language("en")


def test_window_size_position_splitters_and_toolbar_come_back(qtbot, demo_path):
    first = open_window(qtbot, demo_path)
    first.setGeometry(60, 40, 700, 500)  # within the 800 × 600 offscreen screen
    first.splitter.setSizes([200, 490])
    first.right_splitter.setSizes([180, 260])
    first.toolbar.hide()
    qtbot.wait(10)
    saved = (first.geometry(), first.splitter.sizes(), first.right_splitter.sizes())
    first.close()
    second = MainWindow(Settings())
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.geometry(), second.splitter.sizes(), second.right_splitter.sizes()) == saved
    assert not second.toolbar.isVisible()


def test_the_results_panel_waits_for_a_search_after_a_restart(qtbot, demo_path):
    first = open_window(qtbot, demo_path)
    first.search.box.setText("registro")
    first.search.run()
    assert first.search.isVisible()
    first.close()
    second = open_window(qtbot, demo_path)
    assert not second.search.isVisible()  # an empty results panel would only take room
    second.search.box.setText("registro")
    second.search.run()
    assert second.search.isVisible()
    second.runner.wait()
    second.close_archive()


LONG = "crear un registro en línea de los esfuerzos de los países y otras cosas"


def test_text_direction_of_the_first_strong_character():
    assert text_direction("14) crear") == Qt.LeftToRight
    assert text_direction("(1) تشجيع الدول") == Qt.RightToLeft
    assert text_direction("2015 – 10") is None


def _ink_height(image, left: int, right: int, top: int, bottom: int) -> int:
    """Rows between the first and last dark pixel in the columns ``left``..``right``."""
    rows = [y for y in range(top, bottom) for x in range(left, right)
            if QColor(image.pixel(x, y)).lightness() < 110]
    return max(rows) - min(rows) + 1 if rows else 0


@pytest.mark.parametrize("layout", [Qt.RightToLeft, Qt.LeftToRight])
def test_latin_text_elided_keeps_its_ellipsis_at_its_end(window, qtbot, layout):
    """In an Arabic (right-to-left) list, a Spanish row cut short ends in "…" on its
    right, where the Latin text ends; in a left-to-right list too."""
    view, model = window.outcome_view, window.outcome_model
    view.setLayoutDirection(layout)
    model.removeRows(0, model.rowCount())
    from piel_desktop.ui.main_window import _cell
    model.appendRow([_cell(LONG), _cell(""), _cell("")])
    view.header().setSectionResizeMode(0, QHeaderView.Interactive)
    view.setColumnWidth(0, 220)
    view.clearSelection()
    view.setCurrentIndex(QModelIndex())
    qtbot.wait(10)
    index = model.index(0, 0)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)  # as the view paints it
    option.rect = view.visualRect(index)
    view.itemDelegate().initStyleOption(option, index)
    if layout == Qt.RightToLeft:  # elided by the delegate (left to right, Qt elides it)
        assert option.text.startswith(LRI) and option.text.endswith("…" + PDI)
        assert LONG.startswith(option.text[1:-2])
    # The painted row: the dots of "…" are low and short; letters are taller.
    image = view.viewport().grab().toImage()
    rect = view.visualRect(index)
    ink = [x for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom())
           if QColor(image.pixel(x, y)).lightness() < 110]
    left, right = min(ink), max(ink)
    dots = view.fontMetrics().horizontalAdvance("…")
    assert _ink_height(image, right - dots + 2, right + 1, rect.top(), rect.bottom()) <= 3  # "…" at the right
    assert _ink_height(image, left, left + dots - 2, rect.top(), rect.bottom()) > 3  # "cr" at the left
