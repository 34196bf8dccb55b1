"""Help → About: version, the open archive and its schema, and the licences of the
program, its bundled fonts and the libraries it runs on (piel_desktop.about)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from piel_desktop import APP_NAME, __version__, paths
from piel_desktop.about import FONTS, LIBRARIES, PROGRAM_LICENCE, SYSTEM_LIBRARIES, Component, version_of
from piel_desktop.i18n import _


def _licence_cell(component: Component) -> str:
    if component.licence_file:
        url = QUrl.fromLocalFile(str(paths.resources_dir() / component.licence_file)).toString()
        return f'<a href="{escape(url)}">{escape(component.licence)}</a>'
    return escape(component.licence)


def _rows(components: tuple[Component, ...]) -> str:
    rows = []
    for component in components:
        version = qVersion() if component.distribution == "PySide6-Essentials" else version_of(component)
        rows.append(f"<tr><td>{escape(component.name)}</td><td>{escape(version or '–')}</td>"
                    f"<td>{_licence_cell(component)}</td></tr>")
    return "".join(rows)


def licences_html(right_to_left: bool = False) -> str:
    """The licence tables shown in the About box (HTML), mirrored for a right-to-left
    interface."""
    direction, start = ("rtl", "right") if right_to_left else ("ltr", "left")
    head = "".join(f"<th align={start}>{escape(title)}</th>"
                   for title in (_("Component"), _("Version"), _("Licence")))
    tables = "".join(
        f"<h4>{escape(title)}</h4><table dir={direction} cellspacing=0 cellpadding=3>"
        f"<tr>{head}</tr>{_rows(components)}</table>"
        for title, components in ((_("Fonts in briefs and in the window"), FONTS), (_("Libraries"), LIBRARIES)))
    system = escape(_("A frozen installation also carries system libraries of the computer it "
                      "was built on ({names}), each under its own free licence.")
                    .format(names=", ".join(SYSTEM_LIBRARIES)))
    return f"<div dir={direction}>{tables}<p>{system}</p></div>"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None, archive_path: Path | None, schema_version: int | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About PIeL Desktop"))
        archive = f"\u2066{archive_path}\u2069" if archive_path else _("none")
        rtl = self.layoutDirection() == Qt.RightToLeft
        self.summary = QLabel(f"<div dir={'rtl' if rtl else 'ltr'}><p>" + "</p><p>".join([
            f"<b>{APP_NAME}</b> {__version__}",
            escape(_("Offline records manager for the ITU Council Working Group on Child Online Protection.")),
            escape(_("Archive: {path}").format(path=archive)),
            escape(_("Archive schema: {version}").format(version=schema_version or "–")),
            escape(_("Free software under the GNU General Public License, version 3 or later "
                     "({licence}).").format(licence=PROGRAM_LICENCE)),
        ]) + "</p></div>")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.licences = QTextBrowser()
        self.licences.setOpenExternalLinks(True)
        self.licences.setHtml(licences_html(rtl))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)


def show_about(parent: QWidget, archive_path: Path | None, schema_version: int | None) -> None:
    AboutDialog(parent, archive_path, schema_version).exec()
