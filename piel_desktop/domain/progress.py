"""Progress and cancellation of long jobs, shared by the command line and the window.

A job calls :meth:`Progress.step` now and then; the window's worker forwards the
reports to a progress dialog and calls :meth:`Progress.cancel` from the GUI thread when
the user presses Cancel. The next ``step`` then raises :class:`Cancelled`, and the job
undoes what it started (a transaction rolls back, a half-written file is removed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from piel_desktop.domain.errors import Cancelled

Callback = Callable[[int, int, str], None]


class Progress:
    def __init__(self, callback: Callback | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def step(self, done: int, total: int, message: str = "") -> None:
        """Report ``done`` of ``total`` units; raise Cancelled if cancel was asked."""
        if self._cancel.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, message)


#: For callers that want no reports and no cancel.
SILENT = Progress()
