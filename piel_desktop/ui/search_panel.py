"""The search panel: a box that finds outcomes and meetings in every language.

A dock at the bottom of the main window; the query is typed in the toolbar's search
field (ui/toolbar.py, focused by Edit → Find…, Ctrl+F), or in the panel's own box where
there is no toolbar. Typing waits a quarter
of a second, then shows the first results at once, each with the matched words
highlighted and its meeting named; the total count follows. Clicking a result selects
its meeting and outcome in the window. Right-to-left texts are set right to left.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import RIGHT_TO_LEFT
from piel_desktop.i18n import _, format_number, language_name, ngettext, ui_language
from piel_desktop.messages import describe
from piel_desktop.services import search


def highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` as HTML with the character ranges ``spans`` in bold on a yellow ground."""
    parts, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        parts += [html.escape(text[at:start]),
                  f'<b style="background-color:#ffe58a">{html.escape(text[start:end])}</b>']
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


class SearchPanel(QDockWidget):
    """Search box and results for ``window`` (a MainWindow: ``archive``,
    ``select_meeting(number)``, ``select_outcome(id)``)."""

    LIMIT = 50

    def __init__(self, window) -> None:
        super().__init__(_("Search"), window)
        self.setObjectName("search")
        self.window_ = window
        self.box = QLineEdit()
        self.box.setPlaceholderText(_("Find words in outcomes and meetings, in any language"))
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName(_("Search"))
        self.status = QLabel()
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)
        self.results.anchorClicked.connect(self._open)
        self.results.setAccessibleName(_("Search results"))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        self.setWidget(body)
        self.timer = QTimer(self, singleShot=True, interval=250)
        self.timer.timeout.connect(self.run)
        self.box.textChanged.connect(self.timer.start)
        self.box.returnPressed.connect(self.run)
        self.hits: list[search.Hit] = []
        self.report_names: dict[str, str] = {}

    def use_box(self, box: QLineEdit) -> None:
        """Take the queries from ``box`` (the toolbar's search field) instead of the
        panel's own box, which is hidden; the panel still shows the results."""
        self.box.textChanged.disconnect(self.timer.start)
        self.box.returnPressed.disconnect(self.run)
        self.box.hide()
        self.box = box
        box.textChanged.connect(self.timer.start)
        box.returnPressed.connect(self.run)

    def find(self) -> None:
        """Put the cursor in the search box (Ctrl+F); the panel shows if the box is its
        own, or once there is something to show."""
        if self.box.parent() is self.widget() or self.box.text().strip():
            self.show()
            self.raise_()
        elif not self.box.parentWidget().isVisible():  # a toolbar the user had hidden
            self.box.parentWidget().show()
        self.box.setFocus(Qt.ShortcutFocusReason)
        self.box.selectAll()

    def run(self) -> None:
        """Search for the box's text in the window's archive and show the results."""
        self.timer.stop()
        query, archive = self.box.text().strip(), self.window_.archive
        if not query or archive is None:
            self.hits = []
            self.status.clear()
            self.results.clear()
            return
        if not self.isVisible():  # results appear in the panel, also when typed in the toolbar
            self.show()
            # A quarter of the window, so the outcome's details keep their room.
            self.window_.resizeDocks([self], [max(160, self.window_.height() // 4)], Qt.Vertical)
        try:
            self.hits = search.search(archive, query, limit=self.LIMIT)
            total = search.count(archive, query) if self.hits else 0
        except PielError as e:
            self.hits = []
            self.status.setText(describe(e))
            self.results.clear()
            return
        self.status.setText(_("No results.") if not self.hits else ngettext(
            "{n} result", "{n} results", total).format(n=format_number(total, ui_language())))
        self.report_names = _report_names(archive, self.hits)
        self.results.setHtml("".join(self._item(index, hit) for index, hit in enumerate(self.hits)))

    def _item(self, index: int, hit: search.Hit) -> str:
        direction = "rtl" if hit.lang in RIGHT_TO_LEFT else "ltr"
        where = [_("Meeting {number}").format(number=hit.meeting_number)] \
            if hit.meeting_number is not None else []
        if hit.report_key is not None:
            where.append(self.report_names.get(hit.report_key, ""))
        where.append(language_name(hit.lang, ui_language()))
        return (f'<p dir="{direction}"><a href="hit:{index}" style="text-decoration:none; color:inherit">'
                f'{highlighted(hit.text, hit.spans)}</a><br/>'
                f'<span style="color:#5f6b7a">{html.escape(" · ".join(where))}</span></p>')

    def _open(self, url: QUrl) -> None:
        index = int(url.toString().partition(":")[2] or -1)
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        if hit.meeting_number is not None:
            self.window_.select_meeting(hit.meeting_number)
        if hit.kind == "outcome":
            self.window_.select_outcome(uuid.UUID(hit.record_id))
        if hit.report_key is not None:
            from piel_desktop.ui.reports import open_reports
            reports = open_reports(self.window_)
            if reports is not None:
                reports.select(hit.report_key)


def _report_names(archive, hits) -> dict[str, str]:
    """report key -> "Report C18/42" (its symbol, else its session), for the hits of
    a report's own texts."""
    if not any(hit.report_key for hit in hits):
        return {}
    from piel_desktop.services.council_report import list_reports
    return {r.key: _("Report {symbol}").format(symbol=r.symbol or r.session_year or "")
            for r in list_reports(archive)}


def install(window) -> SearchPanel:
    """Add the search panel to ``window``, hidden, with Edit → Find… (Ctrl+F)."""
    panel = SearchPanel(window)
    window.addDockWidget(Qt.BottomDockWidgetArea, panel)
    panel.hide()
    action = QAction(_("&Find…"), window)
    action.setShortcut(QKeySequence.Find)
    action.triggered.connect(panel.find)
    window.edit_menu.addAction(action)
    panel.find_action = action
    return panel
