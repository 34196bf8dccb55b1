"""Language versions of a record's text, side by side with the original.

The original stays read-only on the left; on the right a person picks a language and
adds or corrects that version. Edits of several languages are kept while switching
between them, and all are returned together when the dialog is accepted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QPlainTextEdit, QWidget,
)

from piel_desktop.domain.model import LANGUAGES, RIGHT_TO_LEFT, LocalizedText, TranslationStatus
from piel_desktop.i18n import _, language_name, ui_language

_STATUS = {
    TranslationStatus.ORIGINAL: lambda: _("original"),
    TranslationStatus.OFFICIAL: lambda: _("official translation"),
    TranslationStatus.WORKING: lambda: _("working translation"),
}


def _editor(read_only: bool) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setReadOnly(read_only)
    editor.setMinimumSize(340, 220)
    return editor


def _set_direction(editor: QPlainTextEdit, lang: str) -> None:
    """Arabic is written right to left whatever the interface language."""
    editor.setLayoutDirection(Qt.RightToLeft if lang in RIGHT_TO_LEFT else Qt.LeftToRight)


class TextVersionsDialog(QDialog):
    """``changes()`` after acceptance: language -> new text, for the versions edited."""

    def __init__(self, text: LocalizedText, preferred: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Language versions"))
        self._text = text
        self._edited: dict[str, str] = {}
        original = text.original
        self.original_lang = original.lang if original else None
        shown = ui_language()
        self.original = _editor(read_only=True)
        self.original.setPlainText(original.text if original else "")
        if original:
            _set_direction(self.original, original.lang)
        self.language = QComboBox()
        for lang in LANGUAGES:
            if lang != self.original_lang:
                self.language.addItem(language_name(lang, shown), lang)
        self.editor = _editor(read_only=False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid = QGridLayout(self)
        heading = _("Original ({language})").format(
            language=language_name(self.original_lang, shown, capitalize=False)) if original else _("Original")
        grid.addWidget(QLabel(heading), 0, 0)
        grid.addWidget(self.language, 0, 1)
        grid.addWidget(self.original, 1, 0)
        grid.addWidget(self.editor, 1, 1)
        grid.addWidget(self.status, 2, 1)
        grid.addWidget(buttons, 3, 0, 1, 2)
        self._current = None
        self.language.currentIndexChanged.connect(self._switch)
        start = self.language.findData(preferred if preferred != self.original_lang else None)
        self.language.setCurrentIndex(max(0, start))
        self._switch()

    def _switch(self, _index: int = 0) -> None:
        if self._current is not None:
            self._keep(self._current)
        lang = self.language.currentData()
        self._current = lang
        version = self._text.get(lang)
        self.editor.setPlainText(self._edited.get(lang, version.text if version else ""))
        _set_direction(self.editor, lang)
        if version is None:
            note = _("No version in this language yet; what you write is kept as a working translation.")
        elif version.stale:
            note = _("This translation was made before its original last changed.")
        else:
            note = _STATUS[version.status]()
        self.status.setText(note)
        self.editor.setFocus()

    def _keep(self, lang: str) -> None:
        written = self.editor.toPlainText()
        version = self._text.get(lang)
        if written.strip() and written != (version.text if version else ""):
            self._edited[lang] = written
        else:
            self._edited.pop(lang, None)

    def changes(self) -> dict[str, str]:
        self._keep(self._current)
        return dict(self._edited)
