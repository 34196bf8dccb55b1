"""The registries windows (Records menu): country efforts, good practices, youth
consultations, documents, organisations and reports, each a list with filters, New /
Edit / Delete, and Undo / Redo of those steps (services/history.py, shared with the Edit
menu); and the menu entry of the mandate window (ui/mandate.py).

The list itself, and what differs by kind, is ui/record_list.py.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout

from piel_desktop.i18n import _
from piel_desktop.ui import edit_actions, reports
from piel_desktop.ui.dialogs import show_beside
from piel_desktop.ui.mandate import MANDATE_MENU, MANDATE_SHORTCUT, open_mandate
from piel_desktop.ui.record_list import LISTS, RecordList


class RegistryDialog(edit_actions.StepsWindow):
    """The list of one registry for ``window``'s archive (a MainWindow: ``archive``,
    ``history``), with its filters, actions, and Undo / Redo."""

    def __init__(self, window, kind_name: str) -> None:
        super().__init__(window)
        self.window_, self.kind_name, self.spec = window, kind_name, LISTS[kind_name]
        self.setWindowTitle(_(self.spec.title))
        self.resize(900, 520)
        self.list = RecordList(window, kind_name, self)
        for name in ("model", "view", "text", "country", "year", "count", "new_button", "edit_button",
                     "delete_button", "open_button", "up_button", "down_button", "current", "select",
                     "new", "edit", "delete", "move", "open_file"):
            setattr(self, name, getattr(self.list, name))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.add_undo_buttons(self.list.buttons)
        self.list.changed = self._enable
        self.reload()

    def reload(self, *_args) -> None:
        if self.window_.archive is None:
            self.close()
            return
        self.list.reload()
        self._enable()

    def after_step(self) -> None:
        self.list.after(None)
        self._enable()



def install(window) -> None:
    """Add the Records menu (before Help) and the registries' File → Export list entries."""
    window.records_menu = window.menuBar().addMenu(_("&Records"))
    window.menuBar().insertMenu(window.help_menu.menuAction(), window.records_menu)
    window.registry_actions = {}
    for kind_name, spec in LISTS.items():
        if not spec.menu:
            continue
        action = QAction(_(spec.menu), window)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.triggered.connect(lambda _checked=False, k=kind_name: open_registry(window, k))
        window.records_menu.addAction(action)
        window.registry_actions[kind_name] = action
        if spec.table:
            export = QAction(_(spec.export), window)
            export.triggered.connect(lambda _checked=False, t=spec.table: window.sync.export_list(t))
            window.list_menu.addAction(export)
    reports.install(window)
    window.mandate_action = QAction(_(MANDATE_MENU), window)
    window.mandate_action.setShortcut(QKeySequence(MANDATE_SHORTCUT))
    window.mandate_action.triggered.connect(lambda _checked=False: open_mandate(window))
    window.records_menu.addAction(window.mandate_action)


def open_registry(window, kind_name: str) -> RegistryDialog | None:
    """Show the list of one registry (a window of its own, not modal)."""
    if window.archive is None:
        return None
    return show_beside(window, RegistryDialog(window, kind_name), "registry_dialog")

