"""The mandate window (Records → Mandate (instruments and clauses)…): the
instruments governing the body, and the clauses of the selected one, each a
:class:`~piel_desktop.ui.record_list.RecordList`, with Undo / Redo for the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from piel_desktop.i18n import N_, _
from piel_desktop.messages import instrument_name
from piel_desktop.services import registries
from piel_desktop.ui import edit_actions
from piel_desktop.ui.dialogs import show_beside
from piel_desktop.ui.record_list import RecordList, record_name

#: The mandate window's menu entry and key.
MANDATE_MENU, MANDATE_SHORTCUT = N_("&Mandate (instruments and clauses)…"), "Ctrl+Shift+I"


def clause_choices(archive, instrument_id, clause_id) -> dict[str, list]:
    """What a clause's editor offers: the instruments, and as its parent the clauses of
    its instrument other than itself and its sub-clauses."""
    instruments = [(r.id, instrument_name(r.values["kind"], r.values["number"], r.values["issuer"]))
                   for r in registries.list_records(archive, "instrument")]
    clauses = registries.list_records(archive, "clause", of={"instrument_id": instrument_id})
    below, inside = {clause_id}, False
    for r in clauses:  # in tree order: its sub-clauses follow it, deeper
        if r.id == clause_id:
            inside, depth = True, r.depth
        elif inside and r.depth > depth:
            below.add(r.id)
        else:
            inside = False
    parents = [(None, _("(none: a clause of its own)"))] + [
        (r.id, "\u2003" * r.depth + f"{r.values['number']} — {_short(r.values['text_id'])}")
        for r in clauses if r.id not in below]
    return {"instrument_id": instruments, "parent_id": parents}


def _short(text: str | None, most: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[:most - 1] + "…"


class MandateDialog(edit_actions.StepsWindow):
    """The mandate window: the instruments governing the body (resolutions and
    decisions), and below them the clauses of the selected one, sub-clauses indented
    under their clause; each list with New / Edit / Delete / Move up / Move down, and
    Undo / Redo for the window. Deleting an instrument asks, naming how many clauses
    go with it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(_("Mandate: instruments and clauses"))
        self.resize(1000, 680)
        self.instruments = RecordList(window, "instrument", self, changed=self._instrument_chosen)
        self.clauses = RecordList(window, "clause", self, of={"instrument_id": None}, changed=self._enable,
                                  choices=lambda archive, values, clause_id: clause_choices(
                                      archive, values.get("instrument_id"), clause_id))
        self.clauses_title = QLabel()
        self.clauses_title.setStyleSheet("font-weight: bold")
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.clauses_title)
        column.addWidget(self.clauses)
        upper = QWidget()
        top = QVBoxLayout(upper)
        top.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("Instruments"))
        heading.setStyleSheet("font-weight: bold")
        top.addWidget(heading)
        top.addWidget(self.instruments)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        steps = QHBoxLayout()
        steps.addStretch()
        self.add_undo_buttons(steps)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addLayout(steps)
        self.instruments.view.selectionModel().currentRowChanged.connect(lambda *_a: self._instrument_chosen())
        self.reload()
        if self.instruments.model.rows:
            self.instruments.select(self.instruments.model.rows[0].id)
        self.instruments.view.setFocus()

    def reload(self, *_args) -> None:
        if self.window_.archive is None:
            self.close()
            return
        self.instruments.reload()
        self._instrument_chosen()

    def _instrument_chosen(self) -> None:
        """Show the clauses of the selected instrument."""
        row = self.instruments.current()
        self.clauses.set_of({"instrument_id": row.id if row else None})
        self.clauses.reload()
        self.clauses_title.setText(
            _("Clauses of {instrument}").format(instrument=record_name("instrument", row)) if row
            else _("Clauses (choose an instrument above)"))
        self._enable()

    def after_step(self) -> None:
        for record_list in (self.instruments, self.clauses):
            record_list.after(None)
        self._instrument_chosen()


def open_mandate(window) -> MandateDialog | None:
    """Show the mandate window (a window of its own, not modal)."""
    if window.archive is None:
        return None
    return show_beside(window, MandateDialog(window), "registry_dialog")
