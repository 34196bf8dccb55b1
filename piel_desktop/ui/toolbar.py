"""The main window's toolbar: the daily actions with their icons and text under them,
and a search field that is always there.

Print brief, Import package, Export package and New outcome are the window's own
actions (menus and toolbar share them, so both are enabled alike). Icons come from
the desktop's icon theme by their freedesktop names; where there is no theme (Windows,
offscreen, a bare X server) the style's standard icons stand in. In a right-to-left
interface Qt lays the toolbar out from the right. Typing in the search field searches
with the search panel (ui/search_panel.py), whose dock shows the results; Ctrl+F puts
the cursor in the field.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QLineEdit, QStyle, QToolBar

from piel_desktop.i18n import _
from piel_desktop.ui.search_panel import SearchPanel

#: Width of the search field in pixels: room for a few words of a query.
SEARCH_WIDTH = 260


class _SyncActions(Protocol):
    import_action: QAction
    export_action: QAction


class ToolbarWindow(Protocol):
    """What the toolbar needs of the main window."""

    brief_action: QAction
    new_outcome_action: QAction
    sync: _SyncActions
    search: SearchPanel

    def addToolBar(self, toolbar: QToolBar) -> None: ...


def themed_icon(names: tuple[str, ...], fallback: QStyle.StandardPixmap) -> QIcon:
    """The first of ``names`` (freedesktop icon names such as "document-print") that
    the icon theme has, else the application style's ``fallback``."""
    for name in names:
        if QIcon.hasThemeIcon(name):
            return QIcon.fromTheme(name)
    return QApplication.style().standardIcon(fallback)


#: (window action attribute, freedesktop icon names tried in order, style fallback)
_ICONS = (
    ("brief_action", ("document-print",), QStyle.SP_FileDialogDetailedView),  # a page of text
    ("import_action", ("document-import", "document-open"), QStyle.SP_DialogOpenButton),
    ("export_action", ("document-export", "document-send", "document-save-as"), QStyle.SP_DialogSaveButton),
    ("new_outcome_action", ("list-add", "document-new"), QStyle.SP_FileIcon),  # a blank page
)


class MainToolbar(QToolBar):
    """The toolbar; ``search_field`` is its search box."""

    def __init__(self, window: ToolbarWindow) -> None:
        super().__init__(_("Toolbar"))
        self.setObjectName("main_toolbar")  # keys it in the window's saved state
        self.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
        self.setMovable(False)
        for attribute, names, fallback in _ICONS:
            owner = window.sync if attribute in ("import_action", "export_action") else window
            action: QAction = getattr(owner, attribute)
            action.setIcon(themed_icon(names, fallback))
            self.addAction(action)
        self.addSeparator()
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(_("Search"))
        self.search_field.setToolTip(_("Find words in outcomes and meetings, in any language"))
        self.search_field.setAccessibleName(_("Search"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setFixedWidth(SEARCH_WIDTH)
        self.search_field.addAction(themed_icon(("edit-find",), QStyle.SP_FileDialogContentsView),
                                    QLineEdit.LeadingPosition)
        self.addWidget(self.search_field)
        window.search.use_box(self.search_field)


def install(window: ToolbarWindow) -> MainToolbar:
    """Add the toolbar to ``window`` (above its views); returns it."""
    toolbar = MainToolbar(window)
    window.addToolBar(toolbar)
    return toolbar
