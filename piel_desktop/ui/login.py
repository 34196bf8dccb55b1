"""Logging in to an HQ archive: the person's own database account and password.

The password is asked for when the server wants one and the address and libpq
(``PGPASSFILE``, ``~/.pgpass``, the service file) gave none that it took. It is kept
only in memory, inside the open archive's connection address, for as long as the
archive is open; it is never written to the settings or any file.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from piel_desktop.domain.errors import LoginRefused
from piel_desktop.i18n import _
from piel_desktop.messages import describe
from piel_desktop.services.archive import Archive, archive_location, open_archive
from piel_desktop.settings import Settings
from piel_desktop.ui.dialogs import show_error

#: How many passwords are asked for before the refusal is shown as an error.
ATTEMPTS = 3


class LoginDialog(QDialog):
    """Account and password for the server of ``shown``; ``problem`` says why asked again."""

    def __init__(self, parent: QWidget | None, shown: str, user: str, problem: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Log in to the HQ archive"))
        layout = QVBoxLayout(self)
        intro = QLabel(_("The archive {location} is kept on a database server. Log in with your own "
                         "account.").format(location=f"\u2066{shown}\u2069"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if problem:
            refused = QLabel(problem)
            refused.setObjectName("login_problem")
            refused.setWordWrap(True)
            refused.setStyleSheet("color: #b42318")
            layout.addWidget(refused)
        form = QFormLayout()
        self.user = QLineEdit(user)
        self.user.setObjectName("login_user")
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.Password)
        form.addRow(_("&Account:"), self.user)
        form.addRow(_("&Password:"), self.password)
        layout.addLayout(form)
        note = QLabel(_("PIeL Desktop sends the password to the server only and never stores it."))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_("Log in"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if user else self.user).setFocus()


def open_with_login(parent: QWidget | None, address, ask=None) -> Archive | None:
    """Open the HQ archive at ``address`` (a server address from
    services.archive.archive_location), asking for the account and password while
    the server refuses the login; None if the person cancels. Raises the errors of
    open_archive, LoginRefused after ATTEMPTS refusals. ``ask(shown, user, problem)``
    returns (user, password) or None; by default the LoginDialog."""
    ask = ask or (lambda shown, user, problem: _ask(parent, shown, user, problem))
    try:
        return open_archive(address)
    except LoginRefused as refused:
        problem = describe(refused) if address.url.password else ""
    for _attempt in range(ATTEMPTS):
        answer = ask(address.shown, address.user, problem)
        if answer is None:
            return None
        user, password = answer
        try:
            return open_archive(address.with_login(user, password))
        except LoginRefused as refused:
            problem, last = describe(refused), refused
    raise last


def _ask(parent, shown: str, user: str, problem: str) -> tuple[str, str] | None:
    dialog = LoginDialog(parent, shown, user, problem)
    if dialog.exec() != QDialog.Accepted:
        return None
    return dialog.user.text().strip(), dialog.password.text()


class LoginWindow(Protocol):
    """What choose_server_archive needs of the main window."""

    settings: Settings
    archive: Archive | None

    def open_archive(self, location) -> bool: ...


def choose_server_archive(window: LoginWindow) -> None:
    """File → Open HQ archive: ask for the address (as IT gave it; the last one is
    offered) and open it, asking for the login if the server wants one."""
    text, ok = QInputDialog.getText(
        window, _("Open HQ archive"),
        _("Address of the HQ archive, such as postgresql://amina@db.office.example/piel or "
          "service=hq:"), text=window.settings.get("last_server") or "")
    if not ok or not text.strip():
        return
    try:
        location = archive_location(text.strip())
    except Exception as error:
        show_error(window, error)
        return
    if window.open_archive(location):
        window.settings.set("last_server", window.archive.shown)
        window.settings.save()
