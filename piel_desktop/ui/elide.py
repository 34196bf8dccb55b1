"""Eliding a cell's text by the text's own direction, not the list's.

Qt elides a cell that does not fit with ``Qt.ElideRight`` on the text in logical order,
then lays the result out in the view's direction. In an Arabic (right-to-left) window a
Spanish outcome becomes "crear un registro en líne…" in logical order, and the
right-to-left paragraph puts the neutral "…" after the Latin run, on its left:
"… crear un registro en líne". An Arabic text in a left-to-right window gets the same
mirror image. :class:`DirectionalElideDelegate` elides such a cell itself and isolates
the result (LRI/RLI … PDI, Unicode UAX #9), so the ellipsis stays at the end of the text
as that text reads: the right of Latin, the left of Arabic.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

#: Unicode isolates: left-to-right, right-to-left, and their end (UAX #9).
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"


def text_direction(text: str) -> Qt.LayoutDirection | None:
    """The direction of ``text``'s first strong character (UAX #9, rules P2–P3), or
    None for text without one (digits, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return Qt.LeftToRight
        if kind in ("R", "AL"):
            return Qt.RightToLeft
    return None


class DirectionalElideDelegate(QStyledItemDelegate):
    """The standard delegate, except that a cell whose text runs against the view's
    direction is elided at that text's own end and isolated (see the module's docstring).
    Cells in the view's own direction are left to Qt."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        text = option.text
        direction = text_direction(text)
        if not text or direction is None or direction == option.direction \
                or option.textElideMode == Qt.ElideNone:
            return
        style = option.widget.style() if option.widget is not None else QApplication.style()
        # The width the style gives the text: the text rectangle less its margins
        # (QCommonStyle uses PM_FocusFrameHMargin + 1 on each side).
        margin = style.pixelMetric(QStyle.PM_FocusFrameHMargin, None, option.widget) + 1
        width = style.subElementRect(QStyle.SE_ItemViewItemText, option, option.widget).width() - 2 * margin
        if width > 0 and option.fontMetrics.horizontalAdvance(text) > width:
            # Logical order: ElideRight cuts the end of the text, whichever side that is.
            text = option.fontMetrics.elidedText(text, option.textElideMode, width - 1)
        # Isolated, a text that fits keeps its trailing punctuation at its end too.
        option.text = f"{LRI if direction == Qt.LeftToRight else RLI}{text}{PDI}"


def install(view: QAbstractItemView) -> DirectionalElideDelegate:
    """Give ``view`` the delegate (for all its columns); returns it."""
    delegate = DirectionalElideDelegate(view)
    view.setItemDelegate(delegate)
    return delegate
